"""Every answer is taught in every question form patients use: a matrix of answer x form,
each cell with training examples (data/nlu/question_forms.yml, one block per cell)."""

from __future__ import annotations

import yaml

from tests.nlu_evaluation import PROJECT_ROOT

FORMS = (
    "what", "how", "why", "who", "when", "yes_no", "faq_heading", "sceptical", "related_name", "concern", "sms",
    "spanish",
)
QUESTION_FORMS = PROJECT_ROOT / "data" / "nlu" / "question_forms.yml"


def answers_in_domain() -> set[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    answers = ("utter_faq/", "utter_not_covered/")
    return {name.removeprefix("utter_") for name in domain["responses"] if name.startswith(answers)}


def examples_by_cell() -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for block in yaml.safe_load(QUESTION_FORMS.read_text(encoding="utf-8"))["nlu"]:
        examples = [line for line in block["examples"].splitlines() if line.strip().startswith("- ")]
        cell = (block["intent"], block["metadata"]["form"])
        cells[cell] = cells.get(cell, 0) + len(examples)
    return cells


def test_every_answer_has_examples_in_every_question_form() -> None:
    cells = examples_by_cell()
    assert {"faq/pain", "not_covered/cost"} <= answers_in_domain()
    answers = sorted(answers_in_domain())
    missing = [(answer, form) for answer in answers for form in FORMS if not cells.get((answer, form))]
    assert missing == []


def test_every_cell_names_a_known_answer_and_form() -> None:
    answers = answers_in_domain()
    assert {form for _, form in examples_by_cell()} <= set(FORMS)
    assert {answer for answer, _ in examples_by_cell()} <= answers
