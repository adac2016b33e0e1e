"""NLU on the held-out set (tests/nlu/heldout.yml): messages written separately
from the training data and never trained on."""

from __future__ import annotations

from rasa.core.agent import Agent

from tests.nlu_evaluation import HELDOUT, evaluate, load_examples

MIN_ACCURACY = 0.90


def test_heldout_set_is_not_training_data() -> None:
    from pathlib import Path

    training = {
        text.lower()
        for path in Path(HELDOUT).parents[2].joinpath("data", "nlu").glob("*.yml")
        for _, text in load_examples(path)
    }
    heldout = load_examples(HELDOUT)
    assert len(heldout) >= 150
    assert [text for _, text in heldout if text.lower() in training] == []


def test_heldout_intent_and_retrieval_accuracy(agent: Agent) -> None:
    evaluation = evaluate(agent, load_examples(HELDOUT))
    print(evaluation.report())
    assert evaluation.intent_accuracy >= MIN_ACCURACY, evaluation.report()
    assert evaluation.full_accuracy >= MIN_ACCURACY, evaluation.report()
