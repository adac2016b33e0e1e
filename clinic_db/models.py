"""Tables of the clinic database. The schema is managed by Alembic (migrations/).

Only what a booking, a handoff, an SMS opt-out or the staff console needs is
stored: never a transcript of the conversation (that stays in the tracker store).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# What staff record about a consult request, in order; all but the last are still open.
CONSULT_STATUSES = ("new", "contacted", "booked", "closed")


class ConsultRequest(Base):
    __tablename__ = "consult_requests"
    __table_args__ = (
        CheckConstraint(f"status IN {CONSULT_STATUSES!r}", name="ck_consult_requests_status"),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    channel = Column(String(32), nullable=False)
    name = Column(String(100), nullable=False)
    contact = Column(String(254), nullable=False)
    preferred_time = Column(String(200), nullable=False)
    concern = Column(String(300), nullable=False)
    consent = Column(Boolean, nullable=False)
    # new -> contacted -> booked -> closed (CONSULT_STATUSES); staff set it in the console.
    status = Column(String(16), nullable=False, default="new", index=True)
    note = Column(String(1000), nullable=False, server_default="")
    # A hash of the conversation and the request's details, so that a retried
    # webhook or a double "yes" stores one row.
    dedupe_key = Column(String(64), nullable=False, unique=True)
    # Another request from the same contact was still open when this one came:
    # stored, but flagged for staff (one patient asking twice, or someone flooding).
    repeat_of = Column(String(16), ForeignKey("consult_requests.reference", name="fk_consult_requests_repeat_of"))


class Handoff(Base):
    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    channel = Column(String(32), nullable=False)
    # Rasa's conversation id: for SMS a keyed hash of the number, never the number.
    conversation_id = Column(String(128), nullable=False, index=True)
    reason = Column(String(200), nullable=False)
    status = Column(String(16), nullable=False, default="open", index=True)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    # argon2id, with its parameters and salt (argon2-cffi's encoded form).
    password_hash = Column(String(200), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    # SHA-256 of the random token in the signed cookie: a copy of this table signs no one in.
    token_hash = Column(String(64), primary_key=True)
    staff_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class SignInFailures(Base):
    """Failed sign-ins per email typed, whether or not an account has it (no hint which exist)."""

    __tablename__ = "staff_sign_in_failures"

    email = Column(String(254), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True))


class AccessLogEntry(Base):
    """Who looked at or changed which patient record, and when; no patient data itself."""

    __tablename__ = "access_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utc_now, index=True)
    staff_email = Column(String(254), nullable=False)
    action = Column(String(32), nullable=False)
    record = Column(String(200), nullable=False)


class SmsOptOut(Base):
    __tablename__ = "sms_opt_outs"

    # Keyed hash of the phone number: enough to honour STOP without keeping it.
    number_hash = Column(String(64), primary_key=True)
    opted_out_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


def limit_text_lengths(model: type) -> None:
    """SQLite ignores VARCHAR lengths: a CHECK makes every database refuse an
    over-long value instead of storing it (migration 0002 adds the same ones)."""
    table = model.__table__  # type: ignore[attr-defined]
    for column in table.columns:
        if isinstance(column.type, String):
            name = f"ck_{table.name}_{column.name}_length"
            table.append_constraint(CheckConstraint(f"length({column.name}) <= {column.type.length}", name=name))


for _model in (ConsultRequest, Handoff, SmsOptOut, StaffUser, StaffSession, SignInFailures, AccessLogEntry):
    limit_text_lengths(_model)
