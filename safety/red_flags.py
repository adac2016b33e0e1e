"""RedFlagEscalator: a Rasa NLU component that favours recall on urgent symptoms.

It runs after the intent classifier and FallbackClassifier. A message is
re-labelled `urgent_symptom` when the spaCy EntityRuler found a red-flag term
(spacy_pipeline/vocabulary.yml), or when the classifier ranked urgent_symptom
first or close to it, even if it was unsure. Missing an emergency costs far more
than an unneeded "call the clinic".
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

URGENT_INTENT = "urgent_symptom"
RED_FLAG_ENTITY = "red_flag"


def should_escalate(message_data: dict[str, Any], min_urgent_confidence: float) -> bool:
    if any(entity.get("entity") == RED_FLAG_ENTITY for entity in message_data.get(ENTITIES) or []):
        return True
    ranking = message_data.get(INTENT_RANKING_KEY) or []
    return any(
        entry.get("name") == URGENT_INTENT and (index == 0 or entry.get("confidence", 0.0) >= min_urgent_confidence)
        for index, entry in enumerate(ranking)
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagEscalator(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # urgent_symptom anywhere in the ranking with at least this confidence escalates.
        return {"min_urgent_confidence": 0.2}

    def __init__(self, config: dict[str, Any]) -> None:
        self._min_urgent_confidence = float(config["min_urgent_confidence"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagEscalator:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if message.get(INTENT) and should_escalate(message.as_dict(), self._min_urgent_confidence):
                message.set(INTENT, {"name": URGENT_INTENT, "confidence": 1.0}, add_to_output=True)
        return messages
