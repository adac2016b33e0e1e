"""Findings 5 and 6 in the clinic database: it refuses over-long values whatever
the caller checked, keeps one open handoff per conversation and flags repeated
booking requests from one contact for staff."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import DBAPIError

from clinic_db.consults import NewConsultRequest, mark_done, open_requests, save_consult_request
from clinic_db.database import session_scope
from clinic_db.handoffs import open_handoffs, record_handoff
from clinic_db.migrate import alembic_config
from clinic_db.models import ConsultRequest, Handoff

REQUEST = NewConsultRequest(
    conversation_id="conversation-1", channel="rest", name="Maria Lopez", contact="+12125550199",
    preferred_time="weekday mornings", concern="fat (thighs)", consent=True,
)


@pytest.mark.database
@pytest.mark.parametrize(("column", "limit"), [("name", 100), ("contact", 254), ("preferred_time", 200),
                                               ("concern", 300), ("channel", 32)])
def test_an_overlong_consult_value_is_refused(clean_database: str, column: str, limit: int) -> None:
    with pytest.raises(DBAPIError):
        save_consult_request(replace(REQUEST, **{column: "x" * (limit + 1)}), clean_database)
    assert open_requests(clean_database) == []
    save_consult_request(replace(REQUEST, **{column: "x" * limit}), clean_database)  # the limit itself fits


@pytest.mark.database
def test_an_overlong_handoff_conversation_id_is_refused(clean_database: str) -> None:
    with pytest.raises(DBAPIError), session_scope(clean_database) as session:
        session.add(Handoff(conversation_id="x" * 129, channel="rest", reason="the patient asked for a person"))
    assert open_handoffs(clean_database) == []


@pytest.mark.database
def test_one_open_handoff_per_conversation(clean_database: str) -> None:
    first = record_handoff("conversation-1", "rest", "the patient asked for a person", clean_database)
    again = record_handoff("conversation-1", "rest", "the patient asked for a person", clean_database)
    other = record_handoff("conversation-2", "rest", "the patient asked for a person", clean_database)
    assert (first, again) == ((first[0], True), (first[0], False))
    assert other[1] and other[0] != first[0]
    assert len(open_handoffs(clean_database)) == 2


@pytest.mark.database
def test_a_repeated_request_from_one_contact_is_stored_and_flagged(clean_database: str) -> None:
    first = save_consult_request(REQUEST, clean_database).reference
    repeat = save_consult_request(replace(REQUEST, conversation_id="conversation-2"), clean_database)
    other = save_consult_request(replace(REQUEST, contact="maria@example.com"), clean_database).reference
    assert repeat.created and repeat.repeat_of == first
    flags = {row.reference: row.repeat_of for row in open_requests(clean_database)}
    assert flags == {first: None, repeat.reference: first, other: None}

    mark_done(first, clean_database)
    mark_done(repeat.reference, clean_database)
    save_consult_request(replace(REQUEST, conversation_id="conversation-3"), clean_database)
    assert open_requests(clean_database)[0].repeat_of is None  # nothing open any more: a new request


def test_the_migration_keeps_existing_rows_and_then_enforces_the_limits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    command.upgrade(alembic_config(url), "0001")
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(sa.insert(ConsultRequest.__table__).values(
            reference="LM-ABC234", created_at=sa.func.current_timestamp(), channel="rest", name="Maria Lopez",
            contact="+12125550199", preferred_time="mornings", concern="fat", consent=True, status="open",
            dedupe_key="k" * 64,
        ))
    command.upgrade(alembic_config(url), "head")
    assert [row.reference for row in open_requests(url)] == ["LM-ABC234"]
    with pytest.raises(DBAPIError):
        save_consult_request(replace(REQUEST, concern="x" * 301), url)
