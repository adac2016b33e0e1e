"""Turning the assistant's reply into SMS: numbered choices, GSM-7 segments and TwiML."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from channels.sms_segments import normalise, segments

# Messages of one reply are joined into one SMS while that costs no extra segment,
# up to the 4 segments an ordinary reply may take in all.
MAX_BODY_SEGMENTS = 4
# Twilio refuses longer bodies; only a reply that echoes very long answers comes near.
MAX_BODY_CHARS = 1600
BETWEEN_MESSAGES = "\n\n"
# Said once per reply, however many of its messages end with it.
EMERGENCY_LINES = ("In an emergency, call 911.", "En una emergencia, llame al 911.")


def numbered_choices(buttons: list[dict[str, Any]]) -> str:
    choices = ", ".join(f"{number} for {button['title']}" for number, button in enumerate(buttons, start=1))
    return f"Reply {choices}."


def last_with_buttons(messages: list[dict[str, Any]]) -> int | None:
    """Where the choices a number answers are: the reply's last message with buttons."""
    return max((index for index, message in enumerate(messages) if message.get("buttons")), default=None)


def message_texts(messages: list[dict[str, Any]]) -> list[str]:
    """Each message's text; the last buttons as 'Reply 1 for …' (earlier ones have no number to answer)."""
    offered = last_with_buttons(messages)
    texts = []
    for index, message in enumerate(messages):
        text = message.get("text") or ""
        if index == offered:
            text = f"{text}\n{numbered_choices(message['buttons'])}".strip()
        if text:
            texts.append(text)
    return texts


def without_repeats(texts: list[str], lines: tuple[str, ...] = EMERGENCY_LINES) -> list[str]:
    """The texts with each of `lines` kept only where it first appears."""
    said: set[str] = set()
    kept = []
    for text in texts:
        for line in lines:
            if line in text and line in said:
                text = re.sub(r"[ ]{2,}", " ", text.replace(line, "")).strip()
            elif line in text:
                said.add(line)
        if text:
            kept.append(text)
    return kept


def joins_well(body: str, text: str) -> bool:
    together = segments(body + BETWEEN_MESSAGES + text)
    return together <= MAX_BODY_SEGMENTS and together <= segments(body) + segments(text)


def packed(texts: list[str]) -> list[str]:
    """Consecutive texts joined into as few SMS as the segments allow, in order."""
    bodies: list[str] = []
    for text in texts:
        if bodies and joins_well(bodies[-1], text):
            bodies[-1] += BETWEEN_MESSAGES + text
        else:
            bodies.append(text)
    return bodies


def fit(text: str, limit: int = MAX_BODY_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def sms_bodies(messages: list[dict[str, Any]]) -> list[str]:
    """The reply as SMS bodies: GSM-7 where possible, nothing cut, 911 once."""
    texts = without_repeats([normalise(text) for text in message_texts(messages)])
    return [fit(body) for body in packed(texts)]


# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def twiml(bodies: list[str]) -> str:
    messages = "".join(f"<Message>{escape(NOT_XML.sub('', body))}</Message>" for body in bodies)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


def chosen_number(text: str) -> int | None:
    """The number a reply like '1', ' 2 ' or '1.' picks, else None."""
    choice = text.strip().rstrip(".)!")
    return int(choice) if choice.isdecimal() and choice.isascii() else None


def button_payload(choice: int, offered_buttons: list[dict[str, Any]]) -> str | None:
    """The payload of the chosen button (1 is the first of those last offered)."""
    return str(offered_buttons[choice - 1]["payload"]) if 1 <= choice <= len(offered_buttons) else None
