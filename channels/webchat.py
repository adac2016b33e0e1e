"""The website chat widget's socket.io channel, open to the clinic's own pages only.

Rasa 3.6's SocketIOInput creates its server with `cors_allowed_origins=[]`, which
turns python-engineio's Origin check off: any web page could open a socket to the
bot (WebSocket connections are not covered by the browser's CORS rules). This one
refuses (HTTP 400) a handshake whose Origin is not in the `cors_allowed_origins`
credentials key (a list or a comma-separated string), else $WEB_ORIGIN, else
http://localhost:8080, and screens messages like the REST channel does.

A widget's conversation belongs to the browser that holds its id. Rasa lets a
client `session_request` any id (a REST or SMS conversation's too), then hear
its replies and type into it. Here the server issues every id: `web-`, 128
random bits and an HMAC tag keyed with $WEB_SESSION_SECRET, so any bot server
sharing the secret recognises its own ids without shared state, and no id can
name a REST or SMS conversation. A `session_request` for an id the server did
not issue gets a new session; messages go to the session bound to the socket,
whatever the event says (ids: privacy/web_sessions.py). rasa-webchat keeps the
issued id in localStorage and asks for it again after a reload, so the
conversation carries on. Malformed packets are ignored (channels/socket_packets.py).

The CORS response headers for the polling transport come from `rasa run --cors
ORIGIN` (Sanic-CORS) only: serving/rasa_patches.py turns engine.io's own off.

With REDIS_URL (several bot servers), servers pass socket.io messages to each other
through Redis, so a staff reply sent through any server reaches the patient's socket.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.rate_limits import RATE_LIMITED_REPLY, client_address, rate_limits
from channels.screening import hand_over, metadata_problem, screening_reply
from channels.socket_packets import TolerantPacket
from privacy.web_sessions import is_issued, new_session_id

# The Redis pub/sub channel on which bot servers pass each other socket.io messages.
ROOMS_CHANNEL = "liondale-webchat-rooms"

logger = logging.getLogger(__name__)

DEFAULT_WEB_ORIGIN = "http://localhost:8080"
# engine.io reads a whole packet before socket.io looks at it (its default is 1 MB);
# a message is at most 2,000 characters and 4,096 of metadata.
MAX_PACKET_BYTES = 256_000
UNREADABLE_EVENT_REPLY = "Sorry, I couldn't read that message. Please reload the page and try again."


def message_problem(data: Any) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return "no text"
    return metadata_problem(data.get("metadata"))


def allowed_origins(configured: str | list[str] | None) -> list[str]:
    """The configured origins; never empty, since an empty list disables the check."""
    if configured is None or configured == "":
        configured = os.environ.get("WEB_ORIGIN") or DEFAULT_WEB_ORIGIN
    values = configured.split(",") if isinstance(configured, str) else configured
    origins = [str(origin).strip().rstrip("/") for origin in values if str(origin).strip()]
    if not origins or "*" in origins:
        raise ValueError("cors_allowed_origins must list the web origins that may open the chat socket")
    return origins


def share_rooms_through_redis(sio: socketio.AsyncServer, redis_url: str) -> None:
    """With several bot servers, a message for a conversation's room (a staff reply sent
    through any server's API) reaches the patient's socket on whichever server holds it.
    Set before the first connection, when the server starts its manager."""
    manager = socketio.AsyncRedisManager(redis_url, channel=ROOMS_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager


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
        """Rasa's blueprint (health route, connect, disconnect) with the session and message handlers replaced."""
        rate_limits()  # a bad limit in the environment stops the start-up, not a patient's message
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None
        sio = self.sio
        engine = sio.eio
        engine.cors_allowed_origins = getattr(self, "allowed_origins", None) or allowed_origins(None)
        engine.max_http_buffer_size = MAX_PACKET_BYTES
        sio.packet_class = TolerantPacket  # this server's packets only
        if os.environ.get("REDIS_URL"):
            share_rooms_through_redis(sio, os.environ["REDIS_URL"])

        # A client may also emit events named "connect" or "disconnect", with any data: Rasa's own
        # handlers for those (JWT check, log line) must not raise on the odd arguments.
        rasa_handlers = dict(sio.handlers[self.namespace or "/"])

        async def connect(sid: str, environ: Any = None, auth: Any = None, *_: Any) -> bool:
            return bool(await rasa_handlers["connect"](sid, environ, auth if isinstance(auth, dict) else None))

        async def disconnect(sid: str, *_: Any) -> None:
            await rasa_handlers["disconnect"](sid)

        async def user_uttered(sid: str, data: Any = None, *_: Any) -> None:
            await self.receive(on_new_message, sid, data)

        for event, handler in [
            ("connect", connect), ("disconnect", disconnect),
            ("session_request", self.start_session), (self.user_message_evt, user_uttered),
        ]:
            sio.on(event, handler, namespace=self.namespace)
        return blueprint

    async def start_session(self, sid: str, data: Any = None, *_: Any) -> None:  # an emit may carry no data
        """Binds the socket to the session it asks for if this server issued it, else to a new one."""
        assert self.sio is not None
        wanted = data.get("session_id") if isinstance(data, dict) else None
        session_id = wanted if is_issued(wanted) else new_session_id()
        for room in self.sio.rooms(sid, namespace=self.namespace):
            if room != sid:  # a socket follows one conversation at a time
                self.sio.leave_room(sid, room, namespace=self.namespace)
        await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
        self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def receive(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sid: str, data: Any) -> None:
        """A patient's message, for the session bound to the socket whatever the event names."""
        assert self.sio is not None
        session_id = (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")
        if session_id is None:
            logger.debug("socket.io message before session_request: ignored")
            return
        if message_problem(data):
            await self.tell(sid, UNREADABLE_EVENT_REPLY)
            return
        address = client_address(self.sio.get_environ(sid, namespace=self.namespace)["sanic.request"])
        if not rate_limits().allows(session_id, address):
            await self.tell(sid, RATE_LIMITED_REPLY)
            return
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        refusal = screening_reply(data["message"])
        if refusal:
            await output.send_text_message(session_id, refusal)
            return
        message = UserMessage(
            data["message"], output, session_id, input_channel=self.name(), metadata=data.get("metadata")
        )
        await hand_over(on_new_message, message)

    async def tell(self, sid: str, text: str) -> None:
        """A bot message to this socket only."""
        assert self.sio is not None
        await self.sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)
