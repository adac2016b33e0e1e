"""Finding 6: a signed SMS request replayed with the same MessageSid (Twilio's retry, or a captured request
sent again: Twilio signs no timestamp) was processed twice. Now the replay gets empty TwiML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from privacy.sms_numbers import sender_id_for
from tests.security.conftest import GuardedBot
from tests.servers import Bot
from tests.test_sms_e2e import new_message_sid, new_number, post_sms

QUESTION = "how many sessions do i need"


def replies(answer: str) -> list[str]:
    return [message.text or "" for message in ET.fromstring(answer).iter("Message")]


def test_a_replayed_message_sid_is_handled_once(guarded_bot: GuardedBot) -> None:
    bot, number = Bot(guarded_bot.url), new_number()
    delivery = {"From": number, "To": "+15550100", "Body": QUESTION, "MessageSid": new_message_sid()}

    status, first = post_sms(bot, delivery)
    assert status == 200 and any("three to 15 times" in reply for reply in replies(first)), first
    for _ in range(2):
        status, replay = post_sms(bot, delivery)
        assert status == 200 and ET.fromstring(replay).tag == "Response" and replies(replay) == [], replay
    assert guarded_bot.said_in(sender_id_for(number), 1) == [QUESTION]

    # The next message (a new MessageSid) is answered as usual.
    status, answer = post_sms(bot, {**delivery, "MessageSid": new_message_sid()})
    assert status == 200 and replies(answer), answer
    assert guarded_bot.said_in(sender_id_for(number), 2) == [QUESTION, QUESTION]
