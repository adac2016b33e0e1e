"""The real bot server and action server, asked over the REST channel."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.servers import Bot


def joined(bot: Bot, sender: str, text: str) -> str:
    return " ".join(bot.texts(sender, text))


def test_answers_questions_from_the_clinic_text(assistant: Bot, sender: str) -> None:
    assert "almost 70 years" in joined(assistant, sender, "how long has mesotherapy been around")
    sessions = joined(assistant, sender, "how many sessions will i need?")
    assert "three to 15 times" in sessions
    assert "seven to ten days" in joined(assistant, sender, "how often?")
    assert "uncomfortable rather than painful" in joined(assistant, sender, "and does it hurt?")


def test_first_medical_answer_carries_the_disclaimer_once(assistant: Bot, sender: str) -> None:
    first = joined(assistant, sender, "what is mesotherapy")
    second = joined(assistant, sender, "is it safe")
    assert "not medical advice" in first
    assert "reputable practitioner" in second
    assert "not medical advice" not in second


def test_uncovered_question_is_declined_with_a_consult_offer(assistant: Bot, sender: str) -> None:
    replies = assistant.say(sender, "how much does it cost")
    assert "doesn't cover" in replies[0]["text"]
    offer = replies[-1]
    assert [b["payload"] for b in offer["buttons"]] == ["/request_consult", "/deny"]
    assert "anything else" in joined(assistant, sender, "no thanks")


def test_a_picked_answer_is_the_one_a_follow_up_is_read_after(assistant: Bot, sender: str) -> None:
    """The pick from a question asked back (actions/which_answer.py) is answered as the bot's own."""
    picked = joined(assistant, sender, '/faq{"answer_choice": "faq/side_effects"}')
    assert "redness, swelling and bruising" in picked
    assert "can last a few days" in joined(assistant, sender, "how long do they last?")
    assert "didn't" in joined(assistant, sender, '/faq{"answer_choice": "faq/made_up"}').lower()


def test_an_unsure_question_in_the_middle_of_a_booking_is_asked_back_and_the_booking_goes_on(
    assistant: Bot, sender: str
) -> None:
    assert "What is your name?" in joined(assistant, sender, "I'd like to book a consult")
    asked = assistant.say(sender, "question about the injections")
    assert "Do you mean one of these?" in asked[0]["text"]
    assert "What is your name?" in asked[-1]["text"]
    picked = joined(assistant, sender, asked[0]["buttons"][-1]["payload"])
    assert "anesthetic cream" in picked and "What is your name?" in picked
    assert "phone number" in joined(assistant, sender, "Sam Rivera")


def test_small_talk(assistant: Bot, sender: str) -> None:
    assert "virtual assistant" in joined(assistant, sender, "hi there")
    assert "not a person" in joined(assistant, sender, "am i talking to a bot?")
    assert "welcome" in joined(assistant, sender, "thanks!")
    assert "Take care" in joined(assistant, sender, "bye")


@pytest.mark.parametrize(
    "message",
    ["", "   ", "a" * 20_000, "😀😀😀", "¿Cuánto cuesta la mesoterapia?", "<script>alert(1)</script>", "/", "{}"],
    ids=["empty", "blank", "20k", "emoji", "spanish", "script", "slash", "braces"],
)
def test_bad_input_gets_a_polite_reply_not_an_error(assistant: Bot, sender: str, message: str) -> None:
    replies = assistant.say(sender, message)
    texts = [reply.get("text", "") for reply in replies]
    assert texts, "every message gets an answer"
    assert all("<script>" not in text and "Traceback" not in text for text in texts)


@pytest.mark.parametrize(
    "body",
    [b"not json", json.dumps({"sender": "x"}).encode(), json.dumps({"message": 5, "sender": []}).encode(), b"[]"],
    ids=["not-json", "no-message", "wrong-types", "list"],
)
def test_malformed_requests_are_never_a_server_error(assistant: Bot, body: bytes) -> None:
    status, _ = assistant.post_raw(body)
    assert status < 500


@pytest.mark.parametrize("channel", ["rest", "sms"])
def test_patient_channels_answer_health_checks(assistant: Bot, channel: str) -> None:
    with urllib.request.urlopen(f"{assistant.url}/webhooks/{channel}/", timeout=10) as answer:
        assert json.loads(answer.read()) == {"status": "ok"}
