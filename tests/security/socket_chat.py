"""A socket.io client that talks to the bot as rasa-webchat does (session_request, user_uttered),
for tests that play a patient's widget or an attacker's script."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import socketio

WAIT_S = 20.0


class ChatSocket:
    """`async with ChatSocket(url) as chat:` disconnects whatever happens inside."""

    def __init__(self, bot_url: str, headers: dict[str, str] | None = None) -> None:
        self.bot_url = bot_url
        self.headers = headers or {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: list[dict[str, Any]] = []
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.session_id: Any = None
        self.client.on("bot_uttered", self.heard.append)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def open(self, session_id: Any = None) -> str:
        """Connects and asks for a session (the stored one after a reload); returns the id the server confirmed.
        Long-polling: the websocket transport of this engine.io client needs a newer aiohttp than Rasa's."""
        await self.client.connect(self.bot_url, headers=self.headers, transports=["polling"], wait_timeout=WAIT_S)
        return await self.request_session({"session_id": session_id})

    async def request_session(self, data: Any) -> str:
        await self.client.emit("session_request", data)
        self.session_id = await asyncio.wait_for(self.confirmed.get(), WAIT_S)
        return str(self.session_id)

    async def say(self, text: Any, **extra: Any) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id, **extra})

    async def hears(self, fragment: str, wait_s: float = WAIT_S) -> bool:
        """Whether a bot message containing `fragment` arrives (or has arrived) within `wait_s`."""
        return await self.until(lambda: any(fragment in str(message.get("text", "")) for message in self.heard), wait_s)

    async def heard_at_least(self, count: int) -> bool:
        return await self.until(lambda: len(self.heard) >= count, WAIT_S)

    @staticmethod
    async def until(condition: Callable[[], bool], wait_s: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while not condition():
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def __aenter__(self) -> ChatSocket:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.disconnect()
