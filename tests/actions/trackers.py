"""Tracker fixtures for hermetic action tests (no Rasa server, no HTTP)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@cache
def domain() -> dict[str, Any]:
    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


def tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    channel: str = "rest",
    events: list[dict[str, Any]] | None = None,
    response_selector: dict[str, Any] | None = None,
    extracted: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """`extracted`: slots that Rasa's action_extract_slots filled from this message;
    `metadata`: what the channel attached to it (e.g. the sealed SMS number)."""
    all_slots = {name: spec.get("initial_value") for name, spec in domain()["slots"].items()}
    all_slots.update(slots or {})
    all_slots.update(extracted or {})
    extraction = [{"event": "slot", "name": name, "value": value} for name, value in (extracted or {}).items()]
    message = {"event": "user", "text": text, "input_channel": channel, "metadata": metadata or {}}
    all_slots["requested_slot"] = requested_slot
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "response_selector": response_selector or {},
    }
    return Tracker(
        sender_id="conversation-1",
        slots=all_slots,
        latest_message=latest,
        events=[*(events or []), message, *extraction],
        paused=False,
        followup_action=None,
        active_loop={"name": "consult_form"} if requested_slot else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "SpacyEntityExtractor"}
