"""What every channel checks before a message reaches the assistant."""

from __future__ import annotations

MAX_MESSAGE_CHARS = 2000

EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know about mesotherapy?"
TOO_LONG_REPLY = (
    "That message is too long for me to read (over 2,000 characters). "
    "Could you ask your question in a shorter message?"
)
UNREADABLE_REPLY = "Sorry, I couldn't read some characters in that message. Could you type it again?"
SORRY_REPLY = "Sorry, something went wrong on our side. Please try again, or call the clinic."


def screening_reply(text: str) -> str | None:
    """A polite reply for a message the assistant should not process, else None."""
    if not "".join(character for character in text if character.isprintable()).strip():
        return EMPTY_MESSAGE_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    if any("\ud800" <= character <= "\udfff" for character in text):  # broken UTF-16 from a client
        return UNREADABLE_REPLY
    return None
