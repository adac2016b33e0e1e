"""The safety decision, without a model (nlu/interpretation.py applies it)."""

from __future__ import annotations

from typing import Any

import pytest

from safety.red_flags import CANDIDACY, ESCALATE, FOR_THE_TEAM, KEEP, SIDE_EFFECTS_ANSWER, safety_decision


def parse(ranking: list[tuple[str, float]], *entities: str, text: str = "x") -> dict[str, Any]:
    return {
        "text": text,
        "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
        "intent_ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking],
        "entities": [{"entity": name, "value": "x"} for name in entities],
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (parse([("faq", 0.99), ("urgent_symptom", 0.0)], "red_flag"), ESCALATE),
        (parse([("nlu_fallback", 0.4), ("urgent_symptom", 0.3)]), ESCALATE),
        (parse([("inform", 0.7), ("urgent_symptom", 0.25)]), ESCALATE),
        (parse([("urgent_symptom", 0.95)], "side_effect"), ESCALATE),
        (parse([("urgent_symptom", 0.5), ("faq", 0.3)], "side_effect"), SIDE_EFFECTS_ANSWER),
        (parse([("urgent_symptom", 0.5)], "side_effect", "red_flag"), ESCALATE),
        (parse([("faq", 0.9), ("urgent_symptom", 0.1)], "side_effect"), KEEP),
        # Ordinary side effects that are getting better are answered, however sure the classifier is.
        (parse([("urgent_symptom", 0.97)], "side_effect", text="a bit achy but getting better each day"),
         SIDE_EFFECTS_ANSWER),
        (parse([("urgent_symptom", 0.97)], "side_effect", text="swelling not getting better, normal?"), ESCALATE),
        (parse([("urgent_symptom", 0.97)], "side_effect", text="the swelling isn't going down after 6 days"), ESCALATE),
        (parse([("greet", 1.0)]), KEEP),
        # Pregnancy with bleeding or cramps, wherever they stand; either alone is not urgent.
        (parse([("ask_candidacy", 0.9)], "pregnancy", "pregnancy_sign"), ESCALATE),
        (parse([("ask_candidacy", 0.9)], "pregnancy"), KEEP),
        # A general question that mentions a symptom is answered when the classifier is sure...
        (parse([("faq", 0.9)], "red_flag", text="can mesotherapy cause a fever?"), KEEP),
        (parse([("faq", 0.9)], "red_flag", text="what if I ever got hives, who do I call?"), KEEP),
        # ...never when the patient speaks of themselves, of now, or the classifier hesitates.
        (parse([("faq", 0.9)], "red_flag", text="is it normal to have a fever after?"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="can't breathe?"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="why are my lips swelling?"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="fever and chills since the shots"), ESCALATE),
        (parse([("faq", 0.5)], "red_flag", text="can mesotherapy cause a fever?"), ESCALATE),
        (parse([("urgent_symptom", 0.9)], "red_flag", text="can mesotherapy cause a fever?"), ESCALATE),
        # Plainly hypothetical: answered with when to call, even when the classifier leans urgent...
        (parse([("faq", 0.5), ("urgent_symptom", 0.4)], "red_flag",
               text="what are the signs of a rash I should watch for?"), SIDE_EFFECTS_ANSWER),
        # ...unless it reads the message as urgent first.
        (parse([("urgent_symptom", 0.8), ("faq", 0.1)], "red_flag",
               text="just in case it matters, my lips have gone blue"), ESCALATE),
        # ...but never once it speaks of now.
        (parse([("faq", 0.9)], "red_flag", text="what if my lips swell right now?"), ESCALATE),
        (parse([("urgent_symptom", 0.9)], "red_flag", text="hypothetically, I still have a fever"), ESCALATE),
        # Someone else's story, or asked of people in general.
        (parse([("faq", 0.9)], "red_flag", text="my friend said meso can give you a fever, is that true?"), KEEP),
        (parse([("faq", 0.5), ("urgent_symptom", 0.4)], "red_flag",
               text="do people ever get allergic reactions to it?"), SIDE_EFFECTS_ANSWER),
        (parse([("faq", 0.9)], "red_flag", text="my friend had a fever since her shots, and now I do too?"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="my sister says my lips look swollen?"), ESCALATE),
        (parse([("faq", 1.0)], "red_flag", text="my husband had meso and his lips are swelling up, what should he do?"),
         ESCALATE),
        (parse([("faq", 1.0)], "red_flag", text="my son has hives all over after his injections?"), ESCALATE),
        # "where" and "am" start reports of the patient's own body too, "I" or not.
        (parse([("not_covered", 0.9)], "red_flag", text="where is ur clinic?? face swelling up fast"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="where the needle went is red hot and spreading"), ESCALATE),
        (parse([("ask_candidacy", 0.9)], "red_flag", text="am having trouble breathing after meso"), ESCALATE),
        # Without a red-flag term, a question about a named medicine or concern gets its answer...
        (parse([("stop", 0.5), ("urgent_symptom", 0.24)], "medication", text="do i have to stop my motrin"),
         "faq/medications"),
        (parse([("urgent_symptom", 0.45)], "asked_concern", text="thin hair after my baby, is it any good for that"),
         "faq/uses"),
        # ...only while the classifier merely leans towards urgent, and not of now.
        (parse([("faq", 0.9), ("urgent_symptom", 0.3)], "medication", text="I'm on Eliquis, do I pause it before?"),
         "faq/medications"),
        (parse([("urgent_symptom", 0.9)], "medication", text="took a whole bottle of Advil for the pain, ok?"),
         ESCALATE),
        (parse([("urgent_symptom", 0.3)], "medication", text="still bleeding on my Eliquis, should I stop it?"),
         ESCALATE),
        # ...unless it speaks of a treatment already had, or does not ask anything.
        (parse([("urgent_symptom", 0.6)], "medication", text="took advil since my session and feel awful, ok?"),
         ESCALATE),
        (parse([("urgent_symptom", 0.85)], "asked_concern", text="my hair is falling out in clumps"), ESCALATE),
        (parse([("urgent_symptom", 0.3)], "medication", text="am on eliquis n bruising everywhere"), ESCALATE),
        # A product swallowed or in the eyes is urgent, even asked as a question.
        (parse([("faq", 0.95)], "poisoning", text="my toddler swallowed some numbing cream, is that bad?"), ESCALATE),
        (parse([("ask_candidacy", 0.9)], "poisoning", text="what if the serum gets in my eyes?"), ESCALATE),
        # A red flag of the past, asked as candidacy, is for a provider to weigh...
        (parse([("ask_candidacy", 0.8), ("urgent_symptom", 0.2)], "red_flag",
               text="I had hives from an antibiotic years ago, can I still have it?"), CANDIDACY),
        (parse([("ask_candidacy", 0.7)], "red_flag",
               text="i had an allergic reaction to penicillin as a kid, am i ok to get mesotherapy"), CANDIDACY),
        # ...but not with anything of now, with pregnancy signs, or when the classifier leans urgent.
        (parse([("ask_candidacy", 0.8)], "red_flag",
               text="had hives years ago and my lips are swelling, can I still have it?"), ESCALATE),
        (parse([("ask_candidacy", 0.8)], "red_flag",
               text="had a rash years ago and now my face is swollen, can I still have it"), ESCALATE),
        (parse([("ask_candidacy", 0.8)], "red_flag", "pregnancy", "pregnancy_sign",
               text="I'm pregnant and had bleeding years ago, can I still have it?"), ESCALATE),
        (parse([("urgent_symptom", 0.6)], "red_flag", text="I had a fever years ago, can I still have it?"), ESCALATE),
        (parse([("ask_candidacy", 0.7)], "red_flag",
               text="i passed out once as a teenager, would that be an issue?"), CANDIDACY),
        # A past red flag before a question the classifier is sure of gets that answer.
        (parse([("faq", 0.8)], "red_flag", text="got hives from a serum once. any vitamin E in yours?"), KEEP),
        (parse([("faq", 0.8)], "red_flag", text="got hives from a serum once and now my lips are puffy?"), ESCALATE),
        (parse([("faq", 0.8)], "red_flag", text="had a bad rash once. what's in the mix?"), KEEP),
        # Someone else's story from afar, asked as a question, is a general question...
        (parse([("faq", 0.8)], "red_flag", text="a friend told me her lips swelled up after meso. does that happen?"),
         KEEP),
        # ...but not when it says anything of the patient or of now.
        (parse([("faq", 0.8)], "red_flag", text="a friend told me my face looks swollen, is that bad?"), ESCALATE),
        (parse([("faq", 0.8)], "red_flag", text="my mum says her lips are swelling, is that a thing?"), ESCALATE),
        # "if my ..." asks of what may happen; "if it's swelling" speaks of now.
        (parse([("faq", 0.9)], "red_flag", text="if my face swelled, how long to go down?"), KEEP),
        (parse([("faq", 0.4)], "red_flag", text="if my face swelled, how long to go down?"), SIDE_EFFECTS_ANSWER),
        (parse([("faq", 0.9)], "red_flag", text="if my lips are swelling up what do I do?"), ESCALATE),
        (parse([("faq", 0.9)], "red_flag", text="if my face swelled after the shots, how long to go down?"),
         ESCALATE),
        (parse([("urgent_symptom", 0.6), ("faq", 0.3)], "red_flag", text="if my throat closes up, is that bad?"),
         ESCALATE),
        # A question is one when its best reading is: not only its readings together.
        (parse([("faq", 0.45), ("ask_candidacy", 0.2), ("urgent_symptom", 0.1)], "red_flag",
               text="can it cause a fever?"), ESCALATE),
        # A story from afar is a general question; someone at hand, reported, is not.
        (parse([("faq", 0.8)], "red_flag", text="my husband says his throat feels tight, is that a side effect?"),
         ESCALATE),
        (parse([("faq", 0.8)], "red_flag", text="I read about a woman whose face swelled. How rare is that?"), KEEP),
    ],
)
def test_decision(data: dict[str, Any], expected: str) -> None:
    assert safety_decision(data, min_urgent=0.2, ordinary_side_effect=0.8, general_question=0.6) == expected


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        ("day 3, no fever, a little sore", "fever", KEEP),
        ("not hot, just a bit pink", "hot", KEEP),
        ("no idea why but I have a fever", "fever", ESCALATE),
        ("no, I have a fever", "fever", ESCALATE),
        ("No! lips swelling", "lips swelling", ESCALATE),
        ("I can not get air", "get air", ESCALATE),
        ("is it normal or not? chest pain", "chest pain", ESCALATE),
        ("can't stand up without passing out", "passing out", ESCALATE),
    ],
)
def test_a_red_flag_said_to_be_absent_is_not_one(text: str, term: str, expected: str) -> None:
    assert safety_decision(with_red_flag(text, term), min_urgent=0.2, ordinary_side_effect=0.5,
                           general_question=0.6) == expected


