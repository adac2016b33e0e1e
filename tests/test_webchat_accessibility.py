"""The website chat for everyone: axe-core's WCAG 2.1 A/AA rules, keyboard only, screen reader
announcements, answers on screen as soon as they arrive, multi-line answers kept, no console
errors. Debian's Chromium over socket.io to the real bot (fixtures: tests/webchat_stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from tests.webchat_stack import DESKTOP, WAIT_MS, WEB_DIR, WebStack, fresh_page

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
AXE_SCRIPT = WEB_DIR / "node_modules" / "axe-core" / "axe.min.js"  # read when a page opens: `make test` installs it
# WCAG 2.1 A and AA, and the two best-practice rules the widget used to break (landmarks, heading levels).
AXE_RUN = """() => axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  rules: {"region": {enabled: true}, "heading-order": {enabled: true}},
}).then(results => results.violations.map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target).join(", ")}`))"""
# When each of the bot's messages arrives on the WebSocket (performance.now()), and whether
# socket.io has moved from long-polling to it (the server answered the upgrade probe).
SOCKET_PROBE = """window.botMessagesAt = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", event => {
      if (event.data === "3probe") window.socketUpgraded = true;
      if (String(event.data).includes('"bot_uttered"')) window.botMessagesAt.push(performance.now());
    });
  }
};"""
GREETING_TOPICS = [
    "What is mesotherapy?", "Preparing", "The appointment", "Is it safe?", "Book a consult", "Talk to a person",
]
MAX_TABS = 30
ON_SCREEN_WITHIN_MS = 1500


@dataclass
class WatchedPage:
    page: Page
    console_errors: list[str] = field(default_factory=list)

    def watch(self) -> WatchedPage:
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        return self

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


@contextmanager
def open_page(browser: Browser, web_stack: WebStack, viewport: dict[str, int]) -> Iterator[WatchedPage]:
    with fresh_page(browser, viewport, init_scripts=(AXE_SCRIPT.read_text(), SOCKET_PROBE)) as page:
        watched = WatchedPage(page).watch()
        page.goto(web_stack.page_url())
        expect(launcher(page)).to_be_visible(timeout=WAIT_MS)  # rasa-webchat shows itself once connected
        yield watched


@pytest.fixture(params=VIEWPORTS)
def any_screen(request: pytest.FixtureRequest, browser: Browser, web_stack: WebStack) -> Iterator[WatchedPage]:
    with open_page(browser, web_stack, request.param) as watched:
        yield watched


@pytest.fixture
def desktop(browser: Browser, web_stack: WebStack) -> Iterator[WatchedPage]:
    with open_page(browser, web_stack, DESKTOP) as watched:
        yield watched


def launcher(page: Page) -> Locator:
    return page.locator("button.rw-launcher")


def text_box(page: Page) -> Locator:
    return page.locator(".rw-new-message")


def bot_says(page: Page, text: str) -> Locator:
    return page.locator(".rw-response", has_text=text).last


def quick_reply(page: Page, title: str) -> Locator:
    return page.get_by_role("button", name=title, exact=True)


def axe_violations(page: Page) -> list[str]:
    """Once the widget's animations have ended: mid-fade, text is paler than anyone reads it."""
    page.evaluate("Promise.all(document.getAnimations().map(animation => animation.finished))")
    return page.evaluate(AXE_RUN)


def open_chat_with_greeting(page: Page) -> None:
    launcher(page).click()
    for topic in GREETING_TOPICS:
        expect(quick_reply(page, topic)).to_be_visible(timeout=WAIT_MS)


def ask(page: Page, text: str, answer: str) -> None:
    text_box(page).fill(text)
    text_box(page).press("Enter")
    expect(bot_says(page, answer)).to_be_visible(timeout=WAIT_MS)


def focus_shows(page: Page) -> bool:
    """The focused element draws an outline of at least 2 px (WCAG 2.4.7)."""
    return page.evaluate("""() => {
      const style = getComputedStyle(document.activeElement);
      return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    }""")


def press_until_focused(page: Page, key: str, target: Locator) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{key} never reached {target}")


def test_no_wcag_violation_closed_open_and_mid_booking(any_screen: WatchedPage) -> None:
    page = any_screen.page
    found = {"closed": axe_violations(page)}

    open_chat_with_greeting(page)
    found["open"] = axe_violations(page)

    quick_reply(page, "Book a consult").click()
    expect(bot_says(page, "What is your name?")).to_be_visible(timeout=WAIT_MS)
    # After a tap, focus stays in the conversation (not the page's body), with no on-screen keyboard.
    expect(page.get_by_role("log", name="Conversation")).to_be_focused()
    ask(page, "Jordan Lee", "phone number")
    ask(page, "+1 646 555 0123", "Which days and times")
    ask(page, "weekday mornings", "What would you like to treat")
    ask(page, "hair loss", "may contact you")
    quick_reply(page, "Yes").click()
    summary = bot_says(page, "Please check your request")
    expect(summary).to_be_visible(timeout=WAIT_MS)
    found["mid-booking"] = axe_violations(page)

    assert found == {"closed": [], "open": [], "mid-booking": []}
    # The summary keeps its lines on screen (innerText follows the rendering).
    assert summary.inner_text().splitlines() == [
        "Please check your request:", "Name: Jordan Lee", "Contact: +16465550123",
        "Best times: weekday mornings", "To treat: hair loss", "Shall I send it to the clinic?",
    ]
    assert any_screen.console_errors == []


def test_a_conversation_with_the_keyboard_alone(any_screen: WatchedPage) -> None:
    page = any_screen.page
    press_until_focused(page, "Tab", launcher(page))
    assert focus_shows(page), "the launcher shows no focus"
    page.keyboard.press("Enter")
    expect(text_box(page)).to_be_focused()

    preparing = quick_reply(page, "Preparing")
    expect(preparing).to_be_visible(timeout=WAIT_MS)
    press_until_focused(page, "Shift+Tab", preparing)
    assert focus_shows(page), "the quick reply shows no focus"
    page.keyboard.press("Enter")
    expect(bot_says(page, "consult your provider first")).to_be_visible(timeout=WAIT_MS)
    expect(text_box(page)).to_be_focused()  # not the page's body, 7 Tabs away

    page.keyboard.type("how many sessions will I need?")
    page.keyboard.press("Enter")
    expect(bot_says(page, "three to 15 times")).to_be_visible(timeout=WAIT_MS)
    expect(text_box(page)).to_be_focused()

    page.keyboard.press("Escape")
    expect(page.locator(".rw-conversation-container")).to_have_count(0)
    expect(launcher(page)).to_be_focused()
    assert focus_shows(page)
    assert any_screen.console_errors == []


def test_bot_messages_are_announced_through_a_live_region(desktop: WatchedPage) -> None:
    page = desktop.page
    open_chat_with_greeting(page)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    region = log.element_handle()
    ask(page, "how many sessions will I need?", "three to 15 times")
    # The answer was added inside the same live region, so screen readers read it out.
    assert region.evaluate("""element => element.isConnected && !element.closest("[aria-hidden=true]")
      && [...element.querySelectorAll(".rw-response")].some(r => r.textContent.includes("three to 15 times"))""")


def test_a_three_message_answer_is_on_screen_soon_after_it_arrives(desktop: WatchedPage) -> None:
    page = desktop.page
    open_chat_with_greeting(page)
    page.wait_for_function("window.socketUpgraded === true", timeout=WAIT_MS)
    shown_before = page.locator(".rw-response").count()
    text_box(page).fill("does it hurt? and how many sessions?")
    sent_at = page.evaluate("performance.now()")
    text_box(page).press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.rw-response').length >= n && (window.lastShownAt = performance.now())",
        arg=shown_before + 3, polling="raf", timeout=WAIT_MS,
    )
    arrived: list[float] = page.evaluate("at => window.botMessagesAt.filter(t => t > at)", sent_at)
    last_shown: float = page.evaluate("window.lastShownAt")
    assert len(arrived) == 3, f"{len(arrived)} messages arrived on the WebSocket"
    print(f"server answered in {arrived[-1] - sent_at:.0f} ms; last bubble shown {last_shown - sent_at:.0f} ms "
          f"after sending, {last_shown - arrived[-1]:.0f} ms after the last message arrived")
    assert last_shown - arrived[-1] <= ON_SCREEN_WITHIN_MS
    assert desktop.console_errors == []


def test_a_failed_axe_check_is_reported(desktop: WatchedPage) -> None:
    """The check can fail: an unnamed button added to the page is found."""
    desktop.page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert any("button-name" in violation for violation in axe_violations(desktop.page))
