"""GSM 03.38 segment counts and normalisation, against the standard's numbers."""

from __future__ import annotations

import pytest

from channels.sms_segments import character_costs, normalise, segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a" * 160, 1),  # one GSM-7 SMS: 160 septets
        ("a" * 161, 2),  # concatenated: 153 a segment
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # extension table: two septets each
        ("[" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # an escape pair is not split: the € starts segment 2
        ("a" * 152 + "€" + "a" * 152, 3),
        ("é¿ñÜ" * 40, 1),  # accents in the basic set stay GSM-7
        ("ł" * 70, 1),  # UCS-2: 70 in one SMS
        ("ł" * 71, 2),  # 67 a segment
        ("ł" * 134, 2),
        ("ł" * 135, 3),
        ("a" * 66 + "\U0001f600" + "a" * 66, 3),  # a surrogate pair is not split (134 units)
    ],
)
def test_segment_counts_follow_gsm_03_38(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_one_character_outside_gsm7_makes_the_whole_text_ucs2() -> None:
    assert segments("a" * 100) == 1
    assert segments("a" * 99 + "\u2019") == 2  # a curly apostrophe: 100 UTF-16 units


def test_look_alikes_are_normalised_into_gsm7() -> None:
    text = normalise("It\u2019s \u201cfine\u201d \u2014 really\u2026 mam\u00e1 caf\u00e9 \U0001f600\ufe0f ok")
    assert text == "It's \"fine\" - really... mama café ok"
    assert character_costs(text)[1] is True


def test_text_without_a_gsm7_form_is_kept() -> None:
    assert normalise("王") == "王"
