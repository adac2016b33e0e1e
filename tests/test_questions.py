"""Where a message holds two questions, and when they are answered one by one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from channels.questions import candidate_questions, separate_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does it hurt? and how many sessions do I need", ["does it hurt?", "how many sessions do I need"]),
        ("does it hurt and how many sessions do I need?", ["does it hurt", "how many sessions do I need?"]),
        ("what is it. how much does it cost?", ["what is it", "how much does it cost?"]),
        ("what is it? does it hurt? how much?", ["what is it?", "does it hurt?"]),
        ("is it safe", []),
        ("how long do the bruises and swelling last?", []),
        ("hi! what is mesotherapy?", []),
    ],
)
def test_candidate_questions(text: str, expected: list[str]) -> None:
    assert candidate_questions(text) == expected


class FakeAgent:
    """Parses like the trained model would, from a table."""

    def __init__(self, parses: dict[str, tuple[str, str | None]]) -> None:
        self.parses = parses

    async def parse_message(self, text: str) -> dict[str, Any]:
        intent, key = self.parses[text]
        selected = {"response": {"intent_response_key": key}}
        return {"intent": {"name": intent}, "response_selector": {"default": selected}}


def separated(parses: dict[str, tuple[str, str | None]], text: str) -> list[str]:
    return asyncio.run(separate_questions(FakeAgent(parses), text))  # type: ignore[arg-type]


def test_two_clinic_questions_on_different_topics_are_separated() -> None:
    parses = {"does it hurt?": ("faq", "faq/pain"), "how much is it": ("not_covered", "not_covered/cost")}
    assert separated(parses, "does it hurt? how much is it") == ["does it hurt?", "how much is it"]


def test_a_story_before_a_question_is_read_not_answered() -> None:
    parses = {
        "my friend keeps on about meso": ("faq", "faq/uses"),
        "what even is it": ("faq", "faq/what_is"),
    }
    assert separated(parses, "my friend keeps on about meso. what even is it") == ["what even is it"]
    parses["my friend keeps on about meso"] = ("nlu_fallback", None)
    assert separated(parses, "my friend keeps on about meso. what even is it") == ["what even is it"]


@pytest.mark.parametrize(
    ("story", "intent"),
    [("my lips are swelling", "urgent_symptom"), ("I want to book", "request_consult"), ("I'm Sam Lee", "inform")],
)
def test_a_story_that_is_more_than_small_talk_keeps_the_message_whole(story: str, intent: str) -> None:
    parses = {story: (intent, None), "what even is it": ("faq", "faq/what_is")}
    assert separated(parses, f"{story}. what even is it") == [f"{story}. what even is it"]


@pytest.mark.parametrize(
    "parses",
    [
        {"does it hurt?": ("faq", "faq/pain"), "is it painful": ("faq", "faq/pain")},  # one topic
        {"does it hurt?": ("faq", "faq/pain"), "is it painful": ("urgent_symptom", None)},  # not a question
    ],
)
def test_anything_else_is_handed_over_whole(parses: dict[str, tuple[str, str | None]]) -> None:
    assert separated(parses, "does it hurt? is it painful") == ["does it hurt? is it painful"]
