"""The REST channel (`/webhooks/rest/webhook`) with its input checked.

Rasa's own RestInput answers a body that is not a JSON object with a server
error and logs the patient's text when something fails; this one answers bad
requests with 400, long or empty messages with a polite reply, and logs no text.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.screening import ask_assistant, patient_blueprint, screening_reply

MAX_SENDER_CHARS = 128
# Metadata is stored with every message: keep it small and flat enough to encode.
MAX_METADATA_DEPTH = 10
MAX_METADATA_CHARS = 4096


def metadata_problem(metadata: Any) -> str | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return "'metadata' must be an object"
    pending, depth = [(metadata, 1)], 0
    while pending:  # iterative: a hostile body must not exhaust the stack here
        value, level = pending.pop()
        depth = max(depth, level)
        if depth > MAX_METADATA_DEPTH:
            return f"'metadata' may be nested at most {MAX_METADATA_DEPTH} levels"
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        pending.extend((child, level + 1) for child in children)
    if len(json.dumps(metadata)) > MAX_METADATA_CHARS:
        return f"'metadata' may be at most {MAX_METADATA_CHARS} characters"
    return None


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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = patient_blueprint("patient_rest_webhook")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = parse_body(request)
            if isinstance(parsed, str):
                return response.json({"error": parsed}, status=400)
            sender, text, metadata = parsed
            refusal = screening_reply(text)
            if refusal:
                return response.json([{"recipient_id": sender, "text": refusal}])
            return response.json(await ask_assistant(on_new_message, text, sender, self.name(), metadata))

        return webhook
