"""The project's var/ folder holds secrets, conversations and bookings: this user's only.

Every server start makes var/ 0700 and every file in it 0600 (also files an
older version left readable), and sets the process's umask so that what the
process creates later (SQLite files and their -wal/-shm, logs) is 0600 too.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent.parent / "var"
PRIVATE_UMASK = 0o077
# Environment variable -> file in var/ it is kept in when not set.
KEPT_SECRETS = {
    "RASA_API_TOKEN": "rasa-api-token",  # the bot's HTTP API (staff commands resume conversations)
    "ACTION_SERVER_TOKEN": "action-server-token",  # only the bot may run custom actions
    "SMS_NUMBER_SECRET": "sms-number-secret",  # hashing and sealing SMS phone numbers
    "WEB_SESSION_SECRET": "web-session-secret",  # proves a website chat session id was issued here
    "STAFF_SESSION_SECRET": "staff-session-secret",  # signs the staff console's session cookies
}


def make_private(var_dir: Path = VAR_DIR) -> None:
    os.umask(PRIVATE_UMASK)
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    var_dir.chmod(0o700)
    for folder, subfolders, files in os.walk(var_dir):  # symbolic links are not followed
        for name in subfolders:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), 0o700)
        for name in files:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), 0o600)


def kept_secret(file_name: str, var_dir: Path = VAR_DIR) -> str:
    """A random secret made once and kept in var/ (0600), so restarts and staff commands share it.
    The bot and the action server start together: linking a finished draft into place never
    replaces a file, so whichever comes second reads the first one's secret."""
    path = var_dir / file_name
    if not path.exists():
        draft = var_dir / f".{file_name}.{secrets.token_hex(8)}"
        draft.write_text(secrets.token_urlsafe(32) + "\n")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it and start again to make a new secret")
    return secret


def provide_secrets(var_dir: Path = VAR_DIR) -> None:
    """Each secret from the environment when set (several instances must share them), else from var/."""
    for variable, file_name in KEPT_SECRETS.items():
        if not os.environ.get(variable):
            os.environ[variable] = kept_secret(file_name, var_dir)


def prepare(var_dir: Path = VAR_DIR) -> None:
    make_private(var_dir)
    provide_secrets(var_dir)
