"""Twilio's SMS keywords, as a patient types them: "Stop.", "STOP!", "Stop please",
"stop texting me". Carriers treat these words as opt-out, opt-in and help requests,
so the assistant must too, whatever else is going on in the conversation.

Only a keyword alone (with punctuation and polite padding), or a plain request to
stop the texts, counts: "stop the booking" or "help me book" go to the assistant.
"""

from __future__ import annotations

import re
from enum import Enum


class Keyword(Enum):
    OPT_OUT = "opt-out"
    OPT_IN = "opt-in"
    # YES opts in only a number that has opted out; otherwise it answers the assistant.
    YES = "yes"
    HELP = "help"


KEYWORDS = {
    **dict.fromkeys(("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"), Keyword.OPT_OUT),
    **dict.fromkeys(("start", "unstop"), Keyword.OPT_IN),
    "yes": Keyword.YES,
    **dict.fromkeys(("help", "info"), Keyword.HELP),
}
POLITE = r"(?:please|pls|plz|thanks|thank you|thx|ty|now|ok|okay)"
PADDING = re.compile(rf"^(?:{POLITE}\s+)*(.*?)(?:\s+{POLITE})*$")
# Plain requests to stop the texts, in the words patients use.
STOP_REQUESTS = re.compile(
    r"(?:stop|quit|no more|don'?t|do not|never)\s+(?:texting|messaging|sending|send|text|message|contact|contacting)"
    r"(?:\s+(?:me|this number|messages|texts))*(?:\s+(?:any ?more|again))?"
    r"|opt\s*(?:me\s+)?out|unsubscribe me|remove me(?: from (?:this|the|your) list)?",
)


def plain_words(text: str) -> str:
    """Lower case, apostrophes kept, any other punctuation or symbol as a space."""
    words = re.sub(r"[^\w\s']+", " ", text.lower().replace("\u2019", "'"))
    return " ".join(words.split())


def sms_keyword(text: str) -> Keyword | None:
    """The keyword the message is, or None for anything meant for the assistant."""
    words = plain_words(text)
    padded = PADDING.fullmatch(words)
    core = padded.group(1) if padded else words
    if core in KEYWORDS:
        return KEYWORDS[core]
    return Keyword.OPT_OUT if STOP_REQUESTS.fullmatch(core) else None
