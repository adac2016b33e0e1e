"""How the assistant is doing over a period, computed with SQL over the tracker store's
events (console/conversations.py's engine) and the clinic database.

A conversation counts in the period when the patient wrote in it then. It was handled
by the assistant alone when it led to no handoff and to no repeated misunderstanding
(two or more messages it could not place: fallback or out of scope).
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from clinic_db.database import session_scope
from clinic_db.models import ConsultRequest, Handoff
from console.conversations import URGENT_INTENT, engine, tracker_rows

MISUNDERSTOOD_INTENTS = ("nlu_fallback", "out_of_scope")
# Retrieval intents: the topic is the answer the assistant gave (faq/cost, not_covered/price).
TOPIC_INTENTS = ("faq", "not_covered")
NOT_COVERED = "not_covered"
QUERIES_AT_ONCE = 3
UNANSWERED_SAMPLE = 2000
UNANSWERED_SHOWN = 30
TOPICS_SHOWN = 12
EPOCH = date(1970, 1, 1)
# The day (days since 1970-01-01, UTC) in each database's SQL.
DAY = {
    "sqlite": "CAST(timestamp AS INTEGER) / 86400",
    "postgresql": "CAST(FLOOR(timestamp) AS BIGINT) / 86400",
}
IN_PERIOD = "type_name = 'user' AND timestamp >= :start AND timestamp < :end"


@dataclass(frozen=True)
class Figures:
    first_day: date
    last_day: date
    days: list[str]
    conversations_per_day: list[int]
    messages_per_day: list[int]
    conversations: int
    messages: int
    handoffs: int
    misunderstood: int  # conversations with repeated misunderstandings
    handled_alone: int
    urgent: int  # conversations where the patient described an urgent symptom
    consult_requests: int
    unanswered: list[tuple[str, str, int]]  # (why, the patient's words, how often), most frequent first
    topics: list[tuple[str, int]]

    @property
    def handled_alone_share(self) -> float:
        return self.handled_alone / self.conversations if self.conversations else 0.0

    @property
    def conversion(self) -> float:
        return self.consult_requests / self.conversations if self.conversations else 0.0


def _bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time.min, timezone.utc)
    return start, datetime.combine(last_day + timedelta(days=1), time.min, timezone.utc)


def figures(first_day: date, last_day: date, database_url: str | None = None) -> Figures:
    """The period's figures; the queries run side by side (each on its own connection)."""
    start, end = _bounds(first_day, last_day)
    period = {"start": start.timestamp(), "end": end.timestamp()}
    dialect = engine().dialect.name
    days = [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    with ThreadPoolExecutor(max_workers=QUERIES_AT_ONCE) as pool:
        topics = pool.submit(_topics, period)
        per_day = pool.submit(_per_day, period, dialect)
        totals = pool.submit(_totals, period)
        misunderstood = pool.submit(_misunderstood, period)
        handed_over = pool.submit(_handoff_conversations, start, end, database_url)
        urgent = pool.submit(_count_conversations, period, "intent_name = :urgent", urgent=URGENT_INTENT)
        consult_requests = pool.submit(_consult_requests, start, end, database_url)
        unanswered = pool.submit(_unanswered, period)
    conversations, messages = totals.result()
    counts = per_day.result()
    return Figures(
        first_day=first_day, last_day=last_day,
        days=[day.isoformat() for day in days],
        conversations_per_day=[counts.get(day, (0, 0))[0] for day in days],
        messages_per_day=[counts.get(day, (0, 0))[1] for day in days],
        conversations=conversations, messages=messages,
        handoffs=len(handed_over.result()), misunderstood=len(misunderstood.result()),
        handled_alone=conversations - len(handed_over.result() | misunderstood.result()),
        urgent=urgent.result(),
        consult_requests=consult_requests.result(),
        unanswered=unanswered.result(),
        topics=topics.result(),
    )


def _per_day(period: dict[str, float], dialect: str) -> dict[date, tuple[int, int]]:
    """Conversations and patients' messages on each day that had any."""
    rows = tracker_rows(
        f"SELECT {DAY[dialect]} AS day, COUNT(DISTINCT sender_id), COUNT(*) FROM events "
        f"WHERE {IN_PERIOD} GROUP BY {DAY[dialect]}", **period)
    return {EPOCH + timedelta(days=int(day)): (int(conversations), int(messages))
            for day, conversations, messages in rows}


def _totals(period: dict[str, float]) -> tuple[int, int]:
    rows = tracker_rows(f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE {IN_PERIOD}", **period)
    conversations, messages = rows[0] if rows else (0, 0)
    return int(conversations or 0), int(messages or 0)


def _count_conversations(period: dict[str, float], condition: str, **parameters: object) -> int:
    rows = tracker_rows(
        f"SELECT COUNT(DISTINCT sender_id) FROM events WHERE {IN_PERIOD} AND {condition}", **period, **parameters)
    return int(rows[0][0] or 0) if rows else 0


def _misunderstood(period: dict[str, float]) -> set[str]:
    """Conversations with two or more messages the assistant could not place."""
    rows = tracker_rows(
        f"SELECT sender_id FROM events WHERE {IN_PERIOD} AND intent_name IN :intents "
        "GROUP BY sender_id HAVING COUNT(*) >= 2", intents=MISUNDERSTOOD_INTENTS, **period)
    return {sender for (sender,) in rows}


def _handoff_conversations(start: datetime, end: datetime, database_url: str | None) -> set[str]:
    with session_scope(database_url) as session:
        query = select(Handoff.conversation_id).where(Handoff.created_at >= start, Handoff.created_at < end)
        return set(session.execute(query).scalars())


def _consult_requests(start: datetime, end: datetime, database_url: str | None) -> int:
    with session_scope(database_url) as session:
        query = select(func.count()).where(ConsultRequest.created_at >= start, ConsultRequest.created_at < end)
        return int(session.execute(query).scalar_one())


def _unanswered(period: dict[str, float]) -> list[tuple[str, str, int]]:
    """What patients asked that the assistant could not answer: the clinic's content gaps."""
    rows = tracker_rows(
        f"SELECT intent_name, data FROM events WHERE {IN_PERIOD} AND "
        "(intent_name IN :intents OR intent_name = :not_covered) ORDER BY timestamp DESC LIMIT :limit",
        intents=MISUNDERSTOOD_INTENTS, not_covered=NOT_COVERED, limit=UNANSWERED_SAMPLE, **period)
    asked: Counter[tuple[str, str]] = Counter()
    for intent, data in rows:
        words = " ".join(str(json.loads(data).get("text") or "").split())
        if words and not words.startswith("/"):
            asked[(_why(intent), words.lower())] += 1
    return [(why, words, count) for (why, words), count in asked.most_common(UNANSWERED_SHOWN)]


def _why(intent: str) -> str:
    return {"nlu_fallback": "not understood", "out_of_scope": "out of scope"}.get(intent, "not in the clinic text")


def _topics(period: dict[str, float]) -> list[tuple[str, int]]:
    """The answers the assistant gave most (faq/cost, not_covered/price), from the response
    names the tracker store keeps on its messages (stores/tracker_database.py)."""
    prefixes = " OR ".join(
        f"(action_name > :{name}_from AND action_name < :{name}_to)" for name in TOPIC_INTENTS)
    bounds = {f"{name}_from": f"utter_{name}/" for name in TOPIC_INTENTS}
    bounds |= {f"{name}_to": f"utter_{name}0" for name in TOPIC_INTENTS}  # "0" follows "/"
    rows = tracker_rows(
        "SELECT action_name, COUNT(*) FROM events WHERE type_name = 'bot' AND timestamp >= :start "
        f"AND timestamp < :end AND ({prefixes}) GROUP BY action_name ORDER BY COUNT(*) DESC LIMIT :limit",
        limit=TOPICS_SHOWN, **bounds, **period)
    return [(str(name).removeprefix("utter_"), int(count)) for name, count in rows]
