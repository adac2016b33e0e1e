"""`rasa data validate`, strictly: every warning fails, except two that Rasa 3.6
raises for correct projects and that are checked here instead:

- "The utterance 'X' is not used in any story or rule." for a response that a
  form asks with (utter_ask_<required slot>) or that a custom action or the
  action gateway sends (named in actions/ or channels/ source).
- "duplicated intents ... faq, not_covered": Rasa's importer re-adds the
  retrieval intents that the domain must declare.

and one that Rasa 3.6 raises unconditionally on every domain load
(rasa/shared/core/slot_mappings.py: validate_slot_mappings): "Slot auto-fill has
been removed in 3.0".
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
UNUSED_UTTERANCE = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")
RETRIEVAL_DUPLICATES = "The following duplicated intents have been found across multiple domain files: faq, not_covered"
ALWAYS_RAISED = "Slot auto-fill has been removed in 3.0"


@pytest.fixture(scope="module")
def validation() -> tuple[bool, list[str], Validator]:
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain"),
        [str(PROJECT_ROOT / "data")],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validator = Validator.from_importer(importer)
        results = [
            validator.verify_domain_validity(),
            validator.verify_actions_in_stories_rules(),
            validator.verify_forms_in_stories_rules(),
            validator.verify_form_slots(),
            validator.verify_slot_mappings(),
            validator.verify_nlu(ignore_warnings=True),
            validator.verify_story_structure(ignore_warnings=False),
        ]
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return all(results), messages, validator


def used_outside_stories(utterance: str, validator: Validator) -> bool:
    form_asks = {
        f"utter_ask_{slot}"
        for form in validator.domain.forms.values()
        for slot in form.get("required_slots", [])
    }
    code = "".join(p.read_text() for folder in ("actions", "channels") for p in (PROJECT_ROOT / folder).glob("*.py"))
    return utterance in form_asks or f'"{utterance}"' in code


def test_rasa_data_validates_without_errors(validation: tuple[bool, list[str], Validator]) -> None:
    valid, _, _ = validation
    assert valid


def test_no_unexplained_warnings(validation: tuple[bool, list[str], Validator]) -> None:
    _, messages, validator = validation
    unexplained = []
    for message in messages:
        unused = UNUSED_UTTERANCE.search(message)
        if unused and used_outside_stories(unused.group(1), validator):
            continue
        if RETRIEVAL_DUPLICATES in message or message.startswith(ALWAYS_RAISED):
            continue
        unexplained.append(message)
    assert unexplained == []
