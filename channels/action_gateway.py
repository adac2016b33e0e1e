"""Custom-action calls go through the bot's own route `/webhooks/actions/webhook`.

It forwards each call to the action server (ACTION_SERVER_URL). When the action
server cannot be reached, it answers in the action server's own protocol so the
patient is never met with silence: a polite "can't do that right now, please
call the clinic" for what the patient asked for (a booking form also ends), and
nothing for background actions such as the once-per-conversation disclaimer.
An FAQ answer passes through here only when the patient picked it from a question
asked back (actions/which_answer.py); otherwise answers need no action server.

Only the bot may call it: every call must carry `Authorization: Bearer
$ACTION_SERVER_TOKEN` (endpoints.yml makes Rasa send it), which is passed on to
the action server; any other call gets 403, and nothing runs or is logged but
the refusal.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from privacy.tokens import ACTION_SERVER_TOKEN_ENV, bearer_matches

logger = logging.getLogger(__name__)

DEFAULT_ACTION_SERVER_URL = "http://localhost:5055/webhook"
# Actions whose failure the patient need not hear about.
BACKGROUND_ACTIONS = {"action_show_disclaimer", "action_clear_booking"}
UNAVAILABLE_RESPONSE = "utter_actions_unavailable"
TIMEOUT = aiohttp.ClientTimeout(total=10)
ACTION_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
DEFLATE = "deflate"


def unavailable_reply(action_name: str) -> dict[str, Any]:
    if action_name in BACKGROUND_ACTIONS:
        return {"events": [], "responses": []}
    if action_name.startswith("validate_"):
        # Ends the form; the follow-up action (e.g. submitting) tells the patient.
        return {"events": [{"event": "active_loop", "name": None}], "responses": []}
    return {"events": [], "responses": [{"response": UNAVAILABLE_RESPONSE}]}


def requested_action(request: Request) -> str:
    """The action named in a call, if it looks like an action name (it is logged); parsed only
    when the call failed, since the body holds the whole tracker (compressed, see serving/bot.py)."""
    try:
        body = zlib.decompress(request.body) if request.headers.get("Content-Encoding") == DEFLATE else request.body
        name = str(json.loads(body).get("next_action", ""))
    except (zlib.error, ValueError, AttributeError):
        name = ""
    return name if ACTION_NAME.fullmatch(name) else "an unnamed action"


class ActionGateway(InputChannel):
    """Not a patient channel: Rasa's channel mechanism is how the bot adds a route."""

    @classmethod
    def name(cls) -> str:
        return "actions"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ActionGateway:
        token = os.environ.get(ACTION_SERVER_TOKEN_ENV, "")
        if not token:
            logger.warning("%s is not set: every custom action call will be refused", ACTION_SERVER_TOKEN_ENV)
        return cls(os.environ.get("ACTION_SERVER_URL") or DEFAULT_ACTION_SERVER_URL, token)

    def __init__(self, action_server_url: str, token: str) -> None:
        self.action_server_url = action_server_url
        self.token = token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway = Blueprint("action_gateway", __name__)

        @gateway.route("/webhook", methods=["POST"])
        async def forward(request: Request) -> HTTPResponse:
            authorization = request.headers.get("Authorization")
            if not bearer_matches(authorization, self.token):
                logger.warning("Refused an action call without the action server token")
                return response.json({"error": "forbidden"}, status=403)
            headers = {"Content-Type": "application/json", "Authorization": authorization}
            if request.headers.get("Content-Encoding") == DEFLATE:
                headers["Content-Encoding"] = DEFLATE
            try:
                async with (
                    aiohttp.ClientSession(timeout=TIMEOUT) as session,
                    session.post(self.action_server_url, data=request.body, headers=headers) as answer,
                ):
                    if answer.status < 500:
                        return response.raw(await answer.read(), status=answer.status, content_type="application/json")
                    logger.error("Action server error %s for %s", answer.status, requested_action(request))
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.error("Action server unreachable for %s: %s", requested_action(request), type(error).__name__)
            return response.json(unavailable_reply(requested_action(request)))

        return gateway
