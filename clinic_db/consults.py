"""Consult requests: save one (idempotently), list the open ones, mark one done."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from clinic_db.database import session_scope
from clinic_db.models import ConsultRequest

# No 0/O or 1/I: references are read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class NewConsultRequest:
    conversation_id: str
    channel: str
    name: str
    contact: str
    preferred_time: str
    concern: str
    consent: bool

    def dedupe_key(self) -> str:
        fields = (self.conversation_id, self.name, self.contact, self.preferred_time, self.concern)
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def new_reference() -> str:
    return "LM-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def save_consult_request(request: NewConsultRequest, database_url: str | None = None) -> tuple[str, bool]:
    """Store the request once; return (reference, created). A repeat returns the first reference."""
    key = request.dedupe_key()
    existing = _reference_for(key, database_url)
    if existing:
        return existing, False
    row = ConsultRequest(
        reference=new_reference(),
        channel=request.channel,
        name=request.name,
        contact=request.contact,
        preferred_time=request.preferred_time,
        concern=request.concern,
        consent=request.consent,
        dedupe_key=key,
    )
    try:
        with session_scope(database_url) as session:
            session.add(row)
    except IntegrityError:
        # Another instance stored the same request a moment ago.
        existing = _reference_for(key, database_url)
        if existing is None:
            raise
        return existing, False
    return row.reference, True


def _reference_for(dedupe_key: str, database_url: str | None) -> str | None:
    with session_scope(database_url) as session:
        return session.execute(
            select(ConsultRequest.reference).where(ConsultRequest.dedupe_key == dedupe_key)
        ).scalar_one_or_none()


def open_requests(database_url: str | None = None) -> list[ConsultRequest]:
    with session_scope(database_url) as session:
        query = (
            select(ConsultRequest)
            .where(ConsultRequest.status == "open")
            .order_by(ConsultRequest.created_at.desc(), ConsultRequest.id.desc())
        )
        return list(session.execute(query).scalars())


def mark_done(reference: str, database_url: str | None = None) -> bool:
    with session_scope(database_url) as session:
        result = session.execute(
            update(ConsultRequest)
            .where(ConsultRequest.reference == reference.strip().upper(), ConsultRequest.status == "open")
            .values(status="done")
        )
        return result.rowcount == 1
