"""The SMS channel on the running bot: real form-encoded requests signed with the
twilio library's validator, answers parsed as TwiML."""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest
from twilio.request_validator import RequestValidator

from clinic_db.consults import open_requests
from tests.servers import TWILIO_TEST_TOKEN, Bot


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


def test_a_question_by_sms_is_answered_in_twiml(assistant: Bot) -> None:
    replies = text(assistant, new_number(), "how many sessions do i need")
    assert any("three to 15 times" in reply for reply in replies)
    assert len(replies) <= 3 and all(len(reply) <= 320 for reply in replies)


def test_buttons_are_numbered_and_a_number_answers(assistant: Bot) -> None:
    number = new_number()
    offer = text(assistant, number, "how much does it cost?")[-1]
    assert "Reply 1 for Yes, book a consult, 2 for No, thanks." in offer
    assert "anything else" in " ".join(text(assistant, number, "2"))


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


def test_stop_opts_out_until_start(assistant: Bot) -> None:
    number = new_number()
    assert "unsubscribed" in " ".join(text(assistant, number, "STOP"))
    assert text(assistant, number, "how many sessions do i need") == []
    assert text(assistant, number, "help") == []
    assert "subscribed" in " ".join(text(assistant, number, "start"))
    assert any("three to 15" in reply for reply in text(assistant, number, "how many sessions do i need"))


def test_help_says_what_the_service_is_and_how_to_stop(assistant: Bot) -> None:
    [reply] = text(assistant, new_number(), "HELP")
    assert "mesotherapy" in reply and "STOP" in reply


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
