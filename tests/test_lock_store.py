"""Which conversation lock store the bot gets, against the real Redis service."""

from __future__ import annotations

import uuid

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from stores.lock_store import AtomicRedisLockStore, ClinicLockStore

REDIS_URL = "redis://127.0.0.1:6379/5"
# What Rasa passes when endpoints.yml names the store.
ENDPOINT = EndpointConfig(type="stores.lock_store.ClinicLockStore")


def test_one_process_without_redis_locks_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    assert isinstance(ClinicLockStore(ENDPOINT), InMemoryLockStore)


def test_several_workers_without_redis_refuse_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(RasaException, match="SANIC_WORKERS above 1 needs REDIS_URL"):
        ClinicLockStore(ENDPOINT)


def test_redis_url_gives_the_atomic_redis_lock_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    store = ClinicLockStore(ENDPOINT)
    assert isinstance(store, AtomicRedisLockStore)
    conversation = f"lock-store-{uuid.uuid4().hex}"
    first, second = store.issue_ticket(conversation), store.issue_ticket(conversation)
    lock = store.get_lock(conversation)
    assert lock is not None and not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup(conversation, first)
    store.cleanup(conversation, second)
