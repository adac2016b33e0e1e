"""The safety decision: recall first on urgent symptoms (nlu/interpretation.py applies it).

It is taken after the intent classifier and FallbackClassifier, before anything
else may change what a message means, for every message:

0. A product swallowed or put in the eyes (a `poisoning` term) -> `urgent_symptom`,
   whatever else the message says; its guidance names Poison Control. So is a plea
   for help that names the face, throat or breathing ("help my lips").
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
6. A red flag from the patient's past, asked as a candidacy question ("I had hives
   from an antibiotic years ago, can I still have it?", "I fainted once years ago,
   will that be a problem?"), is a candidacy question: only a provider can answer
   it. Whether to come in with a mild fever or rash of today from a cause like a
   cold or a new soap ("a bit of a temperature from a cold, can I still come?") is
   for the team, like any illness on the day. A red flag is of the past only in a
   sentence of the past. Anything said of now, or after a treatment,
   keeps it urgent.
7. A red flag said not to be there, by the word just before it ("no fever"), is not
   one. A story from afar retold and asked about ("I read about a woman whose face
   swelled, how rare is that?") is a general question; someone at hand, reported ("my
   husband says his throat feels tight"), is not.

Missing an emergency costs far more than an unneeded "call the clinic".
"""

from __future__ import annotations

import re
from typing import Any

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT

from nlu.question_words import QUESTION_WORDS
from nlu.topic_by_entity import named_topic

URGENT_INTENT = "urgent_symptom"
RED_FLAG_ENTITY = "red_flag"
POISONING_ENTITY = "poisoning"
CANDIDACY_INTENT = "ask_candidacy"
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
    r"\b(getting better|improving|going down|fading|settling"
    # Spanish, with and without accents
    r"|se est[aá] quitando|se est[aá]n? yendo|se (le )?est[aá] bajando|cada d[ií]a (est[aá] )?mejor|mejorando"
    r"|(se est[aá] poniendo|ya est[aá]) amarill\w*|ya (casi )?no se (nota|ve))\b"
)
HYPOTHETICAL = re.compile(
    r"\b(what if|if i ever|if i get|if i see|if i saw|if i notice|if i develop|hypothetically|in case"
    r"|si alguien|si tuviera|si me (diera|da|pasa)|qu[eé] pasa si|en caso de"
    r"|would that mean|signs of|watch for|look out for|if someone|just asking|haven't had it|havent had it"
    r"|do people ever|does anyone ever|does it ever|can it ever|do people get|how common|is it common)\b"
)
# "if my face swelled...": of what may happen, when every red flag is said inside the condition.
CONDITIONAL = re.compile(r"\bif (my|i feel)\b")
# Someone else's words ("my friend said it can cause a fever") are not the patient's own
# symptoms; someone's own body ("my husband's lips are swelling") is: it needs the verb.
SOMEONE_ELSE = re.compile(
    r"\b(my|our) (friend|mate|sister|brother|mum|mom|mother|dad|father|cousin|aunt|partner|husband|wife|colleague"
    r"|coworker|neighbou?r|daughter|son)s? (said|says|told me|thinks|reckons|heard|read)\b"
)
# A story from afar ("I read about a woman who...", "a friend told me"): about nobody at hand,
# so "she" and "her" in it are not someone with the patient now.
STORY_FROM_AFAR = re.compile(
    r"\b(i('ve| have)? (read|heard) (about|of|stories|horror stories)|(a|some) (friend|woman|man|girl|guy|person)"
    r" (told me|said)|someone (said|told me)|(online|on (tiktok|instagram|reddit|facebook|youtube)|in the news))\b"
)
# Asked of the patient's own body, even within someone else's story.
FIRST_PERSON = re.compile(r"\b(my|i|im|i'm|ive|i've|me|mine|we|our|us|myself)\b")
# "no fever", "not hot": a red flag said to be absent, the word just before it ("can not
# breathe" and "No! lips swelling" are not).
NEGATED = re.compile(r"(?<!can )(?<!could )(?<!do )(?<!does )(?<!did )\b(no|not|zero|nor|never) +$")

