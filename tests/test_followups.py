"""Which short messages are read as follow-ups of the answer before them."""

from __future__ import annotations

from typing import Any

import pytest

from channels.followups import as_answer, follow_up_for, last_answer


def parse(intent: str, *entities: str) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": 0.6}, "entities": [{"entity": e} for e in entities]}


def bot(action: str) -> dict[str, Any]:
    return {"event": "bot", "metadata": {"utter_action": action}}


def test_last_answer_is_the_faq_answer_of_the_last_turn_only() -> None:
    def newest_first(events: list[dict[str, Any]]) -> Any:
        return reversed(events)

    assert last_answer(newest_first([{"event": "user"}, bot("utter_faq/medications"), bot("utter_disclaimer")])) \
        == "faq/medications"
    assert last_answer(newest_first([bot("utter_faq/pain"), {"event": "user"}, bot("utter_greet")])) is None
    assert last_answer(newest_first([])) is None


@pytest.mark.parametrize(
    ("text", "previous", "parsed", "expected"),
    [
        ("how long before?", "faq/medications", parse("not_covered"), "faq/medications"),
        ("how often?", "faq/number_of_sessions", parse("nlu_fallback"), "faq/session_frequency"),
        ("how long do they last", "faq/side_effects", parse("not_covered"), "faq/side_effects"),
        ("what about my thinning hair?", "faq/uses", parse("nlu_fallback", "concern"), "faq/uses"),
        # No cue, no concern, another previous answer, a long message, or not a question: read alone.
        ("what about it?", "faq/uses", parse("nlu_fallback"), None),
        ("how long before?", "faq/ingredients", parse("not_covered"), None),
        ("how long before?", None, parse("not_covered"), None),
        ("how long does it take before i can go back to work and exercise again after my appointment",
         "faq/medications", parse("not_covered"), None),
        ("how long have my lips been swelling", "faq/side_effects", parse("urgent_symptom"), None),
        ("how long before?", "faq/medications", parse("request_human"), None),
    ],
)
def test_follow_up_for(text: str, previous: str | None, parsed: dict[str, Any], expected: str | None) -> None:
    follow_up = follow_up_for(text, previous, parsed)
    assert (follow_up.answer if follow_up else None) == expected


def test_as_answer_chooses_the_answer_and_keeps_the_entities() -> None:
    answered = as_answer(parse("nlu_fallback", "concern"), "faq/uses")
    assert answered["intent"]["name"] == "faq" and answered["entities"] == [{"entity": "concern"}]
    assert answered["response_selector"]["default"]["response"]["utter_action"] == "utter_faq/uses"