def with_red_flag(text: str, words: str, term: str = "x", ranking: tuple = (("faq", 0.9), ("urgent_symptom", 0.05))
                  ) -> dict[str, Any]:
    """A parse whose red flag `words` is where the text says it, as the entity extractor gives it."""
    data = parse(list(ranking), text=text)
    start = text.lower().index(words.lower())
    data["entities"] = [{"entity": "red_flag", "value": words, "start": start, "end": start + len(words), "term": term}]
    return data


@pytest.mark.parametrize(
    ("text", "words", "term", "expected"),
    [
        # Whether to come in with a mild fever or rash of the day, from a cold or the like, is for the team...
        ("slight temperature from a cold, should I still come tomorrow?", "temperature", "fever", FOR_THE_TEAM),
        ("a mild rash from new laundry powder, can I still come?", "rash", "hives", FOR_THE_TEAM),
        # ...not when it is from the treatment, is anything else, has no cause of the day, or is not mild.
        ("slight fever after my session from a cold, should I still come?", "fever", "fever", ESCALATE),
        ("my chest feels a little tight with a cold, can I still come tomorrow?", "chest feels a little tight",
         "chest_pain", ESCALATE),
        ("a small lump at the injection spot, red and hot, can I still come?", "red and hot", "spreading_redness",
         ESCALATE),
        ("slight fever, can I still come in?", "fever", "fever", ESCALATE),
        ("a fever from a cold, can I still come in?", "fever", "fever", ESCALATE),
        # A past red flag is of the past only in its own sentence.
        ("I had anaphylaxis once. my throat feels tight, can I still have it?", "throat feels tight", "breathing",
         ESCALATE),
        ("I had anaphylaxis once as a child. Can I still have it?", "anaphylaxis", "facial_swelling", CANDIDACY),
    ],
)
def test_where_the_red_flag_is_said_decides(text: str, words: str, term: str, expected: str) -> None:
    data = with_red_flag(text, words, term, (("faq", 0.6), ("ask_candidacy", 0.3), ("urgent_symptom", 0.05)))
    assert safety_decision(data, min_urgent=0.2, ordinary_side_effect=0.5, general_question=0.6) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help my lips", ESCALATE),
        ("pls help my throat feels weird", ESCALATE),
        ("help, how do I book?", KEEP),
        ("can it help my face look younger?", KEEP),
    ],
)
def test_a_plea_for_help_naming_the_face_or_breathing_is_urgent(text: str, expected: str) -> None:
    data = parse([("nlu_fallback", 0.45), ("faq", 0.37), ("urgent_symptom", 0.1)], text=text)
    assert safety_decision(data, min_urgent=0.2, ordinary_side_effect=0.5, general_question=0.6) == expected


@pytest.mark.parametrize(
    "text",
    ["me quedó un poquito rojo pero ya se está quitando",
     "El abdomen me quedó un poco hinchado pero cada día está mejor",
     "tengo un moretoncito y ya se está poniendo amarillo"],
)
def test_ordinary_side_effects_on_the_mend_in_spanish_get_the_side_effects_answer(text: str) -> None:
    data = parse([("urgent_symptom", 0.6), ("faq", 0.3)], "side_effect", text=text)
    assert safety_decision(data, min_urgent=0.2, ordinary_side_effect=0.5, general_question=0.6) == SIDE_EFFECTS_ANSWER
