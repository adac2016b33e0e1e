"""Tell staff about new consult requests and handoffs by email, when SMTP_* is set.

The email carries no personal data: only what happened and its reference; staff
read the details with `make consults` / `make handoffs`. At most
STAFF_EMAILS_PER_HOUR (20) are sent per action server, so a flood of made-up
requests cannot flood the clinic's inbox; the requests themselves are all stored.
"""

from __future__ import annotations

import logging
import os
import smtplib
from email.message import EmailMessage

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)

EMAILS_PER_HOUR_ENV = "STAFF_EMAILS_PER_HOUR"
DEFAULT_EMAILS_PER_HOUR = "20"
EMAILS_SENT = MemoryStorage()
EMAIL_LIMITER = MovingWindowRateLimiter(EMAILS_SENT)


def smtp_configured() -> bool:
    return bool(os.environ.get("SMTP_HOST") and os.environ.get("SMTP_TO"))


def notify_staff(subject: str, body: str) -> bool:
    """Send the email; a mail problem is logged, never raised: the request is already saved."""
    if not smtp_configured():
        return False
    per_hour = os.environ.get(EMAILS_PER_HOUR_ENV) or DEFAULT_EMAILS_PER_HOUR
    if not EMAIL_LIMITER.hit(parse(f"{per_hour}/hour"), "staff-email"):
        logger.warning("Staff email not sent (%s): over %s an hour; staff see it in the listing", subject, per_hour)
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("SMTP_FROM", "assistant@liondale.example")
    message["To"] = os.environ["SMTP_TO"]
    message.set_content(body)
    try:
        with smtplib.SMTP(os.environ["SMTP_HOST"], int(os.environ.get("SMTP_PORT", "25")), timeout=10) as smtp:
            if os.environ.get("SMTP_STARTTLS") == "1":
                smtp.starttls()
            if os.environ.get("SMTP_USER"):
                smtp.login(os.environ["SMTP_USER"], os.environ.get("SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Staff email not sent (%s): %s", subject, type(error).__name__)
        return False
    return True
