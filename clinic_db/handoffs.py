"""Handoffs: a patient asked for a person; the bot is paused until staff resume it."""

from __future__ import annotations

from sqlalchemy import select, update

from clinic_db.database import session_scope
from clinic_db.models import Handoff

REASON_MAX = 200


def record_handoff(
    conversation_id: str, channel: str, reason: str, database_url: str | None = None
) -> tuple[int, bool]:
    """Return (handoff id, created): a conversation already waiting for staff keeps its
    one open handoff, however often the patient asks again."""
    with session_scope(database_url) as session:
        waiting = session.execute(
            select(Handoff.id).where(Handoff.conversation_id == conversation_id, Handoff.status == "open").limit(1)
        ).scalar_one_or_none()
        if waiting is not None:
            return int(waiting), False
        handoff = Handoff(conversation_id=conversation_id, channel=channel, reason=reason[:REASON_MAX])
        session.add(handoff)
        session.flush()
        return int(handoff.id), True


def open_handoffs(database_url: str | None = None) -> list[Handoff]:
    with session_scope(database_url) as session:
        query = select(Handoff).where(Handoff.status == "open").order_by(Handoff.created_at.desc(), Handoff.id.desc())
        return list(session.execute(query).scalars())


def all_handoffs(limit: int, database_url: str | None = None) -> list[Handoff]:
    """Open handoffs first, then closed ones, newest first within each."""
    with session_scope(database_url) as session:
        query = (
            select(Handoff)
            .order_by((Handoff.status != "open"), Handoff.created_at.desc(), Handoff.id.desc())
            .limit(limit)
        )
        return list(session.execute(query).scalars())


def handoff_by_id(handoff_id: int, database_url: str | None = None) -> Handoff | None:
    with session_scope(database_url) as session:
        return session.get(Handoff, handoff_id)


def close_handoff(handoff_id: int, database_url: str | None = None) -> str | None:
    """Mark the handoff done (once its conversation is resumed); return its conversation id, or None if not open."""
    with session_scope(database_url) as session:
        conversation_id = session.execute(
            select(Handoff.conversation_id).where(Handoff.id == handoff_id, Handoff.status == "open")
        ).scalar_one_or_none()
        if conversation_id is not None:
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(status="done"))
        return conversation_id
