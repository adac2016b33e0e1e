"""The SMS channel on the running bot: real form-encoded requests signed with the
twilio library's validator, answers parsed as TwiML."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from channels.sms_segments import segments
from clinic_db.consults import open_requests
from privacy.sms_numbers import sender_id_for
from tests.servers import API_TOKEN, TWILIO_TEST_TOKEN, Bot

CLINIC_PHONE = "(555) 010-0199"


def new_number() -> str:
    return f"+1212555{uuid.uuid4().int % 10_000:04d}"


def post_sms(
    bot: Bot,
    params: dict[str, str],
    token: str = TWILIO_TEST_TOKEN,
    content_type: str = "application/x-www-form-urlencoded",
    body: bytes | None = None,
) -> tuple[int, str]:
    url = f"{bot.url}/webhooks/sms/webhook"
    signature = RequestValidator(token).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=body if body is not None else urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": content_type, "X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def new_message_sid() -> str:
    """Twilio's id of one message: the channel handles each once."""
    return f"SM{uuid.uuid4().hex}"


def text(bot: Bot, number: str, body: str) -> list[str]:
    status, answer = post_sms(bot, {"From": number, "To": "+15550100", "Body": body, "MessageSid": new_message_sid()})
    assert status == 200, answer
    return [message.text or "" for message in ET.fromstring(answer).iter("Message")]


def reply_segments(replies: list[str]) -> int:
    return sum(segments(reply) for reply in replies)


def tracker_of(bot: Bot, number: str) -> dict:
    url = f"{bot.url}/conversations/{sender_id_for(number)}/tracker?token={API_TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_a_question_by_sms_is_answered_in_twiml(assistant: Bot) -> None:
    replies = text(assistant, new_number(), "how many sessions do i need")
    assert any("three to 15 times" in reply for reply in replies)
    assert reply_segments(replies) <= 4


def test_hi_offers_the_main_topics_as_numbers_and_a_number_answers(assistant: Bot) -> None:
    number = new_number()
    [greeting] = text(assistant, number, "hi")
    assert greeting.endswith(
        "Reply 1 for What is mesotherapy?, 2 for Preparing, 3 for The appointment, 4 for Is it safe?, "
        "5 for Book a consult, 6 for Talk to a person."
    )
    assert reply_segments([greeting]) <= 4
    answer = " ".join(text(assistant, number, " 1. "))
    assert "injects tiny doses" in answer and "not medical advice" in answer


def test_a_greeting_after_the_first_is_brief(assistant: Bot) -> None:
    number = new_number()
    text(assistant, number, "hello")
    text(assistant, number, "does it hurt?")
    [again] = text(assistant, number, "hello")
    assert "Hello again" in again and "virtual assistant" not in again and "Reply 1" not in again


def test_two_questions_in_the_first_sms_come_with_the_disclaimer_and_911_once(assistant: Bot) -> None:
    replies = text(assistant, new_number(), "what are the side effects? and how many sessions do I need?")
    together = "\n\n".join(replies)
    assert together.index("bruising") < together.index("not medical advice") < together.index("three to 15")
    assert together.count("911") == 1
    assert reply_segments(replies) <= 5  # two answers: the one reply allowed a fifth segment


def test_buttons_are_numbered_and_a_number_answers(assistant: Bot) -> None:
    number = new_number()
    offer = text(assistant, number, "how much does it cost?")[-1]
    assert "Reply 1 for Yes, book a consult, 2 for No, thanks." in offer
    assert "anything else" in " ".join(text(assistant, number, "2"))


def test_an_unclear_question_is_asked_back_and_a_number_picks_the_answer(assistant: Bot) -> None:
    number = new_number()
    asked = " ".join(text(assistant, number, "question about the injections"))
    assert "Do you mean one of these?" in asked
    assert "3 for What happens at a session" in asked
    assert "anesthetic cream" in " ".join(text(assistant, number, "3"))


