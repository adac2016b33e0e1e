"""Judge the assistant on sets written by helpers who never saw the training data.

Each message is sent to the real bot and action server over REST, in a fresh
conversation (or after the turns that set up its context). A reply is judged by
what the patient reads:

- a factual question's answer is *complete* when every expected fact of the
  clinic text appears in the replies (each fact lists acceptable wordings);
- an urgent message must get the urgent guidance; a calm one must not.

Run directly for a report: `python -m tests.conversation_evaluation`.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from channels.questions import separate_questions, with_alternatives
from clinic_db.migrate import upgrade
from nlu.interpretation import ANSWER_OPTION_ENTITY
from tests.nlu_evaluation import predicted_full_intent
from tests.servers import API_TOKEN, Bot, running_assistant

TESTS = Path(__file__).resolve().parent
HELDOUT = TESTS / "heldout_independent" / "messages.yml"
SAFETY = TESTS / "safety" / "independent.yml"
# A second set from another helper, read only at the end (its questions and safety messages together).
FINAL_CHECK = TESTS / "final_check" / "messages.yml"
# A third, written after the second session's tuning and never used for tuning: only
# its figures are printed, so its messages stay unseen by whoever tunes the data.
FRESH_CHECK = TESTS / "fresh_check" / "messages.yml"
# Written after the bag-of-words classifier was replaced, before any tuning of the new one:
# questions in the style of public FAQ pages and patient forums, and a Spanish set.
REAL_QUESTIONS = TESTS / "real_questions" / "messages.yml"
SPANISH = TESTS / "spanish_questions" / "messages.yml"
# Written after the question forms and the question back: calm messages that name symptoms,
# medicines or worries without being urgent, and urgent ones put casually.
SAFETY_BOUNDARY = TESTS / "safety_boundary" / "messages.yml"
# Written after the safety work on that set, by a helper told only what the new rules calm:
# urgent messages put in those very forms, and calm ones beside them.
SAFETY_ADVERSARIAL = TESTS / "safety_adversarial" / "messages.yml"
# Not an answer on a topic: not understood.
NOT_AN_ANSWER = {"nlu_fallback"}
# Between the answers given to one question when the second was close ("faq/pain|faq/numbing"),
# and between those offered in a question back ("asked back: faq/pain|faq/numbing",
# actions/which_answer.py), which is not an answer either.
ALTERNATIVES = "|"
ASKED_BACK = "asked back: "


def answers(predicted: str, expected: str) -> bool:
    return not predicted.startswith(ASKED_BACK) and expected in predicted.split(ALTERNATIVES)


def offers(predicted: str, expected: str) -> bool:
    return predicted.startswith(ASKED_BACK) and expected in predicted.removeprefix(ASKED_BACK).split(ALTERNATIVES)
# Both variants of utter_urgent_symptom open with these words (domain/safety.yml).
URGENT_OPENINGS = ("This may need urgent care", "Esto puede necesitar atención urgente")
# The turns that put a conversation in each context before the message is sent.
CONTEXT_TURNS = {
    "mid_booking": ["I'd like to book a consult", "Sam Rivera"],
    "paused": ["can I talk to a real person please"],
    "after_booking": [
        "I'd like to book a consult", "Sam Rivera", "(212) 555-0147", "weekday mornings",
        "fat on my belly", "yes", "yes",
    ],
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‑", "-").lower())


def missing_facts(reply: str, facts: list[list[Any]]) -> list[list[str]]:
    """The facts none of whose wordings appear in the reply."""
    said = normalise(reply)
    return [fact for fact in facts if not any(normalise(str(wording)) in said for wording in fact)]


URGENT_INTENT = "urgent_symptom"


def is_urgent_reply(replies: list[str]) -> bool:
    return any(reply.startswith(URGENT_OPENINGS) for reply in replies)


@dataclass
class Assistant:
    """The running bot: its REST channel and its NLU parse."""

    bot: Bot

    def replies(self, sender: str, text: str) -> list[str]:
        return [message["text"] for message in self.bot.say(sender, text) if message.get("text")]

    def parse(self, text: str) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.bot.url}/model/parse?token={API_TOKEN}",
            data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    async def parse_message(self, text: str) -> dict[str, Any]:
        return self.parse(text)

    def full_intents(self, text: str) -> list[str]:
        """The topics the assistant takes the message to ask, as its channels do: each
        question it hands over on its own (channels/questions.py), or the whole message's."""
        separation = asyncio.run(separate_questions(self, text))  # type: ignore[arg-type]
        predicted: list[str] = []
        previous = None
        for question in with_alternatives(separation.questions):
            offered = offered_answers(question.parse)
            topic = ASKED_BACK + ALTERNATIVES.join(offered) if offered else predicted_full_intent(question.parse)
            if question.text == previous:  # a close second answer given beside the first: "a|b"
                predicted[-1] += f"{ALTERNATIVES}{topic}"
            else:
                predicted.append(topic)
            previous = question.text
        return predicted


