"""On SMS, the booking's contact can be the number the patient texts from.

The tracker never holds that number: the contact slot says which number is meant
("the number you're texting from (ending in 0199)"), the number itself stays
sealed in each SMS message's metadata, and the submit action opens it only to
save the request.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from privacy.sms_numbers import SEALED_NUMBER_KEY, unseal

TEXTING_NUMBER_PREFIX = "the number you're texting from"


class UnknownTextingNumber(LookupError):
    """The contact names the texting number, but this message does not carry it."""


def latest_user_metadata(tracker: Tracker) -> dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def texting_number(tracker: Tracker) -> str | None:
    """The SMS sender's number (E.164), opened from the latest message; None off SMS."""
    if tracker.get_latest_input_channel() != "sms":
        return None
    sealed = latest_user_metadata(tracker).get(SEALED_NUMBER_KEY)
    return unseal(sealed) if isinstance(sealed, str) else None


def describe_texting_number(number: str) -> str:
    """What the patient and the tracker see instead of the number."""
    return f"{TEXTING_NUMBER_PREFIX} (ending in {number[-4:]})"


def names_texting_number(tracker: Tracker, contact: Any) -> bool:
    number = texting_number(tracker)
    return number is not None and contact == describe_texting_number(number)


def contact_to_save(tracker: Tracker) -> str:
    """The contact slot, with the texting number opened where it stands for it."""
    contact = str(tracker.get_slot("contact") or "")
    if names_texting_number(tracker, contact):
        return str(texting_number(tracker))
    if contact.startswith(TEXTING_NUMBER_PREFIX):
        raise UnknownTextingNumber(contact)
    return contact
