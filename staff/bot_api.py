"""The bot server's HTTP API, as staff tools use it: resume a conversation paused for
staff, and add a staff member's reply to a conversation (sent live to the patient's
widget when asked). The token comes from RASA_API_TOKEN or the file the bot keeps it
in (serving/private_files.py); the bot's address from RASA_URL."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from typing import Any

from serving.private_files import KEPT_SECRETS, VAR_DIR

# Where the bot keeps its API token when RASA_API_TOKEN is not set.
API_TOKEN_FILE = VAR_DIR / KEPT_SECRETS["RASA_API_TOKEN"]
# Characters a URL path segment carries as they are. Rasa's HTTP API does not
# percent-decode conversation ids, so an id with any other character (a space,
# "%", "/", non-ASCII...) cannot be addressed through it.
PATH_SAFE = ":@!$&'()*+,;=~"
TIMEOUT_S = 10


def rasa_api_token() -> str:
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        return token
    return API_TOKEN_FILE.read_text().strip() if API_TOKEN_FILE.exists() else ""


def addressable(conversation_id: str) -> bool:
    return urllib.parse.quote(conversation_id, safe=PATH_SAFE) == conversation_id


def append_events(conversation_id: str, events: list[dict[str, Any]], **options: str) -> None:
    """POST the events to the conversation's tracker (under the bot's lock for it); raises
    urllib.error.URLError or OSError when the bot cannot be reached or refuses."""
    if not addressable(conversation_id):
        raise ValueError("the bot's HTTP API cannot address this conversation id")
    base = os.environ.get("RASA_URL", "http://localhost:5005")
    query = urllib.parse.urlencode({"token": rasa_api_token(), **options})
    url = f"{base}/conversations/{conversation_id}/tracker/events?{query}"
    request = urllib.request.Request(
        url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S):
        pass


def resume_conversation(conversation_id: str) -> None:
    """Append `resume` (and a listen, so messages sent while paused don't count as
    unanswered turns)."""
    append_events(conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}])


def add_staff_reply(conversation_id: str, text: str, metadata: dict[str, Any], send_live: bool) -> None:
    """The reply becomes a bot message in the conversation. With `send_live`, the bot also sends it
    on the channel of the patient's latest message (the website widget's socket.io room)."""
    event = {"event": "bot", "text": text, "metadata": metadata}
    options = {"output_channel": "latest", "execute_side_effects": "true"} if send_live else {}
    append_events(conversation_id, [event], **options)
