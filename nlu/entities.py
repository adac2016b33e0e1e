"""Clinic terms found whatever the patient's capitals.

Rasa's SpacyEntityExtractor runs the spaCy pipeline on the message as typed, on
purpose (capitals help a statistical NER model). Ours is an EntityRuler over
lower-case lemmas, so "Swelling on my lips", "MY FACE IS SWOLLEN" or a phone's
automatic capital found no term at all, red flags included. This extractor reads
the lower-cased text; offsets stay valid because lower-casing keeps the length
(where it would not, for a few non-English letters, the text is read as typed).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


def lower_case_keeping_offsets(text: str) -> str:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class CaseInsensitiveEntityExtractor(SpacyEntityExtractor):
    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            doc = model.model(lower_case_keeping_offsets(message.get(TEXT) or ""))
            found: list[dict[str, Any]] = self.add_extractor_name(self._extract_entities(doc))
            relevant = self.filter_irrelevant_entities(found, self._config["dimensions"])
            message.set(ENTITIES, message.get(ENTITIES, []) + relevant, add_to_output=True)
        return messages
