"""Finding 2: a socket.io client could `session_request` any conversation id (another widget's, a REST or
SMS sender's), hear its replies live and type into it. Now the server issues the ids and each socket writes
only to the session bound to it; a widget still gets its conversation back after a reload."""

from __future__ import annotations

import asyncio
import json
import re

from privacy.sms_numbers import sender_id_for
from tests.security.conftest import GuardedBot
from tests.security.socket_chat import ChatSocket
from tests.servers import Bot
from tests.test_sms_e2e import text as text_by_sms

ISSUED_ID = re.compile(r"web-[0-9a-f]{32}-[0-9a-f]{32}")
QUESTION, ANSWER = "how many sessions will i need?", "three to 15 times"
OTHER_QUESTION, OTHER_ANSWER = "does it hurt?", "uncomfortable rather than painful"


def test_the_server_issues_session_ids(guarded_bot: GuardedBot) -> None:
    async def confirmed(wanted: object) -> str:
        async with ChatSocket(guarded_bot.url) as chat:
            return await chat.open(wanted)

    async def scenario() -> None:
        fresh = await confirmed(None)
        assert ISSUED_ID.fullmatch(fresh), fresh
        nonce = fresh.split("-")[1]
        for made_up in ["patient-42", "0" * 32, f"web-{nonce}-{'0' * 32}", f"web-{'1' * 32}-{fresh[-32:]}", 7, ["x"]]:
            issued = await confirmed(made_up)
            assert issued != made_up and ISSUED_ID.fullmatch(issued), (made_up, issued)
        assert await confirmed(fresh) == fresh

    asyncio.run(scenario())


def test_a_second_socket_can_neither_read_nor_write_a_session_it_was_not_issued(guarded_bot: GuardedBot) -> None:
    async def scenario() -> None:
        async with ChatSocket(guarded_bot.url) as patient, ChatSocket(guarded_bot.url) as intruder:
            victim = await patient.open()
            # The intruder knows the id (a shoulder, a log) but not the server's secret: a look-alike gets its own.
            look_alike = f"web-{victim.split('-')[1]}-{'f' * 32}"
            own = await intruder.open(look_alike)
            assert own != victim
            await patient.say(QUESTION)
            assert await patient.hears(ANSWER)
            await intruder.say(OTHER_QUESTION, session_id=victim)  # naming the victim's session in the event
            assert await intruder.hears(OTHER_ANSWER)
            assert ANSWER not in json.dumps(intruder.heard), "the intruder heard the patient's conversation"
            assert not await patient.hears(OTHER_ANSWER, wait_s=1), "the intruder wrote into the patient's session"
        assert guarded_bot.said_in(victim, 1) == [QUESTION]
        assert guarded_bot.said_in(own, 1) == [OTHER_QUESTION]

    asyncio.run(scenario())


def test_a_socket_cannot_name_a_rest_or_sms_conversation(guarded_bot: GuardedBot) -> None:
    rest_sender, number = "rest-patient-socket-test", "+12125559871"
    sms_sender = sender_id_for(number)
    bot = Bot(guarded_bot.url)
    bot.say(rest_sender, QUESTION)
    text_by_sms(bot, number, QUESTION)

    async def scenario() -> None:
        for conversation in [rest_sender, sms_sender]:
            async with ChatSocket(guarded_bot.url) as intruder:
                assert await intruder.open(conversation) != conversation
                await intruder.say(OTHER_QUESTION, session_id=conversation)
                assert await intruder.hears(OTHER_ANSWER)

    asyncio.run(scenario())
    assert guarded_bot.said_in(rest_sender, 1) == [QUESTION]
    assert guarded_bot.said_in(sms_sender, 1) == [QUESTION]


def test_the_issued_session_carries_on_after_a_reconnect(guarded_bot: GuardedBot) -> None:
    async def scenario() -> str:
        async with ChatSocket(guarded_bot.url) as first:
            session = await first.open()
            await first.say(QUESTION)
            assert await first.hears(ANSWER)
        async with ChatSocket(guarded_bot.url) as again:  # a reload: rasa-webchat asks for the id it stored
            assert await again.open(session) == session
            await again.say(OTHER_QUESTION)
            assert await again.hears(OTHER_ANSWER)
        return session

    session = asyncio.run(scenario())
    assert guarded_bot.said_in(session, 2) == [QUESTION, OTHER_QUESTION]
