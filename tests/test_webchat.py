"""The website chat widget end to end: web/index.html with rasa-webchat in headless
Chromium, over socket.io to the real bot and action servers, as `make run` serves them
(fixtures: tests/webchat_stack.py)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
import websockets
from playwright.sync_api import Locator, Page, expect

from channels.screening import EMPTY_MESSAGE_REPLY, TOO_LONG_REPLY
from channels.webchat import ClinicSocketIOInput
from tests.security.socket_chat import ChatSocket
from tests.servers import API_TOKEN, PROJECT_ROOT
from tests.webchat_stack import WAIT_MS, WebStack, static_site

SCREENSHOT = PROJECT_ROOT / "tests" / "artifacts" / "webchat.png"
FOREIGN_ORIGIN = "http://evil.example"
LOOPBACK = {"127.0.0.1", "localhost"}
T = TypeVar("T")


def shows(locator: Locator) -> None:
    expect(locator).to_be_visible(timeout=WAIT_MS)


def ask(page: Page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")
    shows(page.locator(".rw-client", has_text=text).last)


def stored_session_id(page: Page) -> str:
    return json.loads(page.evaluate("localStorage.getItem('chat_session')"))["session_id"]


def test_patient_chats_on_the_clinic_page(web_stack: WebStack, page: Page) -> None:
    # Whatever the page asks of another machine (the npm bundle's CSS imports a Google font) must be
    # blocked by the page's Content-Security-Policy: no CDN, no third party learns who visits.
    outside: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda request: urlsplit(request.url).hostname in LOOPBACK or outside.append(request.url))
    page.on("requestfailed", lambda request: request.failure == "csp" and blocked.append(request.url))
    page.goto(web_stack.page_url())
    shows(page.get_by_role("heading", name="Mesotherapy consults at Liondale Medical"))

    page.locator(".rw-launcher").click()
    shows(page.locator(".rw-header", has_text="Liondale Medical"))
    bot_says = page.locator(".rw-response")
    shows(bot_says.filter(has_text="Liondale Medical's virtual assistant"))  # the greeting (initPayload /greet)

    ask(page, "how many sessions will I need?")
    shows(bot_says.filter(has_text="three to 15 times"))

    ask(page, "how much does it cost")
    shows(bot_says.filter(has_text="Would you like to book one?"))
    yes, no = page.get_by_role("button", name="Yes, book a consult"), page.get_by_role("button", name="No, thanks")
    shows(yes)
    shows(no)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT.with_name("webchat-buttons.png")))
    no.click()
    shows(page.locator(".rw-client", has_text="No, thanks"))
    shows(bot_says.filter(has_text="anything else"))

    # A reload keeps the session (localStorage) and shows the conversation so far.
    session_id = stored_session_id(page)
    page.reload()
    shows(page.locator(".rw-launcher"))  # rasa-webchat shows itself once connected, with the chat open or not
    if not page.locator(".rw-conversation-container").is_visible():
        page.locator(".rw-launcher").click()
    shows(page.locator(".rw-client", has_text="how many sessions will I need?"))
    shows(bot_says.filter(has_text="three to 15 times"))
    shows(bot_says.filter(has_text="anything else"))
    assert stored_session_id(page) == session_id and session_id.startswith("web-")  # issued by the server

    # ...and the bot still answers in it: the reloaded page joined the session's room again.
    ask(page, "how many sessions will I need?")
    expect(bot_says.filter(has_text="three to 15 times")).to_have_count(2, timeout=WAIT_MS)

    page.screenshot(path=str(SCREENSHOT))

    url = f"{web_stack.bot}/conversations/{session_id}/tracker?token={API_TOKEN}"
    with urllib.request.urlopen(url, timeout=10) as response:
        events = json.load(response)["events"]
    said = [event.get("text") for event in events if event["event"] == "user"]
    assert said.count("how many sessions will I need?") == 2, said
    fetched = [url for url in outside if url not in blocked]
    assert not fetched, f"the page fetched from outside this machine: {fetched}"


def polling_handshake(bot: str, origin: str) -> tuple[int, list[str], bytes]:
    request = urllib.request.Request(f"{bot}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get_all("Access-Control-Allow-Origin") or [], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Access-Control-Allow-Origin") or [], error.read()


async def websocket_open_packet(bot: str, origin: str) -> str:
    url = bot.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with websockets.connect(url, origin=origin, open_timeout=10, close_timeout=2) as socket:  # type: ignore[arg-type]
        return str(await asyncio.wait_for(socket.recv(), timeout=10))


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """In a thread of its own: this one may already run Playwright's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=30)


