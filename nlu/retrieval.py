"""RetrievalIntentAligner: the intent agrees with the answer the ResponseSelector chose.

DIET decides between `faq` (the clinic text answers) and `not_covered` (it does
not), and the ResponseSelector, trained on both, picks the answer. When they
disagree ("does this work on belly fat?": not_covered, but the answer picked is
faq/uses), the rules would frame the answer wrongly: a clinic answer without the
disclaimer, or "not covered" followed by the disclaimer instead of the consult
offer. The ResponseSelector sees the answers' own text, so its choice decides.

Reading and setting that choice is done here for everything that needs it: the
safety component, the channels' two-question and follow-up handling.
"""

from __future__ import annotations

from typing import Any, Protocol

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

from nlu.component import ConfiguredComponent

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


def answer_choice(parsed: Parsed, answer: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(intent, response selector output) that make `answer` the chosen answer."""
    selectors = dict(parsed.get(RESPONSE_SELECTOR) or {})
    key = selector_key(selectors)
    prediction = {"intent_response_key": answer, "utter_action": f"utter_{answer}", "confidence": 1.0, "responses": []}
    selectors[key] = {**selectors.get(key, {}), "response": prediction}
    intent = {"name": answer.split("/")[0], "confidence": 1.0, "full_retrieval_intent_name": answer}
    return intent, selectors


def choose_answer(message: Message, answer: str) -> None:
    """Inside the pipeline: make `answer` the message's chosen answer."""
    intent, selectors = answer_choice(message, answer)
    message.set(INTENT, intent, add_to_output=True)
    message.set(RESPONSE_SELECTOR, selectors, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RetrievalIntentAligner(ConfiguredComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            answer_intent = chosen_answer(message).split("/")[0]
            if intent.get("name") in RETRIEVAL_INTENTS and answer_intent in RETRIEVAL_INTENTS - {intent["name"]}:
                message.set(INTENT, {**intent, "name": answer_intent}, add_to_output=True)
        return messages