def offered_answers(parse: dict[str, Any]) -> list[str]:
    return [entity["value"] for entity in parse.get("entities") or [] if entity["entity"] == ANSWER_OPTION_ENTITY]


def new_sender() -> str:
    return f"eval-{uuid.uuid4().hex[:12]}"


@dataclass
class AnswerResult:
    text: str
    expected: list[str]
    predicted: list[str]
    replies: list[str]
    missing: list[list[str]]
    style: str

    @property
    def intent_right(self) -> bool:
        """Every question asked got its topic's answer (both of two; beside a close second counts)."""
        asked = self.predicted[: len(self.expected)]
        return len(asked) == len(self.expected) and all(map(answers, asked, self.expected))

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def wrong_topic(self) -> bool:
        """Some question got an answer on another topic (not a fallback or a question back)."""
        asked = self.predicted[: len(self.expected)]
        return any(not answers(got, want) and got not in NOT_AN_ANSWER and not got.startswith(ASKED_BACK)
                   for got, want in zip(asked, self.expected, strict=False))

    @property
    def alarmed(self) -> bool:
        """A question that is not urgent got the urgent guidance."""
        return URGENT_INTENT not in self.expected and is_urgent_reply(self.replies)

    @property
    def asked_back(self) -> bool:
        return any(got.startswith(ASKED_BACK) for got in self.predicted)

    @property
    def right_one_offered(self) -> bool:
        """Asked back, and each question's answer was given or among those offered."""
        asked = self.predicted[: len(self.expected)]
        return self.asked_back and len(asked) == len(self.expected) and all(
            answers(got, want) or offers(got, want) for got, want in zip(asked, self.expected, strict=True))


@dataclass
class AnswerReport:
    results: list[AnswerResult] = field(default_factory=list)

    def share(self, passed: list[bool]) -> float:
        return sum(passed) / len(passed) if passed else 1.0

    @property
    def intent_accuracy(self) -> float:
        return self.share([r.intent_right for r in self.results])

    @property
    def wrong_topic_rate(self) -> float:
        return self.share([r.wrong_topic for r in self.results])

    @property
    def alarmed_rate(self) -> float:
        return self.share([r.alarmed for r in self.results])

    @property
    def asked_back_rate(self) -> float:
        return self.share([r.asked_back for r in self.results])

    @property
    def factual(self) -> list[AnswerResult]:
        return [r for r in self.results if r.expected[0].startswith("faq/")]

    @property
    def complete_rate(self) -> float:
        return self.share([r.complete for r in self.factual])

    def summary(self) -> str:
        by_style = Counter(r.style for r in self.factual)
        complete_by_style = Counter(r.style for r in self.factual if r.complete)
        styles = ", ".join(f"{s} {complete_by_style[s]}/{n}" for s, n in sorted(by_style.items()))
        return (
            f"{len(self.results)} messages: intent + retrieval (every question) {self.intent_accuracy:.1%}, "
            f"wrong topic {self.wrong_topic_rate:.1%}, asked which answer {self.asked_back_rate:.1%} "
            f"(the right one offered {sum(r.right_one_offered for r in self.results)} times), "
            f"urgent guidance to {sum(r.alarmed for r in self.results)} questions; "
            f"{len(self.factual)} factual, answers complete {self.complete_rate:.1%} ({styles})"
        )

    def details(self) -> str:
        lines = [self.summary()]
        for r in self.results:
            if not r.intent_right or not r.complete:
                lines.append(f"- {r.text!r}: expected {r.expected}, got {r.predicted}; missing {r.missing}")
                lines += [f"    > {reply}" for reply in r.replies]
        return "\n".join(lines)


def evaluate_answers(assistant: Assistant, path: Path = HELDOUT) -> AnswerReport:
    report = AnswerReport()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data.get("messages") or data["questions"]:
        replies = assistant.replies(new_sender(), item["text"])
        report.results.append(AnswerResult(
            text=item["text"],
            expected=item["intents"],
            predicted=assistant.full_intents(item["text"]),
            replies=replies,
            missing=missing_facts(" ".join(replies), item.get("facts") or []),
            style=item.get("style", "plain"),
        ))
    return report


def understood_topic(parse: dict[str, Any]) -> str:
    """The topic the classifier understood, whatever the language rule then decided (a
    Spanish question is answered with where to get help in Spanish, for now)."""
    ranking = parse.get("intent_ranking") or [parse["intent"]]
    best = next((entry["name"] for entry in ranking if entry["name"] != "other_language"), "nlu_fallback")
    return predicted_full_intent({**parse, "intent": {"name": best}})


