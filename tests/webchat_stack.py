"""Fixtures for the website chat tests (a pytest plugin, see tests/conftest.py): web/ served
as `make run` serves it, one bot and action server for every browser test, and Debian's
Chromium driven by Playwright.

Needs Debian's chromium (`make /usr/bin/chromium`) and the widget from npm
(`make web/build/rasa-webchat.js`); see web/web.mk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.servers import PROJECT_ROOT, start_action_server, start_bot_server, write_endpoints

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
WEB_DIR = PROJECT_ROOT / "web"
WIDGET = WEB_DIR / "build" / "rasa-webchat.js"
WAIT_MS = 30_000  # for a bot reply or a page load
DESKTOP = {"width": 1280, "height": 900}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_site() -> Iterator[str]:
    """web/ on a free port, as `python -m http.server` serves it in scripts/serve.sh; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(WEB_DIR)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class WebStack:
    site: str  # the demo page's origin: the only one allowed to open the socket
    bot: str

    def page_url(self, site: str | None = None) -> str:
        return f"{site or self.site}/?bot={self.bot}"


@pytest.fixture(scope="session")
def web_stack(trained_model: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    if not WIDGET.exists():
        pytest.fail(f"{WIDGET.relative_to(PROJECT_ROOT)} is missing: run `make web/build/rasa-webchat.js`")
    workdir = tmp_path_factory.mktemp("webchat")
    with static_site() as site:
        actions = start_action_server(workdir, database_url)
        bot = None
        try:
            # As scripts/serve.sh starts it: the real credentials.yml, the page's origin as
            # WEB_ORIGIN (for the socket.io channel) and as --cors (for the CORS headers).
            bot = start_bot_server(
                workdir, write_endpoints(workdir), actions.url, env={"WEB_ORIGIN": site}, extra_args=("--cors", site)
            )
            yield WebStack(site, bot.url)
        finally:
            if bot:
                bot.stop()
            actions.stop()


# Per module: Playwright's sync API keeps an event loop running in this thread while it
# is open, and other modules' asyncio.run() would refuse to start beside it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make /usr/bin/chromium`, see web/web.mk)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def fresh_page(
    browser: Browser, viewport: dict[str, int] = DESKTOP, init_scripts: tuple[str, ...] = ()
) -> Iterator[Page]:
    """A page in a fresh browser profile (so a new chat session); `init_scripts` (JavaScript source) run
    before the page's own, outside its Content-Security-Policy."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT_MS)
    for script in init_scripts:
        context.add_init_script(script=script)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with fresh_page(browser) as page:
        yield page
