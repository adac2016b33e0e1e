"""Per-conversation locks: Redis when REDIS_URL is set, else in memory.

With several bot servers, the Redis lock makes one conversation's messages be
handled one at a time, in order, whichever server receives them.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import redis
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.shared.exceptions import RasaException

# Longest a server may hold a conversation's ticket list while updating it.
MUTEX_SECONDS = 5


class LockStoreUnreachable(RasaException):
    pass


class LockStoreMisconfigured(RasaException):
    pass


class AtomicRedisLockStore(RedisLockStore):
    """Rasa 3.6's RedisLockStore updates a conversation's ticket list with GET then
    SET, so two servers taking a ticket at the same moment can both be "first" and
    handle the conversation at once (and the tracker store then loses events).
    Each update here holds a short Redis mutex for that conversation."""

    def _mutex(self, conversation_id: str) -> redis.lock.Lock:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_SECONDS
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


def redis_lock_store(url: str) -> RedisLockStore:
    parsed = urlparse(url)
    store = AtomicRedisLockStore(
        host=parsed.hostname or "localhost",
        port=parsed.port or 6379,
        db=int(parsed.path.lstrip("/") or 1),
        password=parsed.password,
        use_ssl=parsed.scheme == "rediss",
    )
    try:
        store.red.ping()
    except redis.exceptions.RedisError as error:
        raise LockStoreUnreachable(
            f"Cannot reach Redis at {parsed.hostname}:{parsed.port or 6379} (REDIS_URL): {type(error).__name__}"
        ) from error
    return store


class ClinicLockStore(LockStore):
    """Rasa loads custom lock stores by class, so this class hands back the right store.

    Rasa lets any custom lock store run several Sanic workers; in-memory locks are
    per process, so workers would handle one conversation at once and lose events."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL")
        if url:
            return redis_lock_store(url)
        if number_of_sanic_workers(endpoint_config) > 1:  # what `rasa run` will start
            raise LockStoreMisconfigured(
                "SANIC_WORKERS above 1 needs REDIS_URL: in-memory conversation locks only work in one process."
            )
        return InMemoryLockStore()
