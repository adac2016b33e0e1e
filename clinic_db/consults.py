"""Consult requests: save one (idempotently), list them (open ones first), set their status."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from clinic_db.database import session_scope
from clinic_db.models import CONSULT_STATUSES, ConsultRequest

CLOSED = CONSULT_STATUSES[-1]
NOTE_MAX = 1000

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


class SavedRequest(NamedTuple):
    reference: str
    created: bool
    # The open request from the same contact that this one repeats, if any.
    repeat_of: str | None = None


def new_reference() -> str:
    return "LM-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def save_consult_request(request: NewConsultRequest, database_url: str | None = None) -> SavedRequest:
    """Store the request once: a retried webhook gets the first reference back. A new
    request while the same contact has one open is stored, flagged as a repeat."""
    key = request.dedupe_key()
    existing = _reference_for(key, database_url)
    if existing:
        return SavedRequest(existing, created=False)
    row = ConsultRequest(
        reference=new_reference(),
        repeat_of=_open_reference_for_contact(request.contact, database_url),
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
        return SavedRequest(existing, created=False)
    return SavedRequest(row.reference, created=True, repeat_of=row.repeat_of)


def _reference_for(dedupe_key: str, database_url: str | None) -> str | None:
    with session_scope(database_url) as session:
        return session.execute(
            select(ConsultRequest.reference).where(ConsultRequest.dedupe_key == dedupe_key)
        ).scalar_one_or_none()


def _open_reference_for_contact(contact: str, database_url: str | None) -> str | None:
    """The first request from this contact that staff have not closed yet, if any."""
    with session_scope(database_url) as session:
        query = (
            select(ConsultRequest.reference)
            .where(ConsultRequest.contact == contact, ConsultRequest.status != CLOSED)
            .order_by(ConsultRequest.id)
            .limit(1)
        )
        return session.execute(query).scalar_one_or_none()


def open_requests(database_url: str | None = None) -> list[ConsultRequest]:
    with session_scope(database_url) as session:
        query = (
            select(ConsultRequest)
            .where(ConsultRequest.status != CLOSED)
            .order_by(ConsultRequest.created_at.desc(), ConsultRequest.id.desc())
        )
        return list(session.execute(query).scalars())


def all_requests(limit: int, database_url: str | None = None) -> list[ConsultRequest]:
    """Open requests first, then closed ones, newest first within each."""
    with session_scope(database_url) as session:
        query = (
            select(ConsultRequest)
            .order_by(
                (ConsultRequest.status == CLOSED), ConsultRequest.created_at.desc(), ConsultRequest.id.desc()
            )
            .limit(limit)
        )
        return list(session.execute(query).scalars())


def request_by_reference(reference: str, database_url: str | None = None) -> ConsultRequest | None:
    with session_scope(database_url) as session:
        query = select(ConsultRequest).where(ConsultRequest.reference == reference.strip().upper())
        return session.execute(query).scalar_one_or_none()


def set_status(reference: str, status: str, note: str, database_url: str | None = None) -> bool:
    """Record what staff did (new, contacted, booked, closed) and their note; False if no such request."""
    if status not in CONSULT_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with session_scope(database_url) as session:
        result = session.execute(
            update(ConsultRequest)
            .where(ConsultRequest.reference == reference.strip().upper())
            .values(status=status, note=note[:NOTE_MAX])
        )
        return result.rowcount == 1


def mark_done(reference: str, database_url: str | None = None) -> bool:
    """Close an open request (`make consults DONE=...`)."""
    with session_scope(database_url) as session:
        result = session.execute(
            update(ConsultRequest)
            .where(ConsultRequest.reference == reference.strip().upper(), ConsultRequest.status != CLOSED)
            .values(status=CLOSED)
        )
        return result.rowcount == 1
