"""Patient-facing answers read at grade 8 or below where the clinic text allows
(NIH and AMA guidance for patient materials), by Flesch-Kincaid grade."""

from __future__ import annotations

import re
import statistics

import textstat

from tests.test_fact_map import response_variants

# Lists of the clinic text's own terms that have no plainer words; each is
# read at a higher grade because of those words, not long sentences.
EXCEPTIONS = {
    "utter_faq/ingredients": "the list of ingredients (amino acids, coenzymes, hyaluronic acid...)",
}
# Spanish replies are judged by Spanish speakers, not an English formula.
SPANISH_RESPONSES = {"utter_other_language"}


def english_texts() -> dict[str, list[str]]:
    """Every English variant of every response, clinic phone filled in."""
    texts = {}
    for name, variants in response_variants().items():
        if name in SPANISH_RESPONSES:
            continue
        english = [text for text in variants if not re.search(r"[áéíóúñ¿¡]", text)]
        texts[name] = [re.sub(r"\{\w+\}", "(555) 010-0199", text) for text in english]
    return texts


def grades() -> dict[tuple[str, int], float]:
    return {
        (name, index): textstat.flesch_kincaid_grade(text)
        for name, texts in english_texts().items()
        for index, text in enumerate(texts)
    }


def test_nine_in_ten_answers_read_at_grade_8_or_below_and_the_median_at_7() -> None:
    graded = grades()
    plain = [grade for grade in graded.values() if grade <= 8]
    assert len(plain) / len(graded) >= 0.9
    assert statistics.median(graded.values()) <= 7


def test_only_the_listed_exceptions_read_above_grade_8() -> None:
    above = sorted({name for (name, _), grade in grades().items() if grade > 8})
    assert above == sorted(EXCEPTIONS)
