"""Every sentence of the clinic's approved text is delivered by a response, and
every FAQ answer traces back to that text."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_TEXT = Path(
    os.environ.get("CLINIC_SOURCE_TEXT", PROJECT_ROOT.parent / "shared" / "content" / "mesotherapy-source.txt")
)
FACT_MAP = PROJECT_ROOT / "content" / "fact_map.yml"
SMS_LIMIT = 320


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("-", " ").lower()
    return re.sub(r"[\s,]+", " ", text).strip()


def source_sentences() -> list[str]:
    if not SOURCE_TEXT.exists():
        pytest.fail(f"clinic text not found at {SOURCE_TEXT} (set CLINIC_SOURCE_TEXT)")
    return [
        sentence
        for line in SOURCE_TEXT.read_text(encoding="utf-8").splitlines()
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip())
        if sentence
    ]


@cache
def response_variants() -> dict[str, list[str]]:
    """Each response's texts: its variations (by condition) in order."""
    texts: dict[str, list[str]] = {}
    for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            texts[name] = [variant["text"] for variant in variants]
    return texts


def responses() -> dict[str, str]:
    """Each response's texts as one, for what its variations deliver together."""
    return {name: " ".join(variants) for name, variants in response_variants().items()}


def fact_map() -> list[dict]:
    return yaml.safe_load(FACT_MAP.read_text(encoding="utf-8"))["sentences"]


def test_every_sentence_of_the_clinic_text_is_mapped() -> None:
    mapped = {entry["text"] for entry in fact_map()}
    assert [s for s in source_sentences() if s not in mapped] == []
    assert [m for m in mapped if m not in source_sentences()] == [], "map names text that is not in the source"


@pytest.mark.parametrize("entry", fact_map(), ids=lambda e: e["text"][:50])
def test_each_fact_is_delivered_by_a_mapped_response(entry: dict) -> None:
    assert entry["responses"], "every sentence needs at least one response"
    unknown = [name for name in entry["responses"] if name not in responses()]
    assert unknown == []
    delivered = " ".join(normalise(responses()[name]) for name in entry["responses"])
    missing = [fact for fact in entry.get("facts", []) if normalise(fact) not in delivered]
    assert missing == []
    assert entry.get("heading") or entry.get("facts"), "a sentence that is not a heading must list its facts"


def test_every_faq_answer_is_grounded_in_a_mapped_sentence() -> None:
    mapped = {name for entry in fact_map() for name in entry["responses"]}
    faq_answers = {name for name in responses() if name.startswith("utter_faq/")}
    assert sorted(faq_answers - mapped) == []


def test_uncovered_topics_say_so_and_point_to_a_consult() -> None:
    for name, text in responses().items():
        if name.startswith("utter_not_covered/"):
            assert "doesn't" in text or "don't have" in text, name
            assert "consult" in text or "call" in text, name


@pytest.mark.parametrize("name", sorted(response_variants()))
def test_every_message_fits_in_one_sms(name: str) -> None:
    # Slot values make a message longer; the longest slotted message is checked
    # by the SMS channel's own limit.
    for text in response_variants()[name]:
        assert len(re.sub(r"\{\w+\}", "", text)) <= SMS_LIMIT
