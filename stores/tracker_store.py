"""The SQL tracker store, configured by one URL and failing fast.

TRACKER_DB_URL (a SQLAlchemy URL) picks the database: PostgreSQL when several
bot servers share conversations, else a SQLite file in var/ so conversations
survive a restart. Rasa's own SQLTrackerStore retries an unreachable database
forever, silently; this one checks first and stops with a clear message.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import RasaException
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

DEFAULT_TRACKER_DB = Path(__file__).resolve().parent.parent / "var" / "tracker.db"
CONNECT_ATTEMPTS = 3
SECONDS_BETWEEN_ATTEMPTS = 2


class TrackerDatabaseUnreachable(RasaException):
    pass


def tracker_db_url() -> URL:
    return make_url(os.environ.get("TRACKER_DB_URL") or f"sqlite:///{DEFAULT_TRACKER_DB}")


def check_reachable(url: URL) -> None:
    """A few quick tries, then a clear error naming the database (without its password)."""
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(url, future=True, connect_args={"connect_timeout": 5})
    try:
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return
            except SQLAlchemyError as error:
                logger.warning("Tracker database not reachable (attempt %d): %s", attempt, type(error).__name__)
                time.sleep(SECONDS_BETWEEN_ATTEMPTS)
    finally:
        engine.dispose()
    raise TrackerDatabaseUnreachable(
        f"Cannot reach the tracker database {url.render_as_string(hide_password=True)}. "
        "Check TRACKER_DB_URL and that the database server is running."
    )


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(
        self, domain: Domain | None = None, event_broker: EventBroker | None = None, **kwargs: Any
    ) -> None:
        url = tracker_db_url()
        check_reachable(url)
        kwargs.pop("host", None)  # Rasa passes the endpoint's (unused) url as host
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "",
            username=url.username,
            password=url.password,
            query=dict(url.query),
            event_broker=event_broker,
            **kwargs,
        )
