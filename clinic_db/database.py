"""Connection to the clinic database (consult requests, handoffs, SMS opt-outs).

The URL comes from DATABASE_URL; without it, a SQLite file in the project's
var/ folder, so one machine needs nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_FILE = PROJECT_ROOT / "var" / "clinic.db"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_FILE}"


def _enable_sqlite_foreign_keys_and_wait(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        # Several processes (bot, action server, staff commands) share the file.
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True)
        _enable_sqlite_foreign_keys_and_wait(engine)
        return engine
    # pool_pre_ping: a restarted database server does not break the next request.
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=_connect_timeout(url))


def _connect_timeout(url: str) -> dict[str, int]:
    return {"connect_timeout": 5} if url.startswith("postgresql") else {}


@cache
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=make_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session: Session = _session_factory(url or database_url())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
