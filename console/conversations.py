"""Conversations as the tracker store keeps them (Rasa's `events` table, TRACKER_DB_URL),
read with SQL: the console never loads Rasa, and never writes here (replies and
resumes go through the bot's API, staff/bot_api.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from privacy.sms_numbers import SEALED_NUMBER_KEY, unseal
from stores.message_marks import DELIVERED_KEY, STAFF_KEY
from stores.tracker_database import tracker_db_url

URGENT_INTENT = "urgent_symptom"
NAME_SLOT, CONTACT_SLOT = "patient_name", "contact"
# Set on the bot messages the console adds (staff/bot_api.py), so the transcript tells them apart.
MAX_TRANSCRIPT_EVENTS = 2000


@dataclass(frozen=True)
class Line:
    at: datetime
    speaker: str  # "Patient", "Assistant" or "Staff (email)"
    text: str
    urgent: bool = False
    undelivered: bool = False
    # A button's payload or the widget's opening message (/greet), not typed by the patient.
    payload: bool = False


@dataclass(frozen=True)
class Patient:
    name: str | None
    contact: str | None


@cache
def _engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True)


# How SQLite and PostgreSQL say the tracker store has no events table yet.
NO_EVENTS_TABLE = ("no such table: events", 'relation "events" does not exist')


def engine() -> Engine:
    return _engine(tracker_db_url().render_as_string(hide_password=False))


def tracker_rows(query: str, **parameters: Any) -> list[Any]:
    """The rows, or none before the bot has stored its first conversation (no table yet)."""
    statement = text(query)
    for name, value in parameters.items():
        if isinstance(value, (list, tuple, set)):
            statement = statement.bindparams(bindparam(name, expanding=True))
    try:
        with engine().connect() as connection:
            return list(connection.execute(statement, parameters))
    except (OperationalError, ProgrammingError) as error:
        # Only a missing table means "nothing stored yet"; any other error must show.
        if any(missing in str(error) for missing in NO_EVENTS_TABLE):
            return []
        raise


def transcript(conversation_id: str) -> list[Line]:
    rows = tracker_rows(
        "SELECT type_name, timestamp, intent_name, data FROM events "
        "WHERE sender_id = :sender AND type_name IN ('user', 'bot') ORDER BY id LIMIT :limit",
        sender=conversation_id, limit=MAX_TRANSCRIPT_EVENTS,
    )
    return [_line(type_name, timestamp, intent, json.loads(data)) for type_name, timestamp, intent, data in rows]


def _line(type_name: str, timestamp: float | None, intent: str | None, event: dict[str, Any]) -> Line:
    at = datetime.fromtimestamp(timestamp or 0, timezone.utc)
    words = str(event.get("text") or "")
    if type_name == "user":
        return Line(at, "Patient", words, urgent=intent == URGENT_INTENT, payload=words.startswith("/"))
    metadata = event.get("metadata") or {}
    buttons = (event.get("data") or {}).get("buttons") or []
    if buttons:
        words += " [" + " | ".join(str(button.get("title", "")) for button in buttons) + "]"
    if metadata.get(STAFF_KEY):
        return Line(at, f"Staff ({metadata[STAFF_KEY]})", words, undelivered=metadata.get(DELIVERED_KEY) is False)
    return Line(at, "Assistant", words)


def urgent_conversations(conversation_ids: Iterable[str]) -> set[str]:
    """Those where the patient described an urgent symptom (before, during or after a handoff)."""
    ids = list(conversation_ids)
    if not ids:
        return set()
    rows = tracker_rows(
        "SELECT DISTINCT sender_id FROM events WHERE sender_id IN :ids AND type_name = 'user' "
        "AND intent_name = :urgent",
        ids=ids, urgent=URGENT_INTENT,
    )
    return {sender for (sender,) in rows}


def patients(conversation_ids: Iterable[str]) -> dict[str, Patient]:
    """Name and contact when the conversation has them: the booking's answers (kept in the
    events after the slots are cleared) and, on SMS, the number the patient texts from."""
    ids = list(conversation_ids)
    found: dict[str, dict[str, str]] = {conversation_id: {} for conversation_id in ids}
    if not ids:
        return {}
    rows = tracker_rows(
        "SELECT sender_id, type_name, data FROM events WHERE sender_id IN :ids "
        "AND type_name IN ('slot', 'user') ORDER BY id",
        ids=ids,
    )
    for sender, type_name, data in rows:
        _remember(found[sender], type_name, json.loads(data))
    return {cid: Patient(values.get(NAME_SLOT), values.get(CONTACT_SLOT)) for cid, values in found.items()}


def _remember(values: dict[str, str], type_name: str, event: dict[str, Any]) -> None:
    if type_name == "slot" and event.get("name") in (NAME_SLOT, CONTACT_SLOT) and event.get("value"):
        values[event["name"]] = str(event["value"])
    number = _sealed_number(event) if type_name == "user" else None
    if number:
        values[CONTACT_SLOT] = number


def _sealed_number(event: dict[str, Any]) -> str | None:
    sealed = (event.get("metadata") or {}).get(SEALED_NUMBER_KEY)
    return unseal(sealed) if isinstance(sealed, str) else None


def sms_number(conversation_id: str) -> str | None:
    """The number an SMS patient texts from, opened from their latest message (channels/sms.py seals it)."""
    rows = tracker_rows(
        "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id DESC LIMIT 20",
        sender=conversation_id,
    )
    return next((number for (data,) in rows if (number := _sealed_number(json.loads(data)))), None)
