"""The staff console as `make run` starts it (`python -m console`), a stand-in for Twilio's
REST API, and what a staff member does in the browser, for the console's tests."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from clinic_db.staff import save_staff_user
from tests.servers import API_TOKEN, PROJECT_ROOT, VENV_BIN, RunningServer, free_port, server_env, wait_until_up

STAFF_EMAIL = "nurse@liondale.example"
STAFF_PASSWORD = "a long staff password"
TWILIO_ACCOUNT = "AC" + "0" * 32
TWILIO_FROM = "+15550100"
WAIT_MS = 30_000


@dataclass
class TwilioStandIn:
    """Answers `POST /2010-04-01/Accounts/<sid>/Messages.json` as Twilio does and keeps each
    message's form fields (and the account it was sent with)."""

    url: str
    messages: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def twilio_stand_in() -> Iterator[TwilioStandIn]:
    stand_in = TwilioStandIn("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            fields = dict(urllib.parse.parse_qsl(body))
            stand_in.messages.append({**fields, "path": self.path, "auth": self.headers.get("Authorization", "")})
            answer = json.dumps({"sid": "SM" + "1" * 32, "status": "queued", "to": fields.get("To"),
                                 "from": fields.get("From"), "body": fields.get("Body")}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def console_env(database_url: str, tracker_db_url: str, bot_url: str, twilio_url: str = "") -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "TRACKER_DB_URL": tracker_db_url,
        "RASA_URL": bot_url,
        "RASA_API_TOKEN": API_TOKEN,
        "STAFF_SESSION_SECRET": "test-staff-session-secret",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT,
        "TWILIO_FROM_NUMBER": TWILIO_FROM,
        "TWILIO_API_URL": twilio_url,
    }


def start_console(workdir: Path, env: dict[str, str]) -> RunningServer:
    port = free_port()
    log = workdir / f"console-{port}.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "console"],
        cwd=PROJECT_ROOT,
        env=server_env({**env, "STAFF_PORT": str(port)}),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = RunningServer(process, f"http://127.0.0.1:{port}", log)
    wait_until_up(f"{server.url}/sign-in", process)
    return server


def sign_in(page: Page, console_url: str, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD) -> None:
    page.goto(f"{console_url}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page: Page, console_url: str) -> None:
    sign_in(page, console_url)
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible(timeout=WAIT_MS)


def serious_accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is."""
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = Axe().run(page, options=rules)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} elements)"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def staff(clean_database: str) -> str:
    """A staff account in a clean clinic database (its URL)."""
    save_staff_user(STAFF_EMAIL, STAFF_PASSWORD, clean_database)
    return clean_database
