"""SMS formatting, numbered choices and phone-number privacy, without a server."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from channels.sms_replies import button_payload, sms_bodies, twiml
from privacy.sms_numbers import number_hash, seal, sender_id_for, unseal

BUTTONS = [{"title": "Yes, book a consult", "payload": "/request_consult"}, {"title": "No, thanks", "payload": "/deny"}]


def test_buttons_become_numbered_choices_and_a_number_picks_one() -> None:
    [body] = sms_bodies([{"text": "Would you like to book one?", "buttons": BUTTONS}])
    assert body.endswith("Reply 1 for Yes, book a consult, 2 for No, thanks.")
    assert button_payload("1", BUTTONS) == "/request_consult"
    assert button_payload(" 2. ", BUTTONS) == "/deny"
    assert button_payload("3", BUTTONS) is None
    assert button_payload("1 more question", BUTTONS) is None


def test_at_most_three_messages_of_at_most_320_characters() -> None:
    bodies = sms_bodies([{"text": f"message {n} " + "x" * 400} for n in range(5)])
    assert len(bodies) == 3
    assert all(len(body) <= 320 for body in bodies)


def test_twiml_escapes_text() -> None:
    document = ET.fromstring(twiml(["a < b & <script>"]))
    assert [m.text for m in document.iter("Message")] == ["a < b & <script>"]


def test_numbers_are_hashed_and_sealed_never_stored_plain() -> None:
    number = "+12125550199"
    assert "2125550199" not in sender_id_for(number) and "2125550199" not in number_hash(number)
    assert sender_id_for(number) == sender_id_for(number) != sender_id_for("+12125550198")
    sealed = seal(number)
    assert "2125550199" not in sealed and unseal(sealed) == number
    assert unseal("forged") is None
