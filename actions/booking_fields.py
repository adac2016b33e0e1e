"""Reading a patient's free-text answers to the booking questions.

Each reader returns the value to store, or raises InvalidAnswer with a short,
polite explanation that the form shows before asking again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

NAME_MAX = 60
NAME_MAX_WORDS = 6
TEXT_ANSWER_MAX = 100
EMAIL_MAX = 254

SKIP_WORDS = {"skip", "pass", "skip it", "skip this", "rather not say", "prefer not to say", "next"}
FLEXIBLE_TIME_WORDS = (
    "any time", "anytime", "whenever", "flexible", "asap", "as soon as possible", "any day", "no preference",
    "doesn't matter", "dont mind", "don't mind", "either",
)
NAME_PREFIXES = re.compile(
    r"^(hi|hello|hey)?[,!.\s]*(my name is|my name's|name is|name's|i am|i'm|im|it's|its|this is|call me)\s+",
    re.IGNORECASE,
)
# Letters of any script, spaces, and the punctuation real names use.
NAME_CHARACTERS = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]+)*\.?$")
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
CLOCK_TIME = re.compile(r"\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)?\b", re.IGNORECASE)
# Words that say yes or no. Consent and "send it" need one of them: the classifier
# alone calls some keyboard mash "affirm" and some plain yeses "deny".
SAYS_YES = re.compile(
    r"\b(y+e*[sa]*h?|yu+p|yep|o?k+|okay|okey|sure|correct|right|agreed?|fine|definitely|absolutely|"
    r"of course|please|go ahead|send|perfect|good|great|alright|aye)\b|[\U0001F44D\u2705]",
    re.IGNORECASE,
)
SAYS_NO = re.compile(r"\b(no+|n|nope|nah|not|don'?t|do not|never|change|wrong|cancel|stop)\b", re.IGNORECASE)
UNSURE = re.compile(
    r"\b(not sure|unsure|idk|dunno|don'?t know|no idea|no clue|maybe|perhaps|possibly)\b", re.IGNORECASE
)


class InvalidAnswer(ValueError):
    """The answer cannot be used; the message says why, for the patient."""


def is_skip(text: str) -> bool:
    return text.strip().lower().rstrip(".!") in SKIP_WORDS


def _collapse(text: str) -> str:
    """One line of printable text: control characters dropped, white space folded."""
    printable = "".join(character for character in text if character.isprintable() or character.isspace())
    return re.sub(r"\s+", " ", printable).strip()


def read_name(text: str) -> str:
    name = NAME_PREFIXES.sub("", _collapse(text)).strip(" .,!")
    if len(name) > NAME_MAX:
        raise InvalidAnswer(
            f"That looks longer than a name. Please send just your name ({NAME_MAX} characters at most)."
        )
    if not name or not NAME_CHARACTERS.match(name) or len(name.split()) > NAME_MAX_WORDS:
        raise InvalidAnswer(
            "Sorry, I couldn't read that as a name. Please type your first and last name, e.g. Maria Lopez."
        )
    return " ".join(part[:1].upper() + part[1:] if part.islower() else part for part in name.split(" "))


def read_contact(text: str) -> str:
    """An email address as typed, or a phone number in E.164 (US when no country code)."""
    text = _collapse(text)
    if len(text) > EMAIL_MAX:
        raise InvalidAnswer("That's too long for a phone number or email. Please send just one of them.")
    email = EMAIL.search(text)
    if email:
        return email.group(0).lower()
    if "@" in text:
        raise InvalidAnswer("That email address doesn't look complete. Please check it, e.g. name@example.com.")
    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidAnswer(
        "I couldn't read a phone number or email there. Please send a phone number with its area code "
        "(e.g. 212 555 0199) or an email address."
    )


def read_preferred_time(text: str, weekdays: Iterable[str], times_of_day: Iterable[str]) -> str:
    """Keep the patient's words; they must name a day, a time of day, or say any time is fine."""
    text = _collapse(text)
    if len(text) > TEXT_ANSWER_MAX:
        raise InvalidAnswer(f"Please keep it short ({TEXT_ANSWER_MAX} characters at most), e.g. 'weekday mornings'.")
    lowered = text.lower()
    understood = (
        any(weekdays)
        or any(times_of_day)
        or any(word in lowered for word in FLEXIBLE_TIME_WORDS)
        or CLOCK_TIME.search(lowered) is not None
    )
    if not understood:
        raise InvalidAnswer(
            "Sorry, I didn't catch a day or time there. Please tell me the days and time of day that suit you, "
            "e.g. 'Tuesday or Thursday mornings' or 'any weekday evening'."
        )
    return text


def read_treatment(text: str, mentioned: Iterable[str]) -> str:
    """What the patient wants treated: their words, checked for something readable."""
    text = _collapse(text)
    if len(text) > TEXT_ANSWER_MAX:
        raise InvalidAnswer(f"Please keep it short ({TEXT_ANSWER_MAX} characters at most), e.g. 'fat on my thighs'.")
    if any(mentioned):
        return text
    words = re.findall(r"[^\W\d_]{2,}", text)
    if not words or not any(re.search(r"[aeiouy]", word, re.IGNORECASE) for word in words) or "<" in text:
        raise InvalidAnswer(
            "Sorry, I didn't understand that. What would you like to treat? For example 'fat on my belly', "
            "'loose skin on my arms' or 'not sure yet'."
        )
    return text


def read_yes_no(text: str, intent: str | None) -> bool:
    """A clear yes or no. Buttons carry their intent; typed answers must say yes or
    no in words, and the intent only decides when they say both ("no, that's fine")."""
    if text.startswith("/") and intent in ("affirm", "deny"):
        return intent == "affirm"
    if UNSURE.search(text):
        raise InvalidAnswer("Sorry, please answer yes or no.")
    says_yes, says_no = bool(SAYS_YES.search(text)), bool(SAYS_NO.search(text))
    if says_yes != says_no:
        return says_yes
    if says_yes and intent in ("affirm", "deny"):
        return intent == "affirm"
    raise InvalidAnswer("Sorry, please answer yes or no.")


def describe_treatment(concerns: Iterable[str], body_areas: Iterable[str]) -> str | None:
    """A treatment description from spaCy entities the patient already mentioned."""
    concern_text = " and ".join(dict.fromkeys(concerns))
    area_text = " and ".join(dict.fromkeys(body_areas))
    if concern_text and area_text:
        return f"{concern_text} ({area_text})"
    return concern_text or area_text or None
