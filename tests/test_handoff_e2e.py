"""A person when asked: the bot pauses until staff resume it with `make handoffs`."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from clinic_db.handoffs import open_handoffs
from tests.servers import API_TOKEN, PROJECT_ROOT, Bot

pytestmark = pytest.mark.database


def staff(*args: str, bot: Bot, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_URL": bot.url, "RASA_API_TOKEN": API_TOKEN, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "staff.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )


def test_handoff_pauses_the_bot_until_staff_resume_it(assistant: Bot, sender: str, clean_database: str) -> None:
    reply = " ".join(assistant.texts(sender, "can I talk to a real person please"))
    assert "follow up with you here" in reply and "911" in reply
    # Paused: staff answer now, not the bot; but the patient is not met with silence.
    for waiting in ["hello?", "how many sessions do I need"]:
        [holding] = assistant.texts(sender, waiting)
        assert "team, who will reply here" in holding and "911" in holding, waiting
    # An urgent symptom while waiting gets the urgent guidance first, then the holding reply.
    urgent, holding = assistant.texts(sender, "my lips are swelling and I can't breathe")
    assert urgent.startswith("This may need urgent care") and "team, who will reply here" in holding
    urgent, holding = assistant.texts(sender, "sigo esperando y ahora me cuesta respirar")
    assert urgent.startswith("Esto puede necesitar atención urgente") and "equipo de Liondale" in holding

    [handoff] = open_handoffs(clean_database)
    listing = staff("handoffs", bot=assistant, database_url=clean_database)
    assert f"{handoff.id:>4}" in listing.stdout and "the patient asked for a person" in listing.stdout

    resumed = staff("handoffs", "--resume", str(handoff.id), bot=assistant, database_url=clean_database)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert open_handoffs(clean_database) == []
    assert "three to 15 times" in " ".join(assistant.texts(sender, "how many sessions do I need"))


def test_restart_starts_a_paused_conversation_over(assistant: Bot, sender: str, clean_database: str) -> None:
    assistant.texts(sender, "can I talk to a real person please")
    assert "team, who will reply here" in " ".join(assistant.texts(sender, "how many sessions do I need"))
    assistant.texts(sender, "/restart")
    assert "three to 15 times" in " ".join(assistant.texts(sender, "how many sessions do I need"))
    assert len(open_handoffs(clean_database)) == 1  # staff still see the request


def test_staff_resume_ids_with_email_and_phone_characters(assistant: Bot, clean_database: str) -> None:
    sender = f"+1-212-555-{uuid.uuid4().hex[:6]}:patient@example.com"
    assistant.texts(sender, "can I talk to a real person please")
    [handoff] = open_handoffs(clean_database)
    resumed = staff("handoffs", "--resume", str(handoff.id), bot=assistant, database_url=clean_database)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "three to 15 times" in " ".join(assistant.texts(sender, "how many sessions do I need"))


def test_an_id_the_api_cannot_address_is_not_resumed_blindly(assistant: Bot, clean_database: str) -> None:
    sender = f"web/{uuid.uuid4().hex[:6]} 100%"
    assistant.texts(sender, "can I talk to a real person please")
    [handoff] = open_handoffs(clean_database)
    refused = staff("handoffs", "--resume", str(handoff.id), bot=assistant, database_url=clean_database)
    assert refused.returncode == 1 and "stays open" in refused.stdout and "/restart" in refused.stdout
    assert [row.id for row in open_handoffs(clean_database)] == [handoff.id]


def test_consults_command_lists_and_closes_requests(assistant: Bot, sender: str, clean_database: str) -> None:
    for answer in ["book a consult", "Jo Park", "jo@example.com", "any time", "hair loss", "yes", "yes"]:
        assistant.texts(sender, answer)
    listing = staff("consults", bot=assistant, database_url=clean_database)
    assert "Jo Park | jo@example.com | any time | hair loss" in listing.stdout
    reference = listing.stdout.splitlines()[1].split()[0]  # under the column headers
    assert staff("consults", "--done", reference, bot=assistant, database_url=clean_database).returncode == 0
    assert "No open consult requests." in staff("consults", bot=assistant, database_url=clean_database).stdout
