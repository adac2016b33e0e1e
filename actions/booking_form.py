"""validate_consult_form: checks each booking answer before the form moves on."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.booking_fields import (
    InvalidAnswer,
    describe_treatment,
    is_skip,
    read_contact,
    read_name,
    read_preferred_time,
    read_treatment,
    read_yes_no,
)
from actions.sms_contact import describe_texting_number, names_texting_number, texting_number
from actions.which_answer import ANSWER_FAMILIES, ask_back_or_answer_the_pick, asks_back_or_picks

SlotValues = dict[str, Any]

# After this many unusable answers to one question, offer a way out.
FAILURES_BEFORE_OFFER = 2
# What is stored when a patient skips an optional question.
SKIPPED_VALUES = {
    "patient_name": "not given",
    "preferred_time": "any time (no preference given)",
    "treatment": "to discuss at the consult",
}
CHANGEABLE_FIELDS = {
    "name": "patient_name",
    "phone": "contact",
    "number": "contact",
    "email": "contact",
    "contact": "contact",
    "time": "preferred_time",
    "day": "preferred_time",
    "treat": "treatment",
    "area": "treatment",
    "concern": "treatment",
}
# Messages that are never an answer to a booking question (as the slot mappings'
# not_intent in domain/booking.yml): nothing is taken from them, so the form
# steps aside and the rules for urgent symptoms, a person or stopping apply.
NEVER_AN_ANSWER = {"urgent_symptom", "request_human", "stop", "other_language"}
QUESTION_STARTS = ("what", "how", "does", "do ", "is ", "are ", "can ", "will ", "why", "when", "should", "which")


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    # str(): a message payload (/intent{...}) can give an entity any JSON value.
    return [str(e["value"]) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def slot_texts(tracker: Tracker, slot: str) -> list[str]:
    return [str(value) for value in tracker.get_slot(slot) or []]


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def is_question(tracker: Tracker, value: Any) -> bool:
    """A clinic question asked instead of answering (answered, then asked again)."""
    lowered = str(value).strip().lower()
    looks_like_question = lowered.endswith("?") or lowered.startswith(QUESTION_STARTS)
    return latest_intent(tracker) in ANSWER_FAMILIES and (looks_like_question or asks_back_or_picks(tracker))


class ValidateConsultForm(FormValidationAction):
    def name(self) -> str:
        return "validate_consult_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if latest_intent(tracker) in NEVER_AN_ANSWER:
            return []
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        skipped = set()
        if tracker.get_slot("booking_confirmed") is not False:
            skipped.add("field_to_change")
        if tracker.get_slot("contact_consent") is False:
            # Nothing will be sent, so there is nothing to confirm.
            skipped |= {"booking_confirmed", "field_to_change"}
        return [slot for slot in domain_slots if slot not in skipped]

    async def extract_treatment(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        """Use what the patient already said they want treated (spaCy entities)."""
        if tracker.get_slot("treatment") or tracker.get_slot("requested_slot") == "treatment":
            return {}
        known = describe_treatment(slot_texts(tracker, "concern"), slot_texts(tracker, "body_area"))
        return {"treatment": known} if known else {}

    async def extract_preferred_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        """"Can I come in Saturday?" already says when."""
        if tracker.get_slot("preferred_time") or latest_intent(tracker) != "request_consult":
            return {}
        mentioned = entity_values(tracker, "weekday") + entity_values(tracker, "time_of_day")
        return {"preferred_time": " ".join(dict.fromkeys(mentioned))} if mentioned else {}

    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        """On SMS, offer the number the patient texts from (described, never written
        out: see actions/sms_contact.py); the consent question confirms it."""
        if tracker.get_slot("contact"):
            return {}
        number = texting_number(tracker)
        return {"contact": describe_texting_number(number)} if number else {}

    def validate_patient_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if is_question(tracker, value):
            return self._answer_question_then_ask_again("patient_name", dispatcher, tracker, domain)
        return self._read("patient_name", value, dispatcher, tracker, read_name)

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if names_texting_number(tracker, value):
            return {"contact": value}
        return self._read("contact", value, dispatcher, tracker, read_contact)

    def validate_preferred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        reader = partial(
            read_preferred_time, weekdays=entity_values(tracker, "weekday"),
            times_of_day=entity_values(tracker, "time_of_day"),
        )
        if tracker.get_slot("requested_slot") != "preferred_time":
            return self._prefill("preferred_time", value, reader)
        return self._read("preferred_time", value, dispatcher, tracker, reader)

    def validate_treatment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if tracker.get_slot("requested_slot") != "treatment":
            return self._prefill("treatment", value, partial(read_treatment, mentioned=()))
        if is_question(tracker, value):
            return self._answer_question_then_ask_again("treatment", dispatcher, tracker, domain)
        mentioned = entity_values(tracker, "concern") + entity_values(tracker, "body_area")
        return self._read("treatment", value, dispatcher, tracker, lambda text: read_treatment(text, mentioned))

    def validate_contact_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return self._read("contact_consent", value, dispatcher, tracker, self._yes_no(tracker))

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return self._read("booking_confirmed", value, dispatcher, tracker, self._yes_no(tracker))

    def validate_field_to_change(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        lowered = str(value).lower()
        field = next((slot for word, slot in CHANGEABLE_FIELDS.items() if word in lowered), None)
        if field is None:
            dispatcher.utter_message(text="Please choose name, contact, best times or what to treat.")
            return {"field_to_change": None}
        # Clearing the field makes the form ask it again, then confirm again.
        return {field: None, "booking_confirmed": None, "field_to_change": None}

    @staticmethod
    def _yes_no(tracker: Tracker) -> Callable[[str], bool]:
        intent = latest_intent(tracker)
        return lambda text: read_yes_no(text, intent)

    def _read(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        reader: Callable[[str], Any],
    ) -> SlotValues:
        text = str(value or "")
        if slot in SKIPPED_VALUES and is_skip(text):
            return {slot: SKIPPED_VALUES[slot], "failed_attempts": 0}
        try:
            return {slot: reader(text), "failed_attempts": 0}
        except InvalidAnswer as problem:
            return self._reject(slot, str(problem), dispatcher, tracker)

    @staticmethod
    def _prefill(slot: str, value: Any, reader: Callable[[str], Any]) -> SlotValues:
        """A value taken from what the patient said before the question (entities, which a
        message payload can set to anything): read like a typed answer; if unusable,
        dropped without a word, so the form asks the question."""
        try:
            return {slot: reader(str(value))}
        except InvalidAnswer:
            return {slot: None}

    @staticmethod
    def _reject(slot: str, explanation: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        if failures < FAILURES_BEFORE_OFFER:
            dispatcher.utter_message(text=explanation)
        else:  # with a way out, worded for the channel (no SMS keyword on SMS): domain/booking.yml
            way_out = "utter_booking_retry_or_skip" if slot in SKIPPED_VALUES else "utter_booking_retry_or_exit"
            dispatcher.utter_message(response=way_out, explanation=explanation)
        return {slot: None, "failed_attempts": failures}

    @staticmethod
    def _answer_question_then_ask_again(
        slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if asks_back_or_picks(tracker):  # unsure which answer, or the pick (actions/which_answer.py)
            ask_back_or_answer_the_pick(dispatcher, tracker, domain)
            return {slot: None}
        selector = tracker.latest_message.get("response_selector", {})
        prediction = (selector.get("default") or {}).get("response", {})
        if prediction.get("utter_action"):
            dispatcher.utter_message(response=prediction["utter_action"])
        return {slot: None}
