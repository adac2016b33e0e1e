"""Staff emails: sent through a real SMTP server, at most STAFF_EMAILS_PER_HOUR."""

from __future__ import annotations

import pytest

from actions.staff_email import notify_staff
from tests.actions.conftest import Inbox


def test_staff_emails_stop_at_the_hourly_allowance(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS_PER_HOUR", "3")
    sent = [notify_staff(f"Patient asked for a person (handoff {number})", "Run make handoffs.") for number in range(5)]
    assert sent == [True, True, True, False, False]
    assert len(inbox.messages) == 3


def test_without_smtp_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTP_HOST", raising=False)
    assert notify_staff("New consult request LM-ABC234", "Run make consults.") is False
