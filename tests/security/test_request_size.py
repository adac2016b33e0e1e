"""Finding 6: the bot server refuses a body over a few hundred KB (Sanic's default is 100 MB),
yet its own action calls, which carry the whole session, still fit."""

from __future__ import annotations

import json
import urllib.request
import uuid

from serving.bot import MAX_REQUEST_BYTES
from tests.servers import API_TOKEN, Bot


def test_an_oversized_body_is_refused_before_it_is_read(assistant: Bot) -> None:
    body = json.dumps({"sender": "size-check", "message": "a" * (MAX_REQUEST_BYTES + 1)}).encode()
    status, _ = assistant.post_raw(body)
    assert status == 413


def test_a_body_under_the_limit_is_answered(assistant: Bot) -> None:
    body = json.dumps({"sender": "size-check", "message": "hi", "padding": "a" * 100_000}).encode()
    status, _ = assistant.post_raw(body)
    assert status == 200


def current_session_bytes(assistant: Bot, sender: str) -> int:
    """The size of what an action call carries: the conversation's current session, as JSON."""
    url = f"{assistant.url}/conversations/{sender}/tracker?token={API_TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        return len(answer.read())


def test_a_long_conversation_can_still_book(assistant: Bot) -> None:
    """The bot's own action calls carry the whole session; compressed, they stay under the limit."""
    sender = f"long-talk-{uuid.uuid4().hex[:8]}"
    long_message = ("I have been reading a lot about mesotherapy for the fat on my belly and thighs " * 24)[:1900]
    while current_session_bytes(assistant, sender) <= MAX_REQUEST_BYTES * 1.5:
        assert assistant.texts(sender, long_message)
    assert "What is your name?" in assistant.texts(sender, "I want to book a consult")
    assert "phone number" in " ".join(assistant.texts(sender, "Maria Lopez"))
