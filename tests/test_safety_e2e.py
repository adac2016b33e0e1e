"""Urgent symptoms get urgent guidance wherever they appear: in Spanish, in the
middle of a booking, mixed with a form answer; nonsense never does."""

from __future__ import annotations

import pytest

from tests.servers import Bot

URGENT_EN = "This may need urgent care"
URGENT_ES = "Esto puede necesitar atención urgente"


def replies(bot: Bot, sender: str, *turns: str) -> list[str]:
    said: list[str] = []
    for turn in turns:
        said = bot.texts(sender, turn)
    return said


@pytest.mark.parametrize(
    "text",
    [
        "me cuesta respirar después de la mesoterapia",
        "tengo fiebre desde ayer",
        "se me están hinchando los labios",
        "tengo fiebre",  # two words: too few for the language detector, the Spanish term decides
    ],
)
def test_spanish_urgent_symptoms_get_urgent_guidance_in_spanish(assistant: Bot, sender: str, text: str) -> None:
    [urgent] = replies(assistant, sender, text)
    assert urgent.startswith(URGENT_ES) and "911" in urgent


def test_a_spanish_question_gets_a_spanish_reply_with_the_clinic_phone(assistant: Bot, sender: str) -> None:
    [reply] = replies(assistant, sender, "¿duele?")
    assert "solo puedo responder en inglés" in reply and "(555) 010-0199" in reply


@pytest.mark.parametrize(
    "text",
    [
        "actually my cheek has been hot and swollen since my last session and it's getting worse",
        "face. it's my face, it's puffing up right now and my throat feels tight",
    ],
)
def test_an_urgent_symptom_in_the_middle_of_a_booking_ends_the_booking(assistant: Bot, sender: str, text: str) -> None:
    said = replies(assistant, sender, "I'd like to book a consult", "Sam Rivera", text)
    assert said[0].startswith(URGENT_EN) and not any("phone number" in reply for reply in said)
    # The booking was left: the next message is not taken as a form answer.
    assert "three to 15 times" in " ".join(replies(assistant, sender, "how many sessions do I need"))


def test_pregnancy_with_bleeding_after_treatment_is_urgent(assistant: Bot, sender: str) -> None:
    said = replies(assistant, sender, "I'm pregnant, had mesotherapy last week, now cramps and bleeding")
    assert said[0].startswith(URGENT_EN) and not any("book" in reply for reply in said)


@pytest.mark.parametrize("text", ["purple monkey dishwasher", "banana helicopter", "asdfgh"])
def test_nonsense_is_never_urgent(assistant: Bot, sender: str, text: str) -> None:
    assert not any(reply.startswith(URGENT_EN) for reply in replies(assistant, sender, text))
