"""Short follow-up questions read in the context of the answer before them.

The assistant's NLU reads each message alone, so "how long before?" right after
the answer about which medicines to stop reads like "how long until results?".
For the follow-ups patients ask most, a short message with the follow-up's cue,
right after the answer it follows, gets that topic's answer:

- medicines or preparing -> "how long before?"      -> the medicines answer (a week)
- sessions               -> "how often? how far apart?" -> session frequency
- side effects or safety -> "how long do they last?" -> the side-effects answer
- what it treats         -> "what about my X?" (a concern or body area) -> what it treats, for X

Urgent messages, requests for a person or a booking, and Spanish are never
re-read: only questions, and messages the assistant did not understand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.agent import Agent

from nlu.interpretation import ALTERNATIVE_ANSWER, ANSWER_OPTION_ENTITY
from nlu.retrieval import RESPONSE_SELECTOR, answer_choice

MAX_WORDS = 14
REREAD_INTENTS = {"faq", "not_covered", "ask_candidacy", "nlu_fallback", "out_of_scope", "affirm", "deny", "inform"}


@dataclass(frozen=True)
class FollowUp:
    after: frozenset[str]
    cue: re.Pattern[str]
    answer: str
    needs_entity: frozenset[str] = frozenset()


FOLLOW_UPS = (
    FollowUp(
        frozenset({"faq/medications", "faq/preparation"}),
        re.compile(r"\b(how long|how far|how many days|how much time|how soon|when)\b"),
        "faq/medications",
    ),
    FollowUp(
        frozenset({"faq/number_of_sessions", "faq/session_frequency"}),
        re.compile(r"\b(how often|how far apart|apart|between|weekly|monthly|every|how frequent\w*)\b"),
        "faq/session_frequency",
    ),
    FollowUp(
        frozenset({"faq/side_effects", "faq/safety", "faq/pain"}),
        re.compile(r"\b(how long|last|lasts|go away|goes away|go down|fade|days|quickly)\b"),
        "faq/side_effects",
    ),
    FollowUp(
        frozenset({"faq/uses", "faq/what_is", "faq/body_areas", "faq/results_vary"}),
        re.compile(r"\b(what about|how about|and|for|on|work|help|fix)\b"),
        "faq/uses",
        frozenset({"concern", "body_area"}),
    ),
)


def last_answer(newest_first: Iterable[dict[str, Any]]) -> str | None:
    """The retrieval key of the assistant's answer in its last turn ("faq/pain"), if it gave one."""
    for event in newest_first:
        if event.get("event") == "user":
            return None
        action = (event.get("metadata") or {}).get("utter_action") or ""
        if event.get("event") == "bot" and action.startswith("utter_faq/"):
            return action.removeprefix("utter_")
    return None


def follow_up_for(text: str, previous: str | None, parse: dict[str, Any]) -> FollowUp | None:
    lowered = text.lower()
    if previous is None or len(lowered.split()) > MAX_WORDS:
        return None
    if (parse.get("intent") or {}).get("name") not in REREAD_INTENTS:
        return None
    entities = {entity.get("entity") for entity in parse.get("entities") or []}
    return next(
        (
            follow_up
            for follow_up in FOLLOW_UPS
            if previous in follow_up.after
            and follow_up.cue.search(lowered)
            and (not follow_up.needs_entity or follow_up.needs_entity & entities)
        ),
        None,
    )


def as_answer(parse: dict[str, Any], answer: str) -> dict[str, Any]:
    """The parse, with `answer` chosen and no other offered (other entities kept: "what
    about my hair" names hair)."""
    intent, selectors = answer_choice(parse, answer)
    kept = {key: value for key, value in parse.items() if key != ALTERNATIVE_ANSWER}
    entities = [entity for entity in parse.get("entities") or [] if entity.get("entity") != ANSWER_OPTION_ENTITY]
    return {**kept, "intent": intent, "entities": entities, RESPONSE_SELECTOR: selectors}


def might_follow_up(text: str) -> bool:
    """Cheap first look, before any parse or tracker load."""
    lowered = text.lower()
    return len(lowered.split()) <= MAX_WORDS and any(follow_up.cue.search(lowered) for follow_up in FOLLOW_UPS)


def read_in_context(text: str, previous: str | None, parse: dict[str, Any]) -> dict[str, Any]:
    """The parse, with the follow-up's answer where `text` follows up `previous`."""
    follow_up = follow_up_for(text, previous, parse)
    return as_answer(parse, follow_up.answer) if follow_up else parse


async def parse_in_context(agent: Agent, sender_id: str, text: str, parse: dict[str, Any]) -> dict[str, Any]:
    """The message's parse, read in the context of the assistant's last answer."""
    if not might_follow_up(text):
        return parse
    tracker = await agent.tracker_store.retrieve(sender_id)
    # Only the events of the last turn are read, newest first.
    previous = last_answer(event.as_dict() for event in reversed(tracker.events)) if tracker else None
    return read_in_context(text, previous, parse)
