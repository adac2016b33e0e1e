"""Finding 6: socket.io took 400 KB of metadata with a message (stored with it, copied into a slot) and raised
on malformed events. Socket messages now have REST's limits, and odd events get an answer, not an exception."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from channels.webchat import UNREADABLE_EVENT_REPLY
from tests.security.conftest import GuardedBot
from tests.security.socket_chat import ChatSocket

QUESTION, ANSWER = "how many sessions will i need?", "three to 15 times"


def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "metadata",
    [{"blob": "m" * 10_000}, deep(12), {"items": list(range(2000))}, "not an object", ["list"], {"x": b"\x00binary"}],
    ids=["10k-text", "12-levels", "2000-items", "string", "list", "binary"],
)
def test_metadata_over_rest_limits_is_refused_politely(guarded_bot: GuardedBot, metadata: Any) -> None:
    async def scenario() -> str:
        async with ChatSocket(guarded_bot.url) as chat:
            session = await chat.open()
            await chat.say(QUESTION, metadata=metadata)
            assert await chat.hears(UNREADABLE_EVENT_REPLY)
            await chat.say(QUESTION, metadata={"page": "/consults"})  # small metadata is fine
            assert await chat.hears(ANSWER)
            return session

    session = asyncio.run(scenario())
    assert guarded_bot.said_in(session, 1) == [QUESTION]
    stored = guarded_bot.stored(session)
    assert "mmmmmmmm" not in stored and "binary" not in stored and '"a": {"a"' not in stored


def test_a_packet_of_400_kb_is_refused_before_it_is_read(guarded_bot: GuardedBot) -> None:
    async def scenario() -> str:
        async with ChatSocket(guarded_bot.url) as chat:
            session = await chat.open()
            await chat.say(QUESTION, metadata={"blob": "m" * 400_000})
            assert not await chat.hears(ANSWER, wait_s=5), "engine.io read a 400 KB packet"
            return session

    session = asyncio.run(scenario())
    assert QUESTION not in guarded_bot.stored(session)


MALFORMED = [None, "text", 42, ["message", "hi"], {}, {"message": None}, {"message": 5}, {"message": ["hi"]},
             {"message": {"text": "hi"}}, {"metadata": {}}]


def test_malformed_events_get_an_answer_and_no_exception(guarded_bot: GuardedBot) -> None:
    async def scenario() -> None:
        async with ChatSocket(guarded_bot.url) as chat:
            await chat.open()
            for data in MALFORMED:
                chat.heard.clear()
                await chat.client.emit("user_uttered", data)
                assert await chat.hears(UNREADABLE_EVENT_REPLY), data
            for data in [None, "text", 42, ["x"], {}, {"session_id": {"nested": 1}}]:
                await chat.request_session(data)  # any session_request gets a session
            await chat.say(QUESTION)
            assert await chat.hears(ANSWER)

    asyncio.run(scenario())
    assert "Traceback" not in guarded_bot.log()


# Raw socket.io packets a hand-made client can send (the client library only builds well-formed ones).
RAW_PACKETS = ["2{}", "2[]", "25", "2[5]", '2["session_request",1,2]', '2["user_uttered",{"message":"hi"},3]',
               "2[bad", "2" + "[" * 5000 + "]" * 5000, "2[" + "1" * 5000 + "]", "9", '4{"message":"x"}', "7"]


def test_malformed_raw_packets_are_ignored_without_an_exception(guarded_bot: GuardedBot) -> None:
    async def scenario() -> None:
        async with ChatSocket(guarded_bot.url) as chat:
            await chat.open()
            for raw in RAW_PACKETS:
                await chat.client.eio.send(raw)
            await chat.say(QUESTION)
            assert await chat.hears(ANSWER)

    asyncio.run(scenario())
    assert "Traceback" not in guarded_bot.log()
