"""The bot's action gateway makes Rasa validate action responses with a compiled schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from channels.action_gateway import ActionGateway, validate_action_response

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "timestamp": None, "name": "disclaimer_shown", "value": True}],
     "responses": [{"response": "utter_disclaimer"}]},
    {"events": [{"event": "active_loop", "name": None}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"responses": [1, 2]},
    ["not an object"],
]


@pytest.fixture
def remote_action() -> RemoteAction:
    ActionGateway.from_credentials(None)
    assert RemoteAction._validate_action_result is validate_action_response
    return RemoteAction("action_show_disclaimer", None)


@pytest.mark.parametrize("answer", VALID)
def test_valid_action_responses_pass(remote_action: RemoteAction, answer: dict[str, Any]) -> None:
    assert remote_action._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_invalid_action_responses_fail_as_with_jsonschema_validate(remote_action: RemoteAction, answer: Any) -> None:
    with pytest.raises(jsonschema.ValidationError) as compiled:
        remote_action._validate_action_result(answer)
    with pytest.raises(jsonschema.ValidationError) as reference:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert compiled.value.message == reference.value.message
