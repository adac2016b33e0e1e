"""Which buttons a number answers, from the conversation's events."""

from __future__ import annotations

from rasa.shared.core.events import BotUttered, UserUttered

from channels.sms import SMS_MESSAGE_KEY, buttons_last_offered

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
TOPICS = [{"title": "What is mesotherapy?", "payload": "What is mesotherapy?"}]


def sms(text: str, message_id: str) -> UserUttered:
    return UserUttered(text, metadata={SMS_MESSAGE_KEY: message_id})


def test_the_buttons_of_the_reply_to_the_last_sms_are_answered() -> None:
    events = [sms("hi", "SM1"), BotUttered("Hi!", {"buttons": TOPICS}), sms("does it hurt?", "SM2"),
              BotUttered("Not much.")]
    assert buttons_last_offered(events[:2]) == TOPICS
    assert buttons_last_offered(events) == []  # a number after an answer without choices picks nothing


def test_a_two_question_sms_is_one_reply() -> None:
    events = [sms("hi", "SM1"), BotUttered("Hi!", {"buttons": TOPICS}),
              sms("how much is it", "SM2"), BotUttered("Would you like to book one?", {"buttons": YES_NO}),
              sms("does it hurt", "SM2"), BotUttered("Not much.")]
    assert buttons_last_offered(events) == YES_NO


def test_messages_without_an_sms_id_are_one_reply_each() -> None:
    events = [UserUttered("hi"), BotUttered("Hi!", {"buttons": TOPICS}), UserUttered("ok"), BotUttered("Sure.")]
    assert buttons_last_offered(events) == []