def websocket_first_packet(bot: str, origin: str) -> str:
    return run_async(websocket_open_packet(bot, origin))


def test_socket_accepts_only_the_pages_origin(web_stack: WebStack) -> None:
    status, allow_origin, body = polling_handshake(web_stack.bot, web_stack.site)
    assert status == 200 and body.startswith(b"0{"), (status, body)
    assert allow_origin == [web_stack.site]  # exactly one header, or browsers refuse it

    status, allow_origin, body = polling_handshake(web_stack.bot, FOREIGN_ORIGIN)
    assert status == 400 and b"not an accepted origin" in body, (status, body)
    assert allow_origin == []

    # WebSocket connections are not covered by the browser's CORS rules: the server must refuse them itself.
    assert websocket_first_packet(web_stack.bot, web_stack.site).startswith("0{")
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        websocket_first_packet(web_stack.bot, FOREIGN_ORIGIN)
    assert refused.value.status_code == 400


# What a script on any page can try: browsers apply no CORS rules to WebSockets.
OPEN_WEBSOCKET_JS = """url => new Promise(resolve => {
  const socket = new WebSocket(url);
  socket.onmessage = event => { socket.close(); resolve("open: " + event.data.slice(0, 2)); };
  socket.onerror = () => resolve("refused");
  setTimeout(() => resolve("no answer"), 10000);
})"""


def test_page_on_another_origin_gets_no_chat(web_stack: WebStack, page: Page) -> None:
    socket_url = web_stack.bot.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    page.goto(web_stack.page_url())
    assert page.evaluate(OPEN_WEBSOCKET_JS, socket_url) == "open: 0{"

    with static_site() as other_site:
        is_handshake = lambda request: "/socket.io/" in request.url  # noqa: E731
        with page.expect_event("requestfailed", is_handshake, timeout=WAIT_MS):  # the widget's polling, by CORS
            page.goto(web_stack.page_url(other_site))
        assert page.evaluate(OPEN_WEBSOCKET_JS, socket_url) == "refused"  # by the bot's Origin check
        page.wait_for_timeout(2000)
        expect(page.locator(".rw-launcher")).to_have_count(0)  # rasa-webchat shows itself once connected


def test_allowed_origins_come_from_credentials_or_web_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    def origins(credentials: dict[str, Any]) -> list[str]:
        channel = ClinicSocketIOInput.from_credentials(credentials)
        assert isinstance(channel, ClinicSocketIOInput)
        return channel.allowed_origins

    monkeypatch.delenv("WEB_ORIGIN", raising=False)
    assert origins({}) == ["http://localhost:8080"]
    monkeypatch.setenv("WEB_ORIGIN", "https://liondale.example")
    assert origins({"session_persistence": True}) == ["https://liondale.example"]
    both = "https://liondale.example/, https://www.liondale.example"
    assert origins({"cors_allowed_origins": both}) == ["https://liondale.example", "https://www.liondale.example"]
    assert origins({"cors_allowed_origins": ["https://a.example"]}) == ["https://a.example"]
    with pytest.raises(ValueError):
        origins({"cors_allowed_origins": "*"})


def test_socket_messages_are_screened_like_rest(web_stack: WebStack) -> None:
    async def chat() -> list[Any]:
        async with ChatSocket(web_stack.bot, headers={"Origin": web_stack.site}) as socket:
            await socket.open()
            for count, text in enumerate(["  ", "x" * 2001], start=1):
                await socket.say(text)
                assert await socket.heard_at_least(count)
            await socket.say("how many sessions will I need?")
            assert await socket.hears("three to 15 times")
            return socket.heard

    assert run_async(chat())[:2] == [{"text": EMPTY_MESSAGE_REPLY}, {"text": TOO_LONG_REPLY}]
