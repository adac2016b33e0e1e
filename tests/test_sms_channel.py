"""Which numbered list a number sent by SMS answers."""

from __future__ import annotations

from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered

from channels.sms import SMS_MESSAGE_KEY, buttons_last_offered

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
TOPICS = [{"title": "What is mesotherapy?", "payload": "What is mesotherapy?"}]


def sms(text: str, message_id: str) -> UserUttered:
    return UserUttered(text, metadata={SMS_MESSAGE_KEY: message_id})


def test_a_number_answers_the_last_numbered_list_whenever_it_came() -> None:
    events = [sms("hi", "SM1"), BotUttered("Hi!", {"buttons": TOPICS}), sms("does it hurt?", "SM2"),
              BotUttered("Not much."), sms("and the cost?", "SM3"), BotUttered("A provider can tell you.")]
    assert buttons_last_offered(events[:2]) == TOPICS
    assert buttons_last_offered(events) == TOPICS


def test_the_newest_list_wins() -> None:
    events = [sms("hi", "SM1"), BotUttered("Hi!", {"buttons": TOPICS}),
              sms("how much is it", "SM2"), BotUttered("Would you like to book one?", {"buttons": YES_NO}),
              sms("does it hurt", "SM2"), BotUttered("Not much.")]
    assert buttons_last_offered(events) == YES_NO


def test_a_new_session_forgets_the_old_lists() -> None:
    events = [UserUttered("hi"), BotUttered("Hi!", {"buttons": TOPICS}), SessionStarted(), UserUttered("5")]
    assert buttons_last_offered(events) == []
    assert buttons_last_offered([]) == []
