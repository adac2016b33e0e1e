"""A staff member's reply reaches the patient on their channel: the website widget live
through the bot (socket.io), SMS through Twilio's REST API, and REST conversations not at
all (the reply is kept in the transcript, marked as not delivered)."""

from __future__ import annotations

import logging
import os
import urllib.error
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from channels.sms_segments import normalise
from clinic_db.sms_opt_outs import is_opted_out
from console.conversations import sms_number
from privacy.sms_numbers import number_hash
from staff.bot_api import add_staff_reply, addressable
from stores.message_marks import DELIVERED_KEY, STAFF_KEY

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 1000
TWILIO_API = "https://api.twilio.com"
WIDGET_CHANNEL, SMS_CHANNEL = "socketio", "sms"


class ReplyNotSent(Exception):
    """Why the patient did not get the reply, in words for staff."""


@dataclass(frozen=True)
class Sent:
    delivered: bool
    summary: str


class TwilioApiAt(TwilioHttpClient):
    """Twilio's HTTP client, sending to another address than api.twilio.com (TWILIO_API_URL:
    a test's stand-in, or a proxy)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=10)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        if url.startswith(TWILIO_API):
            url = self.base_url + url.removeprefix(TWILIO_API)
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    account, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not account or not token or not os.environ.get("TWILIO_FROM_NUMBER"):
        raise ReplyNotSent(
            "SMS replies need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER in the console's settings."
        )
    base_url = os.environ.get("TWILIO_API_URL")
    return Client(account, token, http_client=TwilioApiAt(base_url) if base_url else None)


def send_reply(conversation_id: str, channel: str, text: str, staff_email: str) -> Sent:
    """Deliver the reply, then keep it in the conversation; raises ReplyNotSent."""
    if not addressable(conversation_id):
        raise ReplyNotSent("The bot's API cannot address this conversation's id, so the reply cannot be kept there.")
    if channel == WIDGET_CHANNEL:
        _keep(conversation_id, text, {STAFF_KEY: staff_email, DELIVERED_KEY: True}, send_live=True)
        return Sent(True, "Sent to the patient's website chat: they see it while their chat is open.")
    if channel == SMS_CHANNEL:
        _send_sms(conversation_id, text)
        try:
            _keep(conversation_id, text, {STAFF_KEY: staff_email, DELIVERED_KEY: True}, send_live=False)
        except ReplyNotSent:
            return Sent(True, "Sent to the patient by SMS, but not kept in the transcript: the assistant's "
                              "server could not be reached.")
        return Sent(True, "Sent to the patient by SMS.")
    _keep(conversation_id, text, {STAFF_KEY: staff_email, DELIVERED_KEY: False}, send_live=False)
    return Sent(False, f"Kept in the transcript, but not delivered: {channel} conversations cannot receive staff "
                       "messages. Contact the patient another way.")


def _send_sms(conversation_id: str, text: str) -> None:
    number = sms_number(conversation_id)
    if number is None:
        raise ReplyNotSent("The patient's number could not be found in this conversation.")
    if is_opted_out(number_hash(number)):
        raise ReplyNotSent("The patient replied STOP: no SMS may be sent to this number until they reply START.")
    client = twilio_client()
    try:
        # GSM-7, as the assistant's own texts: one curly quote would make every segment 70 characters.
        client.messages.create(to=number, from_=os.environ["TWILIO_FROM_NUMBER"], body=normalise(text))
    except (TwilioException, OSError) as error:
        logger.error("SMS reply failed: %s", type(error).__name__)
        raise ReplyNotSent("Twilio did not accept the SMS; nothing was sent. Try again later.") from error


def _keep(conversation_id: str, text: str, metadata: dict[str, Any], send_live: bool) -> None:
    try:
        add_staff_reply(conversation_id, text, metadata, send_live=send_live)
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.error("staff reply not kept: %s", type(error).__name__)
        raise ReplyNotSent(
            "The assistant's server could not be reached; the reply was not kept. Is it running?"
        ) from error
