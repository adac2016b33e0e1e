"""What the assistant has already said in a conversation, from the tracker's events."""

from __future__ import annotations

from rasa_sdk import Tracker


def bot_response_names(tracker: Tracker) -> list[str]:
    """The response name (e.g. utter_disclaimer) of each bot message, oldest first."""
    return [
        (event.get("metadata") or {}).get("utter_action") or ""
        for event in tracker.events
        if event.get("event") == "bot"
    ]
