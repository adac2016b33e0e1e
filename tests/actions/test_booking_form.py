"""validate_consult_form against tracker fixtures."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.booking_form import ValidateConsultForm
from tests.actions.trackers import domain, entity, tracker

FORM = ValidateConsultForm()
ALL_SLOTS = ["patient_name", "contact", "preferred_time", "treatment", "contact_consent", "booking_confirmed",
             "field_to_change"]


def run_form(**tracker_args: Any) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(FORM.run(dispatcher, tracker(**tracker_args), domain()))
    return events, dispatcher


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_a_valid_phone_number_is_stored_in_e164() -> None:
    events, dispatcher = run_form(text="212-555-0199", extracted={"contact": "212-555-0199"}, requested_slot="contact")
    assert slot_events(events)["contact"] == "+12125550199"
    assert dispatcher.messages == []


def test_an_invalid_answer_is_asked_again_with_an_explanation() -> None:
    events, dispatcher = run_form(text="12345", extracted={"contact": "12345"}, requested_slot="contact")
    assert slot_events(events)["contact"] is None
    assert slot_events(events)["failed_attempts"] == 1
    assert "area code" in dispatcher.messages[0]["text"]


def test_repeated_failures_offer_a_way_out() -> None:
    events, dispatcher = run_form(
        text="blah", extracted={"preferred_time": "blah"}, slots={"failed_attempts": 1}, requested_slot="preferred_time"
    )
    assert slot_events(events)["failed_attempts"] == 2
    assert dispatcher.messages[0]["response"] == "utter_booking_retry_or_skip"
    assert "day or time" in dispatcher.messages[0]["explanation"]


def test_contact_cannot_be_skipped_but_the_patient_can_stop() -> None:
    _, dispatcher = run_form(
        text="skip", extracted={"contact": "skip"}, slots={"failed_attempts": 1}, requested_slot="contact"
    )
    assert dispatcher.messages[0]["response"] == "utter_booking_retry_or_exit"


def test_skipping_an_optional_question() -> None:
    events, _ = run_form(text="skip", extracted={"treatment": "skip"}, requested_slot="treatment")
    assert slot_events(events)["treatment"] == "to discuss at the consult"


def test_days_and_times_are_understood_from_spacy_entities() -> None:
    events, _ = run_form(
        text="tues or thurs mornings",
        entities=[entity("weekday", "tues"), entity("weekday", "thurs"), entity("time_of_day", "mornings")],
        extracted={"preferred_time": "tues or thurs mornings"},
        requested_slot="preferred_time",
    )
    assert slot_events(events)["preferred_time"] == "tues or thurs mornings"


def test_what_to_treat_is_not_asked_when_already_mentioned() -> None:
    events, _ = run_form(
        text="Maria Lopez",
        extracted={"patient_name": "Maria Lopez"},
        slots={"concern": ["fat"], "body_area": ["thighs"]},
        requested_slot="patient_name",
    )
    assert slot_events(events)["treatment"] == "fat (thighs)"


def test_a_weekday_in_the_booking_request_fills_the_preferred_time() -> None:
    events, _ = run_form(text="can I come in saturday?", intent="request_consult",
                         entities=[entity("weekday", "saturday")])
    assert slot_events(events)["preferred_time"] == "saturday"


def test_a_question_instead_of_a_treatment_is_answered_and_asked_again() -> None:
    selector = {"default": {"response": {"utter_action": "utter_faq/body_areas",
                                         "intent_response_key": "faq/body_areas"}}}
    events, dispatcher = run_form(text="which areas can you treat?", intent="faq", response_selector=selector,
                                  extracted={"treatment": "which areas can you treat?"}, requested_slot="treatment")
    assert slot_events(events)["treatment"] is None
    assert dispatcher.messages[0]["response"] == "utter_faq/body_areas"


def test_an_unsure_question_instead_of_a_name_is_asked_back_and_the_pick_answered() -> None:
    """Mid-booking, a question the assistant is unsure of gets the question back, and the pick
    its answer, before the name is asked again (actions/which_answer.py)."""
    options = [entity("answer_option", "faq/procedure"), entity("answer_option", "faq/pain")]
    events, dispatcher = run_form(text="question about the injections", intent="faq", entities=options,
                                  extracted={"patient_name": "question about the injections"},
                                  requested_slot="patient_name")
    assert slot_events(events)["patient_name"] is None
    assert dispatcher.messages[0]["response"] == "utter_ask_which_answer"
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["What happens at a session", "Whether it hurts"]
    pick = '/faq{"answer_choice": "faq/pain"}'
    events, dispatcher = run_form(text=pick, intent="faq", entities=[entity("answer_choice", "faq/pain")],
                                  extracted={"patient_name": pick}, requested_slot="patient_name")
    assert slot_events(events)["patient_name"] is None
    assert dispatcher.messages[0]["response"] == "utter_faq/pain"


def test_consent_and_confirmation_from_buttons() -> None:
    events, _ = run_form(text="/affirm", intent="affirm", extracted={"contact_consent": "/affirm"},
                         requested_slot="contact_consent")
    assert slot_events(events)["contact_consent"] is True


def test_changing_a_detail_clears_it_and_asks_for_confirmation_again() -> None:
    events, _ = run_form(
        text="contact",
        extracted={"field_to_change": "contact"},
        slots={"booking_confirmed": False, "contact": "+12125550199"},
        requested_slot="field_to_change",
    )
    changed = slot_events(events)
    assert {k: changed[k] for k in ("contact", "booking_confirmed", "field_to_change")} == dict.fromkeys(
        ("contact", "booking_confirmed", "field_to_change")
    )


def test_required_slots_follow_the_answers() -> None:
    def required(**slots: Any) -> list[str]:
        return asyncio.run(FORM.required_slots(ALL_SLOTS, CollectingDispatcher(), tracker(slots=slots), domain()))

    assert required() == ALL_SLOTS[:-1]
    assert required(booking_confirmed=False) == ALL_SLOTS
    assert required(contact_consent=False) == ALL_SLOTS[:-2]
