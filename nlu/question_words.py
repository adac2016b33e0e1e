"""The words a question starts with, SMS shorthand included: one list for every check
that asks whether a message asks something (the safety check, two questions in one
message, questions about a named concern or medicine)."""

from __future__ import annotations

import re

QUESTION_WORDS = frozenset({
    "what", "whats", "what's", "how", "does", "do", "can", "could", "is", "are", "will", "would",
    "should", "why", "when", "where", "which", "who", "any", "has", "have", "am",
    # SMS shorthand
    "wat", "wht", "hw", "cn", "cud", "wud", "shud", "r",
})
# For regular expressions: any of the words, longest first ("whats" before "what").
QUESTION_WORD = "(?:" + "|".join(re.escape(word) for word in sorted(QUESTION_WORDS, key=len, reverse=True)) + ")"
