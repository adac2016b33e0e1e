"""Asking which answer a question wants, and giving the one picked."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions.which_answer import ActionAskWhichAnswer, ActionGiveChosenAnswer, topic_of
from tests.actions.trackers import domain, entity, tracker


def run(action: Action, intent: str, *entities: tuple[str, str]) -> list[dict]:
    dispatcher = CollectingDispatcher()
    message = tracker("how does it go", intent=intent, entities=[entity(name, value) for name, value in entities])
    assert asyncio.run(action.run(dispatcher, message, domain())) == []
    return dispatcher.messages


def test_every_answer_names_its_topic() -> None:
    answers = [name.removeprefix("utter_") for name in domain()["responses"]
               if name.startswith(("utter_faq/", "utter_not_covered/"))]
    assert len(answers) > 20
    assert all(topic_of(answer, domain()) for answer in answers)


def test_the_options_are_offered_by_their_topics() -> None:
    [asked] = run(ActionAskWhichAnswer(), "faq",
                  ("answer_option", "faq/procedure"), ("answer_option", "not_covered/cost"))
    assert asked["response"] == "utter_ask_which_answer"
    assert asked["buttons"] == [
        {"title": "What happens at a session", "payload": '/faq{"answer_choice": "faq/procedure"}'},
        {"title": "Prices and payment", "payload": '/not_covered{"answer_choice": "not_covered/cost"}'},
    ]


def test_no_question_without_two_real_options() -> None:
    [reply] = run(ActionAskWhichAnswer(), "faq",
                  ("answer_option", "faq/procedure"), ("answer_option", "utter_iamabot"))
    assert reply["response"] == "utter_default" and not reply["buttons"]


def test_the_picked_answer_is_given() -> None:
    [reply] = run(ActionGiveChosenAnswer(), "faq", ("answer_choice", "faq/pain"))
    assert reply["response"] == "utter_faq/pain"


@pytest.mark.parametrize(
    ("intent", "choice"),
    [("faq", "faq/no_such_answer"), ("faq", "not_covered/cost"), ("faq", "iamabot"), ("not_covered", "")],
)
def test_a_made_up_pick_is_not_understood(intent: str, choice: str) -> None:
    entities = [("answer_choice", choice)] if choice else []
    [reply] = run(ActionGiveChosenAnswer(), intent, *entities)
    assert reply["response"] == "utter_default"
