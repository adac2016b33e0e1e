"""A question about a named concern or medicine gets that topic's answer (nlu/interpretation.py).

The classifier learned topics from our own phrasing; the EntityRuler's vocabulary
(spacy_pipeline/vocabulary.yml) knows patients' words for concerns ("thinning
hair", "sun spots") and medicines ("Advil", "Eliquis"). When a question names one
and the classifier chose an unrelated answer or none, the entity decides:

- "does it work / help / fix ..." about a concern -> faq/uses, whose variation
  says what the clinic text says of that concern (slot `asked_concern`);
- a question naming a medicine -> faq/medications (what to stop, how long before).

It is applied after the safety check and never touches an urgent message, a booking
request or answer (`request_consult`, `inform`) or a candidacy question, and it leaves an answer on a related
topic alone ("how many sessions for hair loss?" stays about sessions).
"""

from __future__ import annotations

import re
from typing import Any

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT

from nlu.question_words import QUESTION_WORD
from nlu.retrieval import RETRIEVAL_INTENTS, chosen_answer

USES_ANSWER, MEDICATIONS_ANSWER = "faq/uses", "faq/medications"
# Intents whose choice a named concern or medicine may correct ("stop" as in "do I stop
# my Motrin?"; a booking request stays one).
CORRECTABLE_INTENTS = {"faq", "not_covered", "nlu_fallback", "stop", "out_of_scope"}
# Answers that already fit a question about a concern or a medicine. "Results vary" alone
# does not: the concern's own answer says what the text says of it, then that results vary.
TIMELINE_ANSWER = "not_covered/results_timeline"
FITS_CONCERN = {USES_ANSWER, "faq/number_of_sessions", "faq/session_frequency", "faq/pain", "faq/side_effects",
                TIMELINE_ANSWER, "not_covered/cost", "not_covered/comparison"}
# The timeline answer fits only a question of when ("does it help my cellulite?" is not).
ASKS_WHEN = re.compile(r"\b(when|how (long|soon|quick|fast)|weeks?|months?|time|until|till|before i see)\b")
FITS_MEDICATION = {MEDICATIONS_ANSWER, "faq/preparation"}
QUESTION_START = re.compile(rf"^\W*{QUESTION_WORD}\b")
ASKS_ABOUT_TREATMENT = re.compile(r"\b(is|does|do|can|could|would|will) (it|this|that|meso\w*|mezo|the \w+)\b")
ASKS_IF_IT_HELPS = re.compile(
    r"\b(work|works|help|helps|good for|any good|do anything|does anything|fix|get rid|treat|shift|fade|tighten"
    r"|firm|reduce|improve|difference|change|effective|target|remove|lighten|used for|for that|for it)\b"
)


def is_question(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return "?" in lowered or bool(QUESTION_START.search(lowered) or ASKS_ABOUT_TREATMENT.search(lowered))


def asks_if_it_helps_a_concern(message_data: dict[str, Any]) -> bool:
    text = (message_data.get(TEXT) or "").lower()
    named = any(entity.get("entity") == "asked_concern" for entity in message_data.get(ENTITIES) or [])
    return named and is_question(text) and bool(ASKS_IF_IT_HELPS.search(text))


def asks_about_a_medicine(message_data: dict[str, Any]) -> bool:
    named = any(entity.get("entity") == "medication" for entity in message_data.get(ENTITIES) or [])
    return named and is_question(message_data.get(TEXT) or "")


def named_topic(message_data: dict[str, Any]) -> str | None:
    """faq/medications for a question naming a medicine, faq/uses for one asking whether
    it helps a named concern, else None."""
    if asks_about_a_medicine(message_data):
        return MEDICATIONS_ANSWER
    if asks_if_it_helps_a_concern(message_data):
        return USES_ANSWER
    return None


def fits(answer: str, topic: str, text: str) -> bool:
    """The classifier's answer already suits a question on `topic`."""
    if topic == MEDICATIONS_ANSWER:
        return answer in FITS_MEDICATION
    if answer == TIMELINE_ANSWER:
        return bool(ASKS_WHEN.search(text.lower()))
    return answer in FITS_CONCERN


def topic_for(message_data: dict[str, Any]) -> str | None:
    """The answer a named concern or medicine calls for, or None to keep the classifier's."""
    intent = (message_data.get(INTENT) or {}).get("name")
    topic = named_topic(message_data) if intent in CORRECTABLE_INTENTS else None
    if topic is None:
        return None
    answered = intent in RETRIEVAL_INTENTS and fits(chosen_answer(message_data), topic, message_data.get(TEXT) or "")
    return None if answered else topic
