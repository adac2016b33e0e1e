"""The SQL tracker store, configured by one URL and failing fast.

TRACKER_DB_URL (a SQLAlchemy URL) picks the database: PostgreSQL when several
bot servers share conversations, else a SQLite file in var/ so conversations
survive a restart. Rasa's own SQLTrackerStore retries an unreachable database
forever, silently; this one checks first and stops with a clear message.

It also spares the bot work Rasa's store does on every message (measured in
bench/, README "Performance"): an ORM object per loaded event, a query counting
the stored events before each save, and (SQLite) a new database connection per
load or save.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy.event
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from stores.tracker_database import create_report_indexes, response_name, tracker_db_url

logger = logging.getLogger(__name__)

CONNECT_ATTEMPTS = 3
SECONDS_BETWEEN_ATTEMPTS = 2
# Set on a tracker this store loaded or saved: how many of its events are stored.
STORED_EVENTS = "_clinic_stored_events"


class TrackerDatabaseUnreachable(RasaException):
    pass


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


def pooled_sqlite_engine(url: URL) -> Engine:
    """SQLAlchemy 1.4 opens a new SQLite connection for every session (two per
    message); 2.0 pools them, and so does this engine (legacy API, as Rasa's
    store is written for it). Write-ahead log: readers do not block the writer.
    Commits are not synced to disk one by one: a crash of the bot loses nothing,
    a power cut may lose the last moments of a conversation, never the file.
    Bookings are in the clinic database, which syncs every commit."""
    engine = create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})

    @sqlalchemy.event.listens_for(engine, "connect")
    def write_ahead_log(connection: Any, _: Any) -> None:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")

    return engine


def name_the_response(_mapper: Any, _connection: Any, row: Any) -> None:
    """Each stored bot message carries its response's name in action_name (stores/tracker_database.py)."""
    if row.action_name is None:
        row.action_name = response_name(row.type_name, row.data)


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None, **kwargs: Any) -> None:
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
        if url.get_backend_name() == "sqlite":
            self.engine.dispose()
            self.engine = pooled_sqlite_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)
        try:
            with self.engine.begin() as connection:
                create_report_indexes(connection)
        except SQLAlchemyError as error:  # another server starting at the same moment made them
            logger.warning("Report indexes not created here: %s", type(error).__name__)
        if not sqlalchemy.event.contains(self.SQLEvent, "before_insert", name_the_response):
            sqlalchemy.event.listen(self.SQLEvent, "before_insert", name_the_response)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's query, selecting only the events' JSON: Rasa builds an ORM object
        for every stored event first, a third of the time a message spends here."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS, len(events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events not yet stored. Rasa counts the stored ones with a query on
        every save; a tracker this store loaded or saved knows (the lock store keeps
        other servers off a conversation in between)."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)
