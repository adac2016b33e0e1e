"""action_submit_consult and action_cancel_booking against a real database."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_submit import BOOKING_SLOTS, ActionCancelBooking, ActionSubmitConsult
from clinic_db.consults import open_requests
from tests.actions.conftest import Inbox
from tests.actions.trackers import domain, tracker

pytestmark = pytest.mark.database

BOOKING = {
    "patient_name": "Maria Lopez", "contact": "+12125550199", "preferred_time": "weekday mornings",
    "treatment": "fat (thighs)", "contact_consent": True, "booking_confirmed": True,
}


@pytest.fixture
def use_database(clean_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    return clean_database


def submit(slots: dict, channel: str = "rest") -> tuple[list[dict], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSubmitConsult().run(dispatcher, tracker(slots=slots, channel=channel), domain()))
    return events, dispatcher


def test_a_confirmed_request_is_stored_once_and_confirmed_with_its_reference(use_database: str) -> None:
    events, dispatcher = submit(BOOKING, channel="socketio")
    [row] = open_requests(use_database)
    assert (row.name, row.contact, row.preferred_time, row.concern, row.consent, row.channel, row.status) == (
        "Maria Lopez", "+12125550199", "weekday mornings", "fat (thighs)", True, "socketio", "new")
    assert dispatcher.messages[0]["response"] == "utter_booking_saved"
    assert dispatcher.messages[0]["booking_reference"] == row.reference
    assert events[0] == {"event": "slot", "timestamp": None, "name": "booking_reference", "value": row.reference}
    assert {e["name"] for e in events[1:] if e["value"] is None} == set(BOOKING_SLOTS)

    _, again = submit(BOOKING, channel="socketio")  # a retried webhook or a double "yes"
    assert len(open_requests(use_database)) == 1
    assert again.messages[0]["booking_reference"] == row.reference


def test_a_request_with_an_email_says_the_clinic_will_email(use_database: str) -> None:
    _, dispatcher = submit({**BOOKING, "contact": "maria@example.com"})
    [row] = open_requests(use_database)
    assert row.contact == "maria@example.com"
    assert dispatcher.messages[0]["response"] == "utter_booking_saved_email"


def test_without_consent_nothing_is_stored(use_database: str) -> None:
    _, dispatcher = submit({**BOOKING, "contact_consent": False})
    assert open_requests(use_database) == []
    assert dispatcher.messages[0]["response"] == "utter_booking_needs_consent"


def test_sql_and_html_in_fields_are_stored_as_text(use_database: str) -> None:
    hostile = {**BOOKING, "treatment": "'); DROP TABLE consult_requests;-- <script>alert(1)</script>"}
    submit(hostile)
    [row] = open_requests(use_database)
    assert row.concern == hostile["treatment"]


def test_a_database_failure_is_told_plainly_and_nothing_is_reported_booked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    events, dispatcher = submit(BOOKING)
    assert [m["response"] for m in dispatcher.messages] == ["utter_booking_not_saved"]
    assert events == [{"event": "slot", "timestamp": None, "name": "booking_confirmed", "value": None}]


def test_cancel_clears_the_booking() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCancelBooking().run(dispatcher, tracker(slots=BOOKING), domain()))
    assert dispatcher.messages[0]["response"] == "utter_booking_cancelled"
    assert {e["name"]: e["value"] for e in events} == {**dict.fromkeys(BOOKING_SLOTS), "failed_attempts": 0}


def test_a_repeat_from_the_same_contact_is_stored_flagged_without_another_email(
    use_database: str, inbox: Inbox
) -> None:
    submit(BOOKING)
    _, again = submit({**BOOKING, "preferred_time": "friday afternoons"}, channel="sms")
    first, repeat = sorted(open_requests(use_database), key=lambda row: row.id)
    assert repeat.repeat_of == first.reference and again.messages[0]["booking_reference"] == repeat.reference
    assert len(inbox.messages) == 1
