"""What the gateway answers for an action when the action server cannot be reached."""

from __future__ import annotations

import pytest

from channels.action_gateway import UNAVAILABLE_RESPONSE, unavailable_reply


@pytest.mark.parametrize("action", ["action_show_disclaimer", "action_clear_booking"])
def test_background_actions_fail_without_a_word(action: str) -> None:
    """e.g. forgetting an abandoned booking after urgent guidance: no apology after the guidance."""
    assert unavailable_reply(action) == {"events": [], "responses": []}


def test_a_failed_form_check_ends_the_form() -> None:
    assert unavailable_reply("validate_consult_form") == {"events": [{"event": "active_loop", "name": None}],
                                                          "responses": []}


@pytest.mark.parametrize("action", ["action_submit_consult", "action_handoff", "an unnamed action"])
def test_what_the_patient_asked_for_gets_an_apology(action: str) -> None:
    assert unavailable_reply(action) == {"events": [], "responses": [{"response": UNAVAILABLE_RESPONSE}]}
