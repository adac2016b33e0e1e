"""Clinic terms found whatever the patient's capitals.

Rasa's SpacyEntityExtractor runs the spaCy pipeline on the message as typed, on
purpose (capitals help a statistical NER model). Ours is an EntityRuler over
lower-case lemmas, so "Swelling on my lips", "MY FACE IS SWOLLEN" or a phone's
automatic capital found no term at all, red flags included. This extractor reads
the lower-cased text; offsets stay valid because lower-casing keeps the length
(where it would not, for a few non-English letters, the text is read as typed).

A concern also comes as `asked_concern` with its canonical name ("thinning hair"
-> hair_loss), which picks the answer's variation (slot `asked_concern`); the
`concern` entity keeps the patient's words for the booking's summary. Every term
also carries its vocabulary id under `term` ("fiebre" -> fiebre_es: a Spanish
red flag, safety/language.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

CANONICAL_ENTITIES = {"concern": "asked_concern"}
TERM_KEY = "term"


def lower_case_keeping_offsets(text: str) -> str:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def with_terms(entities: list[dict[str, Any]], doc: Doc) -> list[dict[str, Any]]:
    """Rasa's entities (one per span of `doc`, in order) with each span's vocabulary id."""
    return [{**entity, TERM_KEY: ent.ent_id_} for entity, ent in zip(entities, doc.ents, strict=True)]


def canonical_names(doc: Doc) -> list[dict[str, Any]]:
    return [
        {"entity": CANONICAL_ENTITIES[ent.label_], "value": ent.ent_id_, "start": ent.start_char, "end": ent.end_char}
        for ent in doc.ents
        if ent.label_ in CANONICAL_ENTITIES and ent.ent_id_
    ]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class CaseInsensitiveEntityExtractor(SpacyEntityExtractor):
    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            doc = model.model(lower_case_keeping_offsets(message.get(TEXT) or ""))
            terms = with_terms(self._extract_entities(doc), doc)
            found: list[dict[str, Any]] = self.add_extractor_name(terms + canonical_names(doc))
            relevant = self.filter_irrelevant_entities(found, self._config["dimensions"])
            message.set(ENTITIES, message.get(ENTITIES, []) + relevant, add_to_output=True)
        return messages