# A red flag from the patient's past, asked as whether they may still have the treatment
# (the classifier leaning below TREATMENT_QUESTION_MAX_URGENT to urgent).
PAST_HISTORY = re.compile(
    r"\b(\d+|a few|few|some|many|several|two|three|ten) (years?|yrs?|months?) ago\b|\b(years|ages|a long time) ago\b"
    r"|\b(as a (kid|child|teen\w*|baby)|when i was (a |little|young|younger|small|\d+)\w*|in the past|history of"
    r"|once had|used to (get|have)|last year|back in \d{4}|in \d{4}|as a teenager|in my (twenties|teens|20s|30s))\b"
    r"|\bonce( before| when|[.,;!?])"
)
ASKS_TO_HAVE_IT = re.compile(
    r"\b((can|could|may|should) i (still |safely )?(have|get|do|try)|am i (still )?(ok|okay|able|allowed|a candidate"
    r"|suitable|a good candidate)|is it (still )?(safe|ok|okay) for me|would i be able|does (that|this) (mean|rule)"
    r"|rule me out|still (have|get) (it|meso\w*|the treatment)|be a (good )?candidate|stop me from"
    r"|(will|would) (that|this|it) be (a problem|an issue|ok|okay)|is (that|this|it) (still )?(a problem|an issue|ok"
    r"|okay)|does (that|this|it) matter)\b"
)
# Whether to come in with a condition of today ("should I still come?"), said to be mild.
ASKS_TO_COME_IN = re.compile(
    r"\b((should|can|could|may) i (still )?(come|attend|keep my appointment|go ahead)|still come|is that a no"
    r"|should i (wait|reschedule|postpone)|better to wait)\b"
)
MILD = re.compile(r"\b(mild|slight|slightly|a bit of|a little|a touch of|tiny|small)\b")
# ...and only a fever or a rash, with a cause of the day that is not the treatment.
ILLNESS_OF_THE_DAY = {"fever", "hives"}
ILLNESS_CAUSE = re.compile(
    r"\b(cold|flu|cough\w*|bug|virus|covid|sore throat|hay ?fever|laundry|detergent|washing powder|soap)\b"
)

# A plea for help naming the face, throat or breathing ("help my lips"), too short for the
# classifier to be sure of anything: urgent.
PLEA = re.compile(r"^\W*(please\s+|pls\s+|plz\s+)?(help|sos|emergency|urgent)\b")
FACE_OR_BREATHING = re.compile(r"\b(lips?|face|throat|tongue|eyes?|mouth|chest|breath\w*|boca|labios?|cara|garganta)\b")

# A question read as a question: its best reading at least this, all its readings the threshold.
BEST_READING_OF_A_QUESTION = 0.5
# Above this, the classifier's doubt outweighs a named concern or medicine.
TREATMENT_QUESTION_MAX_URGENT = 0.5
# A decision is to escalate, to keep the classifier's choice, or the answer to give instead.
ESCALATE, KEEP, CANDIDACY, FOR_THE_TEAM = "escalate", "keep", "candidacy", "for the team"
GENERAL_QUESTION, HYPOTHETICAL_QUESTION = "general", "hypothetical"


def entity_names(message_data: dict[str, Any]) -> set[str]:
    return {entity.get("entity") for entity in message_data.get(ENTITIES) or []}


def said_terms(message_data: dict[str, Any]) -> set[str]:
    """The entities found, but for a red flag said to be absent ("no fever")."""
    text = (message_data.get(TEXT) or "").lower()
    return {
        entity.get("entity") for entity in message_data.get(ENTITIES) or []
        if not (entity.get("entity") == RED_FLAG_ENTITY and NEGATED.search(text[: int(entity.get("start") or 0)]))
    }


def text_of(message_data: dict[str, Any]) -> str:
    """The message in lower case with straight apostrophes, its characters where the entities say."""
    return (message_data.get(TEXT) or "").lower().replace("’", "'")


