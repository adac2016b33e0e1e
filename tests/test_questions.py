"""Where a message holds several questions, and when they are answered one by one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from channels.questions import MAX_QUESTIONS, Separation, candidate_questions, separate_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does it hurt? and how many sessions do I need", ["does it hurt?", "how many sessions do I need"]),
        ("does it hurt and how many sessions do I need?", ["does it hurt", "how many sessions do I need?"]),
        ("what is it. how much does it cost?", ["what is it", "how much does it cost?"]),
        ("what is it? does it hurt? how much?", ["what is it?", "does it hurt?", "how much?"]),
        ("whats the price n does it hurt", ["whats the price", "does it hurt"]),
        ("what's it used for and where did it come from?", ["what's it used for", "where did it come from?"]),
        ("is it safe", []),
        ("how long do the bruises and swelling last?", []),
        ("hi! what is mesotherapy?", []),
    ],
)
def test_candidate_questions(text: str, expected: list[str]) -> None:
    assert candidate_questions(text) == expected


class FakeAgent:
    """Parses like the trained model would, from a table; the whole message, unless
    listed, as an ordinary question with the given entities."""

    def __init__(self, parses: dict[str, tuple[str, str | None]], whole_entities: tuple[str, ...]) -> None:
        self.parses = parses
        self.whole_entities = whole_entities

    async def parse_message(self, text: str) -> dict[str, Any]:
        if text not in self.parses:
            return {"intent": {"name": "faq"}, "entities": [{"entity": name} for name in self.whole_entities]}
        intent, key = self.parses[text]
        selected = {"response": {"intent_response_key": key}}
        return {"intent": {"name": intent}, "response_selector": {"default": selected}}


def separation(parses: dict[str, tuple[str, str | None]], text: str, *whole_entities: str) -> Separation:
    return asyncio.run(separate_questions(FakeAgent(parses, whole_entities), text))  # type: ignore[arg-type]


def separated(parses: dict[str, tuple[str, str | None]], text: str, *whole_entities: str) -> list[str]:
    return [question.text for question in separation(parses, text, *whole_entities).questions]


def test_two_clinic_questions_on_different_topics_are_separated() -> None:
    parses = {"does it hurt?": ("faq", "faq/pain"), "how much is it": ("not_covered", "not_covered/cost")}
    assert separated(parses, "does it hurt? how much is it") == ["does it hurt?", "how much is it"]


def test_a_question_for_a_provider_is_answered_beside_a_clinic_question() -> None:
    parses = {"am I too old at 65?": ("ask_candidacy", None), "does it hurt much": ("faq", "faq/pain")}
    text = "am I too old at 65? and does it hurt much"
    assert separated(parses, text) == ["am I too old at 65?", "does it hurt much"]


def test_a_story_before_a_question_is_read_not_answered() -> None:
    parses = {
        "my friend keeps on about meso": ("faq", "faq/uses"),
        "what even is it": ("faq", "faq/what_is"),
    }
    # The message is kept as written; what is read is its question.
    [question] = separation(parses, "my friend keeps on about meso. what even is it").questions
    assert question.text == "my friend keeps on about meso. what even is it"
    assert question.parse["response_selector"]["default"]["response"]["intent_response_key"] == "faq/what_is"


def test_nothing_is_separated_or_dropped_when_the_whole_message_may_be_urgent() -> None:
    story, question = "I'm 12 weeks pregnant", "is bleeding after the injections normal?"
    parses = {story: ("faq", "faq/uses"), question: ("not_covered", "not_covered/downtime")}
    text = f"{story}. {question}"
    assert separated(parses, text, "pregnancy", "pregnancy_sign") == [text]
    assert separated({**parses, text: ("urgent_symptom", None)}, text) == [text]
    # A story naming a side effect or a medicine is read with its question.
    assert separated(parses, text, "medication") == [text]
    two = {"does it hurt?": ("faq", "faq/pain"), "how much is it": ("not_covered", "not_covered/cost")}
    assert separated(two, "does it hurt? how much is it", "medication") == ["does it hurt?", "how much is it"]
    assert separated(two, "does it hurt? how much is it", "red_flag") == ["does it hurt? how much is it"]


@pytest.mark.parametrize(
    ("story", "intent"),
    [("my lips are swelling", "urgent_symptom"), ("I want to book", "request_consult"), ("I'm Sam Lee", "inform"),
     ("my face feels odd", "nlu_fallback"), ("weird lump", "out_of_scope")],
)
def test_a_story_that_is_more_than_small_talk_keeps_the_message_whole(story: str, intent: str) -> None:
    parses = {story: (intent, None), "what even is it": ("faq", "faq/what_is")}
    assert separated(parses, f"{story}. what even is it") == [f"{story}. what even is it"]


def test_anything_else_is_handed_over_whole() -> None:
    parses = {"does it hurt?": ("faq", "faq/pain"), "is it painful": ("urgent_symptom", None)}  # not a question
    assert separated(parses, "does it hurt? is it painful") == ["does it hurt? is it painful"]


def test_a_topic_asked_twice_is_answered_once_with_that_parse() -> None:
    parses = {"does it hurt?": ("faq", "faq/pain"), "is it painful": ("faq", "faq/pain")}
    [question] = separation(parses, "does it hurt? is it painful").questions
    assert question.text == "does it hurt? is it painful"
    assert question.parse["response_selector"]["default"]["response"]["intent_response_key"] == "faq/pain"


def test_a_part_that_follows_up_the_one_before_is_read_in_its_context() -> None:
    # Alone, "how long do they last" reads like how long results last.
    parses = {"what are the side effects": ("faq", "faq/side_effects"),
              "how long do they last?": ("not_covered", "not_covered/results_duration")}
    [question] = separation(parses, "what are the side effects and how long do they last?").questions
    assert question.parse["response_selector"]["default"]["response"]["intent_response_key"] == "faq/side_effects"


def test_questions_past_the_limit_are_counted_not_answered() -> None:
    asks = ["what is it?", "does it hurt?", "how much is it?", "who does it?", "how deep does it go?",
            "what is in it?"]
    keys = ["faq/what_is", "faq/pain", "not_covered/cost", "faq/choosing_provider", "faq/injection_depth",
            "faq/ingredients"]
    parses = {ask: (key.split("/")[0], key) for ask, key in zip(asks, keys, strict=True)}
    result = separation(parses, " ".join(asks))
    assert [question.text for question in result.questions] == asks[:MAX_QUESTIONS]
    assert result.left_out == len(asks) - MAX_QUESTIONS


def test_a_close_second_answer_is_handed_over_after_the_first() -> None:
    from channels.questions import Question, with_alternatives

    parse = {"intent": {"name": "faq"}, "alternative_answer": "not_covered/downtime",
             "response_selector": {"default": {"response": {"intent_response_key": "faq/aftercare"}}}}
    first, second = with_alternatives([Question("can I go back to work after?", parse)])
    assert first.text == second.text == "can I go back to work after?"
    assert first.parse is parse
    assert second.parse["intent"]["name"] == "not_covered" and "alternative_answer" not in second.parse
    assert second.parse["response_selector"]["default"]["response"]["intent_response_key"] == "not_covered/downtime"
