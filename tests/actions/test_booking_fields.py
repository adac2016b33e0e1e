"""Reading patients' answers: names, phone numbers, emails, times, treatments."""

from __future__ import annotations

import pytest

from actions.booking_fields import (
    InvalidAnswer,
    describe_treatment,
    is_skip,
    read_contact,
    read_name,
    read_preferred_time,
    read_treatment,
    read_yes_no,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria Lopez", "Maria Lopez"),
        ("my name is tom o'neil", "Tom O'neil"),
        ("it's Jen", "Jen"),
        ("  Zoë   Kowalski-Brown ", "Zoë Kowalski-Brown"),
        ("李小龍", "李小龍"),
    ],
)
def test_names(text: str, expected: str) -> None:
    assert read_name(text) == expected


@pytest.mark.parametrize(
    "text", ["", "12345", "x" * 5000, "<script>alert(1)</script>", "Robert'); DROP TABLE consult_requests;--", "@@@"]
)
def test_unusable_names_are_rejected_with_an_explanation(text: str) -> None:
    with pytest.raises(InvalidAnswer, match=r"name"):
        read_name(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("212 555 0199", "+12125550199"),
        ("(646) 555-0123", "+16465550123"),
        ("my cell is 1-917-555-0143 thanks", "+19175550143"),
        ("+44 20 7946 0958", "+442079460958"),
        ("Jane.Doe@Example.com", "jane.doe@example.com"),
        ("email me at tom+meso@example.org please", "tom+meso@example.org"),
    ],
)
def test_phone_numbers_become_e164_and_emails_are_kept(text: str, expected: str) -> None:
    assert read_contact(text) == expected


@pytest.mark.parametrize("text", ["555-0142", "12345", "call me", "jane@", "jane@example", "a" * 300])
def test_invalid_contacts_are_rejected(text: str) -> None:
    with pytest.raises(InvalidAnswer):
        read_contact(text)


def test_preferred_time_needs_a_day_a_time_or_flexibility() -> None:
    assert read_preferred_time("tues or thurs mornings", ["tues", "thurs"], ["mornings"]) == "tues or thurs mornings"
    assert read_preferred_time("anytime really", [], []) == "anytime really"
    assert read_preferred_time("after 3pm", [], []) == "after 3pm"
    with pytest.raises(InvalidAnswer, match="day or time"):
        read_preferred_time("banana", [], [])
    with pytest.raises(InvalidAnswer, match="short"):
        read_preferred_time("monday " * 50, ["monday"], [])


def test_treatment_answers() -> None:
    assert read_treatment("fat on my belly", ["fat", "belly"]) == "fat on my belly"
    assert read_treatment("not sure yet", []) == "not sure yet"
    for nonsense in ["zzzz xqwt", "!!!", "<b>x</b>"]:
        with pytest.raises(InvalidAnswer):
            read_treatment(nonsense, [])


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("/affirm", "affirm", True),
        ("/deny", "deny", False),
        ("Yes.", None, True),
        ("yess", "affirm", True),
        ("yeah sure", "affirm", True),
        ("k", "affirm", True),
        ("that's fine", "deny", True),  # the classifier's slip; the words are clear
        ("i agree", "inform", True),
        ("👍", "out_of_scope", True),
        ("nah", "inform", False),
        ("no, change something", "deny", False),
        ("not right now", "deny", False),  # says both: the intent decides
        ("sure, why not", "affirm", True),
    ],
)
def test_yes_no_needs_the_words_to_say_it(text: str, intent: str, answer: bool) -> None:
    assert read_yes_no(text, intent) is answer


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ghghgh", "affirm"), ("yhyh", "affirm"), ("idk", "inform"), ("maybe later", "inform"), ("nmnm", "deny"),
     ("/greet", "greet"), ("not right now", "inform"), ("not sure", "deny"), ("no idea", "deny"),
     ("yes maybe", "affirm")],
)
def test_unclear_answers_are_asked_again(text: str, intent: str) -> None:
    with pytest.raises(InvalidAnswer, match="yes or no"):
        read_yes_no(text, intent)


def test_skip_words_and_treatment_description() -> None:
    assert is_skip("Skip") and is_skip("rather not say") and not is_skip("skipping lunch")
    assert describe_treatment(["fat"], ["tummy", "thighs"]) == "fat (tummy and thighs)"
    assert describe_treatment([], ["arms", "arms"]) == "arms"
    assert describe_treatment([], []) is None