def leans_urgent(message_data: dict[str, Any]) -> bool:
    """The classifier's urgent probability outweighs a question's other readings."""
    return urgent_confidence(message_data)[1] >= TREATMENT_QUESTION_MAX_URGENT


def urgent_confidence(message_data: dict[str, Any]) -> tuple[bool, float]:
    """(is urgent_symptom ranked first, its confidence)."""
    ranking = message_data.get(INTENT_RANKING_KEY) or []
    for index, entry in enumerate(ranking):
        if entry.get("name") == URGENT_INTENT:
            return index == 0, float(entry.get("confidence", 0.0))
    return False, 0.0


def red_flag_starts(message_data: dict[str, Any]) -> list[int]:
    return [int(entity["start"]) for entity in message_data.get(ENTITIES) or []
            if entity.get("entity") == RED_FLAG_ENTITY and entity.get("start") is not None]


def said_in_a_condition(message_data: dict[str, Any], lowered: str) -> bool:
    """"if my face swelled, how long...": every red flag comes after the "if", nothing speaks
    of a treatment already had, and the classifier does not read it as urgent first."""
    condition = CONDITIONAL.search(lowered)
    if not condition or AFTER_TREATMENT.search(lowered) or urgent_confidence(message_data)[0]:
        return False
    return all(start > condition.start() for start in red_flag_starts(message_data))


def question_kind(message_data: dict[str, Any]) -> str | None:
    """HYPOTHETICAL ("what if I ever...", "signs of... to watch for"), GENERAL ("can it
    cause a fever?"), or None for anything that may describe the patient now."""
    lowered = text_of(message_data)
    if said_in_a_condition(message_data, lowered) and not (PRESENT.search(lowered) or HAPPENING.search(lowered)):
        return HYPOTHETICAL_QUESTION
    reported = bool(SOMEONE_ELSE.search(lowered))
    from_afar = bool(STORY_FROM_AFAR.search(lowered))
    lowered = STORY_FROM_AFAR.sub("someone", SOMEONE_ELSE.sub("someone", lowered))
    if PRESENT.search(lowered) or HAPPENING.search(lowered):
        return None
    if HYPOTHETICAL.search(lowered):
        return HYPOTHETICAL_QUESTION
    if from_afar:  # "I read about a woman whose face swelled, how rare is that?"
        return GENERAL_QUESTION if "?" in lowered and not FIRST_PERSON.search(lowered) else None
    words = re.findall(r"[\w']+", lowered)
    # "my friend said it can cause a fever, is that true?" asks, though it starts with a story.
    asks = (bool(words) and words[0] in QUESTION_WORDS) or (reported and "?" in lowered)
    return GENERAL_QUESTION if asks and not PERSONAL.search(lowered) else None


def treatment_question_topic(message_data: dict[str, Any], urgent_confidence: float) -> str | None:
    """The answer to a question about a named concern or medicine (nlu/topic_by_entity.py),
    when the classifier only leans towards urgent and it speaks neither of now nor of a
    treatment already had."""
    text = text_of(message_data)
    if urgent_confidence >= TREATMENT_QUESTION_MAX_URGENT or AFTER_TREATMENT.search(text) or PRESENT.search(text):
        return None
    return named_topic(message_data)


# "my lips are swelling", "it's getting": something happening as the patient writes.
HAPPENING = re.compile(r"\b(is|are|am|i'm|im|it's|its|keeps?|been) \w+ing\b")


def comes_in_with_a_mild_condition(message_data: dict[str, Any]) -> bool:
    """Whether to come in with a mild fever or rash of today, from a cause of the day ("a bit of a
    temperature from a chest cold, can I still come?"), nothing said of a treatment had and a
    classifier that does not lean urgent."""
    lowered = text_of(message_data)
    if leans_urgent(message_data) or AFTER_TREATMENT.search(lowered):
        return False
    entities = message_data.get(ENTITIES) or []
    terms = {entity.get("term") for entity in entities if entity.get("entity") == RED_FLAG_ENTITY}
    if not terms <= ILLNESS_OF_THE_DAY or not ILLNESS_CAUSE.search(lowered):
        return False
    return bool(ASKS_TO_COME_IN.search(lowered) and MILD.search(lowered)) and not HAPPENING.search(lowered)


