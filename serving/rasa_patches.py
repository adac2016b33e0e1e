"""Every process-wide replacement of Rasa's (and its libraries') internals, in one place.

`install()` is called explicitly at start-up (serving/bot.py, bench/inprocess.py).
It refuses to run on a Rasa other than the pinned one and checks that every
attribute it replaces still exists, and every private one the project's own
subclasses and the chat socket rely on (RELIED_ON, SOCKET_ATTRIBUTES), so an
upgrade fails loudly at start-up instead of silently losing a fix. tests/test_rasa_patches.py checks each
replacement against the behaviour of the code it replaces.

- RemoteAction._validate_action_result: Rasa checks every action response with
  `jsonschema.validate`, which first re-validates the schema itself: about 20 ms
  of CPU per action call, a third of a busy server's time. A validator compiled
  once gives the same errors.
- Event.resolve_by_type: Rasa walks every Event subclass (checking each is not
  abstract) for each event it loads from the tracker store; the answer for a
  type name never changes, so it is remembered.
- engineio's _cors_headers: the CORS headers of the chat socket's polling
  transport come from `rasa run --cors` (Sanic-CORS) only; if engine.io added
  its own too, browsers would see two Access-Control-Allow-Origin headers and
  refuse the handshake. Its Origin check itself stays on (channels/webchat.py).
- RasaModel.load: to give a saved DIET, ResponseSelector or TED model its
  variables, Rasa traces and runs a whole training step on one example, then
  reads the weights over it: two thirds of loading the model, 15-25 s on a busy
  machine. A model loaded to predict gets its variables from the prediction Rasa
  runs anyway to warm it up, each filled from the saved weights as it is created
  (TensorFlow's deferred restore): the same weights, without tracing training.
  A model loaded to train on (fine-tuning) is built as Rasa builds it.
- rasa.utils.common._filter_warnings: Rasa puts "show every UserWarning once"
  in front of the interpreter's own warning options (PYTHONWARNINGS / -W), so
  deprecations that are UserWarnings too (pyparsing's, raised when pkg_resources
  and matplotlib load) were printed although the Makefile ignores
  DeprecationWarning. Rasa's filters now come after the interpreter's.
- MessageProcessor.parse_message: Rasa runs the NLU graph on the event loop, so
  while one message is embedded (nlu/sentence_encoder.py) no other conversation
  moves. The graph now runs in a worker thread; the encoder's C engine releases
  the GIL, so two cores embed two conversations at once. Rasa's debug line with
  the message's text and entities is not logged (it is health information).
"""

from __future__ import annotations

import asyncio
import functools
import warnings
from typing import Any

import engineio.base_server
import jsonschema
import rasa
import rasa.utils.common
import socketio
import tensorflow as tf
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.policy import Policy
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

PINNED_RASA_VERSION = "3.6.21"
REPLACED = (
    (RemoteAction, "_validate_action_result"),
    (Event, "resolve_by_type"),
    (engineio.base_server.BaseServer, "_cors_headers"),
    (RasaModel, "load"),
    (rasa.utils.common, "_filter_warnings"),
    (MessageProcessor, "parse_message"),
)
# Not replaced process-wide, but overridden by subclasses or used by them
# (stores/tracker_store.py, policies/rules_first_ted.py, nlu/entities.py): a rename in
# Rasa would silently bypass them.
RELIED_ON = (
    (SQLTrackerStore, "SQLEvent"),
    (SpacyEntityExtractor, "_extract_entities"),
    (SQLTrackerStore, "_retrieve"),
    (SQLTrackerStore, "_event_query"),
    (SQLTrackerStore, "_additional_events"),
    (Policy, "_default_predictions"),
    (MessageProcessor, "_parse_message_with_graph"),
    (MessageProcessor, "_update_full_retrieval_intent"),
    (MessageProcessor, "_check_for_unseen_features"),
)
# Attributes of a python-socketio server and its engine.io server that the chat socket
# sets (channels/webchat.py): instance attributes, so checked on a fresh server.
SOCKET_ATTRIBUTES = ("packet_class", "handlers", "eio")
ENGINE_ATTRIBUTES = ("cors_allowed_origins", "max_http_buffer_size")
RASA_RESOLVE_EVENT_CLASS = Event.resolve_by_type
RASA_LOAD_TF_MODEL = RasaModel.load.__func__
RASA_FILTER_WARNINGS = rasa.utils.common._filter_warnings


