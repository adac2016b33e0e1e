"""The language of a message: English or Spanish (nlu/interpretation.py applies it).

The assistant answers in English from the clinic's English text. A Spanish
speaker must still be kept safe and told where to get help, so every message
gets a `language` entity ("en" or "es"; the `language` slot picks the Spanish
variants of the urgent guidance and holding replies), and a Spanish message that
is not urgent becomes `other_language`, answered in Spanish with the clinic's
phone. The safety decision is taken first, in either language
(spacy_pipeline/vocabulary.yml), so an urgent Spanish message stays urgent.

Detection uses lingua, which is built for short texts, limited to English and
Spanish. Names and keyboard mash can look Spanish to it, so a message counts as
Spanish only with clear evidence: high confidence over several words, or
Spanish punctuation or letters (¿ ¡ ñ, accents) with moderate confidence, or a
Spanish red-flag term (its id ends in "_es"): "tengo fiebre" is too short for
lingua to be sure, and the guidance must still come in Spanish. The topic
classifier does not learn a language (config.yml), so a name is never taken for
Spanish by it.
"""

from __future__ import annotations

import re
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from nlu.entities import TERM_KEY

LANGUAGE_ENTITY = "language"
OTHER_LANGUAGE_INTENT = "other_language"
DEFAULT_CONFIG = {"min_words": 3, "unmarked_confidence": 0.9, "marked_confidence": 0.6}
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


def has_spanish_red_flag(entities: list[dict[str, Any]]) -> bool:
    return any(
        entity.get("entity") == "red_flag" and str(entity.get(TERM_KEY, "")).endswith(SPANISH_TERM_SUFFIX)
        for entity in entities
    )


def language_of(detector: LanguageDetector, text: str, entities: list[dict[str, Any]], config: dict[str, Any]) -> str:
    """"es" or "en"."""
    return "es" if has_spanish_red_flag(entities) or is_spanish(detector, text, config) else "en"
