"""Finding 5 at the staff terminal: whatever is stored, `make consults` and `make
handoffs` print only printable characters (the rest escaped visibly), under
column headers; and a handoff is closed only once its conversation is resumed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clinic_db.consults import NewConsultRequest, open_requests, save_consult_request
from clinic_db.handoffs import open_handoffs, record_handoff
from staff.cli import main, printable
from tests.servers import free_port

pytestmark = pytest.mark.database

# Clear the screen, retitle the terminal, a red line, a hidden link, a bidi override.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b[31mURGENT\x1b[0m\x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\\u202egnp.exe\r\n"


@pytest.fixture
def staff_database(clean_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", clean_database)
    return clean_database


def staff_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def test_escape_codes_in_a_consult_request_are_shown_not_obeyed(
    staff_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    save_consult_request(NewConsultRequest(
        conversation_id="c1", channel="rest", name=HOSTILE[:100], contact="jo@example.com",
        preferred_time="mornings", concern=HOSTILE, consent=True,
    ), staff_database)
    _, listing = staff_output(capsys, "consults")
    header, row = listing.splitlines()
    assert header.split() == ["REFERENCE", "CREATED", "CHANNEL", "REPEAT", "OF", "NAME", "|", "CONTACT", "|", "BEST",
                              "TIMES", "|", "TO", "TREAT"]
    assert all(character.isprintable() for character in row)
    assert r"\x1b[2J\x1b]0;pwned\x07\x1b[31mURGENT" in row and r"\u202egnp.exe\r\n" in row


def test_escape_codes_in_a_conversation_id_are_shown_not_obeyed(
    staff_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    record_handoff(f"web-{HOSTILE}", "socketio", "the patient asked for a person", staff_database)
    _, listing = staff_output(capsys, "handoffs")
    header, row = listing.splitlines()
    assert header.split() == ["ID", "CREATED", "CHANNEL", "CONVERSATION", "REASON"]
    assert all(character.isprintable() for character in row)
    assert r"web-\x1b[2J" in row


def test_printable_escapes_visibly_and_unambiguously() -> None:
    assert printable("Zoë O’Brien 🙂") == "Zoë O’Brien 🙂"
    assert printable("a\tb\x00c\x7f\u200bd\U000e0001") == r"a\tb\x00c\x7f\u200bd\U000e0001"
    assert printable(r"typed \x1b") == r"typed \\x1b"  # a typed escape cannot pass for a real one


class ResumeRecorder(BaseHTTPRequestHandler):
    """Stands in for the bot's HTTP API: answers 200 and keeps what it was sent."""

    received: list[tuple[str, list]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bot_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, list]]]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), ResumeRecorder)
    ResumeRecorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{server.server_port}")
    yield ResumeRecorder.received
    server.shutdown()
    server.server_close()


def test_a_handoff_stays_open_when_the_bot_cannot_be_resumed(
    staff_database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    handoff_id, _ = record_handoff("conversation-1", "rest", "the patient asked for a person", staff_database)
    status, message = staff_output(capsys, "handoffs", "--resume", str(handoff_id))
    assert status == 1 and "stays open" in message
    assert [row.id for row in open_handoffs(staff_database)] == [handoff_id]


def test_a_handoff_is_closed_once_the_bot_is_resumed(
    staff_database: str, capsys: pytest.CaptureFixture[str], bot_api: list[tuple[str, list]]
) -> None:
    handoff_id, _ = record_handoff("conversation-1", "rest", "the patient asked for a person", staff_database)
    status, _ = staff_output(capsys, "handoffs", "--resume", str(handoff_id))
    assert status == 0 and open_handoffs(staff_database) == []
    [(path, events)] = bot_api
    assert path.startswith("/conversations/conversation-1/tracker/events?")
    assert events[0] == {"event": "resume"}


def test_the_consults_listing_flags_repeats(staff_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    request = NewConsultRequest(conversation_id="c1", channel="rest", name="Jo Park", contact="jo@example.com",
                                preferred_time="any time", concern="hair loss", consent=True)
    first = save_consult_request(request, staff_database).reference
    save_consult_request(NewConsultRequest(**{**request.__dict__, "conversation_id": "c2"}), staff_database)
    _, listing = staff_output(capsys, "consults")
    repeat_row = listing.splitlines()[1]
    assert repeat_row.split()[4] == first
    assert len(open_requests(staff_database)) == 2
