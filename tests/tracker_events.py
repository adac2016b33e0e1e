"""Conversations written straight into a tracker store's `events` table (Rasa's own table
definition and JSON), for the dashboard's test and `make bench`'s 100,000 conversations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine, insert

from stores.tracker_database import create_report_indexes, response_name

EVENTS = SQLTrackerStore.SQLEvent.__table__


@dataclass(frozen=True)
class Said:
    """One patient message and the assistant's answer."""

    at: datetime
    text: str
    intent: str
    topic: str | None = None  # the retrieval intent's answer, e.g. faq/cost


def event_rows(sender: str, exchanges: Iterable[Said]) -> list[dict[str, Any]]:
    """Rows as the bot's tracker store writes them, with its JSON (as large as the real one:
    Rasa keeps the intent and answer rankings) and the response's name on bot messages."""
    rows = []
    for said in exchanges:
        moment = said.at.timestamp()
        ranking = [{"name": f"intent_{rank}", "confidence": 0.01} for rank in range(10)]
        parse_data: dict[str, Any] = {"text": said.text, "intent": {"name": said.intent, "confidence": 0.9},
                                      "entities": [], "intent_ranking": ranking}
        if said.topic:
            answer = {"intent_response_key": said.topic, "responses": [{"text": "An answer. " * 20}],
                      "confidence": 0.9, "utter_action": f"utter_{said.topic}"}
            parse_data["response_selector"] = {"all_retrieval_intents": ["faq", "not_covered"],
                                               "default": {"response": answer, "ranking": ranking}}
        user = {"event": "user", "timestamp": moment, "text": said.text, "parse_data": parse_data,
                "input_channel": "rest", "message_id": "0" * 32, "metadata": {}}
        bot = {"event": "bot", "timestamp": moment + 0.5, "text": "An answer.", "data": {},
               "metadata": {"utter_action": f"utter_{said.topic or said.intent}"}}
        rows.append({"sender_id": sender, "type_name": "user", "timestamp": moment, "intent_name": said.intent,
                     "action_name": None, "data": json.dumps(user)})
        bot_data = json.dumps(bot)
        rows.append({"sender_id": sender, "type_name": "bot", "timestamp": moment + 0.5, "intent_name": None,
                     "action_name": response_name("bot", bot_data), "data": bot_data})
    return rows


def write_events(tracker_db_url: str, rows: list[dict[str, Any]], fresh: bool = False) -> None:
    """Adds the rows (to an empty table when `fresh`), with the indexes the bot's store makes."""
    engine = create_engine(tracker_db_url, future=True)
    if fresh:
        EVENTS.drop(engine, checkfirst=True)
    EVENTS.create(engine, checkfirst=True)
    with engine.begin() as connection:
        create_report_indexes(connection)
        if rows:
            connection.execute(insert(EVENTS), rows)
    engine.dispose()