class UnsupportedRasa(RuntimeError):
    pass


@functools.cache
def action_response_validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_response(_: RemoteAction, result: dict[str, Any]) -> bool:
    """What `jsonschema.validate` does, without re-checking the schema on every call."""
    error = jsonschema.exceptions.best_match(action_response_validator().iter_errors(result))
    if error is not None:
        raise error
    return True


@functools.cache
def known_event_class(type_name: str) -> type[Event] | None:
    return RASA_RESOLVE_EVENT_CLASS(type_name)


def resolve_event_class(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Rasa's `Event.resolve_by_type`, remembering what it found."""
    try:
        return known_event_class(type_name)
    except ValueError:  # not an event type: Rasa's default, or its error
        return RASA_RESOLVE_EVENT_CLASS(type_name, default)


def no_engineio_cors_headers(_: engineio.base_server.BaseServer, environ: dict[str, Any]) -> list[Any]:
    return []


def load_tf_model_for_prediction(
    model_class: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """Rasa's `RasaModel.load`, with the variables made by a prediction instead of a training step."""
    if finetune_mode or predict_data_example is None:
        return RASA_LOAD_TF_MODEL(
            model_class, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = model_class(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
    )
    # The optimizer's saved state stays unread: nothing trains this model.
    model.load_weights(model_file_name).expect_partial()
    model.run_inference(predict_data_example)
    return model


def filter_warnings_behind_interpreter_options(log_level: int | None, warn_only_once: bool = True) -> None:
    """Rasa's warning filters, placed after the ones already set instead of in front of them."""
    already_set = list(warnings.filters)
    RASA_FILTER_WARNINGS(log_level, warn_only_once)
    added_by_rasa = [entry for entry in warnings.filters if entry not in already_set]
    warnings.filters[:] = already_set + added_by_rasa


async def parse_message_in_a_worker_thread(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's `MessageProcessor.parse_message`, with the NLU graph run off the event loop."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        tracker = tracker or DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.to_thread(self._parse_message_with_graph, message, tracker, only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def missing_socket_attributes() -> list[str]:
    server = socketio.AsyncServer(async_mode="sanic")
    missing = [f"AsyncServer.{name}" for name in SOCKET_ATTRIBUTES if not hasattr(server, name)]
    engine = getattr(server, "eio", None)
    return missing + [f"AsyncServer.eio.{name}" for name in ENGINE_ATTRIBUTES if not hasattr(engine, name)]


def check_supported(version: str = rasa.__version__) -> None:
    if version != PINNED_RASA_VERSION:
        raise UnsupportedRasa(
            f"Rasa {version} is installed, but serving/rasa_patches.py was written for {PINNED_RASA_VERSION}: "
            "run `make setup` (requirements.lock), or review every patch before changing the pin."
        )
    missing = [f"{owner.__name__}.{name}" for owner, name in REPLACED + RELIED_ON if not hasattr(owner, name)]
    missing += missing_socket_attributes()
    if missing:
        raise UnsupportedRasa(f"Attributes the clinic's overrides rely on no longer exist: {', '.join(missing)}")


def install() -> None:
    check_supported()
    RemoteAction._validate_action_result = validate_action_response  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_event_class)  # type: ignore[method-assign]
    engineio.base_server.BaseServer._cors_headers = no_engineio_cors_headers  # type: ignore[method-assign]
    RasaModel.load = classmethod(load_tf_model_for_prediction)  # type: ignore[method-assign,assignment]
    rasa.utils.common._filter_warnings = filter_warnings_behind_interpreter_options
    MessageProcessor.parse_message = parse_message_in_a_worker_thread  # type: ignore[method-assign]
