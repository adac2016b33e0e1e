"""Phone numbers on the SMS channel are personal data.

The conversation id is a keyed hash of the number, so trackers, logs and the
clinic database never hold the number itself. Where a booking needs the number
(pre-filling the contact), it travels sealed (encrypted) in the message
metadata and only the action server, which holds the same secret, opens it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.fernet import Fernet, InvalidToken

SECRET_ENV = "SMS_NUMBER_SECRET"
SEALED_NUMBER_KEY = "sealed_number"


def _secret() -> bytes:
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise RuntimeError(f"{SECRET_ENV} is not set: the SMS channel needs it to protect phone numbers")
    return secret.encode()


def number_hash(number: str) -> str:
    return hmac.new(_secret(), number.encode(), hashlib.sha256).hexdigest()


def sender_id_for(number: str) -> str:
    return f"sms-{number_hash(number)[:32]}"


def _fernet() -> Fernet:
    key = hashlib.sha256(b"sealed-number:" + _secret()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def unseal(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, RuntimeError, ValueError):
        return None
