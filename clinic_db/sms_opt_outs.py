"""SMS opt-outs (STOP / START), kept by a keyed hash of the number."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from clinic_db.database import session_scope
from clinic_db.models import SmsOptOut


def is_opted_out(number_hash: str, database_url: str | None = None) -> bool:
    with session_scope(database_url) as session:
        query = select(SmsOptOut.number_hash).where(SmsOptOut.number_hash == number_hash)
        return session.execute(query).first() is not None


def opt_out(number_hash: str, database_url: str | None = None) -> None:
    if is_opted_out(number_hash, database_url):
        return
    try:
        with session_scope(database_url) as session:
            session.add(SmsOptOut(number_hash=number_hash))
    except IntegrityError:
        pass  # a concurrent STOP stored it first


def opt_in(number_hash: str, database_url: str | None = None) -> None:
    with session_scope(database_url) as session:
        session.execute(delete(SmsOptOut).where(SmsOptOut.number_hash == number_hash))
