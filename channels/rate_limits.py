"""Who is calling, and how often: abuse limits shared by the patient channels.

Counts live in the `limits` library's storage: in memory for one server, in Redis
(REDIS_URL) when several bot servers share the load, so a client cannot get more
by landing on another server. Callers on this machine (loopback: tests, staff
tools, integrations on the same host) are trusted and have no per-address limit;
every conversation has its own limit, whoever writes to it.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os

import redis
from limits import RateLimitItem, parse, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from sanic.request import Request

logger = logging.getLogger(__name__)

PER_CONVERSATION_ENV = "RATE_LIMIT_PER_CONVERSATION"
PER_ADDRESS_ENV = "RATE_LIMIT_PER_IP"
# No one types faster than this; an address may hold a few conversations (a clinic's wifi).
DEFAULT_PER_CONVERSATION = "30/minute"
DEFAULT_PER_ADDRESS = "120/minute"
# A limited SMS conversation hears why once an hour, then silence (each SMS costs the clinic).
SMS_NOTICE = parse("1/hour")
# Twilio signs no timestamp: a captured request stays valid, so each MessageSid counts once for a week.
DELIVERY_ONCE = parse("1/7 days")

RATE_LIMITED_REPLY = "You're sending messages faster than I can answer. Please wait a minute and try again."


def client_address(request: Request) -> str:
    """The peer address, or the client's when Sanic is told about its proxies
    (SANIC_PROXIES_COUNT / SANIC_REAL_IP_HEADER); forwarding headers are never trusted otherwise."""
    return request.remote_addr or request.ip


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))  # Sanic brackets proxied IPv6 addresses
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


class RateLimits:
    def __init__(self, storage_url: str, per_conversation: str, per_address: str) -> None:
        self.storage = storage_from_string(storage_url)  # the limiters hold it by a weak reference only
        self.window = MovingWindowRateLimiter(self.storage)
        self.once = FixedWindowRateLimiter(self.storage)
        self.per_conversation = parse_many(per_conversation)
        self.per_address = parse_many(per_address)

    def allows(self, conversation: str, address: str | None = None) -> bool:
        """Counts one message; False when its client address or its conversation is over the limit."""
        if address and not is_loopback(address) and not self._hit(self.window, self.per_address, "ip", address):
            return False
        return self._hit(self.window, self.per_conversation, "conversation", conversation)

    def first_sms_notice(self, conversation: str) -> bool:
        return self._hit(self.once, [SMS_NOTICE], "sms-notice", conversation)

    def first_delivery(self, message_id: str) -> bool:
        """True the first time a provider's message id is seen (SET NX with an expiry, in effect)."""
        return self._hit(self.once, [DELIVERY_ONCE], "delivery", message_id)

    @staticmethod
    def _hit(
        limiter: FixedWindowRateLimiter | MovingWindowRateLimiter, items: list[RateLimitItem], *key: str
    ) -> bool:
        try:
            return all(limiter.hit(item, *key) for item in items)
        except redis.exceptions.RedisError as error:  # patients first: a lost counter lets the message through
            logger.error("rate limit store unreachable: %s", type(error).__name__)
            return True


@functools.cache
def rate_limits() -> RateLimits:
    """This server's limits, read once from the environment (a bad value stops the start-up)."""
    return RateLimits(
        os.environ.get("REDIS_URL") or "memory://",
        os.environ.get(PER_CONVERSATION_ENV) or DEFAULT_PER_CONVERSATION,
        os.environ.get(PER_ADDRESS_ENV) or DEFAULT_PER_ADDRESS,
    )
