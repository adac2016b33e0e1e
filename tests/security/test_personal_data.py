"""Finding 4: personal data in the tracker only as long as a booking needs it, and
an SMS patient's number never in it in clear."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from rasa.core.actions.action import ActionSessionStart
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_form import ValidateConsultForm
from actions.booking_submit import BOOKING_SLOTS, ActionClearBooking, ActionSubmitConsult
from actions.handoff import ActionHandoff
from clinic_db.consults import open_requests
from privacy.sms_numbers import SEALED_NUMBER_KEY, seal
from tests.actions.trackers import PROJECT_ROOT, domain, tracker
from tests.servers import Bot
from tests.test_sms_e2e import new_number, text

NUMBER = "+12125550199"
SMS_MESSAGE = {"channel": "sms", "metadata": {SEALED_NUMBER_KEY: seal(NUMBER)}}
BOOKING = {
    "patient_name": "Maria Lopez", "contact": "maria@example.com", "preferred_time": "weekday mornings",
    "treatment": "fat (thighs)", "concern": ["fat"], "body_area": ["thighs"], "contact_consent": True,
    "booking_confirmed": True,
}


def run(action: Any, **tracker_args: Any) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return asyncio.run(action.run(dispatcher, tracker(**tracker_args), domain())), dispatcher


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_the_sms_number_is_offered_without_being_written_to_the_tracker() -> None:
    events, _ = run(ValidateConsultForm(), text="Maria Lopez", extracted={"patient_name": "Maria Lopez"},
                    requested_slot="patient_name", **SMS_MESSAGE)
    assert slot_values(events)["contact"] == "the number you're texting from (ending in 0199)"
    assert "5550199" not in str(events)


def test_a_typed_contact_still_replaces_the_texting_number_on_sms() -> None:
    events, _ = run(ValidateConsultForm(), text="maria@example.com", extracted={"contact": "maria@example.com"},
                    requested_slot="contact", **SMS_MESSAGE)
    assert slot_values(events)["contact"] == "maria@example.com"


@pytest.mark.database
def test_the_texting_number_is_opened_only_to_save_the_request(
    clean_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    offered = {**BOOKING, "contact": "the number you're texting from (ending in 0199)"}
    events, _ = run(ActionSubmitConsult(), slots=offered, **SMS_MESSAGE)
    [row] = open_requests(clean_database)
    assert row.contact == NUMBER
    assert "5550199" not in str(events)


@pytest.mark.database
def test_personal_slots_are_cleared_when_the_request_is_saved(
    clean_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    events, _ = run(ActionSubmitConsult(), slots=BOOKING)
    assert all(slot_values(events)[slot] is None for slot in BOOKING)


def test_a_booking_abandoned_for_urgent_guidance_is_forgotten_silently() -> None:
    events, dispatcher = run(ActionClearBooking(), slots=BOOKING, intent="urgent_symptom")
    assert dispatcher.messages == []
    assert {name: value for name, value in slot_values(events).items() if name in BOOKING_SLOTS} == dict.fromkeys(
        BOOKING_SLOTS)


@pytest.mark.database
def test_a_booking_abandoned_for_a_person_is_forgotten(clean_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    events, _ = run(ActionHandoff(), slots=BOOKING, intent="request_human")
    assert all(slot_values(events)[slot] is None for slot in BOOKING)


def test_a_new_session_starts_without_the_last_sessions_slots() -> None:
    rasa_domain = Domain.load(str(PROJECT_ROOT / "domain"))
    old_session = DialogueStateTracker.from_events(
        "conversation-1", [SlotSet(name, value) for name, value in BOOKING.items()], rasa_domain.slots
    )
    events = asyncio.run(ActionSessionStart().run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(rasa_domain.responses), old_session, rasa_domain
    ))
    assert not any(isinstance(event, SlotSet) and event.key in BOOKING for event in events)


@pytest.mark.database
def test_an_sms_booking_keeps_the_number_out_of_the_tracker_store(assistant: Bot, clean_database: str) -> None:
    number = new_number()
    text(assistant, number, "i want to book a consult")
    assert "days and times" in " ".join(text(assistant, number, "Maria Lopez"))  # contact offered
    text(assistant, number, "weekday evenings")
    consent = " ".join(text(assistant, number, "hair loss"))
    assert f"the number you're texting from (ending in {number[-4:]})" in consent
    text(assistant, number, "1")
    text(assistant, number, "yes")
    assert assistant.workdir is not None
    with sqlite3.connect(assistant.workdir / "tracker.db") as tracker_db:
        dump = "\n".join(tracker_db.iterdump())
    assert number[2:] not in dump, "the phone number must not be in the tracker store"
    [row] = open_requests(clean_database)
    assert row.contact == number


@pytest.mark.database
def test_on_sms_the_patient_can_change_the_texting_number_for_another_contact(
    assistant: Bot, clean_database: str
) -> None:
    number = new_number()
    for answer in ("i want to book a consult", "Maria Lopez", "weekday evenings", "hair loss", "1"):
        text(assistant, number, answer)
    assert "Which detail" in " ".join(text(assistant, number, "2"))  # change something
    text(assistant, number, "contact")
    assert "maria@example.com" in " ".join(text(assistant, number, "maria@example.com"))  # the summary again
    text(assistant, number, "yes")
    [row] = open_requests(clean_database)
    assert row.contact == "maria@example.com"


def test_a_booking_interrupted_by_urgent_symptoms_starts_over(assistant: Bot, sender: str) -> None:
    assistant.texts(sender, "I'd like to book a consult")
    assistant.texts(sender, "Maria Lopez")
    assert "911" in " ".join(assistant.texts(sender, "my lips are swelling and i cant breathe"))
    assert "name" in " ".join(assistant.texts(sender, "I'd like to book a consult"))