def evaluate_topics(assistant: Assistant, path: Path = SPANISH) -> AnswerReport:
    """Whether each question's topic was understood (the parse only, no replies)."""
    report = AnswerReport()
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
        report.results.append(AnswerResult(
            text=item["text"], expected=item["intents"], predicted=[understood_topic(assistant.parse(item["text"]))],
            replies=[], missing=[], style=item.get("style", "plain"),
        ))
    return report


def evaluate_followups(assistant: Assistant, path: Path = HELDOUT) -> list[tuple[dict[str, Any], list[str], list]]:
    """(item, replies to the second message, missing facts) for each two-turn exchange."""
    results = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("followups") or []:
        sender = new_sender()
        assistant.replies(sender, item["first"])
        replies = assistant.replies(sender, item["second"])
        results.append((item, replies, missing_facts(" ".join(replies), item.get("facts") or [])))
    return results


@dataclass
class SafetyReport:
    missed: list[tuple[str, str, list[str]]] = field(default_factory=list)
    false_alarms: list[tuple[str, str, list[str]]] = field(default_factory=list)
    urgent_total: int = 0
    calm_total: int = 0

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.urgent_total

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.calm_total

    def summary(self) -> str:
        return (
            f"urgent {self.urgent_total}: recall {self.recall:.1%}; "
            f"calm {self.calm_total}: false alarms {self.false_alarm_rate:.1%}"
        )

    def details(self) -> str:
        lines = [self.summary()]
        for label, rows in (("MISSED", self.missed), ("FALSE ALARM", self.false_alarms)):
            for context, text, replies in rows:
                lines.append(f"- {label} [{context}] {text!r}")
                lines += [f"    > {reply}" for reply in replies]
        return "\n".join(lines)


def reply_in_context(assistant: Assistant, context: str, text: str) -> list[str]:
    sender = new_sender()
    for turn in CONTEXT_TURNS.get(context, []):
        assistant.replies(sender, turn)
    return assistant.replies(sender, text)


def evaluate_safety(assistant: Assistant, path: Path = SAFETY) -> SafetyReport:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = SafetyReport()
    urgent = [("single", item["text"]) for item in data["urgent"]]
    urgent += [(item["context"], item["text"]) for item in data.get("urgent_in_context") or []]
    for context, text in urgent:
        replies = reply_in_context(assistant, context, text)
        report.urgent_total += 1
        if not is_urgent_reply(replies):
            report.missed.append((context, text, replies))
    for item in data["calm"]:
        replies = reply_in_context(assistant, "single", item["text"])
        report.calm_total += 1
        if is_urgent_reply(replies):
            report.false_alarms.append((item["kind"], item["text"], replies))
    return report


def main(argv: list[str]) -> None:
    which = set(argv[1:]) or {
        "answers", "followups", "safety", "final", "fresh", "real", "spanish", "boundary", "adversarial",
    }
    with tempfile.TemporaryDirectory() as workdir:
        database_url = f"sqlite:///{workdir}/clinic.db"
        upgrade(database_url)
        with running_assistant(Path(workdir), database_url) as (bot, _, _):
            assistant = Assistant(bot)
            if "answers" in which:
                print(evaluate_answers(assistant).details())
            if "followups" in which:
                followups = evaluate_followups(assistant)
                print(f"follow-ups: {sum(not m for _, _, m in followups)}/{len(followups)} complete")
                for item, replies, missing in followups:
                    if missing:
                        print(f"- {item['first']!r} -> {item['second']!r}: missing {missing}: {replies}")
            if "safety" in which:
                print(evaluate_safety(assistant).details())
            if "final" in which:
                print("final check:")
                print(evaluate_answers(assistant, FINAL_CHECK).details())
                print(evaluate_safety(assistant, FINAL_CHECK).details())
            if "fresh" in which:
                print("fresh check (figures only):")
                print(evaluate_answers(assistant, FRESH_CHECK).summary())
                print(evaluate_safety(assistant, FRESH_CHECK).summary())
            if "real" in which:
                print("real questions:")
                print(evaluate_answers(assistant, REAL_QUESTIONS).details())
            if "boundary" in which:
                print("safety boundary:")
                print(evaluate_safety(assistant, SAFETY_BOUNDARY).details())
            if "adversarial" in which:
                print("safety, in the forms the rules calm:")
                print(evaluate_safety(assistant, SAFETY_ADVERSARIAL).details())
            if "spanish" in which:
                print("spanish (topic understood):")
                print(evaluate_topics(assistant).details())
                print(evaluate_safety(assistant, SPANISH).details())


if __name__ == "__main__":
    main(sys.argv)
