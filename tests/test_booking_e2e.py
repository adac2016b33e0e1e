"""Whole booking conversations over the REST channel, against the real bot and
action server; the clinic database is SQLite, or PostgreSQL when DATABASE_URL
points there."""

from __future__ import annotations

import pytest

from clinic_db.consults import open_requests
from tests.servers import Bot

pytestmark = pytest.mark.database


def say(bot: Bot, sender: str, text: str) -> str:
    return " ".join(bot.texts(sender, text))


def book(bot: Bot, sender: str, answers: list[str]) -> list[str]:
    return [say(bot, sender, answer) for answer in answers]


def test_a_booking_stores_exactly_one_correct_row(assistant: Bot, sender: str, clean_database: str) -> None:
    assert "name" in say(assistant, sender, "I'd like to book a consult")
    replies = book(assistant, sender, [
        "Maria Lopez",
        "(212) 555-0199",
        "tues or thurs mornings",
        "fat on my thighs",
        "yes",
    ])
    assert "+12125550199" in replies[-1] and "Shall I send it" in replies[-1]
    saved = say(assistant, sender, "yes")
    [row] = open_requests(clean_database)
    assert row.reference in saved and "will call you" in saved
    assert (row.name, row.contact, row.preferred_time, row.concern, row.consent, row.channel) == (
        "Maria Lopez", "+12125550199", "tues or thurs mornings", "fat on my thighs", True, "rest")
    say(assistant, sender, "yes")  # a double "yes" stores nothing more
    assert len(open_requests(clean_database)) == 1


def test_a_question_in_the_middle_is_answered_and_the_form_resumes(
    assistant: Bot, sender: str, clean_database: str
) -> None:
    say(assistant, sender, "can I come in saturday?")
    say(assistant, sender, "Tom Reyes")
    interruption = say(assistant, sender, "wait, how many sessions will I need?")
    assert "three to 15 times" in interruption and "phone number" in interruption
    asked = say(assistant, sender, "tom@example.com")
    # Saturday was already said: the form goes straight to what to treat.
    assert "treat" in asked


def test_invalid_answers_are_explained_and_stop_leaves_cleanly(
    assistant: Bot, sender: str, clean_database: str
) -> None:
    say(assistant, sender, "book me in")
    assert "too long for me to read" in say(assistant, sender, "x" * 5000)  # refused by the channel
    assert "longer than a name" in say(assistant, sender, "x" * 1500)  # refused by the form
    assert "couldn't read that as a name" in say(assistant, sender, "<script>alert(1)</script>")
    say(assistant, sender, "Ana Silva")
    assert "area code" in say(assistant, sender, "555")
    cancelled = say(assistant, sender, "never mind, stop")
    assert "cancelled" in cancelled
    assert open_requests(clean_database) == []
    assert "three to 15" in say(assistant, sender, "how many sessions do I need")


def test_a_detail_can_be_corrected_before_sending(assistant: Bot, sender: str, clean_database: str) -> None:
    say(assistant, sender, "schedule a consultation please")
    book(assistant, sender, ["Ana Silva", "646-555-0123", "weekday evenings", "hair loss", "yes"])
    assert "Which detail" in say(assistant, sender, "no, change something")
    assert "phone number" in say(assistant, sender, "contact")
    assert "+16465550188" in say(assistant, sender, "646 555 0188")
    say(assistant, sender, "yes")
    [row] = open_requests(clean_database)
    assert row.contact == "+16465550188"


def test_only_a_clear_yes_gives_consent_or_sends(assistant: Bot, sender: str, clean_database: str) -> None:
    say(assistant, sender, "i want to book a consult")
    consent_question = book(assistant, sender, ["Ana Silva", "646-555-0123", "weekday evenings", "hair loss"])[-1]
    assert "may contact you" in consent_question
    for unclear in ["xcvb", "idk", "jjjj", "not sure"]:
        assert "yes or no" in say(assistant, sender, unclear), unclear
    assert "Shall I send it" in say(assistant, sender, "yes")
    for unclear in ["asdfgh", "dunno"]:
        assert "yes or no" in say(assistant, sender, unclear), unclear
    assert open_requests(clean_database) == []
    say(assistant, sender, "yes")
    assert len(open_requests(clean_database)) == 1
