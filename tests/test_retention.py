"""`make purge`: what is older than TRACKER_RETENTION_DAYS leaves the tracker store, the current session stays whole."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from privacy import retention
from stores.tracker_store import ClinicTrackerStore
from tests.servers import ensure_postgres_database

DOMAIN = Domain.load(str(Path(__file__).resolve().parent.parent / "domain"))
PG_URL = "postgresql://postgres@127.0.0.1:5432/liondale_retention_test"
DAY = 86_400


def save_conversation(store: ClinicTrackerStore, sender: str, days_ago: float) -> None:
    """A session: its start, a message with a phone number, the number as a slot."""
    at = time.time() - days_ago * DAY
    events = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("my number is 212 555 0100", {"name": "inform"}, timestamp=at),
        SlotSet("contact", "+12125550100", timestamp=at),
    ]
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update_with_events(events, DOMAIN, override_timestamp=False)
    asyncio.run(store.save(tracker))


def stored_days_ago(url: str, sender: str) -> list[int]:
    """How many days ago each stored event of the conversation happened."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        query = text("SELECT timestamp FROM events WHERE sender_id = :sender ORDER BY id")
        ages = [round((time.time() - row[0]) / DAY) for row in connection.execute(query, {"sender": sender})]
    engine.dispose()
    return ages


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_old_events_go_and_current_sessions_stay(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if backend == "sqlite" else PG_URL
    if backend == "postgresql":
        ensure_postgres_database(url)
    monkeypatch.setenv("TRACKER_DB_URL", url)
    store = ClinicTrackerStore(DOMAIN)
    run = uuid.uuid4().hex[:8]
    old, recent, came_back = f"old-{run}", f"recent-{run}", f"back-{run}"
    save_conversation(store, old, days_ago=31)
    save_conversation(store, recent, days_ago=29)
    save_conversation(store, came_back, days_ago=45)  # e.g. the same SMS number, months apart
    save_conversation(store, came_back, days_ago=1)

    assert retention.purge_old_events(make_url(url), days=30) == 5 + 5
    assert stored_days_ago(url, old) == []
    assert stored_days_ago(url, recent) == [29] * 5
    assert stored_days_ago(url, came_back) == [1] * 5
    tracker = asyncio.run(store.retrieve(came_back))
    assert tracker is not None and tracker.get_slot("contact") == "+12125550100"  # the current session, whole
    store.engine.dispose()
    assert retention.purge_old_events(make_url(url), days=30) == 0


def test_an_empty_store_is_nothing_to_purge(tmp_path: Path) -> None:
    assert retention.purge_old_events(make_url(f"sqlite:///{tmp_path / 'none.db'}"), days=30) == 0


@pytest.mark.parametrize("value", ["0", "-3", "thirty", "1.5"])
def test_a_bad_retention_setting_is_refused_clearly(value: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", value)
    assert retention.main([]) == 2
    assert "TRACKER_RETENTION_DAYS must be a whole number of days" in capsys.readouterr().err


def test_the_default_keeps_thirty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_RETENTION_DAYS", raising=False)
    assert retention.retention_days() == 30
