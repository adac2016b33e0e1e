"""What every channel checks before a message reaches the assistant."""

from __future__ import annotations

MAX_MESSAGE_CHARS = 2000

EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know about mesotherapy?"
SORRY_REPLY = "Sorry, something went wrong on our side. Please try again, or call the clinic."
TOO_LONG_REPLY = (
    "That message is too long for me to read (over 2,000 characters). "
    "Could you ask your question in a shorter message?"
)


def screening_reply(text: str) -> str | None:
    """A polite reply for a message the assistant should not process, else None."""
    if not text.strip():
        return EMPTY_MESSAGE_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    return None
