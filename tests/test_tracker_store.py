"""ClinicTrackerStore keeps conversations exactly as Rasa's own SQLTrackerStore
does (Rasa's store, reading the same database, is the reference), with less work."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from stores.tracker_store import ClinicTrackerStore
from tests.servers import ensure_postgres_database

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))
PG_URL = "postgresql://postgres@127.0.0.1:5432/liondale_tracker_store_test"


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ClinicTrackerStore, SQLTrackerStore]]:
    """The clinic's store and Rasa's own, on one database."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if request.param == "sqlite" else PG_URL
    if request.param == "postgresql":
        ensure_postgres_database(url)
    monkeypatch.setenv("TRACKER_DB_URL", url)
    clinic = ClinicTrackerStore(DOMAIN)
    parts = make_url(url)
    rasa = SQLTrackerStore(
        DOMAIN, dialect=parts.drivername, host=parts.host, port=parts.port, db=parts.database, username=parts.username
    )
    yield clinic, rasa
    clinic.engine.dispose()
    rasa.engine.dispose()


def a_turn(text: str, intent: str, answer: str) -> list[Event]:
    return [
        UserUttered(text, intent={"name": intent, "confidence": 0.97}),
        ActionExecuted(f"utter_{intent}"),
        BotUttered(answer),
        ActionExecuted("action_listen"),
    ]


def a_session() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


def test_a_conversation_reads_back_as_rasa_stores_it(stores: tuple[ClinicTrackerStore, SQLTrackerStore]) -> None:
    clinic, rasa = stores
    sender = f"store-{uuid.uuid4().hex}"

    async def conversation() -> None:
        sent = [*a_session(), *a_turn("hi", "greet", "Hello!")]
        new = DialogueStateTracker.from_events(sender, sent, DOMAIN.slots)
        await clinic.save(new)  # a tracker this store never loaded: nothing is stored yet
        assert dicts(await rasa.retrieve_full_tracker(sender)) == dicts(new)

        loaded = await clinic.retrieve(sender)
        assert dicts(loaded) == dicts(await rasa.retrieve(sender))
        sent += a_turn("what is it", "faq", "Mesotherapy is...")
        loaded.update_with_events(sent[-4:], DOMAIN)
        await clinic.save(loaded)
        sent += [SlotSet("disclaimer_shown", True), *a_turn("thanks", "thank", "Welcome")]
        loaded.update_with_events(sent[-5:], DOMAIN)
        await clinic.save(loaded)  # saved twice: only what is new each time
        assert dicts(await clinic.retrieve(sender)) == dicts(await rasa.retrieve(sender)) == dicts(loaded)

        again = await clinic.retrieve(sender)
        sent += [*a_session(), *a_turn("hello again", "greet", "Hi!")]
        again.update_with_events(sent[-7:], DOMAIN)
        await clinic.save(again)
        latest_session = await clinic.retrieve(sender)
        assert dicts(latest_session) == dicts(await rasa.retrieve(sender))
        assert latest_session.events[0].type_name == SessionStarted.type_name
        assert dicts(latest_session) == dicts(again)[-len(latest_session.events) :]
        assert dicts(await rasa.retrieve_full_tracker(sender)) == [event.as_dict() for event in sent]

    asyncio.run(conversation())


def test_an_unknown_conversation_is_none(stores: tuple[ClinicTrackerStore, SQLTrackerStore]) -> None:
    clinic, _ = stores
    assert asyncio.run(clinic.retrieve(f"nobody-{uuid.uuid4().hex}")) is None


def test_sqlite_is_pooled_and_keeps_a_write_ahead_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    store = ClinicTrackerStore(DOMAIN)
    assert isinstance(store.engine.pool, QueuePool)
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    store.engine.dispose()
