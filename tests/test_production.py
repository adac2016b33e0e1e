"""Several instances on PostgreSQL + Redis, and faults survived: real servers,
the real PostgreSQL and Redis services on this machine, no mocks."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.security.socket_chat import ChatSocket
from tests.servers import (
    API_TOKEN,
    MODEL,
    VENV_BIN,
    Bot,
    RunningServer,
    free_port,
    server_env,
    shared_stores,
    start_action_server,
    start_bot_server,
    write_endpoints,
)

# The several-instance setup is PostgreSQL's: these run in `make test`'s PostgreSQL pass only.
pytestmark = [pytest.mark.database, pytest.mark.several_instances, pytest.mark.e2e]

TRACKER_DB_URL = "postgresql://postgres@127.0.0.1:5432/liondale_tracker_test"
REDIS_URL = "redis://127.0.0.1:6379/5"
REFERENCE = re.compile(r"LM-[A-Z0-9]{6}")
# Patients take seconds between messages.
PATIENT_PAUSE_S = 0.5

# One conversation: questions, a booking half on each server, small talk.
CONVERSATION = [
    "hi",
    "what is mesotherapy",
    "how many sessions would I need?",
    "i'd like to book a consult",
    "Maria Lopez",
    "212 555 0199",
    "does it hurt?",
    "weekday mornings",
    "fat on my thighs",
    "yes",
    "yes",
    "thanks!",
]


@pytest.fixture(scope="module")
def instances(
    trained_model: Path, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Bot, Bot, Bot]]:
    """Three servers in the scale-out configuration (PostgreSQL tracker, Redis lock):
    one used on its own as the baseline, and two that share a conversation."""
    workdir = tmp_path_factory.mktemp("scale")
    env = shared_stores(TRACKER_DB_URL, REDIS_URL)
    actions = start_action_server(workdir, database_url)
    bots: list[RunningServer] = []
    try:
        endpoints = write_endpoints(workdir)
        bots = [start_bot_server(workdir, endpoints, actions.url, env=env) for _ in range(3)]
        yield Bot(bots[0].url), Bot(bots[1].url), Bot(bots[2].url)
    finally:
        for bot in bots:
            bot.stop()
        actions.stop()


def replies(bot: Bot, sender: str, message: str) -> str:
    time.sleep(PATIENT_PAUSE_S)
    return REFERENCE.sub("LM-XXXXXX", " | ".join(bot.texts(sender, message)))


def test_alternating_servers_answer_exactly_as_one_server(
    instances: tuple[Bot, Bot, Bot], clean_database: str
) -> None:
    alone, first, second = instances
    baseline_sender = f"one-{uuid.uuid4().hex}"
    single = [replies(alone, baseline_sender, m) for m in CONVERSATION]
    sender = f"two-{uuid.uuid4().hex}"
    alternating = [replies((first, second)[i % 2], sender, m) for i, m in enumerate(CONVERSATION)]
    assert alternating == single
    assert "LM-XXXXXX" in alternating[-2]


def test_a_message_for_a_widget_conversation_reaches_its_socket_through_any_server(
    instances: tuple[Bot, Bot, Bot],
) -> None:
    """A staff reply goes through whichever server the console calls; the patient's socket
    may be held by another (servers pass socket.io messages on through Redis)."""
    _, first, second = instances
    reply = "A nurse will call you this afternoon."

    async def patient_hears_the_reply() -> bool:
        async with ChatSocket(first.url) as chat:
            session_id = await chat.open()
            await chat.say("hi")
            assert await chat.hears("virtual assistant")
            query = f"token={API_TOKEN}&output_channel=latest&execute_side_effects=true"
            request = urllib.request.Request(
                f"{second.url}/conversations/{session_id}/tracker/events?{query}",
                data=json.dumps([{"event": "bot", "text": reply}]).encode(),
                headers={"Content-Type": "application/json"},
            )
            await asyncio.to_thread(urllib.request.urlopen, request, timeout=30)
            return await chat.hears(reply)

    assert asyncio.run(patient_hears_the_reply())


def tracker(bot: Bot, sender: str) -> dict:
    with urllib.request.urlopen(f"{bot.url}/conversations/{sender}/tracker?token={API_TOKEN}", timeout=30) as answer:
        return json.loads(answer.read())


def test_simultaneous_messages_to_both_servers_are_handled_one_at_a_time(instances: tuple[Bot, Bot, Bot]) -> None:
    _, first, second = instances
    sender = f"burst-{uuid.uuid4().hex}"
    question = "how many sessions do i need"
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda n: (first, second)[n % 2].texts(sender, question), range(20)))
    unanswered = [answer for answer in answers if not any("three to 15 times" in reply for reply in answer)]
    assert unanswered == []

    events = tracker(first, sender)["events"]
    assert [e.get("text") for e in events if e["event"] == "user"] == [question] * 20, "none lost"
    # Handled in order, one at a time: each message's answer comes before the next message.
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")] + ["end"]
    assert [kinds[i + 1] for i, kind in enumerate(kinds) if kind == "user"] == ["bot"] * 20


def test_a_restarted_server_resumes_the_booking_where_it_was(
    trained_model: Path, database_url: str, tmp_path: Path
) -> None:
    actions = start_action_server(tmp_path, database_url)
    endpoints = write_endpoints(tmp_path)
    port = free_port()
    sender = f"restart-{uuid.uuid4().hex}"
    try:
        bot = start_bot_server(tmp_path, endpoints, actions.url, port=port)
        Bot(bot.url).texts(sender, "book a consult please")
        assert "phone number" in " ".join(Bot(bot.url).texts(sender, "Ana Silva"))
        bot.stop()
        bot = start_bot_server(tmp_path, endpoints, actions.url, port=port)
        assert "days and times" in " ".join(Bot(bot.url).texts(sender, "646 555 0123"))
        bot.stop()
    finally:
        actions.stop()


def test_without_the_action_server_faqs_work_and_actions_apologise(trained_model: Path, tmp_path: Path) -> None:
    dead_actions = f"http://127.0.0.1:{free_port()}"
    bot = start_bot_server(tmp_path, write_endpoints(tmp_path), dead_actions)
    try:
        client, sender = Bot(bot.url), f"down-{uuid.uuid4().hex}"
        assert "three to 15 times" in " ".join(client.texts(sender, "how many sessions do i need"))
        booking = " ".join(client.texts(sender, "i want to book a consult"))
        assert "can't do that right now" in booking and "call" in booking
        assert "uncomfortable rather than painful" in " ".join(client.texts(sender, "does it hurt"))
        assert "can't do that right now" in " ".join(client.texts(sender, "let me talk to a person"))
    finally:
        bot.stop()


def test_an_unreachable_tracker_database_stops_the_server_with_a_clear_message(tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.run(
            [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(free_port()),
             "--endpoints", str(write_endpoints(tmp_path))],
            env=server_env({"TRACKER_DB_URL": "postgresql://postgres@127.0.0.1:1/nowhere", "BOT_PORT": "1"}),
            stdout=output, stderr=subprocess.STDOUT, timeout=120, check=False,
        )
    assert process.returncode != 0
    assert time.monotonic() - started < 60
    assert "Cannot reach the tracker database postgresql://postgres@127.0.0.1:1/nowhere" in log.read_text()
