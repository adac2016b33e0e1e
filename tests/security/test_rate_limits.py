"""Finding 6: no rate limit anywhere (unlimited messages, handoffs and bookings from one sender or address).
Now each conversation and each outside address has a limit (the defaults here), on REST, SMS and the socket;
a limited message gets a polite answer. Callers on this machine are trusted: no per-address limit."""

from __future__ import annotations

import asyncio
import json
import uuid
import xml.etree.ElementTree as ET

from channels.rate_limits import DEFAULT_PER_ADDRESS, DEFAULT_PER_CONVERSATION, RATE_LIMITED_REPLY, RateLimits
from tests.security.conftest import REST_TOKEN, GuardedBot, forwarded_for
from tests.security.socket_chat import ChatSocket
from tests.servers import Bot
from tests.test_sms_e2e import new_message_sid, new_number, post_sms

PER_CONVERSATION = int(DEFAULT_PER_CONVERSATION.split("/")[0])
PER_ADDRESS = int(DEFAULT_PER_ADDRESS.split("/")[0])
REDIS_URL = "redis://127.0.0.1:6379/5"  # as tests/test_lock_store.py
BLANK = " "  # answered by the channel itself: the quickest message that still counts


def rest(bot: GuardedBot, sender: str, headers: dict[str, str] | None = None) -> int:
    return bot.post(json.dumps({"sender": sender, "message": BLANK}).encode(), headers)[0]


def test_rest_conversation_limit(guarded_bot: GuardedBot) -> None:
    assert [rest(guarded_bot, "limits-rest") for _ in range(PER_CONVERSATION)] == [200] * PER_CONVERSATION
    status, answer = guarded_bot.post(json.dumps({"sender": "limits-rest", "message": "hi"}).encode())
    assert (status, json.loads(answer)) == (429, {"error": RATE_LIMITED_REPLY})
    assert rest(guarded_bot, "limits-rest-other") == 200


def test_rest_address_limit_spares_loopback(guarded_bot: GuardedBot) -> None:
    outside = {**forwarded_for("198.51.100.7"), "Authorization": f"Bearer {REST_TOKEN}"}
    statuses = [rest(guarded_bot, f"limits-ip-{i}", outside) for i in range(PER_ADDRESS + 1)]
    assert statuses == [200] * PER_ADDRESS + [429]
    neighbour = {**outside, **forwarded_for("198.51.100.8")}
    assert rest(guarded_bot, "limits-ip-neighbour", neighbour) == 200
    local = [rest(guarded_bot, f"limits-local-{i}") for i in range(PER_ADDRESS + 10)]
    assert local == [200] * (PER_ADDRESS + 10)


def test_sms_conversation_limit_says_so_once(guarded_bot: GuardedBot) -> None:
    bot, number = Bot(guarded_bot.url), new_number()

    def sms() -> list[str]:
        status, answer = post_sms(bot, {"From": number, "Body": BLANK, "MessageSid": new_message_sid()})
        assert status == 200, answer
        return [message.text or "" for message in ET.fromstring(answer).iter("Message")]

    answers = [sms() for _ in range(PER_CONVERSATION)]
    assert RATE_LIMITED_REPLY not in json.dumps(answers) and all(answers)
    assert sms() == [RATE_LIMITED_REPLY]
    assert sms() == []  # each SMS costs the clinic: silence until the window passes


def test_socket_session_limit(guarded_bot: GuardedBot) -> None:
    async def scenario() -> None:
        async with ChatSocket(guarded_bot.url) as chat:
            await chat.open()
            for count in range(1, PER_CONVERSATION + 1):  # one at a time, as a person types
                await chat.say(BLANK)
                assert await chat.heard_at_least(count)
            assert RATE_LIMITED_REPLY not in json.dumps(chat.heard)
            await chat.say(BLANK)
            assert await chat.hears(RATE_LIMITED_REPLY)

    asyncio.run(scenario())


def test_bot_servers_sharing_redis_share_the_counts() -> None:
    """With REDIS_URL, another server behind the load balancer gives no fresh allowance, nor a replay a second run."""
    first, second = (RateLimits(REDIS_URL, "2/minute", DEFAULT_PER_ADDRESS) for _ in range(2))
    conversation, message_sid = f"limits-{uuid.uuid4().hex}", new_message_sid()
    assert [first.allows(conversation), second.allows(conversation), first.allows(conversation)] == [True, True, False]
    assert [first.first_delivery(message_sid), second.first_delivery(message_sid)] == [True, False]
