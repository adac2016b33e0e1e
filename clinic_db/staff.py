"""Staff accounts for the console: passwords (argon2id), sessions, failed sign-ins, the access log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from clinic_db.database import session_scope
from clinic_db.models import AccessLogEntry, SignInFailures, StaffSession, StaffUser, utc_now

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 200
SESSION_HOURS = 10  # one working day
# After this many wrong passwords for one email, sign-in is refused for LOCKOUT_MINUTES.
FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT_MINUTES = 15
RECORD_MAX = 200
_hasher = PasswordHasher()
# Verified against when no account has the email, so both cases take the same time.
_UNUSED_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normal_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_CHARS:
        return f"The password needs at least {MIN_PASSWORD_CHARS} characters."
    if len(password) > MAX_PASSWORD_CHARS:
        return f"The password may have at most {MAX_PASSWORD_CHARS} characters."
    return None


def email_problem(email: str) -> str | None:
    local, _, domain = normal_email(email).partition("@")
    if not local or "." not in domain or len(email) > 254 or any(c.isspace() for c in email.strip()):
        return "That does not look like an email address."
    return None


def save_staff_user(email: str, password: str, database_url: str | None = None) -> bool:
    """Create the account, or set a new password on an existing one (signing it out everywhere).
    True when created."""
    email = normal_email(email)
    password_hash = _hasher.hash(password)
    with session_scope(database_url) as session:
        user = session.execute(select(StaffUser).where(StaffUser.email == email)).scalar_one_or_none()
        if user is not None:
            user.password_hash = password_hash
            session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))
            session.execute(delete(SignInFailures).where(SignInFailures.email == email))
            return False
        session.add(StaffUser(email=email, password_hash=password_hash))
        return True


def locked_until(email: str, database_url: str | None = None) -> datetime | None:
    with session_scope(database_url) as session:
        row = session.get(SignInFailures, normal_email(email))
        until = _aware(row.locked_until) if row is not None and row.locked_until is not None else None
    return until if until is not None and until > utc_now() else None


def check_password(email: str, password: str, database_url: str | None = None) -> int | None:
    """The staff id if the password is right and the email is not locked out; counts failures."""
    email = normal_email(email)
    if locked_until(email, database_url):
        return None
    with session_scope(database_url) as session:
        user = session.execute(select(StaffUser).where(StaffUser.email == email)).scalar_one_or_none()
        stored = user.password_hash if user is not None else _UNUSED_HASH
        staff_id = user.id if user is not None else None
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        _count_failure(email, database_url)
        return None
    if staff_id is None:
        return None
    with session_scope(database_url) as session:
        session.execute(delete(SignInFailures).where(SignInFailures.email == email))
        if _hasher.check_needs_rehash(stored):
            session.get(StaffUser, staff_id).password_hash = _hasher.hash(password)
    return int(staff_id)


def _count_failure(email: str, database_url: str | None) -> None:
    try:
        with session_scope(database_url) as session:
            row = session.get(SignInFailures, email[:254])
            if row is None:
                row = SignInFailures(email=email[:254], failures=0)
                session.add(row)
            row.failures += 1
            if row.failures >= FAILURES_BEFORE_LOCKOUT:
                row.locked_until = utc_now() + timedelta(minutes=LOCKOUT_MINUTES)
                row.failures = 0
    except IntegrityError:
        pass  # a concurrent failure for the same email was counted first


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(staff_id: int, database_url: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    expires = utc_now() + timedelta(hours=SESSION_HOURS)
    with session_scope(database_url) as session:
        session.execute(delete(StaffSession).where(StaffSession.expires_at < utc_now()))
        session.add(StaffSession(token_hash=_token_hash(token), staff_id=staff_id, expires_at=expires))
    return token


def session_user(token: str, database_url: str | None = None) -> StaffUser | None:
    """The account a session token belongs to, while the session lasts."""
    with session_scope(database_url) as session:
        row = session.get(StaffSession, _token_hash(token))
        if row is None or _aware(row.expires_at) <= utc_now():
            return None
        return session.get(StaffUser, row.staff_id)


def end_session(token: str, database_url: str | None = None) -> None:
    with session_scope(database_url) as session:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def log_access(staff_email: str, action: str, record: str, database_url: str | None = None) -> None:
    with session_scope(database_url) as session:
        session.add(AccessLogEntry(staff_email=staff_email, action=action, record=record[:RECORD_MAX]))


def access_log(limit: int, database_url: str | None = None) -> list[AccessLogEntry]:
    with session_scope(database_url) as session:
        query = select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
        return list(session.execute(query).scalars())
