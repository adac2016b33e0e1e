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
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import ActiveLoop, AllSlotsReset, BotUttered, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator

from channels.rate_limits import RATE_LIMITED_REPLY, rate_limits
from channels.screening import SORRY_REPLY, ask_assistant, patient_blueprint, screening_reply
from channels.sms_keywords import Keyword, sms_keyword
from channels.sms_replies import button_payload, chosen_number, sms_bodies, twiml
from clinic_db.sms_opt_outs import is_opted_out, opt_in, opt_out
from privacy.sms_numbers import SEALED_NUMBER_KEY, number_hash, seal, sender_id_for

logger = logging.getLogger(__name__)

OPT_OUT_REPLY = (
    "You're unsubscribed from Liondale Medical's assistant and won't get more messages. Reply START to resume."
)
OPT_IN_REPLY = "You're subscribed to Liondale Medical's assistant again. Ask me anything about mesotherapy."
# HELP/INFO: who we are, the clinic's phone, how to opt out (domain/core.yml).
HELP_RESPONSE = "utter_sms_help"
# Twilio's id of the SMS (or a made-up one): the messages a two-question SMS is split
# into carry the same, so the reply to the whole SMS is known in the tracker.
SMS_MESSAGE_KEY = "sms_message_id"
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
                sms = IncomingSms(number, text, message_id or f"local-{uuid.uuid4().hex}")
                return twiml_response(await self.answer(request.app.ctx.agent, on_new_message, sms))
            except SQLAlchemyError as error:  # opt-outs live in the clinic database
                logger.error("SMS opt-out lookup failed: %s", type(error).__name__)
                return twiml_response([SORRY_REPLY])

        return webhook

    async def answer(
        self, agent: Agent, on_new_message: Callable[[UserMessage], Awaitable[Any]], sms: IncomingSms
    ) -> list[str]:
        """Keywords first, as carriers require (HELP even when opted out); then the assistant."""
        keyed, sender, keyword = number_hash(sms.number), sender_id_for(sms.number), sms_keyword(sms.text)
        if keyword is Keyword.HELP:
            return sms_bodies([await help_message(agent)])
        if keyword is Keyword.OPT_OUT:
            await asyncio.to_thread(opt_out, keyed)
            await end_open_form(agent, sender)
            return sms_bodies([{"text": OPT_OUT_REPLY}])
        opted_out = await asyncio.to_thread(is_opted_out, keyed)
        if keyword is Keyword.OPT_IN or (keyword is Keyword.YES and opted_out):
            await asyncio.to_thread(opt_in, keyed)
            return sms_bodies([{"text": OPT_IN_REPLY}])
        if opted_out:
            return []
        if not rate_limits().allows(sender):
            return [RATE_LIMITED_REPLY] if rate_limits().first_sms_notice(sender) else []
        refusal = screening_reply(sms.text)
        if refusal:
            return [refusal]
        text, choice = sms.text, chosen_number(sms.text)
        if choice is not None:
            text = button_payload(choice, await offered_buttons(agent, sender)) or text
        metadata = {SEALED_NUMBER_KEY: seal(sms.number), SMS_MESSAGE_KEY: sms.message_id}
        return sms_bodies(await ask_assistant(on_new_message, text, sender, self.name(), metadata))


@dataclass(frozen=True)
class IncomingSms:
    number: str
    text: str
    message_id: str


async def help_message(agent: Agent) -> dict[str, Any]:
    """The HELP reply, with the clinic's phone as the domain sets it (no conversation needed)."""
    tracker = DialogueStateTracker("sms-help", agent.domain.slots)
    return await agent.nlg.generate(HELP_RESPONSE, tracker, TwilioSmsInput.name()) or {}


async def end_open_form(agent: Agent, sender: str) -> None:
    """Opting out ends a booking under way and forgets its answers, so START does not bring it back."""
    async with agent.lock_store.lock(sender):
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None or not tracker.active_loop_name:
            return
        tracker.update_with_events([ActiveLoop(None), AllSlotsReset()], agent.domain)
        await agent.tracker_store.save(tracker)


async def offered_buttons(agent: Agent, sender: str) -> list[dict[str, Any]]:
    tracker = await agent.tracker_store.retrieve(sender)
    return buttons_last_offered(list(tracker.events) if tracker else [])


def buttons_last_offered(events: list[Event]) -> list[dict[str, Any]]:
    """The buttons a number answers: the last numbered list the patient was shown in this
    session, whenever it came ("5" after another answer still picks from the menu). Only
    a reply's last message with buttons is numbered (channels/sms_replies.py)."""
    session_start = max((index for index, event in enumerate(events) if isinstance(event, SessionStarted)), default=0)
    offered = [event for event in events[session_start:] if isinstance(event, BotUttered) and event.data.get("buttons")]
    return list(offered[-1].data["buttons"]) if offered else []
