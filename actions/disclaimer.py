"""action_show_disclaimer: the "not medical advice" note, once per conversation."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionShowDisclaimer(Action):
    def name(self) -> str:
        return "action_show_disclaimer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("disclaimer_shown"):
            return []
        dispatcher.utter_message(response="utter_disclaimer")
        return [SlotSet("disclaimer_shown", True)]
