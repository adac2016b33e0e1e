"""A real SMTP server for the actions that email staff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from actions import staff_email
from tests.servers import free_port


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.messages.append(message)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on localhost that keeps what it receives."""
    handler = Inbox()
    staff_email.EMAILS_SENT.reset()  # each test starts with the hour's allowance
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SMTP_TO", "frontdesk@liondale.example")
    yield handler
    controller.stop()
