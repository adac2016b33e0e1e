"""Where conversations are stored: TRACKER_DB_URL, else a SQLite file in var/.

Kept apart from the tracker store so tools that only need the URL (the
retention purge) do not load Rasa.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DEFAULT_TRACKER_DB = Path(__file__).resolve().parent.parent / "var" / "tracker.db"


def tracker_db_url() -> URL:
    return make_url(os.environ.get("TRACKER_DB_URL") or f"sqlite:///{DEFAULT_TRACKER_DB}")
