"""Shared secrets that prove who is calling (the bot calling its action server, integrations calling REST)."""

from __future__ import annotations

import hmac

ACTION_SERVER_TOKEN_ENV = "ACTION_SERVER_TOKEN"


def bearer_matches(authorization: str | None, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time; never true without a token.
    Sanic keeps bytes that are not UTF-8 in a header as surrogates: encoded back, never an error."""
    expected = f"Bearer {token}".encode()
    given = (authorization or "").encode("utf-8", errors="surrogateescape")
    return bool(token) and hmac.compare_digest(given, expected)
