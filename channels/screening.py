"""What every channel checks before a message reaches the assistant, and how it
hands the message over."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000

EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know about mesotherapy?"
TOO_LONG_REPLY = (
    "That message is too long for me to read (over 2,000 characters). "
    "Could you ask your question in a shorter message?"
)
UNREADABLE_REPLY = "Sorry, I couldn't read some characters in that message. Could you type it again?"
SORRY_REPLY = "Sorry, something went wrong on our side. Please try again, or call the clinic."


def patient_blueprint(name: str) -> Blueprint:
    """A patient channel's blueprint, with the GET / health route every Rasa channel has."""
    webhook = Blueprint(name, __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return webhook


def screening_reply(text: str) -> str | None:
    """A polite reply for a message the assistant should not process, else None."""
    if not "".join(character for character in text if character.isprintable()).strip():
        return EMPTY_MESSAGE_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    if any("\ud800" <= character <= "\udfff" for character in text):  # broken UTF-16 from a client
        return UNREADABLE_REPLY
    return None


async def ask_assistant(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    sender: str,
    channel: str,
    metadata: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The assistant's replies; if it fails, an apology for the patient and no text in the log."""
    collector = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
    except Exception as error:
        logger.error("%s message failed: %s", channel, type(error).__name__)
        return [{"recipient_id": sender, "text": SORRY_REPLY}]
    return collector.messages
