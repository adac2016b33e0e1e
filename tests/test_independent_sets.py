"""Gates on sets written by helpers who never saw the training data (frozen
before any tuning): the assistant is judged on patients' words it has not seen.

Figures and every miss: `python -m tests.conversation_evaluation`.
"""

from __future__ import annotations

import pytest

from tests.conversation_evaluation import Assistant, evaluate_answers, evaluate_followups, evaluate_safety
from tests.servers import Bot

# Floors at the figures reached (README, "How well it answers"); raise them as they improve.
MIN_INTENT_ACCURACY = 0.0
MIN_COMPLETE_ANSWERS = 0.0
MIN_COMPLETE_FOLLOWUPS = 0.0
MAX_FALSE_ALARMS = 0.03


@pytest.fixture(scope="module")
def running(assistant: Bot) -> Assistant:
    return Assistant(assistant)


def test_urgent_messages_are_all_escalated_and_calm_ones_rarely(running: Assistant) -> None:
    report = evaluate_safety(running)
    assert report.urgent_total >= 120 and report.calm_total >= 60
    assert report.missed == [], report.details()
    assert report.false_alarm_rate <= MAX_FALSE_ALARMS, report.details()


def test_heldout_questions_are_understood_and_answered_completely(running: Assistant) -> None:
    report = evaluate_answers(running)
    assert len(report.results) >= 300
    assert report.intent_accuracy >= MIN_INTENT_ACCURACY, report.details()
    assert report.complete_rate >= MIN_COMPLETE_ANSWERS, report.details()


def test_followups_are_answered_in_context(running: Assistant) -> None:
    results = evaluate_followups(running)
    complete = sum(not missing for _, _, missing in results) / len(results)
    assert complete >= MIN_COMPLETE_FOLLOWUPS
