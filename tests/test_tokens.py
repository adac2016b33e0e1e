"""Bearer tokens (the action server's, REST's) are compared exactly, and odd headers never raise."""

from __future__ import annotations

import pytest

from privacy.tokens import bearer_matches


def test_only_the_exact_token_matches() -> None:
    assert bearer_matches("Bearer s3cret", "s3cret")
    for given in (None, "", "s3cret", "Bearer s3cre", "Bearer s3cret ", "bearer s3cret", "Basic s3cret"):
        assert not bearer_matches(given, "s3cret")


@pytest.mark.parametrize("given", [None, "", "Bearer ", "Bearer x"])
def test_without_a_token_nothing_matches(given: str | None) -> None:
    assert not bearer_matches(given, "")


def test_a_header_with_bytes_that_are_not_utf8_is_refused_without_an_error() -> None:
    header = b"Bearer \xff\xfe".decode("utf-8", errors="surrogateescape")  # as Sanic hands it over
    assert not bearer_matches(header, "s3cret")
