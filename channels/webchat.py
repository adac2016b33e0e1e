"""The website chat widget's socket.io channel, open to the clinic's own pages only.

Rasa 3.6's SocketIOInput creates its server with `cors_allowed_origins=[]`, which
turns python-engineio's Origin check off: any web page could open a socket to the
bot (WebSocket connections are not covered by the browser's CORS rules). This one
refuses (HTTP 400) a handshake whose Origin is not in the `cors_allowed_origins`
credentials key (a list or a comma-separated string), else $WEB_ORIGIN, else
http://localhost:8080, and screens messages like the REST channel does.

The CORS response headers for the polling transport still come from `rasa run
--cors ORIGIN` (Sanic-CORS) only: if engine.io added its own too, browsers would
see two Access-Control-Allow-Origin headers and refuse the handshake.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.screening import hand_over, screening_reply

DEFAULT_WEB_ORIGIN = "http://localhost:8080"


def allowed_origins(configured: str | list[str] | None) -> list[str]:
    """The configured origins; never empty, since an empty list disables the check."""
    if configured is None or configured == "":
        configured = os.environ.get("WEB_ORIGIN") or DEFAULT_WEB_ORIGIN
    values = configured.split(",") if isinstance(configured, str) else configured
    origins = [str(origin).strip().rstrip("/") for origin in values if str(origin).strip()]
    if not origins or "*" in origins:
        raise ValueError("cors_allowed_origins must list the web origins that may open the chat socket")
    return origins


class ClinicSocketIOInput(SocketIOInput):
    allowed_origins: list[str]

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        assert isinstance(channel, ClinicSocketIOInput)
        channel.allowed_origins = allowed_origins((credentials or {}).get("cors_allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def screened(message: UserMessage) -> None:
            refusal = screening_reply(message.text or "")
            if refusal:
                await message.output_channel.send_text_message(message.sender_id, refusal)
            else:
                await hand_over(on_new_message, message)

        blueprint = super().blueprint(screened)
        assert self.sio is not None
        engine = self.sio.eio
        engine.cors_allowed_origins = getattr(self, "allowed_origins", None) or allowed_origins(None)
        engine._cors_headers = lambda environ: []  # headers: `rasa run --cors` (see above)
        return blueprint
