"""Classify held-out messages with the trained model, in process (no HTTP).

Run directly to print a report: `python -m tests.nlu_evaluation [FILE]`.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rasa.core.agent import Agent

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
RETRIEVAL_INTENTS = ("faq", "not_covered")


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(expected full intent, text) pairs from a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (block["intent"], line.strip()[2:].strip())
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


def predicted_full_intent(parse: dict[str, Any]) -> str:
    """The intent, with the retrieval key ("faq/pain") when a ResponseSelector answers it."""
    intent = parse["intent"]["name"]
    if intent in RETRIEVAL_INTENTS:
        selectors = parse.get("response_selector", {})
        # One ResponseSelector serves every retrieval intent and reports as "default".
        selected = (selectors.get(intent) or selectors.get("default") or {}).get("response", {})
        key = selected.get("intent_response_key") or ""
        return key if key.startswith(f"{intent}/") else intent
    return intent


@dataclass
class Evaluation:
    total: int = 0
    intent_correct: int = 0
    full_correct: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total

    @property
    def full_accuracy(self) -> float:
        """Intent and, for faq/not_covered, the exact answer chosen."""
        return self.full_correct / self.total

    def report(self) -> str:
        lines = [
            f"{self.total} messages: intent accuracy {self.intent_accuracy:.1%}, "
            f"intent + retrieval accuracy {self.full_accuracy:.1%}"
        ]
        confusions = Counter((expected, got) for expected, got, _ in self.errors)
        lines += [f"  {expected} -> {got}: {count}" for (expected, got), count in confusions.most_common()]
        lines += [f"  [{expected} -> {got}] {text}" for expected, got, text in self.errors]
        return "\n".join(lines)


async def parse_all(agent: Agent, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def evaluate(agent: Agent, examples: list[tuple[str, str]]) -> Evaluation:
    parses = asyncio.run(parse_all(agent, [text for _, text in examples]))
    evaluation = Evaluation()
    for (expected, text), parse in zip(examples, parses, strict=True):
        got = predicted_full_intent(parse)
        evaluation.total += 1
        evaluation.intent_correct += got.split("/")[0] == expected.split("/")[0]
        if got == expected:
            evaluation.full_correct += 1
        else:
            evaluation.errors.append((expected, got, text))
    return evaluation


if __name__ == "__main__":
    model = PROJECT_ROOT / "models" / "mesotherapy.tar.gz"
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HELDOUT
    print(evaluate(Agent.load(str(model)), load_examples(source)).report())
