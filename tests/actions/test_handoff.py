"""action_handoff: recorded, staff told by email, bot paused; no transcript stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from clinic_db.handoffs import close_handoff, open_handoffs
from tests.actions.trackers import domain, tracker
from tests.servers import free_port

pytestmark = pytest.mark.database


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
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SMTP_TO", "frontdesk@liondale.example")
    yield handler
    controller.stop()


def run_handoff(**tracker_args) -> tuple[list[dict], CollectingDispatcher]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionHandoff().run(dispatcher, tracker(**tracker_args), domain()))
    return events, dispatcher


def test_handoff_is_recorded_staff_are_emailed_and_the_bot_pauses(
    clean_database: str, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    secret = "my name is Maria and my number is 212 555 0199"
    events, dispatcher = run_handoff(text=secret, intent="request_human", channel="sms")

    assert [(e["event"], e.get("name")) for e in events] == [("pause", None), ("action", "action_listen")]
    assert dispatcher.messages[0]["response"] == "utter_handoff_done"
    [row] = open_handoffs(clean_database)
    assert (row.channel, row.conversation_id, row.reason) == ("sms", "conversation-1", "the patient asked for a person")
    assert "Maria" not in row.reason
    [email] = inbox.messages
    assert f"handoff {row.id}" in email["Subject"]
    assert "Maria" not in email.as_string() and "555" not in email.as_string()
    assert close_handoff(row.id, clean_database) == "conversation-1"
    assert open_handoffs(clean_database) == []


def test_after_two_misunderstandings_the_reason_says_so(clean_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    offer = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_offer_human"}}
    run_handoff(text="/request_human", intent="request_human", events=[offer])
    assert open_handoffs(clean_database)[0].reason == "the assistant did not understand twice in a row"


def test_when_the_database_is_down_the_patient_is_told_to_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    events, dispatcher = run_handoff(text="human please", intent="request_human")
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_handoff_failed"
