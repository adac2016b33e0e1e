"""Per-conversation locks: Redis when REDIS_URL is set, else in memory.

With several bot servers, the Redis lock makes one conversation's messages be
handled one at a time, in order, whichever server receives them.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import redis
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.shared.exceptions import RasaException


class LockStoreUnreachable(RasaException):
    pass


def redis_lock_store(url: str) -> RedisLockStore:
    parsed = urlparse(url)
    store = RedisLockStore(
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
    """Rasa loads custom lock stores by class, so this class hands back the right store."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL")
        return redis_lock_store(url) if url else InMemoryLockStore()
