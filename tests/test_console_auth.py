"""The staff console's sign-in, its protection of every route, CSRF, lockout, sign-out,
`make staff-user`, consult requests, the dashboard and the access log: the real console
process in Debian's Chromium (and plain HTTP where a browser would hide the answer)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from flask import url_for
from playwright.sync_api import Browser, Page, expect

from clinic_db.consults import NewConsultRequest, request_by_reference, save_consult_request
from clinic_db.database import session_scope
from clinic_db.handoffs import record_handoff
from clinic_db.models import ConsultRequest, Handoff
from clinic_db.staff import FAILURES_BEFORE_LOCKOUT, access_log
from console.app import PUBLIC_ENDPOINTS, create_app
from console.settings import Settings
from tests.servers import PROJECT_ROOT, RunningServer, free_port
from tests.staff_console import (
    STAFF_EMAIL,
    STAFF_PASSWORD,
    WAIT_MS,
    console_env,
    serious_accessibility_problems,
    sign_in,
    signed_in,
    start_console,
)
from tests.tracker_events import Said, event_rows, write_events

pytestmark = pytest.mark.database
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Each route's variable parts (a handoff id, a consult reference): a record that may or may not exist.
SAMPLE_ID = 1
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def tracker_db_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """On the PostgreSQL run, the dashboard's SQL runs on PostgreSQL too (Rasa's events table beside the clinic's)."""
    if database_url.startswith("postgresql"):
        return database_url
    return f"sqlite:///{tmp_path_factory.mktemp('console-tracker') / 'tracker.db'}"


