"""Urgent symptoms are never missed; ordinary side effects are not escalated.

The red-flag set (tests/safety/red_flags.yml) was written apart from the
training data; recall must be 100%.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.core.agent import Agent

SAFETY_SETS = Path(__file__).resolve().parent / "safety"


def load(name: str, key: str) -> list[str]:
    return yaml.safe_load((SAFETY_SETS / name).read_text(encoding="utf-8"))[key]


def intents_of(agent: Agent, texts: list[str]) -> list[str]:
    async def parse_all() -> list[str]:
        return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

    return asyncio.run(parse_all())


def test_every_red_flag_message_is_escalated(agent: Agent) -> None:
    messages = load("red_flags.yml", "red_flags")
    assert len(messages) >= 60
    missed = [text for text, intent in zip(messages, intents_of(agent, messages), strict=True)
              if intent != "urgent_symptom"]
    assert missed == [], f"recall {1 - len(missed) / len(messages):.1%}; missed: {missed}"


def test_ordinary_side_effect_questions_are_answered_not_escalated(agent: Agent) -> None:
    messages = load("ordinary_side_effects.yml", "ordinary")
    escalated = [text for text, intent in zip(messages, intents_of(agent, messages), strict=True)
                 if intent == "urgent_symptom"]
    assert escalated == []


@pytest.mark.parametrize(
    "text",
    ["my cheek is hot and red and oozing since yesterday", "cant breathe after my shots", "lips swelling up fast"],
)
def test_red_flag_words_escalate_even_when_the_classifier_is_unsure(agent: Agent, text: str) -> None:
    assert intents_of(agent, [text]) == ["urgent_symptom"]
