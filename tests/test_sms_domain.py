"""Every response of the domain as an SMS patient gets it: GSM-7, no carrier keyword
suggested, and every reply the rules and stories give in one turn at most 4 segments."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa.shared.core.domain import Domain

from actions.booking_fields import InvalidAnswer, read_contact
from channels.sms_keywords import Keyword, sms_keyword
from channels.sms_replies import sms_bodies
from channels.sms_segments import character_costs, segments

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))
MAX_TURN_SEGMENTS = 4
# The carrier-required HELP text names the keywords on purpose.
KEYWORD_TEXTS = {"utter_sms_help"}


def longest_explanation() -> str:
    try:
        read_contact("no idea")
    except InvalidAnswer as problem:
        return str(problem)
    raise AssertionError("read_contact accepted 'no idea'")


SLOT_VALUES: dict[str, Any] = {
    **{slot.name: slot.initial_value for slot in DOMAIN.slots},
    "patient_name": "Maria Lopez-Fernandez",
    "contact": "the number you're texting from (ending in 0199)",
    "preferred_time": "weekday evenings after 6pm",
    "treatment": "fat (thighs)",
    "booking_reference": "LM-ABC234",
    "explanation": longest_explanation(),
}
# What the custom actions of the rules and stories may say (actions/).
ACTION_RESPONSES = {
    "action_show_disclaimer": ["utter_disclaimer"],
    "action_submit_consult": [
        "utter_booking_saved", "utter_booking_saved_email", "utter_booking_needs_consent", "utter_booking_not_saved",
    ],
    "action_cancel_booking": ["utter_booking_cancelled"],
    "action_handoff": ["utter_handoff_done", "utter_handoff_failed"],
    "consult_form": [name for name in DOMAIN.responses if name.startswith("utter_ask_")],
    "action_ask_which_answer": ["utter_ask_which_answer", "utter_default"],
    "action_give_chosen_answer": [
        name for name in DOMAIN.responses if name.startswith(("utter_faq/", "utter_not_covered/", "utter_default"))
    ],
    "action_clear_booking": [],
    "action_deactivate_loop": [],
}


def sms_variations(name: str) -> list[dict[str, Any]]:
    """The response's variations an SMS patient can get, filled in."""
    variations = DOMAIN.responses[name]
    for_sms = [v for v in variations if v.get("channel") == "sms"] or [v for v in variations if not v.get("channel")]
    return [{**v, "text": interpolate_text(v.get("text", ""), SLOT_VALUES)} for v in for_sms]


def responses_of(action: str) -> list[str]:
    if action in ACTION_RESPONSES:
        return ACTION_RESPONSES[action]
    retrieval = [name for name in DOMAIN.responses if name.startswith(f"{action}/")]
    return retrieval or [action]


def turns_in(path: Path) -> list[list[str]]:
    """The bot actions after each patient message of each rule and story in the file."""
    document = yaml.safe_load(path.read_text()) or {}
    turns = []
    for flow in document.get("rules", []) + document.get("stories", []):
        turn: list[str] | None = None
        for step in flow.get("steps", []):
            if "intent" in step or "user" in step:
                turn = []
                turns.append(turn)
            elif "action" in step and turn is not None:
                turn.append(step["action"])
    return [turn for turn in turns if turn]


TRAINING_FILES = [*sorted((PROJECT_ROOT / "data").rglob("*.yml")), PROJECT_ROOT / "tests" / "test_stories.yml"]
TURNS = sorted({tuple(turn) for path in TRAINING_FILES for turn in turns_in(path)})
EXTRA_TURNS = [  # said by the form's validation, not named in the rules
    ("utter_booking_retry_or_skip", "utter_ask_preferred_time"),
    ("utter_booking_retry_or_exit", "utter_ask_contact"),
]


def worst_segments(turn: tuple[str, ...]) -> tuple[int, list[str]]:
    """The most segments any combination of the turn's messages takes, and that combination as sent."""
    choices = [
        [message for response in responses_of(action) for message in sms_variations(response)] or [None]
        for action in turn
    ]
    worst: tuple[int, list[str]] = (0, [])
    for messages in itertools.product(*choices):
        bodies = sms_bodies([message for message in messages if message])
        worst = max(worst, (sum(segments(body) for body in bodies), bodies))
    return worst


# A question answered in the middle of a booking, then the booking's summary asked
# again (two segments with the patient's answers): one segment more, at worst.
LONGER_TURNS = {
    (answer, "action_show_disclaimer", "consult_form"): MAX_TURN_SEGMENTS + 1
    for answer in ("utter_faq", "action_give_chosen_answer")
}


@pytest.mark.parametrize("turn", [*TURNS, *EXTRA_TURNS], ids=" + ".join)
def test_every_reply_of_one_turn_fits_four_segments(turn: tuple[str, ...]) -> None:
    count, bodies = worst_segments(turn)
    assert count <= LONGER_TURNS.get(turn, MAX_TURN_SEGMENTS), bodies


def test_an_answer_in_the_middle_of_a_booking_fits_four_segments_before_the_summary() -> None:
    asks = [name for name in ACTION_RESPONSES["consult_form"] if name != "utter_ask_booking_confirmed"]
    for ask in asks:
        assert worst_segments(("utter_faq", "action_show_disclaimer", ask))[0] <= MAX_TURN_SEGMENTS, ask


@pytest.mark.parametrize("name", sorted(DOMAIN.responses))
def test_every_response_is_sent_in_gsm7(name: str) -> None:
    for variation in sms_variations(name):
        for body in sms_bodies([variation]):
            assert character_costs(body)[1], f"{name}: {body!r} would be sent as UCS-2"


QUOTED_OR_CAPITALS = re.compile(r"'([^']+)'|\b([A-Z]{3,})\b")
RESERVED = {Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.HELP}


@pytest.mark.parametrize("name", sorted(set(DOMAIN.responses) - KEYWORD_TEXTS))
def test_no_sms_response_suggests_a_carrier_keyword(name: str) -> None:
    for variation in sms_variations(name):
        suggested = [next(word for word in match if word) for match in QUOTED_OR_CAPITALS.findall(variation["text"])]
        titles = [button["title"] for button in variation.get("buttons", [])]
        assert not [word for word in suggested + titles if sms_keyword(word) in RESERVED], variation["text"]


def test_the_booking_tells_sms_patients_to_reply_exit() -> None:
    [start] = sms_variations("utter_start_booking")
    assert "EXIT" in start["text"] and "never mind" not in start["text"]
