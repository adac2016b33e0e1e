"""Website chat conversation ids, issued by the server and recognised without shared state.

An id is `web-`, 128 random bits and an HMAC tag keyed with $WEB_SESSION_SECRET:
any bot server sharing the secret knows its own ids, a browser cannot make one
up, and none can name a REST or SMS conversation. Only URL-path-safe characters,
so staff tools can address the conversation through Rasa's HTTP API.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Any

SECRET_ENV = "WEB_SESSION_SECRET"
SESSION_ID = re.compile(r"web-(?P<nonce>[0-9a-f]{32})-(?P<tag>[0-9a-f]{32})")


def _tag(nonce: str) -> str:
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise RuntimeError(f"{SECRET_ENV} is not set: the chat widget needs it to issue conversation ids")
    return hmac.new(secret.encode(), f"web-session:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def new_session_id() -> str:
    nonce = secrets.token_hex(16)
    return f"web-{nonce}-{_tag(nonce)}"


def is_issued(session_id: Any) -> bool:
    """Whether a server sharing this secret issued the id (a session_request may carry anything)."""
    match = SESSION_ID.fullmatch(session_id) if isinstance(session_id, str) else None
    return match is not None and hmac.compare_digest(match["tag"], _tag(match["nonce"]))
