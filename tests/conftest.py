"""Shared fixtures. The clinic database is a temporary SQLite file unless
DATABASE_URL is set (CI runs the database tests again on PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from sqlalchemy import delete

from clinic_db.database import session_scope
from clinic_db.migrate import upgrade
from clinic_db.models import Base
from tests.servers import MODEL, TEST_CHANNEL_ENV, Bot, ensure_postgres_database, running_assistant

# The website chat's fixtures: one bot server and one browser for every test module that uses them.
pytest_plugins = ["tests.webchat_stack", "tests.staff_console"]

# This process opens sealed SMS numbers too (action tests), with the servers' secret.
for _name, _value in TEST_CHANNEL_ENV.items():
    os.environ.setdefault(_name, _value)


# Each test's tier, from what it needs (a test may also be marked by hand: a mark wins).
# `make test-fast` runs the unit tier; `make test` runs them all.
BROWSER_FIXTURES = {"browser", "page"}
SERVER_FIXTURES = {"assistant", "web_stack", "guarded_bot", "instances", "console", "stack"}
MODEL_FIXTURES = {"agent", "trained_model"}
TIERS = ("browser", "e2e", "model", "unit")


def tier_of(item: pytest.Item) -> str:
    marked = [tier for tier in TIERS if item.get_closest_marker(tier)]
    if marked:
        return marked[0]
    used = set(getattr(item, "fixturenames", ()))
    if used & BROWSER_FIXTURES:
        return "browser"
    if used & SERVER_FIXTURES:
        return "e2e"
    return "model" if used & MODEL_FIXTURES else "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier_of(item))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'clinic.db'}"
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    upgrade(url)
    return url


@pytest.fixture
def clean_database(database_url: str) -> str:
    with session_scope(database_url) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    return database_url


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it first)")
    return MODEL


@pytest.fixture(scope="session")
def assistant(trained_model: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    with running_assistant(tmp_path_factory.mktemp("servers"), database_url) as (bot, _, _):
        yield bot


@pytest.fixture
def sender() -> str:
    """A fresh conversation id for each test."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def agent(trained_model: Path) -> Agent:
    """The trained model loaded in this process, for NLU checks without HTTP."""
    return Agent.load(str(trained_model))
