"""The one interpretation step after the classifier: each rule in its order, and the rule
that decided recorded in the parse (`decided_by`). Without a model."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.interpretation import ANSWER_OPTION_ENTITY, DECIDED_BY, Interpreter, asks_for_a_person
from nlu.retrieval import chosen_answer


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return Interpreter({})


def message(text: str, ranking: list[tuple[str, float]], *entities: str, answer: str = "faq/what_is") -> Message:
    return Message(data={
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
        "entities": [{"entity": name, "value": "x", "start": 0, "end": 1} for name in entities],
        "response_selector": {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {"response": {"intent_response_key": answer}, "ranking": []},
        },
    })


def entity_values(item: Message, name: str) -> list[str]:
    return [entity["value"] for entity in item.get("entities") if entity["entity"] == name]


def interpreted(interpreter: Interpreter, item: Message) -> Message:
    interpreter.process([item])
    return item


def test_a_red_flag_is_urgent_whatever_the_classifier_thought(interpreter: Interpreter) -> None:
    urgent = interpreted(interpreter, message("pus coming out of the spot", [("faq", 0.9)], "red_flag"))
    assert urgent.get("intent")["name"] == "urgent_symptom"
    assert urgent.get(DECIDED_BY) == "safety: urgent"
    assert entity_values(urgent, "urgent_kind") == ["symptom"]


def test_a_product_swallowed_is_urgent_with_its_kind(interpreter: Interpreter) -> None:
    swallowed = interpreted(interpreter, message("my kid swallowed the numbing cream", [("faq", 0.9)], "poisoning"))
    assert swallowed.get("intent")["name"] == "urgent_symptom"
    assert entity_values(swallowed, "urgent_kind") == ["poisoning"]


def test_ordinary_side_effects_get_the_side_effects_answer(interpreter: Interpreter) -> None:
    mild = interpreted(interpreter, message("a bit red", [("urgent_symptom", 0.45), ("faq", 0.4)], "side_effect"))
    assert mild.get("intent")["name"] == "faq"
    assert mild.get("response_selector")["default"]["response"]["utter_action"] == "utter_faq/side_effects"
    assert mild.get(DECIDED_BY) == "safety: faq/side_effects"


def test_a_past_red_flag_asked_as_candidacy_is_a_candidacy_question(interpreter: Interpreter) -> None:
    item = message("I had hives from an antibiotic years ago, can I still have it?",
                   [("ask_candidacy", 0.8), ("urgent_symptom", 0.1)], "red_flag")
    assert interpreted(interpreter, item).get("intent")["name"] == "ask_candidacy"


def test_spanish_is_routed_and_urgent_spanish_stays_urgent(interpreter: Interpreter) -> None:
    question = interpreted(interpreter, message("¿cuántas sesiones necesito?", [("faq", 0.8)],
                                                answer="faq/number_of_sessions"))
    urgent = interpreted(interpreter, message("no puedo respirar y tengo la cara hinchada", [("urgent_symptom", 1.0)]))
    name = interpreted(interpreter, message("Rosa Delgado", [("inform", 0.6)]))
    assert question.get("intent")["name"] == "other_language" and entity_values(question, "language") == ["es"]
    assert question.get(DECIDED_BY) == "language: es"
    # The topic the classifier understood is kept, for the Spanish answers to come.
    assert chosen_answer(question) == "faq/number_of_sessions"
    assert urgent.get("intent")["name"] == "urgent_symptom" and entity_values(urgent, "language") == ["es"]
    assert name.get("intent")["name"] == "inform" and entity_values(name, "language") == ["en"]


def test_a_spanish_red_flag_makes_a_short_message_spanish(interpreter: Interpreter) -> None:
    # Two words are too few for lingua; the Spanish term decides.
    short_spanish = message("tengo fiebre", [("urgent_symptom", 1.0)])
    short_spanish.set("entities", [{"entity": "red_flag", "value": "fiebre", "term": "fiebre_es"}])
    short_english = message("got fever", [("urgent_symptom", 1.0)])
    short_english.set("entities", [{"entity": "red_flag", "value": "fever", "term": "fever"}])
    interpreter.process([short_spanish, short_english])
    assert entity_values(short_spanish, "language") == ["es"] and entity_values(short_english, "language") == ["en"]


def test_a_request_for_a_person_anywhere_reaches_staff(interpreter: Interpreter) -> None:
    text = ("my name is Grace, I have a question about my appointment next week, "
            "can I talk to a real person please?")
    item = interpreted(interpreter, message(text, [("request_consult", 0.7), ("request_human", 0.2)]))
    assert item.get("intent")["name"] == "request_human"
    assert item.get(DECIDED_BY) == "a person asked for"


def test_a_request_for_a_person_never_hides_an_urgent_symptom(interpreter: Interpreter) -> None:
    item = message("my throat is closing, let me talk to a real person", [("request_human", 0.9)], "red_flag")
    assert interpreted(interpreter, item).get("intent")["name"] == "urgent_symptom"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("can I speak to someone at the clinic", True),
        ("is there a human I can chat with?", True),
        ("I'd like to talk with a nurse", True),
        ("have someone call me please", True),
        ("do results vary from person to person?", False),
        ("can a person with diabetes have it?", False),
        ("who does the injections, a doctor or a nurse?", False),
    ],
)
def test_what_counts_as_asking_for_a_person(text: str, asks: bool) -> None:
    assert asks_for_a_person(text) is asks


def test_a_named_concern_picks_its_answer(interpreter: Interpreter) -> None:
    item = message("does meso work for hair loss", [("faq", 0.6)], "asked_concern", answer="faq/how_it_works")
    interpreted(interpreter, item)
    assert item.get("intent")["name"] == "faq" and chosen_answer(item) == "faq/uses"
    assert item.get(DECIDED_BY) == "named topic"


def test_the_classifier_decides_otherwise(interpreter: Interpreter) -> None:
    item = interpreted(interpreter, message("does it hurt", [("faq", 0.9)], answer="faq/pain"))
    assert chosen_answer(item) == "faq/pain" and item.get(DECIDED_BY) == "classifier"
    fallback = interpreted(interpreter, message("asdf qwer", [("nlu_fallback", 0.45)]))
    assert fallback.get(DECIDED_BY) == "fallback"


def test_button_payloads_are_left_to_rasa(interpreter: Interpreter) -> None:
    payload: dict[str, Any] = {"text": "/request_consult", "intent": {"name": "request_consult", "confidence": 1.0}}
    item = interpreted(interpreter, Message(data=payload))
    assert item.get(DECIDED_BY) is None and item.get("intent")["name"] == "request_consult"


def test_typed_text_starting_with_a_slash_is_still_read(interpreter: Interpreter) -> None:
    """Only a real payload is left to Rasa: "/ my throat is closing" goes through the safety decision."""
    item = interpreted(interpreter, message("/ my throat is closing", [("faq", 0.9)], "red_flag"))
    assert item.get("intent")["name"] == "urgent_symptom" and item.get(DECIDED_BY) == "safety: urgent"


def with_answers(*ranking: tuple[str, float]) -> Message:
    item = message("how do they do it", [("faq", 0.9)], answer=ranking[0][0])
    item.get("response_selector")["default"]["ranking"] = [
        {"intent_response_key": key, "confidence": confidence} for key, confidence in ranking
    ]
    return item


@pytest.mark.parametrize(
    ("ranking", "alternative"),
    [
        ((("faq/procedure", 0.35), ("faq/injection_method", 0.3)), "faq/injection_method"),  # weak and close
        ((("faq/procedure", 0.55), ("faq/injection_method", 0.4)), "faq/injection_method"),  # close
        ((("faq/procedure", 0.9), ("faq/injection_method", 0.05)), None),  # sure
        ((("faq/procedure", 0.35), ("faq/injection_method", 0.1)), None),  # weak, but neither close nor too weak
    ],
)
def test_a_close_second_answer_is_named_beside_an_unsure_first(
    interpreter: Interpreter, ranking: tuple[tuple[str, float], ...], alternative: str | None
) -> None:
    item = interpreted(interpreter, with_answers(*ranking))
    assert item.get("alternative_answer") == alternative
    assert chosen_answer(item) == "faq/procedure"
    assert item.get(DECIDED_BY) == ("classifier, with a close second answer" if alternative else "classifier")


def test_too_weak_an_answer_is_asked_about_not_given(interpreter: Interpreter) -> None:
    """Neither likely alone nor as a pair: the patient is asked which of the best three (each
    with a chance) the question wants."""
    item = interpreted(interpreter, with_answers(
        ("faq/procedure", 0.25), ("faq/injection_method", 0.15), ("not_covered/cost", 0.1), ("faq/pain", 0.08),
    ))
    assert item.get("intent")["name"] == "faq"
    assert entity_values(item, ANSWER_OPTION_ENTITY) == ["faq/procedure", "faq/injection_method", "not_covered/cost"]
    assert item.get(DECIDED_BY) == "classifier unsure: asks which answer"
    unlikely_others = interpreted(interpreter, with_answers(("faq/procedure", 0.25), ("faq/pain", 0.04)))
    assert chosen_answer(unlikely_others) == "faq/procedure"
    assert not entity_values(unlikely_others, ANSWER_OPTION_ENTITY)


@pytest.mark.parametrize("text", ["EXIT", "exit.", "Never mind", "stop the booking!"])
def test_the_words_that_leave_a_booking_always_do(interpreter: Interpreter, text: str) -> None:
    item = interpreted(interpreter, message(text, [("nlu_fallback", 0.45), ("stop", 0.27)]))
    assert item.get("intent")["name"] == "stop" and item.get(DECIDED_BY) == "the booking's way out"
