"""Actions' database and SMTP calls block; they must run off the action server's
event loop, so one slow database or mail server does not stall every conversation."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher

from actions import booking_submit, handoff
from actions.booking_submit import ActionSubmitConsult
from actions.handoff import ActionHandoff
from clinic_db.consults import SavedRequest
from tests.actions.trackers import domain, tracker

BOOKING = {
    "patient_name": "Maria Lopez", "contact": "+12125550199", "preferred_time": "weekday mornings",
    "treatment": "fat (thighs)", "contact_consent": True, "booking_confirmed": True,
}


class LoopWatch:
    """A blocking call that waits until the event loop has run something else meanwhile."""

    def __init__(self) -> None:
        self.loop_ran = threading.Event()
        self.calls_that_saw_the_loop_run: list[bool] = []

    def blocking(self, result: Any) -> Any:
        def call(*_args: Any) -> Any:
            self.calls_that_saw_the_loop_run.append(self.loop_ran.wait(timeout=2))
            self.loop_ran.clear()
            return result
        return call

    async def run_beside(self, action: Action, **tracker_args: Any) -> None:
        async def other_conversation() -> None:
            while True:
                self.loop_ran.set()
                await asyncio.sleep(0.01)

        other = asyncio.create_task(other_conversation())
        await action.run(CollectingDispatcher(), tracker(**tracker_args), domain())
        other.cancel()


def test_saving_a_request_and_emailing_staff_leave_the_loop_free(monkeypatch: pytest.MonkeyPatch) -> None:
    watch = LoopWatch()
    monkeypatch.setattr(booking_submit, "save_consult_request", watch.blocking(SavedRequest("LM-ABC234", True)))
    monkeypatch.setattr(booking_submit, "notify_staff", watch.blocking(True))
    asyncio.run(watch.run_beside(ActionSubmitConsult(), slots=BOOKING))
    assert watch.calls_that_saw_the_loop_run == [True, True]


def test_recording_a_handoff_and_emailing_staff_leave_the_loop_free(monkeypatch: pytest.MonkeyPatch) -> None:
    watch = LoopWatch()
    monkeypatch.setattr(handoff, "record_handoff", watch.blocking((7, True)))
    monkeypatch.setattr(handoff, "notify_staff", watch.blocking(True))
    asyncio.run(watch.run_beside(ActionHandoff(), intent="request_human"))
    assert watch.calls_that_saw_the_loop_run == [True, True]
