"""Finding 2: the REST channel let anyone who can reach the bot name any conversation (read a patient's
booking summary, change it). It is an integration API now: loopback callers, or the bearer token."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from channels.rest import PatientRestInput
from tests.security.conftest import REST_TOKEN, GuardedBot, forwarded_for

QUESTION = "how many sessions will i need?"
ANSWER = b"three to 15 times"


def body(sender: str) -> bytes:
    return json.dumps({"sender": sender, "message": QUESTION}).encode()


def test_loopback_callers_need_no_token(guarded_bot: GuardedBot) -> None:
    status, answer = guarded_bot.post(body("rest-access-local"))
    assert status == 200 and ANSWER in answer, (status, answer)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": REST_TOKEN}, {"Authorization": f"Basic {REST_TOKEN}"},
     {"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"}, {"Forwarded": "for=127.0.0.1;secret=guess"}],
    ids=["none", "wrong", "no-scheme", "basic", "x-forwarded-for", "x-real-ip", "forwarded-without-secret"],
)
def test_outside_callers_without_the_token_are_refused(guarded_bot: GuardedBot, headers: dict[str, str]) -> None:
    status, answer = guarded_bot.post(body("rest-access-victim"), headers, outside=True)
    assert status == 403, (status, answer)
    assert ANSWER not in answer


def test_outside_callers_with_the_token_are_answered(guarded_bot: GuardedBot) -> None:
    token = {"Authorization": f"Bearer {REST_TOKEN}"}
    status, answer = guarded_bot.post(body("rest-access-remote"), token, outside=True)
    assert status == 200 and ANSWER in answer, (status, answer)


def test_clients_behind_the_trusted_proxy_count_as_outside(guarded_bot: GuardedBot) -> None:
    """Sanic's proxy settings name the real client: a proxy on this machine does not make everyone local."""
    proxied = forwarded_for("203.0.113.9")
    assert guarded_bot.post(body("rest-access-proxied"), proxied)[0] == 403
    status, answer = guarded_bot.post(body("rest-access-proxied"), {**proxied, "Authorization": f"Bearer {REST_TOKEN}"})
    assert status == 200 and ANSWER in answer, (status, answer)


def test_without_a_configured_token_no_outside_caller_gets_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REST_API_TOKEN", raising=False)
    channel = PatientRestInput.from_credentials(None)

    def caller(address: str, authorization: str) -> SimpleNamespace:  # what is_trusted reads of a Sanic request
        return SimpleNamespace(remote_addr="", ip=address, headers={"Authorization": authorization})

    assert channel.is_trusted(caller("127.0.0.1", ""))  # type: ignore[arg-type]
    assert channel.is_trusted(caller("::1", ""))  # type: ignore[arg-type]
    assert not channel.is_trusted(caller("192.0.2.7", "Bearer "))  # type: ignore[arg-type]
    assert not channel.is_trusted(caller("192.0.2.7", "Bearer None"))  # type: ignore[arg-type]
