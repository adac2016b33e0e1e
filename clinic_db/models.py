"""Tables of the clinic database. The schema is managed by Alembic (migrations/).

Only what a booking, a handoff or an SMS opt-out needs is stored: never a
transcript of the conversation.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ConsultRequest(Base):
    __tablename__ = "consult_requests"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    channel = Column(String(32), nullable=False)
    name = Column(String(100), nullable=False)
    contact = Column(String(254), nullable=False)
    preferred_time = Column(String(200), nullable=False)
    concern = Column(String(300), nullable=False)
    consent = Column(Boolean, nullable=False)
    status = Column(String(16), nullable=False, default="open", index=True)
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


for _model in (ConsultRequest, Handoff, SmsOptOut):
    limit_text_lengths(_model)
