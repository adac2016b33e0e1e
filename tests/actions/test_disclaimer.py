"""action_show_disclaimer: once per conversation."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.disclaimer import ActionShowDisclaimer
from tests.actions.trackers import domain, tracker


def test_shown_once_then_never_again() -> None:
    first, second = CollectingDispatcher(), CollectingDispatcher()
    events = asyncio.run(ActionShowDisclaimer().run(first, tracker(), domain()))
    assert [m["response"] for m in first.messages] == ["utter_disclaimer"]
    assert events == [{"event": "slot", "timestamp": None, "name": "disclaimer_shown", "value": True}]
    again = asyncio.run(ActionShowDisclaimer().run(second, tracker(slots={"disclaimer_shown": True}), domain()))
    assert second.messages == [] and again == []

