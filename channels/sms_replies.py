"""Turning the assistant's messages into SMS: numbered choices and TwiML."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

MAX_MESSAGES_PER_TURN = 3
MAX_SMS_CHARS = 320


def with_numbered_choices(message: dict[str, Any]) -> str:
    """Text plus 'Reply 1 for …' for the message's buttons."""
    text = message.get("text") or ""
    buttons = message.get("buttons") or []
    if not buttons:
        return text
    choices = ", ".join(f"{number} for {button['title']}" for number, button in enumerate(buttons, start=1))
    return f"{text}\nReply {choices}."


def fit(text: str, limit: int = MAX_SMS_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sms_bodies(messages: list[dict[str, Any]]) -> list[str]:
    """At most three SMS a turn, each at most 320 characters; extra ones are joined into the last."""
    bodies = [with_numbered_choices(m) for m in messages if m.get("text") or m.get("buttons")]
    if len(bodies) > MAX_MESSAGES_PER_TURN:
        bodies = [*bodies[: MAX_MESSAGES_PER_TURN - 1], "\n".join(bodies[MAX_MESSAGES_PER_TURN - 1 :])]
    return [fit(body) for body in bodies]


# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def twiml(bodies: list[str]) -> str:
    messages = "".join(f"<Message>{escape(NOT_XML.sub('', body))}</Message>" for body in bodies)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{messages}</Response>'


def button_payload(text: str, last_buttons: list[dict[str, Any]]) -> str | None:
    """'1' (or ' 1. ') answers the first button of the last message that had buttons."""
    choice = text.strip().rstrip(".)")
    if choice.isdecimal() and choice.isascii() and 1 <= int(choice) <= len(last_buttons):
        return str(last_buttons[int(choice) - 1]["payload"])
    return None
