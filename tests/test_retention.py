"""`make purge`: conversations untouched for TRACKER_RETENTION_DAYS leave the tracker store whole."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
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
    at = time.time() - days_ago * DAY
    events = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("my number is 212 555 0100", {"name": "inform"}, timestamp=at),
        SlotSet("contact", "+12125550100", timestamp=at),
    ]
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update_with_events(events, DOMAIN, override_timestamp=False)
    asyncio.run(store.save(tracker))


def stored_senders(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        senders = {row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return senders


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_old_conversations_go_and_recent_ones_stay(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}" if backend == "sqlite" else PG_URL
    if backend == "postgresql":
        ensure_postgres_database(url)
    monkeypatch.setenv("TRACKER_DB_URL", url)
    store = ClinicTrackerStore(DOMAIN)
    run = uuid.uuid4().hex[:8]
    old, recent, old_then_back = f"old-{run}", f"recent-{run}", f"back-{run}"
    save_conversation(store, old, days_ago=31)
    save_conversation(store, recent, days_ago=29)
    save_conversation(store, old_then_back, days_ago=45)
    save_conversation(store, old_then_back, days_ago=1)  # wrote again yesterday: kept whole
    store.engine.dispose()

    assert retention.purge_old_conversations(make_url(url), days=30) == 3
    remaining = stored_senders(url)
    assert {recent, old_then_back} <= remaining
    assert old not in remaining
    assert retention.purge_old_conversations(make_url(url), days=30) == 0


def test_an_empty_store_is_nothing_to_purge(tmp_path: Path) -> None:
    assert retention.purge_old_conversations(make_url(f"sqlite:///{tmp_path / 'none.db'}"), days=30) == 0


@pytest.mark.parametrize("value", ["0", "-3", "thirty", "1.5"])
def test_a_bad_retention_setting_is_refused_clearly(value: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", value)
    assert retention.main([]) == 2
    assert "TRACKER_RETENTION_DAYS must be a whole number of days" in capsys.readouterr().err


def test_the_default_keeps_thirty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_RETENTION_DAYS", raising=False)
    assert retention.retention_days() == 30
