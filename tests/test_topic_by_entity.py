"""A question naming a concern or a medicine gets that topic's answer, without a model."""

from __future__ import annotations

from typing import Any

import pytest

from nlu.topic_by_entity import topic_for


def parse(intent: str, answer: str, entity: str, text: str) -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.6},
        "entities": [{"entity": entity, "value": "x"}],
        "response_selector": {
            "all_retrieval_intents": ["faq", "not_covered"],
            "default": {"response": {"intent_response_key": answer}, "ranking": []},
        },
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # A concern asked about with "does it work / help / fix": what the text says of it.
        (parse("faq", "faq/how_it_works", "asked_concern", "does meso work for hair loss"), "faq/uses"),
        (parse("not_covered", "not_covered/results_duration", "asked_concern", "will it get rid of my cellulite?"),
         "faq/uses"),
        (parse("nlu_fallback", "faq/what_is", "asked_concern", "can injections tighten loose skin"), "faq/uses"),
        (parse("nlu_fallback", "faq/uses", "asked_concern", "his hairline is going. would it help?"), "faq/uses"),
        (parse("not_covered", "not_covered/results_timeline", "asked_concern", "would it change my cellulite?"),
         "faq/uses"),
        (parse("faq", "faq/results_vary", "asked_concern", "does it work on dark spots?"), "faq/uses"),
        # A related topic stays: sessions for a concern, the timeline, the price.
        (parse("faq", "faq/number_of_sessions", "asked_concern", "how many sessions to help hair loss?"), None),
        (parse("not_covered", "not_covered/results_timeline", "asked_concern", "when will it help my fat?"), None),
        # A medicine named in a question: what to stop and how long before.
        (parse("faq", "faq/infection", "medication", "do anti-inflammatories affect it?"), "faq/medications"),
        (parse("stop", "faq/procedure", "medication", "do i have to stop my motrin"), "faq/medications"),
        (parse("faq", "faq/preparation", "medication", "should I stop aspirin?"), None),
        # Never a booking answer, a candidacy question, an urgent message, or a statement.
        (parse("inform", "faq/uses", "asked_concern", "does it help my belly fat?"), None),
        (parse("request_consult", "faq/uses", "medication", "I want to book, can I still take Advil?"), None),
        (parse("ask_candidacy", "faq/uses", "medication", "I take Eliquis. Does that rule me out?"), None),
        (parse("urgent_symptom", "faq/uses", "medication", "took aspirin, can't breathe?"), None),
        (parse("faq", "faq/what_is", "asked_concern", "belly fat"), None),
        (parse("faq", "faq/what_is", "medication", "I take aspirin daily"), None),
    ],
)
def test_topic(data: dict[str, Any], expected: str | None) -> None:
    assert topic_for(data) == expected
