"""Where conversations are stored: TRACKER_DB_URL, else a SQLite file in var/.

Kept apart from the tracker store so tools that only need the URL (the
retention purge) do not load Rasa.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, make_url

DEFAULT_TRACKER_DB = Path(__file__).resolve().parent.parent / "var" / "tracker.db"


def tracker_db_url() -> URL:
    return make_url(os.environ.get("TRACKER_DB_URL") or f"sqlite:///{DEFAULT_TRACKER_DB}")


# The staff console's figures select patients' messages by time, or by intent and time,
# and the assistant's answers by response (console/figures.py); Rasa indexes the events
# by conversation only. The first two hold the conversation too, so those queries never
# read the table itself.
REPORT_INDEXES = {
    "ix_events_type_name_timestamp": "type_name, timestamp, sender_id",
    "ix_events_type_name_intent_name": "type_name, intent_name, timestamp, sender_id",
    "ix_events_type_name_action_name": "type_name, action_name, timestamp",
}


def create_report_indexes(connection: Connection) -> None:
    for name, columns in REPORT_INDEXES.items():
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))


def response_name(type_name: str, data: str) -> str | None:
    """For an assistant's message, the response it came from (utter_faq/cost): Rasa leaves the
    action_name column of bot messages empty, and the figures count topics from it."""
    if type_name != "bot":
        return None
    name = (json.loads(data).get("metadata") or {}).get("utter_action")
    return name if isinstance(name, str) else None
