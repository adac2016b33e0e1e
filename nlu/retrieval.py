"""The answer chosen for a retrieval intent (`faq/pain`), read and set in one place.

The classifier (nlu/embedding_classifier.py) reports its answer in the shape of
Rasa's ResponseSelector, which `utter_faq` and `utter_not_covered` read. Whatever
else decides an answer (the safety check, a named topic, a follow-up in context)
sets it here, so the intent and the answer always agree.
"""

from __future__ import annotations

from typing import Any, Protocol

from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

RETRIEVAL_INTENTS = {"faq", "not_covered"}
RESPONSE_SELECTOR = "response_selector"


# The ResponseSelector's output lists its retrieval intents beside its prediction.
ALL_RETRIEVAL_INTENTS = "all_retrieval_intents"


class Parsed(Protocol):
    """A parse result: a Message inside the pipeline, or its dict outside it."""

    def get(self, key: str, default: Any = None) -> Any: ...


def selector_key(selectors: dict[str, Any]) -> str:
    """The one ResponseSelector's key ("default" unless it was given a retrieval intent)."""
    return next(iter(selectors.keys() - {ALL_RETRIEVAL_INTENTS}), "default")


def chosen_answer(parsed: Parsed) -> str:
    """The answer the ResponseSelector chose ("faq/pain"), or ""."""
    selectors = parsed.get(RESPONSE_SELECTOR) or {}
    selected = selectors.get(selector_key(selectors)) or {}
    return (selected.get("response") or {}).get("intent_response_key") or ""


def answer_prediction(answer: str, confidence: float) -> dict[str, Any]:
    """What `utter_faq` / `utter_not_covered` read: the answer and its response's name."""
    return {"intent_response_key": answer, "utter_action": f"utter_{answer}", "confidence": confidence,
            "responses": []}


def answer_choice(parsed: Parsed, answer: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(intent, response selector output) that make `answer` the chosen answer."""
    selectors = dict(parsed.get(RESPONSE_SELECTOR) or {})
    key = selector_key(selectors)
    prediction = answer_prediction(answer, 1.0)
    selectors[key] = {**selectors.get(key, {}), "response": prediction}
    intent = {"name": answer.split("/")[0], "confidence": 1.0, "full_retrieval_intent_name": answer}
    return intent, selectors


def choose_answer(message: Message, answer: str) -> None:
    """Inside the pipeline: make `answer` the message's chosen answer."""
    intent, selectors = answer_choice(message, answer)
    message.set(INTENT, intent, add_to_output=True)
    message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)
