"""The intent follows the answer the ResponseSelector chose between faq and not_covered."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.retrieval import RetrievalIntentAligner


def parsed(intent: str, answer: str) -> Message:
    return Message(data={
        "text": "x",
        "intent": {"name": intent, "confidence": 0.7},
        "response_selector": {"default": {"response": {"intent_response_key": answer}}},
    })


@pytest.mark.parametrize(
    ("intent", "answer", "expected"),
    [
        ("not_covered", "faq/uses", "faq"),
        ("faq", "not_covered/cost", "not_covered"),
        ("faq", "faq/pain", "faq"),
        ("greet", "faq/pain", "greet"),  # only the two retrieval intents are aligned
        ("urgent_symptom", "faq/side_effects", "urgent_symptom"),
    ],
)
def test_alignment(intent: str, answer: str, expected: str) -> None:
    [message] = RetrievalIntentAligner({}).process([parsed(intent, answer)])
    assert message.get("intent") == {"name": expected, "confidence": 0.7}
