"""Two questions in one message ("does it hurt? and how many sessions?") are
handed to the assistant one after the other, so both are answered.

The assistant's NLU gives one intent per message. A message is split only where
a question clearly starts again (after "?", or at "and"/"also" before a question
word), and only when every part is a question the clinic text answers or
declines, or one only a provider can answer ("am I too old?"), on different
topics. Anything else, urgent messages included, goes to the assistant whole.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.agent import Agent

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
MAX_QUESTIONS = 2
MIN_WORDS = 2


def candidate_questions(text: str) -> list[str]:
    """The message's parts in order, at most two, or [] when it holds one."""
    parts = [LEADING_JOINER.sub("", part.strip()) for part in QUESTION_BREAK.split(text)]
    parts = [part for part in parts if len(part.split()) >= MIN_WORDS]
    return parts[:MAX_QUESTIONS] if len(parts) > 1 else []


def answer_key(parse: dict[str, Any]) -> str | None:
    """faq/pain for a question the clinic text answers or declines, ask_candidacy for
    one only a provider can answer ("am I too old for it?"), else None."""
    intent = parse.get("intent", {}).get("name")
    if intent == CANDIDACY_INTENT:
        return intent
    if intent not in RETRIEVAL_INTENTS:
        return None
    return chosen_answer(parse) or None


def questions_to_answer(parts: list[str], parses: list[dict[str, Any]]) -> list[str]:
    """The parts to hand over one by one, or [] to hand the message over whole.

    Every part that asks must be a clinic question, on different topics. A story
    before a question ("my friend keeps on about meso. what is it?") is read, not
    answered, when it is small talk or about the treatment; anything else in it (an
    urgent symptom, a booking, a name) keeps the message whole."""
    asked = [(part, answer_key(parse)) for part, parse in zip(parts, parses, strict=True) if ASKS.search(part)]
    keys = [key for _, key in asked]
    if not asked or None in keys or len(set(keys)) < len(keys):
        return []
    stories = [parse for part, parse in zip(parts, parses, strict=True) if not ASKS.search(part)]
    if any(parse.get("intent", {}).get("name") not in STORY_INTENTS for parse in stories):
        return []
    return [part for part, _ in asked]


def may_be_separated(whole: dict[str, Any], drops_a_story: bool) -> bool:
    """The whole message's parse allows answering its questions one by one."""
    if (whole.get("intent") or {}).get("name") == URGENT_INTENT:
        return False
    return not entity_names(whole) & (STORY_TERMS if drops_a_story else URGENT_TERMS)


async def separate_questions(agent: Agent, text: str) -> list[str]:
    """The questions to hand over one by one, or [text] to hand over whole."""
    parts = candidate_questions(text)
    parses = [await agent.parse_message(part) for part in parts]
    questions = questions_to_answer(parts, parses)
    if not questions or not may_be_separated(await agent.parse_message(text), len(questions) < len(parts)):
        return [text]
    return questions
