"""SMS segments (GSM 03.38 / 3GPP TS 23.038), and text normalised to stay in GSM-7.

A text in the GSM-7 alphabet fits 160 septets in one SMS, or 153 per segment when
concatenated; the extension table's characters ({, }, [, ], €, …) take two septets
and are never split across segments. One character outside GSM-7 switches the whole
text to UCS-2: 70 UTF-16 units in one SMS, 67 per segment, a surrogate pair never
split. The gsm0338 codec says which characters are GSM-7 and how many septets each
takes; curly quotes, long dashes, accents and emoji are replaced here, so the
assistant's answers are never sent as UCS-2.
"""

from __future__ import annotations

import re
import unicodedata

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM_CODEC = "gsm03.38"
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Look-alikes with a GSM-7 form (NFKD below handles accents: á -> a).
REPLACEMENTS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2022": "-", "\u00b7": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\t": " ", "\u2026": "...",
})
# Emoji, pictographs, variation selectors and joiners: no GSM-7 form and no meaning an answer needs.
PICTOGRAPHS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\u20e3]")


def is_gsm7(character: str) -> bool:
    try:
        character.encode(GSM_CODEC)
    except UnicodeEncodeError:
        return False
    return True


def gsm_form(character: str) -> str:
    """The character, or its GSM-7 base letter (é stays, á becomes a) when it has one."""
    if is_gsm7(character):
        return character
    base = "".join(part for part in unicodedata.normalize("NFKD", character) if not unicodedata.combining(part))
    return base if base and all(is_gsm7(part) for part in base) else character


def normalise(text: str) -> str:
    """The text with look-alikes replaced and pictographs removed, so it stays GSM-7 where it can."""
    text = PICTOGRAPHS.sub("", text.translate(REPLACEMENTS))
    return re.sub(r"[ ]{2,}", " ", "".join(gsm_form(character) for character in text))


def character_costs(text: str) -> tuple[list[int], bool]:
    """Each character's size in its encoding's units, and whether the text is GSM-7."""
    try:
        return [len(character.encode(GSM_CODEC)) for character in text], True
    except UnicodeEncodeError:
        return [len(character.encode("utf-16-le")) // 2 for character in text], False


def segments(text: str) -> int:
    """How many SMS segments the text is sent as (0 for no text)."""
    costs, gsm = character_costs(text)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if sum(costs) <= single:
        return 1 if costs else 0
    count, used = 1, 0
    for cost in costs:  # a two-unit character never straddles two segments
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count