@pytest.fixture(scope="module")
def console(
    database_url: str, tracker_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("console")
    nothing_listens = f"http://127.0.0.1:{free_port()}"
    server = start_console(workdir, console_env(database_url, tracker_db_url, nothing_listens))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})  # a tablet, landscape
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def csrf_token(session: requests.Session, url: str) -> str:
    match = CSRF_FIELD.search(session.get(url, timeout=10).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def signed_in_session(console_url: str) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session, f"{console_url}/sign-in")
    answer = session.post(f"{console_url}/sign-in", data={
        "csrf_token": token, "email": STAFF_EMAIL, "password": STAFF_PASSWORD}, timeout=10)
    assert answer.status_code == 200 and answer.url == f"{console_url}/", answer.status_code
    return session


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(console: RunningServer, staff: str, page: Page) -> None:
    sign_in(page, console.url, password="not the password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert serious_accessibility_problems(page) == []

    sign_in(page, console.url)
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "liondale_staff")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert serious_accessibility_problems(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{console.url}/consults")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def registered_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the console but the sign-in page and static files."""
    app = create_app(Settings(host="127.0.0.1", port=0, secure_cookies=False, session_secret="x"))
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint not in PUBLIC_ENDPOINTS:
                path = url_for(rule.endpoint, **{name: SAMPLE_ID for name in rule.arguments})
                routes += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_every_route_is_refused_without_signing_in(console: RunningServer, staff: str) -> None:
    routes = registered_routes()
    assert {path for _, path in routes} >= {
        "/", "/handoffs/1", "/handoffs/1/reply", "/handoffs/1/hand-back", "/consults", "/consults/1",
        "/consults.csv", "/access-log", "/sign-out",
    }
    session = requests.Session()
    token = csrf_token(session, f"{console.url}/sign-in")  # a valid form token, but no one signed in
    for method, path in routes:
        answer = session.request(method, console.url + path, data={"csrf_token": token, "text": "hello"},
                                 allow_redirects=False, timeout=10)
        assert answer.status_code == 302, (method, path, answer.status_code)
        assert answer.headers["Location"].startswith("/sign-in"), (method, path)
        assert STAFF_EMAIL not in answer.text
    assert session.get(f"{console.url}/static/console.css", timeout=10).status_code == 200  # no patient data


def test_a_form_without_its_csrf_token_is_refused(console: RunningServer, staff: str) -> None:
    reference = save_consult_request(NewConsultRequest(
        "c1", "rest", "Jo Park", "jo@example.com", "any time", "hair loss", True), staff).reference
    session = signed_in_session(console.url)
    answer = session.post(f"{console.url}/consults/{reference}", data={"status": "booked", "note": ""}, timeout=10)
    assert answer.status_code == 400 and "Form refused" in answer.text
    assert request_by_reference(reference, staff).status == "new"
    token = csrf_token(session, f"{console.url}/consults/{reference}")
    answer = session.post(f"{console.url}/consults/{reference}", data={
        "csrf_token": token, "status": "booked", "note": "Tue 10am"}, timeout=10)
    assert answer.status_code == 200 and request_by_reference(reference, staff).status == "booked"


def test_repeated_wrong_passwords_lock_the_email_for_a_while(console: RunningServer, staff: str) -> None:
    session = requests.Session()
    for _ in range(FAILURES_BEFORE_LOCKOUT):
        answer = session.post(f"{console.url}/sign-in", data={
            "csrf_token": csrf_token(session, f"{console.url}/sign-in"), "email": STAFF_EMAIL, "password": "guess"})
        assert answer.status_code == 401
    answer = session.post(f"{console.url}/sign-in", data={
        "csrf_token": csrf_token(session, f"{console.url}/sign-in"), "email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert answer.status_code == 401 and "paused for 15 minutes" in answer.text


def test_signing_out_ends_the_session_on_the_server(console: RunningServer, staff: str) -> None:
    session = signed_in_session(console.url)
    copied = requests.Session()
    copied.cookies.update(session.cookies)
    assert copied.get(f"{console.url}/access-log", allow_redirects=False, timeout=10).status_code == 200
    token = csrf_token(session, f"{console.url}/")
    session.post(f"{console.url}/sign-out", data={"csrf_token": token}, timeout=10)
    assert copied.get(f"{console.url}/access-log", allow_redirects=False, timeout=10).status_code == 302


def make_staff_user(database_url: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "console.accounts"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DATABASE_URL": database_url, **env}, stdin=subprocess.DEVNULL, check=False,
    )


def test_make_staff_user_creates_and_resets_accounts(console: RunningServer, clean_database: str) -> None:
    short = make_staff_user(clean_database, EMAIL=STAFF_EMAIL, PASSWORD="short")
    assert short.returncode == 2 and "at least 12 characters" in short.stdout
    missing = make_staff_user(clean_database, EMAIL=STAFF_EMAIL, PASSWORD="")
    assert missing.returncode != 0 and "No PASSWORD given" in missing.stderr
    created = make_staff_user(clean_database, EMAIL=STAFF_EMAIL.upper(), PASSWORD="first long password")
    assert created.returncode == 0 and "Created staff account nurse@liondale.example" in created.stdout
    reset = make_staff_user(clean_database, EMAIL=STAFF_EMAIL, PASSWORD=STAFF_PASSWORD)
    assert reset.returncode == 0 and "New password set" in reset.stdout
    signed_in_session(console.url)  # with the new password


def test_consult_requests_status_note_duplicates_and_csv(console: RunningServer, staff: str, page: Page) -> None:
    first = save_consult_request(NewConsultRequest(
        "c1", "sms", "Maria Lopez", "+12125550199", "weekday mornings", "fat (thighs)", True), staff).reference
    repeat = save_consult_request(NewConsultRequest(
        "c2", "socketio", "maria lopez", "maria@example.com", "any time", "hair loss", True), staff).reference
    other = save_consult_request(NewConsultRequest(
        "c3", "rest", "=HYPERLINK(\"http://evil.example\")", "jo@example.com", "evenings", "dark spots", True),
        staff).reference
    signed_in(page, console.url)
    page.get_by_role("link", name="Consult requests").click()
    rows = page.get_by_role("row")
    expect(rows.filter(has=page.get_by_role("link", name=repeat))).to_contain_text(f"Possible duplicate of {first}")
    expect(rows.filter(has=page.get_by_role("link", name=other))).not_to_contain_text("Possible duplicate")
    assert serious_accessibility_problems(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-consults.png"))

    page.get_by_role("link", name=first).click()
    expect(page.get_by_role("heading", name=f"Consult request {first}")).to_be_visible()
    page.get_by_label("Status").select_option("contacted")
    page.get_by_label("Note").fill("Left a voicemail, will call again Friday")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved: {first} is contacted")
    expect(page.get_by_label("Note")).to_have_value("Left a voicemail, will call again Friday")
    assert serious_accessibility_problems(page) == []
    saved = request_by_reference(first, staff)
    assert (saved.status, saved.note) == ("contacted", "Left a voicemail, will call again Friday")

    page.get_by_role("link", name="All consult requests").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {first, repeat, other}
    assert (by_reference[first]["status"], by_reference[first]["contact"]) == ("contacted", "'+12125550199")
    assert by_reference[first]["note"] == "Left a voicemail, will call again Friday"
    assert by_reference[other]["name"].startswith("'=")  # never run as a formula by a spreadsheet

    log = [(entry.staff_email, entry.action, entry.record) for entry in reversed(access_log(50, staff))]
    assert log == [
        (STAFF_EMAIL, "viewed", "inbox of handoffs"),
        (STAFF_EMAIL, "viewed", "list of consult requests"),
        (STAFF_EMAIL, "viewed", f"consult request {first}"),
        (STAFF_EMAIL, "set status contacted", f"consult request {first}"),
        (STAFF_EMAIL, "viewed", f"consult request {first}"),
        (STAFF_EMAIL, "viewed", "list of consult requests"),
        (STAFF_EMAIL, "exported", "3 consult requests (CSV)"),
    ]
    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("row").filter(has_text="exported")).to_contain_text(STAFF_EMAIL)
    assert serious_accessibility_problems(page) == []


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def seed_dashboard_data(tracker_db_url: str, clinic_database_url: str) -> None:
    """Five conversations on 2 and 3 March, one on 5 March (outside the period asked for)."""
    conversations = {
        "a": [Said(at(2, 9), "/greet", "greet"),
              Said(at(2, 9, 1), "how much is it", "not_covered", "not_covered/price"),
              Said(at(2, 9, 2), "does it hurt", "faq", "faq/pain")],
        "b": [Said(at(2, 10), "blah blah", "nlu_fallback"), Said(at(2, 10, 1), "what??", "nlu_fallback")],
        "c": [Said(at(3, 11), "does it hurt?", "faq", "faq/pain"),
              Said(at(3, 11, 1), "my lips are swelling", "urgent_symptom")],
        "d": [Said(at(3, 12), "how many sessions", "faq", "faq/sessions")],
        "f": [Said(at(3, 13), "weather today?", "out_of_scope")],
        "e": [Said(at(5, 9), "how much does it cost", "faq", "faq/cost")],
    }
    rows = [row for sender, said in conversations.items() for row in event_rows(sender, said)]
    write_events(tracker_db_url, rows, fresh=True)
    with session_scope(clinic_database_url) as session:
        session.add_all([
            Handoff(conversation_id="c", channel="rest", reason="asked for a person", created_at=at(3, 11, 2)),
            Handoff(conversation_id="e", channel="rest", reason="asked for a person", created_at=at(5, 9, 1)),
            ConsultRequest(reference="LM-DDDDDD", channel="rest", name="Dee", contact="dee@example.com",
                           preferred_time="any", concern="hair loss", consent=True, dedupe_key="d" * 64,
                           created_at=at(3, 12, 5)),
        ])


def test_the_dashboard_shows_the_seeded_figures(
    console: RunningServer, staff: str, tracker_db_url: str, page: Page
) -> None:
    seed_dashboard_data(tracker_db_url, staff)
    signed_in(page, console.url)
    page.get_by_role("link", name="How the assistant is doing").click()
    page.get_by_label("From").fill("2026-03-02")
    page.get_by_label("To").fill("2026-03-03")
    page.get_by_role("button", name="Show").click()
    figures = {name: page.locator(f"#figure-{name}") for name in (
        "conversations", "messages", "handled-alone", "handoffs", "urgent", "conversion")}
    expected = {"conversations": "5", "messages": "9", "handled-alone": "60%", "handoffs": "1", "urgent": "1",
                "conversion": "20.0%"}
    for name, value in expected.items():
        expect(figures[name]).to_have_text(value)
    page.get_by_text("Per day, as a table").click()
    assert page.locator("details table tbody tr").all_inner_texts() == ["2026-03-02\t2\t5", "2026-03-03\t3\t4"]
    topics = page.locator("#topics-table tbody tr")
    expect(topics.first).to_have_text("faq/pain\t2", use_inner_text=True)
    assert sorted(topics.all_inner_texts()[1:]) == ["faq/sessions\t1", "not_covered/price\t1"]
    unanswered = sorted(page.locator("#unanswered-table tbody tr").all_inner_texts())
    assert unanswered == ["blah blah\tnot understood\t1", "how much is it\tnot in the clinic text\t1",
                          "weather today?\tout of scope\t1", "what??\tnot understood\t1"]
    assert page.evaluate("Chart.getChart('per-day-chart').data.datasets[0].data") == [2, 3]
    assert serious_accessibility_problems(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-dashboard.png"), full_page=True)
    assert access_log(1, staff)[0].record == "dashboard 2026-03-02 to 2026-03-03 (unanswered messages)"


def test_bad_input_gets_a_polite_answer(console: RunningServer, staff: str) -> None:
    handoff_id, _ = record_handoff("conversation-1", "rest", "asked for a person", staff)
    session = signed_in_session(console.url)
    page = session.get(f"{console.url}/dashboard?from=yesterday&to=2026-13-40", timeout=30)
    assert page.status_code == 200 and "Please give both dates as YYYY-MM-DD" in page.text
    page = session.get(f"{console.url}/dashboard?from=2026-03-05&to=2026-03-01", timeout=30)
    assert "The period must run forwards" in page.text
    page = session.get(f"{console.url}/dashboard?from=9999-12-01&to=9999-12-31", timeout=30)
    assert page.status_code == 200 and "end by today" in page.text
    token = csrf_token(session, f"{console.url}/handoffs/{handoff_id}")
    answer = session.post(f"{console.url}/handoffs/{handoff_id}/reply", data={"csrf_token": token, "text": "x" * 1001})
    assert answer.status_code == 400 and "longer than 1000 characters" in answer.text
    answer = session.post(f"{console.url}/handoffs/{handoff_id}/reply", data={"csrf_token": token, "text": "Hello"})
    assert answer.status_code == 502 and "could not be reached" in answer.text  # no bot is running
    assert session.get(f"{console.url}/handoffs/999999", timeout=10).status_code == 404
    assert session.get(f"{console.url}/consults/LM-NOSUCH", timeout=10).status_code == 404
    for answer in (page, session.get(f"{console.url}/handoffs/999999", timeout=10)):
        assert "Traceback" not in answer.text
