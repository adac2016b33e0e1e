"""Several questions in one message ("does it hurt? and how many sessions?") are
handed to the assistant one after the other, so each is answered.

The assistant's NLU gives one intent per message. A message is split only where
a question clearly starts again (after "?", or at "and"/"also" before a question
word), and only when every part is a question the clinic text answers or
declines, or one only a provider can answer ("am I too old?"). A part that only
follows up the one before ("what are the side effects and how long do they
last?") is read in its context (channels/followups.py), and a topic asked twice
is answered once. Anything else, urgent messages included, goes to the assistant
whole. At most MAX_QUESTIONS are answered; the reply says so when there were more.

Each part is parsed once, and the assistant is handed that parse with it. A question
whose best answer is unsure beside a close second (nlu/interpretation.py) gets both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa.core.agent import Agent

from channels.followups import as_answer, read_in_context
from nlu.interpretation import ALTERNATIVE_ANSWER
from nlu.question_words import SECOND_QUESTION_WORD
from nlu.retrieval import RETRIEVAL_INTENTS, chosen_answer
from safety.red_flags import PREGNANCY_ENTITIES, RED_FLAG_ENTITY, URGENT_INTENT, entity_names

# "...? how" / "... and how" / "..., also what" / "... n does" (SMS): where a second question begins.
QUESTION_BREAK = re.compile(
    rf"(?<=\?)\s+|(?:,\s*|\s+)(?:and|also|plus|oh and|n|&)\s+(?={SECOND_QUESTION_WORD}\b)"
    rf"|[.;]\s+(?={SECOND_QUESTION_WORD}\b)",
    re.IGNORECASE,
)
LEADING_JOINER = re.compile(r"^(?:and|also|plus|oh and|n|&)\s+", re.IGNORECASE)
ASKS = re.compile(rf"\?|^\W*{SECOND_QUESTION_WORD}\b", re.IGNORECASE)
# What a story before a question may be taken for and still be left unanswered.
STORY_INTENTS = RETRIEVAL_INTENTS | {"greet", "thank"}
# Read together, the parts may be urgent ("I'm 12 weeks pregnant. Is bleeding normal?"):
# then nothing is split, and nothing is dropped from a story that names these.
URGENT_TERMS = {RED_FLAG_ENTITY, *PREGNANCY_ENTITIES}
STORY_TERMS = URGENT_TERMS | {"side_effect", "medication"}
CANDIDACY_INTENT = "ask_candidacy"
MAX_QUESTIONS = 4
MIN_WORDS = 2


@dataclass(frozen=True)
class Question:
    text: str
    parse: dict[str, Any]


@dataclass(frozen=True)
class Separation:
    questions: list[Question]
    left_out: int = 0  # questions past MAX_QUESTIONS, not answered


def candidate_questions(text: str) -> list[str]:
    """The message's parts in order, or [] when it holds one."""
    parts = [LEADING_JOINER.sub("", part.strip()) for part in QUESTION_BREAK.split(text)]
    parts = [part for part in parts if len(part.split()) >= MIN_WORDS]
    return parts if len(parts) > 1 else []


def answer_key(parse: dict[str, Any]) -> str | None:
    """faq/pain for a question the clinic text answers or declines, ask_candidacy for
    one only a provider can answer ("am I too old for it?"), else None."""
    intent = parse.get("intent", {}).get("name")
    if intent == CANDIDACY_INTENT:
        return intent
    if intent not in RETRIEVAL_INTENTS:
        return None
    return chosen_answer(parse) or None


def questions_to_answer(parts: list[str], parses: list[dict[str, Any]]) -> list[Question]:
    """The questions to hand over one by one (each topic once), or [] to hand the message over whole.

    Every part that asks must be a clinic question. A story before a question ("my
    friend keeps on about meso. what is it?") is read, not answered, when it is small
    talk or about the treatment; anything else in it (an urgent symptom, a booking, a
    name) keeps the message whole."""
    questions: list[Question] = []
    keys: list[str | None] = []
    for part, parse in zip(parts, parses, strict=True):
        if not ASKS.search(part):
            if parse.get("intent", {}).get("name") not in STORY_INTENTS:
                return []
            continue
        read = read_in_context(part, keys[-1] if keys else None, parse)
        key = answer_key(read)
        if key is None:
            return []
        if key not in keys:
            questions.append(Question(part, read))
        keys.append(key)
    return questions


def may_be_separated(whole: dict[str, Any], drops_a_story: bool) -> bool:
    """The whole message's parse allows answering its questions one by one."""
    if (whole.get("intent") or {}).get("name") == URGENT_INTENT:
        return False
    return not entity_names(whole) & (STORY_TERMS if drops_a_story else URGENT_TERMS)


async def separate_questions(agent: Agent, text: str) -> Separation:
    """The questions to hand over one by one, or the whole message as one."""
    parts = candidate_questions(text)
    if not parts:
        return Separation([Question(text, await agent.parse_message(text))])
    answered, rest = parts[:MAX_QUESTIONS], parts[MAX_QUESTIONS:]
    parses = [await agent.parse_message(part) for part in answered]
    whole = await agent.parse_message(text)
    questions = questions_to_answer(answered, parses)
    if not questions or not may_be_separated(whole, len(questions) < len(answered)):
        return Separation([Question(text, whole)])
    left_out = sum(1 for part in rest if ASKS.search(part))
    if len(questions) == 1:  # one question, read without the story or repeat around it
        return Separation([Question(text, questions[0].parse)], left_out)
    return Separation(questions, left_out)


def with_alternatives(questions: list[Question]) -> list[Question]:
    """Each question, followed by its close second answer where it has one."""
    answered = []
    for question in questions:
        answered.append(question)
        alternative = question.parse.get(ALTERNATIVE_ANSWER)
        if alternative:
            answered.append(Question(question.text, as_answer(question.parse, alternative)))
    return answered
