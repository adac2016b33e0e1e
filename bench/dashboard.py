"""`make bench` (and `make bench-dashboard`): the staff console's dashboard on a large history.

Seeds 100,000 conversations over 90 days (SQLite tracker store and clinic database in a
temporary folder), starts the real console on them, signs in and times the dashboard's
response for the last 30 days and for the whole 90, five times each. Writes
bench/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as day_time
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert

from clinic_db.migrate import upgrade
from clinic_db.models import ConsultRequest, Handoff
from clinic_db.staff import save_staff_user
from tests.staff_console import STAFF_EMAIL, STAFF_PASSWORD, console_env, start_console
from tests.tracker_events import Said, event_rows, write_events

RESULTS = Path(__file__).resolve().parent / "dashboard.json"
DAYS = 90
FAQ_TOPICS = ["what_is", "pain", "sessions", "side_effects", "prepare", "appointment", "uses", "body_areas",
              "ingredients", "how_it_works", "aftercare", "safety"]
NOT_COVERED_TOPICS = ["price", "candidacy", "downtime", "results_duration", "clinic_details"]
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIMED_RUNS = 5
BATCH = 20_000


def question(rng: random.Random, at: datetime) -> Said:
    roll = rng.random()
    if roll < 0.70:
        topic = rng.choice(FAQ_TOPICS)
        return Said(at, f"tell me about {topic.replace('_', ' ')}", "faq", f"faq/{topic}")
    if roll < 0.82:
        topic = rng.choice(NOT_COVERED_TOPICS)
        return Said(at, f"what about {topic.replace('_', ' ')}", "not_covered", f"not_covered/{topic}")
    if roll < 0.90:
        return Said(at, rng.choice(["asdf", "hmm??", "the thing"]), "nlu_fallback")
    if roll < 0.95:
        return Said(at, rng.choice(["weather today?", "who won the game"]), "out_of_scope")
    if roll < 0.97:
        return Said(at, "my face is swelling", "urgent_symptom")
    return Said(at, "yes", "affirm")


def seed(tracker_db_url: str, clinic_url: str, conversations: int, last_day: date) -> int:
    """Returns how many rows the events table got."""
    rng = random.Random(14)
    first = datetime.combine(last_day - timedelta(days=DAYS - 1), day_time.min, timezone.utc)
    rows, handoffs, consults, written = [], [], [], 0
    for number in range(conversations):
        sender = f"bench-{number}"
        start = first + timedelta(seconds=rng.randrange(DAYS * 86400 - 600))
        exchanges = [Said(start, "/greet", "greet")]
        exchanges += [question(rng, start + timedelta(seconds=30 * (turn + 1))) for turn in range(rng.randint(1, 4))]
        rows += event_rows(sender, exchanges)
        if rng.random() < 0.05:
            handoffs.append({"conversation_id": sender, "channel": "rest", "reason": "asked for a person",
                             "status": "open", "created_at": start + timedelta(minutes=3)})
        if rng.random() < 0.04:
            consults.append({"reference": f"LM-B{number:07d}"[:16], "channel": "rest", "name": "Bench Patient",
                             "contact": f"bench{number}@example.com", "preferred_time": "any", "concern": "fat",
                             "consent": True, "status": "new", "dedupe_key": f"{number:064d}",
                             "created_at": start + timedelta(minutes=4)})
        if len(rows) >= BATCH:
            write_events(tracker_db_url, rows)
            written, rows = written + len(rows), []
    write_events(tracker_db_url, rows)
    engine = create_engine(clinic_url, future=True)
    with engine.begin() as connection:
        connection.execute(insert(Handoff.__table__), handoffs)
        connection.execute(insert(ConsultRequest.__table__), consults)
    engine.dispose()
    return written + len(rows)


def signed_in(console_url: str) -> requests.Session:
    session = requests.Session()
    token = CSRF_FIELD.search(session.get(f"{console_url}/sign-in", timeout=10).text).group(1)  # type: ignore[union-attr]
    session.post(f"{console_url}/sign-in", timeout=10,
                 data={"csrf_token": token, "email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    return session


def time_dashboard(session: requests.Session, url: str) -> list[float]:
    seconds = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        answer = session.get(url, timeout=120)
        seconds.append(time.perf_counter() - started)
        if answer.status_code != 200 or "How the assistant is doing" not in answer.text:
            raise RuntimeError(f"the dashboard answered {answer.status_code}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    args = parser.parse_args()
    last_day = datetime.now(timezone.utc).date() - timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as folder:
        workdir = Path(folder)
        tracker_url, clinic_url = f"sqlite:///{workdir / 'tracker.db'}", f"sqlite:///{workdir / 'clinic.db'}"
        upgrade(clinic_url)
        save_staff_user(STAFF_EMAIL, STAFF_PASSWORD, clinic_url)
        started = time.perf_counter()
        events = seed(tracker_url, clinic_url, args.conversations, last_day)
        took = time.perf_counter() - started
        print(f"seeded {args.conversations:,} conversations ({events:,} events) in {took:.0f} s")
        console = start_console(workdir, console_env(clinic_url, tracker_url, "http://127.0.0.1:9"))
        try:
            session = signed_in(console.url)
            results = {"conversations": args.conversations, "events": events}
            for label, days in (("last 30 days", 30), (f"all {DAYS} days", DAYS)):
                first = last_day - timedelta(days=days - 1)
                seconds = time_dashboard(session, f"{console.url}/dashboard?from={first}&to={last_day}")
                results[label] = {"median_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3)}
                print(f"dashboard, {label}: median {statistics.median(seconds):.3f} s, slowest {max(seconds):.3f} s")
        finally:
            console.stop()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
