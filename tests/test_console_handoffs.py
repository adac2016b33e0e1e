"""Staff answer patients who asked for a person, end to end: the real bot, action server,
demo page with the widget and console, in Debian's Chromium; SMS replies go to a local
stand-in for Twilio's REST API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from clinic_db.handoffs import open_handoffs
from clinic_db.staff import access_log
from tests.servers import Bot, start_action_server, start_bot_server, write_endpoints
from tests.staff_console import (
    STAFF_EMAIL,
    TWILIO_ACCOUNT,
    TWILIO_FROM,
    WAIT_MS,
    TwilioStandIn,
    console_env,
    serious_accessibility_problems,
    signed_in,
    start_console,
    twilio_stand_in,
)
from tests.test_sms_e2e import new_number, text
from tests.test_webchat import ask, shows, stored_session_id
from tests.webchat_stack import WIDGET, static_site

pytestmark = pytest.mark.database
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts"
ASK_FOR_A_PERSON = "can I talk to a real person please"


@dataclass
class Stack:
    site: str
    bot: Bot
    console: str
    twilio: TwilioStandIn


@pytest.fixture(scope="module")
def stack(trained_model: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not WIDGET.exists():
        pytest.fail(f"{WIDGET} is missing: run `make web/build/rasa-webchat.js`")
    workdir = tmp_path_factory.mktemp("console-stack")
    with static_site() as site, twilio_stand_in() as twilio:
        servers = [start_action_server(workdir, database_url)]
        try:
            servers.append(start_bot_server(
                workdir, write_endpoints(workdir), servers[0].url, extra_args=("--cors", site),
                env={"WEB_ORIGIN": site, "DATABASE_URL": database_url},
            ))
            env = console_env(database_url, f"sqlite:///{workdir / 'tracker.db'}", servers[1].url, twilio.url)
            servers.append(start_console(workdir, env))
            yield Stack(site, Bot(servers[1].url), servers[2].url, twilio)
        finally:
            for server in reversed(servers):
                server.stop()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    """The patient's browser and the staff member's tablet."""
    patient = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = browser.new_context(viewport={"width": 1024, "height": 768})
    for context in (patient, staff):
        context.set_default_timeout(WAIT_MS)
    try:
        yield patient, staff
    finally:
        patient.close()
        staff.close()


def open_chat(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.site}/?bot={stack.bot.url}")
    shows(page.locator(".rw-launcher"))
    if not page.locator(".rw-conversation-container").is_visible():
        page.locator(".rw-launcher").click()


def open_handoff(page: Page, stack: Stack, handoff_id: int) -> None:
    page.goto(f"{stack.console}/")
    page.get_by_role("link", name=f"Open handoff {handoff_id}").click()
    expect(page.get_by_role("heading", name=f"Handoff {handoff_id}")).to_be_visible()


def send_reply(page: Page, words: str) -> None:
    page.get_by_label("Reply").fill(words)
    page.get_by_role("button", name="Send").click()


def test_staff_answer_a_website_patient_then_hand_back(
    stack: Stack, staff: str, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    patient, console = contexts[0].new_page(), contexts[1].new_page()
    open_chat(patient, stack)
    bot_says = patient.locator(".rw-response")
    ask(patient, ASK_FOR_A_PERSON)
    shows(bot_says.filter(has_text="follow up with you here"))
    ask(patient, "I'd like to know about the numbing cream")  # while paused: kept for staff
    shows(bot_says.filter(has_text="team, who will reply here"))
    session_id = stored_session_id(patient)
    [handoff] = open_handoffs(staff)
    assert (handoff.conversation_id, handoff.channel) == (session_id, "socketio")

    signed_in(console, stack.console)
    row = console.get_by_role("row").filter(has=console.get_by_role("link", name=f"Open handoff {handoff.id}"))
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text("Website chat")
    expect(row).not_to_contain_text("Urgent")
    assert serious_accessibility_problems(console) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-inbox.png"))
    console.get_by_role("link", name=f"Open handoff {handoff.id}").click()
    transcript = console.locator(".transcript")
    expect(transcript.locator("li.patient", has_text=ASK_FOR_A_PERSON)).to_contain_text("Patient")
    expect(transcript.locator("li.patient", has_text="numbing cream")).to_be_visible()
    expect(transcript.locator("li.assistant", has_text="follow up with you here")).to_be_visible()
    assert serious_accessibility_problems(console) == []

    reply = f"Hi, this is Sam from Liondale Medical. Numbing cream is applied first ({uuid.uuid4().hex[:6]})."
    send_reply(console, reply)
    expect(console.get_by_role("status")).to_contain_text("Sent to the patient's website chat")
    expect(transcript.locator("li.staff", has_text=reply)).to_contain_text(f"Staff ({STAFF_EMAIL})")
    shows(bot_says.filter(has_text=reply))  # live, on the patient's socket
    console.screenshot(path=str(SCREENSHOTS / "console-conversation.png"), full_page=True)

    patient.reload()  # the reply stays in the widget's history
    open_chat(patient, stack)
    shows(patient.locator(".rw-response", has_text=reply))

    console.get_by_role("button", name="Hand back").click()
    expect(console.get_by_role("status")).to_contain_text("Handed back")
    assert open_handoffs(staff) == []
    ask(patient, "how many sessions will I need?")
    shows(patient.locator(".rw-response", has_text="three to 15 times"))

    records = [(entry.action, entry.record) for entry in reversed(access_log(50, staff))]
    name = f"handoff {handoff.id} ({session_id})"
    assert records == [
        ("viewed", "inbox of handoffs"), ("viewed", name), ("replied", name), ("viewed", name),
        ("handed back", name), ("viewed", name),
    ]


def test_staff_answer_an_sms_patient_through_twilio(
    stack: Stack, staff: str, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    number = new_number()
    assert "follow up with you here" in " ".join(text(stack.bot, number, "I want to talk to a human"))
    [handoff] = open_handoffs(staff)
    console = contexts[1].new_page()
    signed_in(console, stack.console)
    row = console.get_by_role("row").filter(has=console.get_by_role("link", name=f"Open handoff {handoff.id}"))
    expect(row).to_contain_text("SMS")
    expect(row).to_contain_text(number)  # opened from the sealed number: the tracker never holds it
    open_handoff(console, stack, handoff.id)
    sent_before = len(stack.twilio.messages)
    send_reply(console, "Hello from Liondale Medical: we will call you at 3 pm today.")
    expect(console.get_by_role("status")).to_contain_text("Sent to the patient by SMS")
    [message] = stack.twilio.messages[sent_before:]
    assert (message["To"], message["From"], message["Body"]) == (
        number, TWILIO_FROM, "Hello from Liondale Medical: we will call you at 3 pm today.")
    assert message["path"] == f"/2010-04-01/Accounts/{TWILIO_ACCOUNT}/Messages.json"
    expect(console.locator(".transcript li.staff")).to_contain_text("we will call you at 3 pm")

    text(stack.bot, number, "STOP")  # opted out: staff may not text the number any more
    send_reply(console, "Are you still there?")
    expect(console.get_by_role("alert")).to_contain_text("replied STOP")
    assert len(stack.twilio.messages) == sent_before + 1


def test_a_rest_reply_is_kept_but_marked_not_delivered_urgent_is_flagged_and_counted(
    stack: Stack, staff: str, contexts: tuple[BrowserContext, BrowserContext]
) -> None:
    sender = f"integration-{uuid.uuid4().hex[:8]}"
    stack.bot.texts(sender, "does it hurt?")
    stack.bot.texts(sender, ASK_FOR_A_PERSON)
    stack.bot.texts(sender, "my lips are swelling and I can't breathe")  # while waiting
    [handoff] = open_handoffs(staff)
    console = contexts[1].new_page()
    signed_in(console, stack.console)
    row = console.get_by_role("row").filter(has=console.get_by_role("link", name=f"Open handoff {handoff.id}"))
    expect(row).to_contain_text("Urgent")
    open_handoff(console, stack, handoff.id)
    expect(console.locator(".transcript li.patient", has_text="lips are swelling")).to_contain_text("Urgent")
    send_reply(console, "Please call us now.")
    expect(console.get_by_role("status")).to_contain_text("not delivered")
    expect(console.locator(".transcript li.staff", has_text="Please call us now.")).to_contain_text("Not delivered")
    assert serious_accessibility_problems(console) == []

    # The dashboard counts it from what the real bot stored: the topic from the response's name.
    console.get_by_role("link", name="How the assistant is doing").click()
    expect(console.locator("#topics-table tbody tr", has_text="faq/pain")).to_be_visible()
    assert int(console.locator("#figure-urgent").inner_text()) >= 1
