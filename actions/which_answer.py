"""When the assistant is unsure which answer a question wants, it asks.

action_ask_which_answer offers the answers the message may want (the `answer_option`
entities the interpreter set, nlu/interpretation.py) as quick replies, each by its
topic (`metadata: topic` on the answer, domain/faq.yml); by SMS they are numbered.
A pick comes back as `/faq{"answer_choice": "faq/pain"}`, and
action_give_chosen_answer gives that answer as the assistant's own, so a follow-up
("how long do they last?") is read after it (channels/followups.py).
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

OPTION_ENTITY = "answer_option"
CHOICE_ENTITY = "answer_choice"
ASK_RESPONSE = "utter_ask_which_answer"
NOT_UNDERSTOOD_RESPONSE = "utter_default"
ANSWER_FAMILIES = ("faq", "not_covered")


def topic_of(answer: str, domain: DomainDict) -> str | None:
    """The topic an answer names ("Whether it hurts" for faq/pain), if it is one of the domain's answers."""
    if answer.split("/")[0] not in ANSWER_FAMILIES:
        return None
    variations = domain.get("responses", {}).get(f"utter_{answer}") or []
    return next((v["metadata"]["topic"] for v in variations if (v.get("metadata") or {}).get("topic")), None)


def choice_button(answer: str, topic: str) -> dict[str, str]:
    family = answer.split("/")[0]
    return {"title": topic, "payload": f"/{family}{json.dumps({CHOICE_ENTITY: answer})}"}


def latest_entity_values(tracker: Tracker, entity: str) -> list[Any]:
    return list(dict.fromkeys(tracker.get_latest_entity_values(entity)))


def asks_back_or_picks(tracker: Tracker) -> bool:
    """The message is one to ask back about, or the patient's pick."""
    return bool(latest_entity_values(tracker, OPTION_ENTITY) or latest_entity_values(tracker, CHOICE_ENTITY))


def ask_which_answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    options = [(answer, topic) for answer in latest_entity_values(tracker, OPTION_ENTITY)
               if (topic := topic_of(str(answer), domain))]
    if len(options) < 2:
        dispatcher.utter_message(response=NOT_UNDERSTOOD_RESPONSE)
        return
    dispatcher.utter_message(response=ASK_RESPONSE, buttons=[choice_button(*option) for option in options])


def give_chosen_answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    choices = latest_entity_values(tracker, CHOICE_ENTITY)
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    choice = str(choices[0]) if choices else ""
    if choice.split("/")[0] == intent and topic_of(choice, domain):
        dispatcher.utter_message(response=f"utter_{choice}")
    else:  # a made-up or stale payload
        dispatcher.utter_message(response=NOT_UNDERSTOOD_RESPONSE)


def ask_back_or_answer_the_pick(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """For a booking question that is either (actions/booking_form.py)."""
    if latest_entity_values(tracker, CHOICE_ENTITY):
        give_chosen_answer(dispatcher, tracker, domain)
    else:
        ask_which_answer(dispatcher, tracker, domain)


class ActionAskWhichAnswer(Action):
    def name(self) -> str:
        return "action_ask_which_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ask_which_answer(dispatcher, tracker, domain)
        return []


class ActionGiveChosenAnswer(Action):
    def name(self) -> str:
        return "action_give_chosen_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        give_chosen_answer(dispatcher, tracker, domain)
        return []
