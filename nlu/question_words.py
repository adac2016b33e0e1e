"""The words a question starts with, SMS shorthand included: one list for every check
that asks whether a message asks something (the safety check, two questions in one
message, questions about a named concern or medicine), and a few more only for where a
second question starts."""

from __future__ import annotations

import re

QUESTION_WORDS = frozenset({
    "what", "whats", "what's", "how", "does", "do", "can", "could", "is", "are", "will", "would",
    "should", "why", "when", "which", "who", "any", "has", "have",
    # SMS shorthand
    "wat", "wht", "hw", "cn", "cud", "wud", "shud", "r",
})
# Where a second question may start in one message ("... and where did it come from?",
# "am I too old? and ..."). Never for the safety check: "where is the ER, throat closing"
# and "am bleeding" describe the patient now, whatever they start with.
SECOND_QUESTION_WORDS = QUESTION_WORDS | {"where", "am"}


def any_of(words: frozenset[str]) -> str:
    """For regular expressions: any of the words, longest first ("whats" before "what")."""
    return "(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


QUESTION_WORD = any_of(QUESTION_WORDS)
SECOND_QUESTION_WORD = any_of(SECOND_QUESTION_WORDS)
