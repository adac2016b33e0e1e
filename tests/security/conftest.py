"""One bot server with the production defaults of the channels' security settings, shared by the security tests:
a REST API token, the widget's session secret, the default rate limits, and a proxy that proves itself with
Sanic's FORWARDED_SECRET (so a test can speak for any client address from this machine)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from channels.rate_limits import DEFAULT_PER_ADDRESS, DEFAULT_PER_CONVERSATION
from tests.servers import API_TOKEN, running_assistant

REST_TOKEN = "test-rest-api-token"
PROXY_SECRET = "test-proxy-secret"
SECURITY_ENV = {
    "REST_API_TOKEN": REST_TOKEN,
    "WEB_SESSION_SECRET": "test-web-session-secret",
    "RATE_LIMIT_PER_CONVERSATION": DEFAULT_PER_CONVERSATION,
    "RATE_LIMIT_PER_IP": DEFAULT_PER_ADDRESS,
    "SANIC_FORWARDED_SECRET": PROXY_SECRET,
}
REST_PATH = "/webhooks/rest/webhook"


def outside_address() -> str:
    """This machine's address on its network: a connection to it does not come from loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.123", 9))  # no packet is sent: this only picks the outgoing interface
        address = str(probe.getsockname()[0])
    if address.startswith("127."):
        pytest.fail("this machine has no non-loopback IPv4 address to test outside callers with")
    return address


def forwarded_for(address: str) -> dict[str, str]:
    """What a trusted proxy in front of the bot says about its client."""
    return {"Forwarded": f'for="{address}";secret={PROXY_SECRET}'}


@dataclass
class GuardedBot:
    url: str  # over loopback
    outside_url: str  # the same server, reached through this machine's network address
    workdir: Path

    def post(self, body: bytes, headers: dict[str, str] | None = None, outside: bool = False) -> tuple[int, bytes]:
        base = self.outside_url if outside else self.url
        request = urllib.request.Request(
            f"{base}{REST_PATH}", data=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def said_in(self, conversation: str, at_least: int = 0) -> list[str]:
        """What the patient said in a conversation, once it holds `at_least` messages or 10 s have passed
        (replies go out before the tracker is saved)."""
        url = f"{self.url}/conversations/{conversation}/tracker?token={API_TOKEN}"
        deadline = time.monotonic() + 10
        while True:
            with urllib.request.urlopen(url, timeout=10) as response:
                events = json.load(response)["events"]
            said = [event["text"] for event in events if event["event"] == "user"]
            if len(said) >= at_least or time.monotonic() > deadline:
                return said
            time.sleep(0.1)

    def stored(self, conversation: str) -> str:
        with urllib.request.urlopen(f"{self.url}/conversations/{conversation}/tracker?token={API_TOKEN}") as response:
            return response.read().decode()

    def log(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.workdir.glob("bot-*.log")))


@pytest.fixture(scope="session")
def guarded_bot(
    trained_model: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GuardedBot]:
    workdir = tmp_path_factory.mktemp("security")
    with running_assistant(workdir, database_url, SECURITY_ENV) as (bot, _, _):
        port = bot.url.rsplit(":", 1)[1]
        yield GuardedBot(bot.url, f"http://{outside_address()}:{port}", workdir)
