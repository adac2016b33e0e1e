"""Each replacement in serving/rasa_patches.py behaves as the Rasa code it replaces,
and start-up refuses a Rasa the patches were not written for."""

from __future__ import annotations

import asyncio
import logging
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import engineio.base_server
import jsonschema
import numpy as np
import pytest
import rasa.utils.common
from pyparsing.warnings import PyparsingDeprecationWarning
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels import UserMessage
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow.models import RasaModel

from serving import rasa_patches

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


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    rasa_patches.install()


@pytest.mark.parametrize("answer", VALID)
def test_valid_action_responses_pass(answer: dict[str, Any]) -> None:
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_response
    assert RemoteAction("action_show_disclaimer", None)._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_invalid_action_responses_fail_as_with_jsonschema_validate(answer: Any) -> None:
    with pytest.raises(jsonschema.ValidationError) as compiled:
        RemoteAction("action_show_disclaimer", None)._validate_action_result(answer)
    with pytest.raises(jsonschema.ValidationError) as reference:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert compiled.value.message == reference.value.message


def test_event_classes_resolve_as_rasa_resolves_them() -> None:
    original = rasa_patches.RASA_RESOLVE_EVENT_CLASS
    assert Event.resolve_by_type("slot") is SlotSet
    for event_class in all_subclasses(Event):
        assert Event.resolve_by_type(event_class.type_name) is original(event_class.type_name)
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("no such event")


def test_engineio_adds_no_cors_headers_of_its_own() -> None:
    server = engineio.AsyncServer(async_mode="sanic", cors_allowed_origins=["http://localhost:8080"])
    environ = {"HTTP_ORIGIN": "http://localhost:8080", "REQUEST_METHOD": "OPTIONS"}
    assert server._cors_headers(environ) == []
    assert server.cors_allowed_origins == ["http://localhost:8080"]  # its Origin check stays on


def test_rasas_warning_filters_keep_the_interpreters_options_first() -> None:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("ignore", DeprecationWarning)  # as PYTHONWARNINGS=ignore::DeprecationWarning does
        rasa.utils.common._filter_warnings(logging.INFO)
        for _ in range(2):
            warnings.warn("a deprecation that is a UserWarning too", PyparsingDeprecationWarning, stacklevel=1)
            warnings.warn("a plain UserWarning", UserWarning, stacklevel=1)
    assert [str(warning.message) for warning in shown] == ["a plain UserWarning"]  # Rasa's "once" still holds


# Questions, a booking, a red flag, Spanish and noise: the classifier and TED both decide.
CONVERSATION = [
    "how many sessions will I need?", "what are the risks", "does it hurt", "cost?", "I want to book",
    "my face is swollen and I have a fever", "tengo fiebre", "asdfgh", "thanks, bye",
]


def load_recording_models(trained_model: Path, load: Callable[..., RasaModel]) -> tuple[Agent, list[RasaModel]]:
    """The trained assistant loaded with `load` as RasaModel.load; the TensorFlow models it made."""
    made: list[RasaModel] = []

    def recording_load(model_class: type[RasaModel], *args: Any, **kwargs: Any) -> RasaModel:
        made.append(load(model_class, *args, **kwargs))
        return made[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RasaModel, "load", classmethod(recording_load))
        return Agent.load(str(trained_model)), made


def model_weights(model: RasaModel) -> dict[str, Any]:
    """Each variable by its path in the model; the optimizer's state only matters to training."""
    return {path: variable for path, variable in model.get_weight_paths().items() if not path.startswith("optimizer.")}


def conversation_decisions(agent: Agent) -> list[Any]:
    async def decide() -> list[Any]:
        decisions = []
        for text in CONVERSATION:
            decisions.append(await agent.parse_message(text))
            await agent.log_message(UserMessage(text, sender_id="patch-check"))
            prediction = await agent.predict_next_for_sender_id("patch-check")
            decisions.append({key: prediction[key] for key in ("scores", "policy", "confidence")})
        return decisions

    return asyncio.run(decide())


def test_tf_models_load_for_prediction_with_rasas_weights_and_decisions(trained_model: Path) -> None:
    rasa_agent, rasa_models = load_recording_models(trained_model, rasa_patches.RASA_LOAD_TF_MODEL)
    fast_agent, fast_models = load_recording_models(trained_model, rasa_patches.load_tf_model_for_prediction)
    assert [type(model) for model in fast_models] == [type(model) for model in rasa_models]
    assert fast_models  # TED
    for fast, reference in zip(fast_models, rasa_models, strict=True):
        reference_weights = model_weights(reference)
        assert model_weights(fast).keys() == reference_weights.keys()
        for path, variable in model_weights(fast).items():
            assert np.array_equal(variable.numpy(), reference_weights[path].numpy()), path
    assert conversation_decisions(fast_agent) == conversation_decisions(rasa_agent)


def test_messages_are_parsed_off_the_event_loop(agent: Agent, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed_in: list[int] = []
    parse_with_graph = agent.processor._parse_message_with_graph

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        parsed_in.append(threading.get_ident())
        return parse_with_graph(*args, **kwargs)

    monkeypatch.setattr(agent.processor, "_parse_message_with_graph", recording)

    async def parse() -> tuple[int, dict[str, Any]]:
        return threading.get_ident(), await agent.parse_message("does it hurt?")

    loop_thread, parse_data = asyncio.run(parse())
    assert parsed_in and parsed_in[0] != loop_thread
    assert parse_data["intent"]["name"] == "faq"


def test_another_rasa_version_is_refused() -> None:
    with pytest.raises(rasa_patches.UnsupportedRasa, match=r"3\.7\.0"):
        rasa_patches.check_supported("3.7.0")


@pytest.mark.parametrize(("owner", "name"), rasa_patches.REPLACED + rasa_patches.RELIED_ON)
def test_a_missing_attribute_is_refused(owner: type, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(owner, name)
    with pytest.raises(rasa_patches.UnsupportedRasa, match=rf"{owner.__name__}\.{name}"):
        rasa_patches.check_supported()


@pytest.mark.parametrize(
    ("names", "name"), [("SOCKET_ATTRIBUTES", "packet_class"), ("ENGINE_ATTRIBUTES", "cors_allowed_origins")]
)
def test_a_missing_socket_attribute_is_refused(names: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat socket's attributes are checked on a real server: one it no longer has is named."""
    monkeypatch.setattr(rasa_patches, names, (*getattr(rasa_patches, names), "no_such_attribute"))
    with pytest.raises(rasa_patches.UnsupportedRasa, match=r"AsyncServer\.(eio\.)?no_such_attribute"):
        rasa_patches.check_supported()
    monkeypatch.setattr(rasa_patches, names, (name,))
    rasa_patches.check_supported()


def test_the_pinned_version_is_the_locked_one() -> None:
    lock = (Path(__file__).resolve().parent.parent / "requirements.lock").read_text().splitlines()
    assert f"rasa=={rasa_patches.PINNED_RASA_VERSION}" in lock
