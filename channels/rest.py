"""The REST channel (`/webhooks/rest/webhook`): an integration API, with its input checked.

Any caller may name any conversation here, so only trusted callers get in: those
on this machine (loopback), and others that send `Authorization: Bearer
$REST_API_TOKEN`; without the token set, no other address gets in at all (403).
Rasa's own RestInput answers a body that is not a JSON object with a server
error and logs the patient's text when something fails; this one answers bad
requests with 400, long or empty messages with a polite reply, and logs no text.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.rate_limits import RATE_LIMITED_REPLY, client_address, is_loopback, rate_limits
from channels.screening import ask_assistant, metadata_problem, patient_blueprint, screening_reply
from privacy.tokens import bearer_matches

MAX_SENDER_CHARS = 128


def parse_body(request: Request) -> tuple[str, str, dict[str, Any] | None] | str:
    """(sender, text, metadata), or what is wrong with the request."""
    try:
        body = request.json
    except Exception:  # sanic raises its own error types for malformed JSON
        return "the body is not valid JSON"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
        return f"'sender' must be a string of 1 to {MAX_SENDER_CHARS} characters"
    if not isinstance(text, str):
        return "'message' must be a string"
    problem = metadata_problem(metadata)
    if problem:
        return problem
    return sender, text, metadata


class PatientRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PatientRestInput:
        return cls(os.environ.get((credentials or {}).get("api_token_env", "REST_API_TOKEN"), ""))

    def __init__(self, api_token: str = "") -> None:
        self.api_token = api_token

    def is_trusted(self, request: Request) -> bool:
        authorization = request.headers.get("Authorization")
        return is_loopback(client_address(request)) or bearer_matches(authorization, self.api_token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rate_limits()  # a bad limit in the environment stops the start-up, not a patient's message
        webhook = patient_blueprint("patient_rest_webhook")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_trusted(request):
                return response.json({"error": "a valid API token is required from this address"}, status=403)
            parsed = parse_body(request)
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            sender, text, metadata = parsed
            if not rate_limits().allows(sender, client_address(request)):
                return response.json({"error": RATE_LIMITED_REPLY}, status=429)
            refusal = screening_reply(text)
            if refusal:
                return response.json([{"recipient_id": sender, "text": refusal}])
            return response.json(await ask_assistant(on_new_message, text, sender, self.name(), metadata))

        return webhook
