"""SMS formatting, numbered choices and phone-number privacy, without a server."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from channels.sms_replies import button_payload, chosen_number, sms_bodies, twiml
from channels.sms_segments import segments
from privacy.sms_numbers import number_hash, seal, sender_id_for, unseal

BUTTONS = [{"title": "Yes, book a consult", "payload": "/request_consult"}, {"title": "No, thanks", "payload": "/deny"}]


def test_buttons_become_numbered_choices_and_a_number_picks_one() -> None:
    [body] = sms_bodies([{"text": "Would you like to book one?", "buttons": BUTTONS}])
    assert body.endswith("Reply 1 for Yes, book a consult, 2 for No, thanks.")
    assert [chosen_number(text) for text in ("1", " 2. ", "3)", "1 more question", "one", "\u0661")] == [
        1, 2, 3, None, None, None]
    assert button_payload(1, BUTTONS) == "/request_consult"
    assert button_payload(2, BUTTONS) == "/deny"
    assert button_payload(3, BUTTONS) is None
    assert button_payload(0, BUTTONS) is None


def test_only_the_last_buttons_of_a_reply_are_numbered() -> None:
    [body] = sms_bodies([{"text": "First?", "buttons": BUTTONS[:1]}, {"text": "Second?", "buttons": BUTTONS}])
    assert body.count("Reply 1 for") == 1 and body.endswith("2 for No, thanks.")


def test_nothing_is_cut_and_messages_share_segments() -> None:
    answers = [{"text": f"Answer {n}. " + "x" * 90} for n in range(4)]
    bodies = sms_bodies(answers)
    assert "\n\n".join(bodies) == "\n\n".join(message["text"] for message in answers)  # all of it, in order
    assert sum(segments(body) for body in bodies) == 3  # four 100-character texts as 3 segments, not 4


def test_joining_never_costs_an_extra_segment() -> None:
    full = "x" * 160  # one segment alone, but two when concatenated with anything
    assert sms_bodies([{"text": full}, {"text": full}]) == [full, full]


def test_911_is_said_once_per_reply() -> None:
    bodies = sms_bodies([
        {"text": "Side effects can last a few days. In an emergency, call 911."},
        {"text": "Please note: general facts only, not medical advice. In an emergency, call 911."},
    ])
    assert " ".join(bodies).count("911") == 1
    assert "not medical advice." in " ".join(bodies)


def test_replies_are_normalised_to_gsm7() -> None:
    [body] = sms_bodies([{"text": "It\u2019s a \u201cmesotherapy\u201d answer \u2014 " + "x" * 100}])
    assert body.startswith("It's a \"mesotherapy\" answer - ") and segments(body) == 1


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
