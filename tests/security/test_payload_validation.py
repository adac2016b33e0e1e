"""Finding 5: values a message payload (`/request_consult{"concern": ...}`) sets
go through the same readers as typed answers: no control characters, limited
lengths, never a crash on odd JSON."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_fields import TEXT_ANSWER_MAX
from actions.booking_form import ValidateConsultForm
from clinic_db.consults import open_requests
from tests.actions.trackers import domain, entity, tracker
from tests.servers import Bot

CLEAR_SCREEN = "\u001b[2J\u001b]0;URGENT\u0007"


def prefilled(**tracker_args: Any) -> dict[str, Any]:
    """The slots the form fills from the booking request itself (no question asked yet)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateConsultForm().run(
        dispatcher, tracker(text="/request_consult", intent="request_consult", **tracker_args), domain()
    ))
    assert dispatcher.messages == [], "a value the patient did not type is dropped without a word"
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_control_characters_in_a_payload_concern_never_reach_the_treatment() -> None:
    slots = prefilled(slots={"concern": [f"{CLEAR_SCREEN}hair loss"]})
    assert slots["treatment"] == "[2J]0;URGENThair loss"


def test_an_overlong_payload_concern_is_not_taken_so_the_form_asks() -> None:
    slots = prefilled(slots={"concern": ["fat " * 80]})
    assert slots.get("treatment") is None
    assert len("fat " * 80) > TEXT_ANSWER_MAX


@pytest.mark.parametrize("entity_name", ["weekday", "time_of_day"])
def test_payload_days_and_times_are_read_like_typed_ones(entity_name: str) -> None:
    slots = prefilled(entities=[entity(entity_name, f"{CLEAR_SCREEN}monday")])
    assert slots["preferred_time"] == "[2J]0;URGENTmonday"
    assert prefilled(entities=[entity(entity_name, "x" * 300)]).get("preferred_time") is None


def test_payload_values_that_are_not_text_do_not_break_the_form() -> None:
    slots = prefilled(slots={"concern": [{"nested": "json"}], "body_area": [42]},
                      entities=[entity("weekday", ["monday"])])  # type: ignore[arg-type]
    assert all("\x1b" not in str(value) for value in slots.values())


@pytest.mark.database
def test_a_payload_booking_stores_no_escape_codes(assistant: Bot, sender: str, clean_database: str) -> None:
    payload = '/request_consult{"concern": "\\u001b[2J\\u001b[31mURGENT: call +1 900 555 0100' + " x" * 150 + '"}'
    assistant.texts(sender, payload)
    for answer in ("Maria Lopez", "212 555 0199", "mornings"):
        assistant.texts(sender, answer)
    assistant.texts(sender, "hair loss")  # asked, as the payload's concern was refused
    assistant.texts(sender, "yes")
    assistant.texts(sender, "yes")
    [row] = open_requests(clean_database)
    assert row.concern == "hair loss"