def red_flags_only_of_the_past(message_data: dict[str, Any], lowered: str) -> bool:
    """Every red flag is said in a sentence of the past ("I had anaphylaxis once.").
    Without the terms' places, the whole message is that sentence."""
    sentences = [(match.start(), match.end()) for match in re.finditer(r"[^.!?;]+[.!?;]*", lowered)]
    for start in red_flag_starts(message_data):
        sentence = next((lowered[s:e] for s, e in sentences if s <= start < e), lowered)
        if not PAST_HISTORY.search(sentence):
            return False
    return bool(PAST_HISTORY.search(lowered))


def past_history_candidacy(message_data: dict[str, Any]) -> bool:
    """A red flag of the patient's past, asked as whether they may have the treatment, with
    nothing said of now and a classifier that does not lean towards urgent."""
    lowered = text_of(message_data)
    if leans_urgent(message_data) or entity_names(message_data) >= PREGNANCY_ENTITIES:
        return False
    if not (red_flags_only_of_the_past(message_data, lowered) and ASKS_TO_HAVE_IT.search(lowered)):
        return False
    # "can I still have it" asks of the future; anything else said of now stays urgent.
    rest = ASKS_TO_HAVE_IT.sub(" ", lowered)
    return not (PRESENT.search(rest) or HAPPENING.search(rest))


def past_history_question(message_data: dict[str, Any], general_question: float) -> bool:
    """A red flag of the patient's past, then a question the classifier is sure of ("had a rash
    from a vitamin C serum once. does your mix have vitamin C?"), nothing said of now."""
    lowered = text_of(message_data)
    if leans_urgent(message_data):
        return False
    if PRESENT.search(lowered) or HAPPENING.search(lowered) or AFTER_TREATMENT.search(lowered):
        return False
    asks = "?" in lowered and classified_as_question(message_data, general_question)
    return asks and red_flags_only_of_the_past(message_data, lowered)


def classified_as_question(message_data: dict[str, Any], confidence: float) -> bool:
    """The classifier's best reading is a question, and its questions together reach `confidence`
    (a factual question it half reads as a candidacy one is still surely a question)."""
    intent = message_data.get(INTENT) or {}
    ranking = message_data.get(INTENT_RANKING_KEY) or [intent]
    as_question = sum(float(entry.get("confidence", 0.0)) for entry in ranking if entry.get("name") in QUESTION_INTENTS)
    best = float(intent.get("confidence", 0.0))
    return intent.get("name") in QUESTION_INTENTS and best >= BEST_READING_OF_A_QUESTION and as_question >= confidence


def safety_decision(
    message_data: dict[str, Any], min_urgent: float, ordinary_side_effect: float, general_question: float
) -> str:
    names = said_terms(message_data)
    lowered = (message_data.get(TEXT) or "").lower()
    if POISONING_ENTITY in names or (PLEA.search(lowered) and FACE_OR_BREATHING.search(lowered)):
        return ESCALATE
    if RED_FLAG_ENTITY in names or names >= PREGNANCY_ENTITIES:
        if past_history_candidacy(message_data):
            return CANDIDACY
        if past_history_question(message_data, general_question):
            return KEEP
        if comes_in_with_a_mild_condition(message_data):
            return FOR_THE_TEAM
        kind = question_kind(message_data)
        if kind and classified_as_question(message_data, general_question):
            return KEEP
        # Asked "in case", it gets the side-effects answer (when to call, and 911); not when the
        # classifier reads it as urgent first ("just in case it matters, my lips have gone blue").
        hypothetical = kind == HYPOTHETICAL_QUESTION and not urgent_confidence(message_data)[0]
        return SIDE_EFFECTS_ANSWER if hypothetical else ESCALATE
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