@pytest.mark.parametrize(
    ("token", "signed"), [("wrong-token", True), (TWILIO_TEST_TOKEN, False)], ids=["forged", "unsigned"]
)
def test_unsigned_or_forged_requests_are_refused(assistant: Bot, token: str, signed: bool) -> None:
    params = {"From": new_number(), "Body": "hi"}
    if signed:
        assert post_sms(assistant, params, token=token)[0] == 403
    else:
        request = urllib.request.Request(
            f"{assistant.url}/webhooks/sms/webhook", data=urllib.parse.urlencode(params).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403


def test_bad_requests_get_a_4xx_never_a_5xx(assistant: Bot) -> None:
    assert post_sms(assistant, {"From": new_number()})[0] == 400
    assert post_sms(assistant, {"Body": "hi"})[0] == 400
    assert post_sms(assistant, {"From": "x", "Body": "hi"}, content_type="application/json", body=b"{}")[0] == 415
    huge = {"From": new_number(), "Body": "x" * 20_000}
    assert post_sms(assistant, huge)[0] == 413


OPT_OUTS = ["STOP", "Stop.", "STOP!", "Stop please", "stop texting me", "STOPALL", "unsubscribe", "CANCEL",
            "end", "Quit."]
OPT_INS = ["START", "start.", "UNSTOP", "Yes"]


@pytest.mark.parametrize(("opt_out", "opt_in"), [(word, OPT_INS[n % len(OPT_INS)]) for n, word in enumerate(OPT_OUTS)])
def test_opt_out_keywords_silence_the_number_until_an_opt_in(assistant: Bot, opt_out: str, opt_in: str) -> None:
    number = new_number()
    assert "unsubscribed" in " ".join(text(assistant, number, opt_out))
    assert text(assistant, number, "how many sessions do i need") == []
    assert "subscribed" in " ".join(text(assistant, number, opt_in))
    assert any("three to 15" in reply for reply in text(assistant, number, "how many sessions do i need"))


@pytest.mark.parametrize("keyword", ["HELP", "help", "Info", "help please"])
def test_help_is_answered_opted_out_or_not_with_the_clinic_phone(assistant: Bot, keyword: str) -> None:
    number = new_number()
    for _ in ("subscribed", "opted out"):
        [reply] = text(assistant, number, keyword)
        assert "Liondale Medical" in reply and CLINIC_PHONE in reply and "STOP" in reply
        text(assistant, number, "STOP")


def test_yes_answers_the_assistant_when_subscribed(assistant: Bot) -> None:
    number = new_number()
    text(assistant, number, "how much does it cost?")
    assert "What is your name?" in " ".join(text(assistant, number, "yes"))


def test_opting_out_ends_the_booking_and_start_does_not_bring_it_back(assistant: Bot) -> None:
    number = new_number()
    text(assistant, number, "i want to book a consult")
    text(assistant, number, "Maria Lopez")
    assert tracker_of(assistant, number)["active_loop"].get("name") == "consult_form"
    text(assistant, number, "stop texting me")
    text(assistant, number, "START")
    tracker = tracker_of(assistant, number)
    assert not tracker["active_loop"].get("name")
    assert tracker["slots"]["patient_name"] is None
    assert "best phone number" not in " ".join(text(assistant, number, "weekday evenings"))  # the form's next question


def test_the_booking_says_exit_by_sms_and_exit_stops_it(assistant: Bot) -> None:
    number = new_number()
    start = " ".join(text(assistant, number, "i want to book a consult"))
    assert "reply EXIT" in start and "never mind" not in start and "cancel" not in start.lower()
    text(assistant, number, "Maria Lopez")
    assert "cancelled the booking" in " ".join(text(assistant, number, "EXIT"))
    assert not tracker_of(assistant, number)["active_loop"].get("name")


@pytest.mark.database
def test_booking_by_sms_offers_the_texting_number_and_never_keys_on_it(
    assistant: Bot, clean_database: str
) -> None:
    number = new_number()
    text(assistant, number, "how long has mesotherapy been around")
    assert assistant.workdir is not None
    with sqlite3.connect(assistant.workdir / "tracker.db") as tracker_db:
        dump = "\n".join(tracker_db.iterdump())
    assert number[2:] not in dump, "the phone number must not be in the tracker store"

    text(assistant, number, "i want to book a consult")
    after_name = " ".join(text(assistant, number, "Maria Lopez"))
    assert "days and times" in after_name  # contact pre-filled from the texting number
    text(assistant, number, "weekday evenings")
    consent = " ".join(text(assistant, number, "hair loss"))
    assert number[-4:] in consent and "Reply 1 for Yes" in consent  # the texting number, told by its last digits
    text(assistant, number, "1")
    text(assistant, number, "yes")
    [row] = open_requests(clean_database)
    assert (row.contact, row.channel) == (number, "sms")
