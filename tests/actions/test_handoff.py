"""action_handoff: recorded, staff told by email, bot paused; no transcript stored."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from clinic_db.handoffs import close_handoff, open_handoffs
from tests.actions.conftest import Inbox
from tests.actions.trackers import domain, tracker

pytestmark = pytest.mark.database


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

    assert [(e["event"], e.get("name")) for e in events if e["event"] != "slot"] == [
        ("pause", None), ("action", "action_listen")]
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


def test_asking_again_while_waiting_keeps_one_handoff_and_one_email(
    clean_database: str, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    for _ in range(3):
        _, dispatcher = run_handoff(text="human please", intent="request_human")
        assert dispatcher.messages[0]["response"] == "utter_handoff_done"
    assert len(open_handoffs(clean_database)) == 1
    assert len(inbox.messages) == 1
