"""The console's settings, from the environment (secrets: serving/private_files.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    # Behind HTTPS (a TLS proxy), cookies must only travel encrypted.
    secure_cookies: bool
    session_secret: str

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            host=os.environ.get("STAFF_HOST", "127.0.0.1"),
            port=int(os.environ.get("STAFF_PORT", "8090")),
            secure_cookies=_flag("STAFF_SECURE_COOKIES"),
            session_secret=os.environ["STAFF_SESSION_SECRET"],
        )
