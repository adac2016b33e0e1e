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


# The staff console's figures select messages by kind and time (console/figures.py);
# Rasa indexes the events by conversation only.
REPORT_INDEX = "CREATE INDEX IF NOT EXISTS ix_events_type_name_timestamp ON events (type_name, timestamp)"


def create_report_index(connection: Connection) -> None:
    connection.execute(text(REPORT_INDEX))
