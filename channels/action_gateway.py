"""Custom-action calls go through the bot's own route `/webhooks/actions/webhook`.

It forwards each call to the action server (ACTION_SERVER_URL). When the action
server cannot be reached, it answers in the action server's own protocol so the
patient is never met with silence: a polite "can't do that right now, please
call the clinic" for what the patient asked for (a booking form also ends), and
nothing for background actions such as the once-per-conversation disclaimer.
FAQ answers never pass through here: they need no action server.

Rasa checks every action response against its JSON schema with
`jsonschema.validate`, which first re-validates the schema itself: about 20 ms of
CPU per action call, a third of a busy server's time. The gateway makes Rasa use
a validator compiled once instead (same schema, same errors).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

DEFAULT_ACTION_SERVER_URL = "http://localhost:5055/webhook"
# Actions whose failure the patient need not hear about.
BACKGROUND_ACTIONS = {"action_show_disclaimer"}
UNAVAILABLE_RESPONSE = "utter_actions_unavailable"
TIMEOUT = aiohttp.ClientTimeout(total=10)


@functools.cache
def action_response_validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_response(_: RemoteAction, result: dict[str, Any]) -> bool:
    """What `jsonschema.validate` does, without re-checking the schema on every call."""
    error = jsonschema.exceptions.best_match(action_response_validator().iter_errors(result))
    if error is not None:
        raise error
    return True


def use_compiled_validator() -> None:
    """Make Rasa check action responses with `validate_action_response` (the bot and bench/inprocess.py)."""
    RemoteAction._validate_action_result = validate_action_response  # type: ignore[method-assign]


def unavailable_reply(action_name: str) -> dict[str, Any]:
    if action_name in BACKGROUND_ACTIONS:
        return {"events": [], "responses": []}
    if action_name.startswith("validate_"):
        # Ends the form; the follow-up action (e.g. submitting) tells the patient.
        return {"events": [{"event": "active_loop", "name": None}], "responses": []}
    return {"events": [], "responses": [{"response": UNAVAILABLE_RESPONSE}]}


def requested_action(request: Request) -> str:
    """The action named in a call; parsed only when the call failed (the body holds the whole tracker)."""
    return str((request.json or {}).get("next_action", ""))


class ActionGateway(InputChannel):
    """Not a patient channel: Rasa's channel mechanism is how the bot adds a route."""

    @classmethod
    def name(cls) -> str:
        return "actions"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ActionGateway:
        use_compiled_validator()
        return cls(os.environ.get("ACTION_SERVER_URL") or DEFAULT_ACTION_SERVER_URL)

    def __init__(self, action_server_url: str) -> None:
        self.action_server_url = action_server_url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway = Blueprint("action_gateway", __name__)

        @gateway.route("/webhook", methods=["POST"])
        async def forward(request: Request) -> HTTPResponse:
            try:
                async with (
                    aiohttp.ClientSession(timeout=TIMEOUT) as session,
                    session.post(
                        self.action_server_url, data=request.body, headers={"Content-Type": "application/json"}
                    ) as answer,
                ):
                    if answer.status < 500:
                        return response.raw(await answer.read(), status=answer.status, content_type="application/json")
                    logger.error("Action server error %s for %s", answer.status, requested_action(request))
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.error("Action server unreachable for %s: %s", requested_action(request), type(error).__name__)
            return response.json(unavailable_reply(requested_action(request)))

        return gateway
