"""The project's own spaCy pipeline: built from repo files, reproducible, finds clinic terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from spacy_pipeline.build import build_pipeline, load_vocabulary, main


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return build_pipeline()


def entities(nlp: spacy.language.Language, text: str) -> set[tuple[str, str]]:
    # Rasa's SpacyNLP lower-cases text before the pipeline (case_sensitive: false).
    return {(ent.label_, ent.ent_id_) for ent in nlp(text.lower()).ents}


def test_pipeline_is_blank_english_with_lemmatizer_and_entity_ruler(nlp: spacy.language.Language) -> None:
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["lemmatizer", "entity_ruler"]
    assert [token.lemma_ for token in nlp("thighs bruises swelling")] == ["thigh", "bruise", "swell"]


def test_every_vocabulary_phrase_is_recognised_as_its_own_label(nlp: spacy.language.Language) -> None:
    missed = [
        (label, canonical, phrase)
        for label, values in load_vocabulary().items()
        for canonical, phrases in values.items()
        for phrase in phrases
        if "*" not in phrase and (label, canonical) not in entities(nlp, phrase)
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can it help the fat on my Tummy and thighs?", {("concern", "fat"), ("body_area", "abdomen"),
                                                        ("body_area", "thighs")}),
        ("I take ibuprophen and baby aspirin", {("medication", "ibuprofen"), ("medication", "aspirin")}),
        ("my lips are starting to swell", {("red_flag", "facial_swelling")}),
        ("my cheek is hot and red and oozing since yesterday", {("body_area", "face"),
                                                                ("red_flag", "spreading_redness"),
                                                                ("red_flag", "infection_signs")}),
        ("cant breath", {("red_flag", "breathing")}),
        ("tues or thurs mornings", {("weekday", "tuesday"), ("weekday", "thursday"), ("time_of_day", "morning")}),
        ("some bruising and swelling", {("side_effect", "bruising"), ("side_effect", "swelling")}),
        # Spanish, whatever the word's ending ("hinch*"), with or without accents.
        ("se me hinchó la cara", {("red_flag", "hinchazon_facial_es")}),
        ("tengo los labios hinchados", {("red_flag", "hinchazon_facial_es")}),
        ("me cuesta respirar", {("red_flag", "respiracion_es")}),
        ("tengo fiebre y escalofrios", {("red_flag", "fiebre_es")}),
        ("¿cuánto cuesta?", set()),
        # Worse over time, and pregnancy with its warning signs wherever they stand.
        ("my cheek is hot and swollen and getting worse", {("body_area", "face"), ("red_flag", "worsening")}),
        ("I'm pregnant, had it done last week, now cramps", {("pregnancy", "pregnant"),
                                                             ("pregnancy_sign", "cramps")}),
        ("does it work on cellulite or acne scars", {("concern", "cellulite"), ("concern", "acne_scars")}),
        # Cellulitis is an infection, not the cosmetic concern.
        ("could this be cellulitis", {("red_flag", "infection_signs")}),
        ("the injection site won't stop bleeding", {("red_flag", "bleeding")}),
        # A nerve hurt: weakness, or tingling that grows.
        ("cant lift my arm since the injections", {("red_flag", "numbness")}),
        ("my thigh keeps tingling more every day", {("body_area", "thighs"), ("red_flag", "numbness")}),
        ("i cant lift my foot properly", {("red_flag", "numbness")}),
    ],
)
def test_clinic_terms_in_patients_words(nlp: spacy.language.Language, text: str, expected: set) -> None:
    assert entities(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "I am free on the weekend? I'll get back to you", "is there a risk of infection",
    "i can't move my appointment, can i still come?",
])
def test_ordinary_words_are_not_mistaken_for_terms(nlp: spacy.language.Language, text: str) -> None:
    found = entities(nlp, text)
    assert not {label for label, _ in found} & {"time_of_day", "body_area", "red_flag"}


def test_build_writes_a_loadable_reproducible_pipeline(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    main(["build", str(first)])
    main(["build", str(second)])
    for name in ("config.cfg", "entity_ruler/patterns.jsonl"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    loaded = spacy.load(first)
    assert ("medication", "aspirin") in {(e.label_, e.ent_id_) for e in loaded("stop asprin?").ents}
