"""Spanish messages are noticed; English ones, names and keyboard mash are not."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from safety.language import SpanishDetector, english_or_spanish, is_spanish

CONFIG = SpanishDetector.get_default_config()


@pytest.fixture(scope="module")
def detector() -> Any:
    return english_or_spanish()


@pytest.mark.parametrize(
    "text",
    [
        "¿duele?",
        "me cuesta respirar después de la mesoterapia",
        "tengo fiebre desde anoche",
        "quiero saber cuantas sesiones necesito",
        "¿cuánto cuesta?",
        "se me hincho la cara y no se que hacer",
    ],
)
def test_spanish_is_noticed(detector: Any, text: str) -> None:
    assert is_spanish(detector, text, CONFIG)


@pytest.mark.parametrize(
    "text",
    [
        "does it hurt?",
        "Rosa Delgado",
        "it's Rosa, Rosa Delgado",
        "Maria Lopez, 555-0142",
        "sdkfjhsdkjf",
        "jjjjjjjjjjj",
        "hello",
        "how old is this tecnique",
        "meso gun?",
        "pls tell me abt the shots",
        "",
        "🙂",
    ],
)
def test_english_names_and_mash_are_not_spanish(detector: Any, text: str) -> None:
    assert not is_spanish(detector, text, CONFIG)


def message(text: str, ranking: list[tuple[str, float]]) -> Message:
    return Message(data={
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
        "entities": [],
    })


def languages(item: Message) -> list[str]:
    return [entity["value"] for entity in item.get("entities") if entity["entity"] == "language"]


def test_component_routes_spanish_and_keeps_urgent_messages_urgent() -> None:
    component = SpanishDetector(CONFIG)
    question = message("¿cuántas sesiones necesito?", [("faq", 0.8)])
    urgent = message("no puedo respirar y tengo la cara hinchada", [("urgent_symptom", 1.0)])
    name = message("Rosa Delgado", [("other_language", 0.6), ("inform", 0.3)])
    english = message("how many sessions do I need?", [("faq", 0.9)])
    component.process([question, urgent, name, english])
    assert question.get("intent")["name"] == "other_language" and languages(question) == ["es"]
    assert urgent.get("intent")["name"] == "urgent_symptom" and languages(urgent) == ["es"]
    # The classifier alone never makes a message Spanish.
    assert name.get("intent") == {"name": "inform", "confidence": 0.3} and languages(name) == ["en"]
    assert english.get("intent")["name"] == "faq" and languages(english) == ["en"]


def red_flag(term: str) -> dict[str, Any]:
    return {"entity": "red_flag", "value": term.removesuffix("_es"), "term": term, "start": 0, "end": 0}


def test_a_spanish_red_flag_makes_a_short_message_spanish() -> None:
    # Two words are too few for lingua; the Spanish term decides.
    component = SpanishDetector(CONFIG)
    short_spanish = message("tengo fiebre", [("urgent_symptom", 1.0)])
    short_spanish.set("entities", [red_flag("fiebre_es")])
    short_english = message("got fever", [("urgent_symptom", 1.0)])
    short_english.set("entities", [red_flag("fever")])
    component.process([short_spanish, short_english])
    assert languages(short_spanish) == ["es"] and languages(short_english) == ["en"]
