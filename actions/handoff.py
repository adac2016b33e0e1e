"""action_handoff: record the request for a person, tell staff, pause the bot."""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.booking_submit import clear_booking
from actions.staff_email import notify_staff
from clinic_db.handoffs import record_handoff

logger = logging.getLogger(__name__)


def handoff_reason(tracker: Tracker) -> str:
    """Why, in a few words: never the patient's own text (no transcript copies)."""
    if last_bot_response(tracker) == "utter_offer_human":
        return "the assistant did not understand twice in a row"
    return "the patient asked for a person"


def last_bot_response(tracker: Tracker) -> str | None:
    """The response name (e.g. utter_offer_human) of the bot's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel = tracker.get_latest_input_channel() or "unknown"
        try:
            # The database and SMTP calls block: in a thread, the action server keeps serving.
            handoff_id, created = await asyncio.to_thread(
                record_handoff, tracker.sender_id, channel, handoff_reason(tracker)
            )
        except SQLAlchemyError as error:
            logger.error("Handoff not recorded: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        if created:  # staff were emailed when the open handoff was made
            await asyncio.to_thread(
                notify_staff,
                f"Patient asked for a person (handoff {handoff_id})",
                f"A {channel} conversation is waiting for staff (handoff {handoff_id}). "
                "Answer it in the staff console (or see it with `make handoffs`), then hand it back to the assistant.",
            )
        dispatcher.utter_message(response="utter_handoff_done")
        # A booking under way is abandoned: its personal answers go. Rasa predicts
        # nothing more once paused, so it never logs the listen that follows an
        # action; without it a patient's /restart would not be read as one.
        return [*clear_booking(), ConversationPaused(), ActionExecuted("action_listen")]
