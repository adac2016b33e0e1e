"""The red-flag escalation rules, without a model."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from safety.red_flags import ANSWER_SIDE_EFFECTS, ESCALATE, KEEP, RedFlagEscalator, safety_decision


def parse(ranking: list[tuple[str, float]], *entities: str) -> dict[str, Any]:
    return {
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
        "entities": [{"entity": name, "value": "x"} for name in entities],
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (parse([("faq", 0.99), ("urgent_symptom", 0.0)], "red_flag"), ESCALATE),
        (parse([("nlu_fallback", 0.4), ("urgent_symptom", 0.3)]), ESCALATE),
        (parse([("inform", 0.7), ("urgent_symptom", 0.25)]), ESCALATE),
        (parse([("urgent_symptom", 0.95)], "side_effect"), ESCALATE),
        (parse([("urgent_symptom", 0.5), ("faq", 0.3)], "side_effect"), ANSWER_SIDE_EFFECTS),
        (parse([("urgent_symptom", 0.5)], "side_effect", "red_flag"), ESCALATE),
        (parse([("faq", 0.9), ("urgent_symptom", 0.1)], "side_effect"), KEEP),
        (parse([("greet", 1.0)]), KEEP),
    ],
)
def test_decision(data: dict[str, Any], expected: str) -> None:
    assert safety_decision(data, min_urgent=0.2, ordinary_side_effect=0.8) == expected


def test_component_relabels_messages() -> None:
    component = RedFlagEscalator(RedFlagEscalator.get_default_config())
    urgent = Message(data={"text": "pus", **parse([("faq", 0.9)], "red_flag")})
    mild = Message(data={"text": "a bit red", **parse([("urgent_symptom", 0.5)], "side_effect"),
                         "response_selector": {"all_retrieval_intents": ["faq"], "default": {"ranking": []}}})
    component.process([urgent, mild])
    assert urgent.get("intent")["name"] == "urgent_symptom"
    assert mild.get("intent")["name"] == "faq"
    assert mild.get("response_selector")["default"]["response"]["utter_action"] == "utter_faq/side_effects"
