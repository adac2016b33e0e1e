"""RetrievalIntentAligner: the intent agrees with the answer the ResponseSelector chose.

DIET decides between `faq` (the clinic text answers) and `not_covered` (it does
not), and the ResponseSelector, trained on both, picks the answer. When they
disagree ("does this work on belly fat?": not_covered, but the answer picked is
faq/uses), the rules would frame the answer wrongly: a clinic answer without the
disclaimer, or "not covered" followed by the disclaimer instead of the consult
offer. The ResponseSelector sees the answers' own text, so its choice decides.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message

from nlu.component import ConfiguredComponent

RETRIEVAL_INTENTS = {"faq", "not_covered"}
RESPONSE_SELECTOR = "response_selector"


def chosen_answer(message: Message) -> str:
    selected = (message.get(RESPONSE_SELECTOR) or {}).get("default") or {}
    return (selected.get("response") or {}).get("intent_response_key") or ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RetrievalIntentAligner(ConfiguredComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            answer_intent = chosen_answer(message).split("/")[0]
            if intent.get("name") in RETRIEVAL_INTENTS and answer_intent in RETRIEVAL_INTENTS - {intent["name"]}:
                message.set(INTENT, {**intent, "name": answer_intent}, add_to_output=True)
        return messages
