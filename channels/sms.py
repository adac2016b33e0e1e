"""SMS through Twilio: `POST /webhooks/sms/webhook`.

Unlike Rasa's built-in Twilio channel this one checks Twilio's signature,
answers in the same HTTP response with TwiML (no outbound API call from the
event loop), turns buttons into numbered choices, honours STOP/START/HELP,
never uses the phone number as the conversation id, handles each MessageSid once
(a replayed or retried request gets empty TwiML) and limits each number's pace.
All SMS come from Twilio's servers, so a limit per client address would throttle
every patient at once: the limit here is per conversation (number).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator

from channels.rate_limits import RATE_LIMITED_REPLY, rate_limits
from channels.screening import SORRY_REPLY, ask_assistant, patient_blueprint, screening_reply
from channels.sms_replies import button_payload, sms_bodies, twiml
from clinic_db.sms_opt_outs import is_opted_out, opt_in, opt_out
from privacy.sms_numbers import SEALED_NUMBER_KEY, number_hash, seal, sender_id_for

logger = logging.getLogger(__name__)

OPT_OUT_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
OPT_IN_WORDS = {"start", "unstop"}
HELP_WORDS = {"help", "info"}
OPT_OUT_REPLY = (
    "You're unsubscribed from Liondale Medical's assistant and won't get more messages. Reply START to resume."
)
OPT_IN_REPLY = "You're subscribed to Liondale Medical's assistant again. Ask me anything about mesotherapy."
HELP_REPLY = (
    "Liondale Medical's assistant answers questions about mesotherapy and books consults. "
    "Reply STOP to unsubscribe. In an emergency, call 911."
)
MAX_BODY_BYTES = 16_384
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def form_fields(request: Request) -> dict[str, str]:
    """Twilio signs blank fields too (FromCity=, Body= of a picture-only MMS); Sanic's form drops them."""
    pairs = parse_qsl((request.body or b"").decode("utf-8", errors="replace"), keep_blank_values=True)
    return dict(pairs)


def twiml_response(bodies: list[str]) -> HTTPResponse:
    return response.text(twiml(bodies), content_type="text/xml")


class TwilioSmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioSmsInput:
        credentials = credentials or {}
        return cls(
            auth_token=os.environ.get(credentials.get("auth_token_env", "TWILIO_AUTH_TOKEN"), ""),
            public_url=os.environ.get(credentials.get("webhook_url_env", "TWILIO_WEBHOOK_URL"), ""),
        )

    def __init__(self, auth_token: str, public_url: str = "") -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        # The URL Twilio signs: set it when a proxy sits in front of the bot.
        self.public_url = public_url
        if not auth_token:
            logger.warning("SMS channel disabled: TWILIO_AUTH_TOKEN is not set")

    def is_signed_by_twilio(self, request: Request, params: dict[str, str]) -> bool:
        if self.validator is None:
            return False
        url = self.public_url or request.url
        return self.validator.validate(url, params, request.headers.get("X-Twilio-Signature", ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rate_limits()  # a bad limit in the environment stops the start-up, not a patient's message
        webhook = patient_blueprint("twilio_sms_webhook")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.text("request too large", status=413)
            if (request.content_type or "").split(";")[0].strip() != FORM_CONTENT_TYPE:
                return response.text("expected a form-encoded Twilio request", status=415)
            params = form_fields(request)
            if not self.is_signed_by_twilio(request, params):
                return response.text("invalid signature", status=403)
            number, text = params.get("From"), params.get("Body")
            if not number or text is None:
                return response.text("missing From or Body", status=400)
            message_id = params.get("MessageSid")
            if message_id and not rate_limits().first_delivery(message_id):
                return twiml_response([])  # Twilio's retry, or a replay: handled already
            try:
                return twiml_response(await self.answer(request, on_new_message, number, text))
            except SQLAlchemyError as error:  # opt-outs live in the clinic database
                logger.error("SMS opt-out lookup failed: %s", type(error).__name__)
                return twiml_response([SORRY_REPLY])

        return webhook

    async def answer(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]], number: str, text: str
    ) -> list[str]:
        keyed = number_hash(number)
        keyword = text.strip().lower()
        if keyword in OPT_OUT_WORDS:
            await asyncio.to_thread(opt_out, keyed)
            return [OPT_OUT_REPLY]
        if keyword in OPT_IN_WORDS:
            await asyncio.to_thread(opt_in, keyed)
            return [OPT_IN_REPLY]
        if await asyncio.to_thread(is_opted_out, keyed):
            return []
        sender = sender_id_for(number)
        if not rate_limits().allows(sender):
            return [RATE_LIMITED_REPLY] if rate_limits().first_sms_notice(sender) else []
        if keyword in HELP_WORDS:
            return [HELP_REPLY]
        refusal = screening_reply(text)
        if refusal:
            return [refusal]
        if keyword.rstrip(".)").isdigit():
            text = button_payload(text, await last_buttons(request, sender)) or text
        metadata = {SEALED_NUMBER_KEY: seal(number)}
        return sms_bodies(await ask_assistant(on_new_message, text, sender, self.name(), metadata))


async def last_buttons(request: Request, sender: str) -> list[dict[str, Any]]:
    """The buttons of the assistant's last message, from the shared tracker store."""
    agent = getattr(request.app.ctx, "agent", None)
    tracker = await agent.tracker_store.retrieve(sender) if agent else None
    for event in reversed(tracker.events if tracker else []):
        if event.type_name == "bot":
            return list((event.data or {}).get("buttons") or [])
    return []
