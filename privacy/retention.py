"""Old conversations leave the tracker store: `make purge`, and daily while `make run` runs.

    python -m privacy.retention            purge once
    python -m privacy.retention --daily    purge now and every 24 hours

Events older than TRACKER_RETENTION_DAYS (default 30) are deleted: messages,
slot values (names, contacts) and metadata. A conversation untouched that long
goes whole; one that carries on (an SMS number keeps its conversation for good)
loses its earlier sessions, which Rasa never loads again, and keeps the current
one whole. Consult requests stay in the clinic database, where staff need them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from sqlalchemy import and_, column, create_engine, delete, func, inspect, or_, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from stores.tracker_database import tracker_db_url

logger = logging.getLogger(__name__)

RETENTION_ENV = "TRACKER_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30
SECONDS_PER_DAY = 86_400
# Rasa's SQL tracker store keeps every event as a row of this table.
EVENTS = table("events", column("sender_id"), column("type_name"), column("timestamp"))
SESSION_STARTED = "session_started"


def retention_days() -> int:
    value = os.environ.get(RETENTION_ENV) or str(DEFAULT_RETENTION_DAYS)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{RETENTION_ENV} must be a whole number of days (1 or more), not {value!r}")
    return int(value)


def old_events(cutoff: float) -> ColumnElement[bool]:
    """Events before the cutoff, of a conversation untouched since, or before its current session."""
    later = EVENTS.alias("later")
    last_event = select(func.max(later.c.timestamp)).where(later.c.sender_id == EVENTS.c.sender_id)
    session_start = last_event.where(later.c.type_name == SESSION_STARTED)
    return and_(
        EVENTS.c.timestamp < cutoff,
        or_(last_event.scalar_subquery() < cutoff, EVENTS.c.timestamp < session_start.scalar_subquery()),
    )


def purge_old_events(url: URL, days: int, now: float | None = None) -> int:
    """Delete what is older than `days` days (as above); return how many events went."""
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    sqlite = url.get_backend_name() == "sqlite"
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("events"):
                return 0
            if sqlite:  # overwrite deleted rows in the file instead of leaving them in free pages
                connection.execute(text("PRAGMA secure_delete = ON"))
            deleted = connection.execute(delete(EVENTS).where(old_events(cutoff))).rowcount
        if sqlite:
            with engine.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return int(deleted)
    finally:
        engine.dispose()


def purge(days: int) -> None:
    deleted = purge_old_events(tracker_db_url(), days)
    logger.info("Retention: deleted %d events older than %d days", deleted, days)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="privacy.retention", description="Delete old conversations")
    parser.add_argument("--daily", action="store_true", help="keep running, purging every 24 hours")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        days = retention_days()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    while True:
        try:
            purge(days)
        except SQLAlchemyError as error:
            logger.error("Retention: the tracker database could not be purged: %s", type(error).__name__)
            if not args.daily:
                return 1
        if not args.daily:
            return 0
        time.sleep(SECONDS_PER_DAY)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
