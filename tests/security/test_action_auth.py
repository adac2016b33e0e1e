"""Finding 1: only the bot runs custom actions.

A forged call (a made-up tracker asking to save a booking, record a handoff or
open a sealed SMS number) to the bot's gateway route or straight to the action
server is refused with 403: nothing is stored, and nothing of the call reaches
the logs. The same call with the bot's token runs, which shows the forged body
itself is one the action server would act on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_db.database import session_scope
from clinic_db.models import ConsultRequest, Handoff
from privacy.sms_numbers import SEALED_NUMBER_KEY, seal
from tests.servers import TEST_CHANNEL_ENV, Bot

FORGED_NUMBER = "+12125550147"
TRUE_TOKEN = TEST_CHANNEL_ENV["ACTION_SERVER_TOKEN"]


def forged_call(action: str, sender: str) -> bytes:
    slots = {
        "patient_name": "Forged Patient", "contact": "+12125550100", "preferred_time": "any time",
        "treatment": "forged", "contact_consent": True, "booking_confirmed": True, "requested_slot": "contact",
    }
    user = {"event": "user", "text": "hi", "metadata": {SEALED_NUMBER_KEY: seal(FORGED_NUMBER)},
            "input_channel": "sms", "parse_data": {"intent": {"name": "inform"}, "entities": []}}
    tracker = {
        "sender_id": sender, "slots": slots, "latest_message": {"text": "hi", "intent": {"name": "inform"}},
        "events": [user], "paused": False, "followup_action": None, "active_loop": {"name": "consult_form"},
        "latest_action_name": "action_listen", "latest_input_channel": "sms",
    }
    domain = {"slots": {name: {"type": "any"} for name in slots}, "forms": {"consult_form": {"required_slots": []}}}
    body = {"next_action": action, "sender_id": sender, "tracker": tracker, "domain": domain, "version": "3.6.21"}
    return json.dumps(body).encode()


def post(url: str, body: bytes, token: str | None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def stored_for(database_url: str, sender: str) -> tuple[int, int]:
    with session_scope(database_url) as session:
        bookings = session.execute(select(ConsultRequest.id).where(ConsultRequest.name == "Forged Patient")).all()
        handoffs = session.execute(select(Handoff.id).where(Handoff.conversation_id == sender)).all()
    return len(bookings), len(handoffs)


def endpoints(assistant: Bot) -> dict[str, str]:
    assert assistant.action_server_url
    return {
        "gateway": f"{assistant.url}/webhooks/actions/webhook",
        "action server": f"{assistant.action_server_url}/webhook",
    }


@pytest.mark.parametrize("route", ["gateway", "action server"])
@pytest.mark.parametrize("action", ["action_submit_consult", "action_handoff", "validate_consult_form"])
@pytest.mark.parametrize("token", [None, "wrong-token", TRUE_TOKEN + "x"])
def test_a_forged_action_call_is_refused(
    assistant: Bot, clean_database: str, route: str, action: str, token: str | None
) -> None:
    sender = f"forged-{uuid.uuid4().hex}"
    status, body = post(endpoints(assistant)[route], forged_call(action, sender), token)
    assert status == 403
    assert FORGED_NUMBER not in body
    assert stored_for(clean_database, sender) == (0, 0)


def test_the_same_call_with_the_bots_token_runs(assistant: Bot, clean_database: str) -> None:
    """The control: the forged bodies above are real action calls."""
    sender = f"forged-{uuid.uuid4().hex}"
    url = endpoints(assistant)["action server"]
    status, _ = post(url, forged_call("action_submit_consult", sender), TRUE_TOKEN)
    assert status == 200
    status, _ = post(url, forged_call("action_handoff", sender), TRUE_TOKEN)
    assert status == 200
    assert stored_for(clean_database, sender) == (1, 1)


def test_refused_calls_leave_only_the_refusal_in_the_logs(assistant: Bot) -> None:
    sender = f"forged-log-{uuid.uuid4().hex}"
    for url in endpoints(assistant).values():
        assert post(url, forged_call("action_submit_consult", sender), "wrong")[0] == 403
    assert assistant.workdir is not None
    logs = "\n".join(path.read_text(errors="replace") for path in Path(assistant.workdir).glob("*.log"))
    assert "Refused an action call" in logs
    assert sender not in logs


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on the port, from the kernel's socket tables (hex, as Linux writes them)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                addresses.add(address)
    return addresses


def test_the_action_server_listens_on_loopback_only(assistant: Bot) -> None:
    assert assistant.action_server_url
    port = int(assistant.action_server_url.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1
