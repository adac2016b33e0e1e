"""Clinic terms are found whatever the patient's capitals."""

from __future__ import annotations

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.training_data.message import Message

from nlu.entities import CaseInsensitiveEntityExtractor
from spacy_pipeline.build import build_pipeline


@pytest.fixture(scope="module")
def model() -> SpacyModel:
    return SpacyModel(model=build_pipeline(), model_name="en_liondale")


@pytest.mark.parametrize(
    "text", ["Swelling on my lips", "MY FACE IS SWOLLEN", "I Can't Breathe", "Tengo FIEBRE", "I'm expecting, Bleeding"]
)
def test_terms_are_found_in_any_case_at_the_offsets_typed(model: SpacyModel, text: str) -> None:
    extractor = CaseInsensitiveEntityExtractor(CaseInsensitiveEntityExtractor.get_default_config())
    [message] = extractor.process([Message(data={"text": text})], model)
    entities = message.get("entities")
    assert {entity["entity"] for entity in entities} & {"red_flag", "pregnancy"}
    for entity in entities:
        assert text[entity["start"]:entity["end"]].lower() == entity["value"]


def test_a_concern_also_comes_by_its_canonical_name(model: SpacyModel) -> None:
    extractor = CaseInsensitiveEntityExtractor(CaseInsensitiveEntityExtractor.get_default_config())
    [message] = extractor.process([Message(data={"text": "Does it help Thinning Hair?"})], model)
    found = {(entity["entity"], entity["value"]) for entity in message.get("entities")}
    assert {("concern", "thinning hair"), ("asked_concern", "hair_loss")} <= found


def test_every_term_carries_its_vocabulary_id(model: SpacyModel) -> None:
    extractor = CaseInsensitiveEntityExtractor(CaseInsensitiveEntityExtractor.get_default_config())
    [message] = extractor.process([Message(data={"text": "tengo fiebre, my lips are swelling"})], model)
    terms = {(entity["entity"], entity["term"]) for entity in message.get("entities") if "term" in entity}
    assert {("red_flag", "fiebre_es"), ("red_flag", "facial_swelling")} <= terms
