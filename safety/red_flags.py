"""RedFlagEscalator: a Rasa NLU component that favours recall on urgent symptoms.

It runs after the intent classifier and FallbackClassifier and decides, for
every message:

1. A red-flag term found by the spaCy EntityRuler (spacy_pipeline/vocabulary.yml),
   or pregnancy together with bleeding or cramps anywhere in the message
   -> `urgent_symptom`, whatever the classifier thought; except (4).
2. The classifier ranks urgent_symptom first, or above `min_urgent_confidence`
   -> `urgent_symptom`, unless (3).
3. The message names only ordinary side effects the clinic text describes
   (redness, swelling, bruising, soreness: `side_effect` terms, no red flag) and
   the classifier is below `ordinary_side_effect_confidence`, or says they are
   getting better -> the clinic's side-effects answer, which says when to call the
   clinic or 911.
4. A general question that only mentions a symptom ("can it cause a fever?") is
   answered as the question it is when the classifier is sure it is one: it
   starts as a question and says nothing of the patient's own body ("my", "I",
   "is it normal"). A plainly hypothetical one ("what if", "if I ever", "signs
   of... to watch for") is answered too, with the side-effects answer (when to
   call, 911) when the classifier is not sure. Neither may speak of now ("now",
   "since", "still", "getting worse"): that is escalated.
5. Without a red-flag term, a question whether it helps a named concern or about a
   named medicine ("do I have to stop my Motrin?") is answered, not escalated,
   when the classifier only leans towards urgent (below 0.5) and it speaks neither
   of now ("still", "since") nor of a treatment already had ("after my session").

Missing an emergency costs far more than an unneeded "call the clinic".
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.component import ConfiguredComponent
from nlu.question_words import QUESTION_WORDS
from nlu.retrieval import choose_answer
from nlu.topic_by_entity import named_topic

URGENT_INTENT = "urgent_symptom"
RED_FLAG_ENTITY = "red_flag"
SIDE_EFFECT_ENTITY = "side_effect"
PREGNANCY_ENTITIES = {"pregnancy", "pregnancy_sign"}
SIDE_EFFECTS_ANSWER = "faq/side_effects"
QUESTION_INTENTS = {"faq", "not_covered", "ask_candidacy"}
# The patient speaks of their own body: not a general question.
PERSONAL = re.compile(
    r"\b(my|i|im|i'm|ive|i've|me|mine|we|our|us|myself|normal|okay|ok|worried|help|he|she|his|her|hers|they|their)\b"
)
# ...or of now: never a general question, not even a hypothetical one.
PRESENT = re.compile(r"\b(now|right now|since|still|currently|today|tonight|this morning|getting worse|keeps?)\b")
AFTER_TREATMENT = re.compile(
    r"\b(since|after|from) (my|the|her|his|last|that) (last |first )?(session|treatment|injection|shot|jab|appointment"
    r"|appt|visit|meso)|\b(had|got|did) (it|meso\w*|mezo|the (treatment|injections?|shots?))\b"
)
# Ordinary side effects on the mend are not urgent ("not getting better" is not on the mend).
IMPROVING = re.compile(
    r"(?<!not )(?<!isn't )(?<!isnt )(?<!aren't )(?<!arent )(?<!hasn't )(?<!hasnt )(?<!never )(?<!no longer )"
    r"\b(getting better|improving|going down|fading|settling)\b"
)
HYPOTHETICAL = re.compile(
    r"\b(what if|if i ever|if i get|if i see|if i saw|if i notice|if i develop|hypothetically|in case"
    r"|would that mean|signs of|watch for|look out for|if someone|just asking|haven't had it|havent had it"
    r"|do people ever|does anyone ever|does it ever|can it ever|do people get|how common|is it common)\b"
)
# Someone else's words ("my friend said it can cause a fever") are not the patient's own
# symptoms; someone's own body ("my husband's lips are swelling") is: it needs the verb.
SOMEONE_ELSE = re.compile(
    r"\b(my|our) (friend|mate|sister|brother|mum|mom|mother|dad|father|cousin|aunt|partner|husband|wife|colleague"
    r"|coworker|neighbou?r|daughter|son)s? (said|says|told me|thinks|reckons|heard|read)\b"
)

# Above this, the classifier's doubt outweighs a named concern or medicine.
TREATMENT_QUESTION_MAX_URGENT = 0.5
# A decision is to escalate, to keep the classifier's choice, or the answer to give instead.
ESCALATE, KEEP = "escalate", "keep"
GENERAL_QUESTION, HYPOTHETICAL_QUESTION = "general", "hypothetical"


def entity_names(message_data: dict[str, Any]) -> set[str]:
    return {entity.get("entity") for entity in message_data.get(ENTITIES) or []}


def urgent_confidence(message_data: dict[str, Any]) -> tuple[bool, float]:
    """(is urgent_symptom ranked first, its confidence)."""
    ranking = message_data.get(INTENT_RANKING_KEY) or []
    for index, entry in enumerate(ranking):
        if entry.get("name") == URGENT_INTENT:
            return index == 0, float(entry.get("confidence", 0.0))
    return False, 0.0


def question_kind(text: str) -> str | None:
    """HYPOTHETICAL ("what if I ever...", "signs of... to watch for"), GENERAL ("can it
    cause a fever?"), or None for anything that may describe the patient now."""
    lowered = text.lower().replace("’", "'").strip()
    reported = bool(SOMEONE_ELSE.search(lowered))
    lowered = SOMEONE_ELSE.sub("someone", lowered)
    if PRESENT.search(lowered):
        return None
    if HYPOTHETICAL.search(lowered):
        return HYPOTHETICAL_QUESTION
    words = re.findall(r"[\w']+", lowered)
    # "my friend said it can cause a fever, is that true?" asks, though it starts with a story.
    asks = (bool(words) and words[0] in QUESTION_WORDS) or (reported and "?" in lowered)
    return GENERAL_QUESTION if asks and not PERSONAL.search(lowered) else None


def treatment_question_topic(message_data: dict[str, Any], urgent_confidence: float) -> str | None:
    """The answer to a question about a named concern or medicine (nlu/topic_by_entity.py),
    when the classifier only leans towards urgent and it speaks neither of now nor of a
    treatment already had."""
    text = (message_data.get(TEXT) or "").lower().replace("’", "'")
    if urgent_confidence >= TREATMENT_QUESTION_MAX_URGENT or AFTER_TREATMENT.search(text) or PRESENT.search(text):
        return None
    return named_topic(message_data)


def classified_as_question(message_data: dict[str, Any], confidence: float) -> bool:
    intent = message_data.get(INTENT) or {}
    return intent.get("name") in QUESTION_INTENTS and float(intent.get("confidence", 0.0)) >= confidence


def safety_decision(
    message_data: dict[str, Any], min_urgent: float, ordinary_side_effect: float, general_question: float
) -> str:
    names = entity_names(message_data)
    if RED_FLAG_ENTITY in names or names >= PREGNANCY_ENTITIES:
        kind = question_kind(message_data.get(TEXT) or "")
        if kind and classified_as_question(message_data, general_question):
            return KEEP
        # Asked "in case", it gets the side-effects answer: when to call, and 911.
        return SIDE_EFFECTS_ANSWER if kind == HYPOTHETICAL_QUESTION else ESCALATE
    ranked_first, confidence = urgent_confidence(message_data)
    if not (ranked_first or confidence >= min_urgent):
        return KEEP
    topic = treatment_question_topic(message_data, confidence)
    if topic:
        return topic
    improving = IMPROVING.search((message_data.get(TEXT) or "").lower())
    if SIDE_EFFECT_ENTITY in names and (confidence < ordinary_side_effect or improving):
        return SIDE_EFFECTS_ANSWER
    return ESCALATE


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagEscalator(ConfiguredComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "min_urgent_confidence": 0.2,
            "ordinary_side_effect_confidence": 0.8,
            "general_question_confidence": 0.6,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._min_urgent = float(config["min_urgent_confidence"])
        self._ordinary_side_effect = float(config["ordinary_side_effect_confidence"])
        self._general_question = float(config["general_question_confidence"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not message.get(INTENT):
                continue
            decision = safety_decision(
                message.as_dict(), self._min_urgent, self._ordinary_side_effect, self._general_question
            )
            if decision == ESCALATE:
                message.set(INTENT, {"name": URGENT_INTENT, "confidence": 1.0}, add_to_output=True)
            elif decision != KEEP:
                choose_answer(message, decision)
        return messages
