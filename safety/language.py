"""SpanishDetector: a Rasa NLU component that notices messages in Spanish.

The assistant answers in English from the clinic's English text. A Spanish
speaker must still be kept safe and told where to get help, so for every
message this component adds a `language` entity ("en" or "es"; the `language`
slot picks the Spanish variants of the urgent guidance and holding replies), and
turns a Spanish message that is not urgent into `other_language`, answered in
Spanish with the clinic's phone. Red flags are found before it runs, in either
language (spacy_pipeline/vocabulary.yml), so an urgent Spanish message stays
urgent.

Detection uses lingua, which is built for short texts, limited to English and
Spanish. Names and keyboard mash can look Spanish to it, so a message counts as
Spanish only with clear evidence: high confidence over several words, or
Spanish punctuation or letters (¿ ¡ ñ, accents) with moderate confidence, or a
Spanish red-flag term (its id ends in "_es"): "tengo fiebre" is too short for
lingua to be sure, and the guidance must still come in Spanish. The intent
classifier learns `other_language` from Spanish examples too, but this detector
has the last word, so a name is never taken for Spanish by it alone.
"""

from __future__ import annotations

import re
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.component import ConfiguredComponent
from nlu.entities import TERM_KEY

LANGUAGE_ENTITY = "language"
OTHER_LANGUAGE_INTENT = "other_language"
KEEP_INTENTS = {"urgent_symptom"}
SPANISH_MARKS = re.compile(r"[¿¡ñáéíóú]", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")
SPANISH_TERM_SUFFIX = "_es"


def english_or_spanish() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def is_spanish(detector: LanguageDetector, text: str, config: dict[str, Any]) -> bool:
    words = len(WORD.findall(text))
    if words == 0:
        return False
    confidence = detector.compute_language_confidence(text, Language.SPANISH)
    if SPANISH_MARKS.search(text):
        return confidence >= config["marked_confidence"]
    return words >= config["min_words"] and confidence >= config["unmarked_confidence"]


def has_spanish_red_flag(message: Message) -> bool:
    return any(
        entity.get("entity") == "red_flag" and str(entity.get(TERM_KEY, "")).endswith(SPANISH_TERM_SUFFIX)
        for entity in message.get(ENTITIES) or []
    )


def next_best_intent(message: Message) -> dict[str, Any]:
    """The classifier's best guess other than Spanish, for a message this detector
    does not find Spanish (a name like "Rosa Delgado" can look Spanish to it)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    best = next((entry for entry in ranking if entry.get("name") != OTHER_LANGUAGE_INTENT), None)
    if best is None:
        return {"name": "nlu_fallback", "confidence": 1.0}
    return {"name": best["name"], "confidence": best["confidence"]}


def language_entity(code: str) -> dict[str, Any]:
    return {"entity": LANGUAGE_ENTITY, "value": code, "start": 0, "end": 0, "extractor": "SpanishDetector"}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SpanishDetector(ConfiguredComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"min_words": 3, "unmarked_confidence": 0.9, "marked_confidence": 0.6}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._detector = english_or_spanish()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not message.get(INTENT) or text.startswith("/"):
                continue
            spanish = has_spanish_red_flag(message) or is_spanish(self._detector, text, self._config)
            entities = [*(message.get(ENTITIES) or []), language_entity("es" if spanish else "en")]
            message.set(ENTITIES, entities, add_to_output=True)
            intent = message.get(INTENT).get("name")
            if spanish and intent not in KEEP_INTENTS:
                message.set(INTENT, {"name": OTHER_LANGUAGE_INTENT, "confidence": 1.0}, add_to_output=True)
            elif not spanish and intent == OTHER_LANGUAGE_INTENT:
                message.set(INTENT, next_best_intent(message), add_to_output=True)
        return messages
