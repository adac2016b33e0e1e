"""Where conversations are stored: TRACKER_DB_URL, else a SQLite file in var/.

Kept apart from the tracker store so tools that only need the URL (the
retention purge) do not load Rasa.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, make_url

DEFAULT_TRACKER_DB = Path(__file__).resolve().parent.parent / "var" / "tracker.db"


def tracker_db_url() -> URL:
    return make_url(os.environ.get("TRACKER_DB_URL") or f"sqlite:///{DEFAULT_TRACKER_DB}")


# The staff console's figures select patients' messages by time, or by intent and time
# (console/figures.py); Rasa indexes the events by conversation only. Both indexes hold
# the conversation too, so those queries never read the table itself.
REPORT_INDEXES = {
    "ix_events_type_name_timestamp": "type_name, timestamp, sender_id",
    "ix_events_type_name_intent_name": "type_name, intent_name, timestamp, sender_id",
}


def create_report_indexes(connection: Connection) -> None:
    for name, columns in REPORT_INDEXES.items():
        connection.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))
