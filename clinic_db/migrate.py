"""Apply the clinic database's Alembic migrations: `python -m clinic_db.migrate`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from clinic_db.database import database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # '%' is interpolation syntax in Alembic's config parser.
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")


if __name__ == "__main__":
    upgrade()
    print("clinic database is up to date")
