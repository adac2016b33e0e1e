"""Store a confirmed consult request, or clear the booking when the patient stops."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.sms_contact import UnknownTextingNumber, contact_to_save
from actions.staff_email import notify_staff
from clinic_db.consults import NewConsultRequest, save_consult_request

logger = logging.getLogger(__name__)

# Everything the patient told the booking: kept in the tracker only while it is under way.
BOOKING_SLOTS = (
    "patient_name", "contact", "preferred_time", "treatment", "concern", "body_area",
    "contact_consent", "booking_confirmed", "field_to_change",
)


def clear_booking() -> list[EventType]:
    return [SlotSet(slot, None) for slot in BOOKING_SLOTS] + [SlotSet("failed_attempts", 0)]


def consult_request_from(tracker: Tracker) -> NewConsultRequest:
    slot: Any = tracker.get_slot
    return NewConsultRequest(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "unknown",
        name=slot("patient_name"),
        contact=contact_to_save(tracker),
        preferred_time=slot("preferred_time"),
        concern=slot("treatment"),
        consent=bool(slot("contact_consent")),
    )


class ActionSubmitConsult(Action):
    def name(self) -> str:
        return "action_submit_consult"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("contact_consent") is not True:
            dispatcher.utter_message(response="utter_booking_needs_consent")
            return clear_booking()
        try:
            # The database and SMTP calls block: in a thread, the action server keeps serving.
            saved = await asyncio.to_thread(save_consult_request, consult_request_from(tracker))
        except (SQLAlchemyError, UnknownTextingNumber) as error:
            logger.error("Consult request not saved: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_booking_not_saved")
            return [SlotSet("booking_confirmed", None)]
        # A repeat is flagged in `make consults`: one email per contact's open request.
        if saved.created and saved.repeat_of is None:
            await asyncio.to_thread(
                notify_staff,
                f"New consult request {saved.reference}",
                f"A patient asked for a consult (reference {saved.reference}). Run `make consults` to see it.",
            )
        # The clinic answers the way the patient gave: a call, or an email.
        by_email = "@" in str(tracker.get_slot("contact"))
        saved_response = "utter_booking_saved_email" if by_email else "utter_booking_saved"
        dispatcher.utter_message(response=saved_response, booking_reference=saved.reference)
        return [SlotSet("booking_reference", saved.reference), *clear_booking()]


class ActionCancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_cancelled")
        return clear_booking()


class ActionClearBooking(Action):
    """Forget a booking abandoned for urgent guidance, without a word after it."""

    def name(self) -> str:
        return "action_clear_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return clear_booking()
