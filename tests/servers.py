"""Start the real action server and bot server for end-to-end tests.

Each server runs as a subprocess on a free port, with its own tracker store and
clinic database under a temporary folder, exactly as `make run` starts them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MODEL = PROJECT_ROOT / "models" / "mesotherapy.tar.gz"
API_TOKEN = "test-token"
TWILIO_TEST_TOKEN = "test-twilio-auth-token"
# Channel secrets for the servers under test (the real ones come from the environment).
TEST_CHANNEL_ENV = {
    "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
    "TWILIO_WEBHOOK_URL": "",
    "SMS_NUMBER_SECRET": "test-sms-number-secret",
    "WEB_SESSION_SECRET": "test-web-session-secret",
    "ACTION_SERVER_TOKEN": "test-action-server-token",
    "RASA_API_TOKEN": API_TOKEN,
    # Fuzzing and the answer sets send thousands of messages from a few senders; the
    # security tests start their own server with the real limits (tests/security/conftest.py).
    "RATE_LIMIT_PER_CONVERSATION": "100000/minute",
}
START_TIMEOUT_S = 120


def ensure_postgres_database(url: str) -> None:
    """Create the database on the local PostgreSQL service if it is missing."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), future=True, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def shared_stores(tracker_db_url: str, redis_url: str) -> dict[str, str]:
    """Empty PostgreSQL tracker + Redis lock stores for several bot servers; their environment."""
    ensure_postgres_database(tracker_db_url)
    engine = create_engine(tracker_db_url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()
    redis.Redis.from_url(redis_url).flushdb()
    return {"TRACKER_DB_URL": tracker_db_url, "REDIS_URL": redis_url}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s}s")


def server_env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        **TEST_CHANNEL_ENV,
    }
    env.update(extra)
    return env


@dataclass
class RunningServer:
    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_action_server(workdir: Path, database_url: str, env: dict[str, str] | None = None) -> RunningServer:
    port = free_port()
    log = workdir / f"actions-{port}.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "serving.actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=server_env({"DATABASE_URL": database_url, **(env or {})}),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = RunningServer(process, f"http://127.0.0.1:{port}", log)
    wait_until_up(f"{server.url}/health", process)
    return server


def write_endpoints(workdir: Path) -> Path:
    """The project's endpoints.yml: actions through each bot's own gateway route
    (BOT_PORT, ACTION_SERVER_URL), stores from TRACKER_DB_URL / REDIS_URL."""
    path = workdir / "endpoints.yml"
    # Rasa expands ${BOT_PORT} only in unquoted YAML values.
    path.write_text(
        "action_endpoint:\n"
        "  url: http://127.0.0.1:${BOT_PORT}/webhooks/actions/webhook\n"
        "  headers:\n    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n"
        "tracker_store:\n  type: stores.tracker_store.ClinicTrackerStore\n"
        "lock_store:\n  type: stores.lock_store.ClinicLockStore\n"
    )
    return path


def start_bot_server(
    workdir: Path,
    endpoints: Path,
    action_url: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    extra_args: tuple[str, ...] = (),
) -> RunningServer:
    port = port or free_port()
    log = workdir / f"bot-{port}.log"
    env = {
        "TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "BOT_PORT": str(port),
        "ACTION_SERVER_URL": f"{action_url}/webhook",
        **(env or {}),
    }
    process = subprocess.Popen(
        [
            str(VENV_BIN / "python"), "-m", "serving.bot", "run", "--model", str(MODEL), "--port", str(port),
            "--endpoints", str(endpoints), "--credentials", str(credentials), *extra_args,
        ],
        cwd=PROJECT_ROOT,
        env=server_env(env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = RunningServer(process, f"http://127.0.0.1:{port}", log)
    wait_until_up(f"{server.url}/status?token={API_TOKEN}", process)
    return server


@dataclass
class Bot:
    """A client of the REST channel."""

    url: str
    workdir: Path | None = None
    action_server_url: str | None = None

    def say(self, sender: str, text: Any, timeout_s: float = 30) -> list[dict[str, Any]]:
        status, body = self.post_raw(json.dumps({"sender": sender, "message": text}).encode(), timeout_s)
        assert status == 200, f"HTTP {status}: {body[:300]!r}"
        return json.loads(body)

    def texts(self, sender: str, text: Any) -> list[str]:
        return [message.get("text", "") for message in self.say(sender, text)]

    def post_raw(self, body: bytes, timeout_s: float = 30, content_type: str = "application/json") -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@contextmanager
def running_assistant(
    workdir: Path, database_url: str, bot_env: dict[str, str] | None = None
) -> Iterator[tuple[Bot, RunningServer, RunningServer]]:
    """Action server + bot server (with `bot_env` on top of the test environment), stopped afterwards
    whatever happens."""
    actions = start_action_server(workdir, database_url)
    bot = None
    try:
        # The bot uses the clinic database too (SMS opt-outs).
        env = {"DATABASE_URL": database_url, **(bot_env or {})}
        bot = start_bot_server(workdir, write_endpoints(workdir), actions.url, env=env)
        yield Bot(bot.url, workdir, actions.url), bot, actions
    finally:
        if bot:
            bot.stop()
        actions.stop()
