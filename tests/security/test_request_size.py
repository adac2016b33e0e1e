"""Finding 6: the bot server refuses a body over a few hundred KB (Sanic's default is 100 MB)."""

from __future__ import annotations

import json

from serving.bot import MAX_REQUEST_BYTES
from tests.servers import Bot


def test_an_oversized_body_is_refused_before_it_is_read(assistant: Bot) -> None:
    body = json.dumps({"sender": "size-check", "message": "a" * (MAX_REQUEST_BYTES + 1)}).encode()
    status, _ = assistant.post_raw(body)
    assert status == 413


def test_a_body_under_the_limit_is_answered(assistant: Bot) -> None:
    body = json.dumps({"sender": "size-check", "message": "hi", "padding": "a" * 100_000}).encode()
    status, _ = assistant.post_raw(body)
    assert status == 200
