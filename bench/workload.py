"""The message mix and the load driver shared by the REST and in-process runs.

Each conversation is small talk, FAQ questions and a booking that completes
(the reply to the last "yes" carries an LM-XXXXXX reference).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

REFERENCE = re.compile(r"LM-[A-Z0-9]{6}")
# Server errors, unavailable actions, failed saves and "didn't understand" fallbacks all start so.
SORRY = "sorry"

CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("hi", "what is mesotherapy", "how many sessions would I need?", "i'd like to book a consult",
     "Maria Lopez", "212 555 0199", "weekday mornings", "fat on my thighs", "yes", "yes", "thanks!"),
    ("hello", "does it hurt?", "I'd like to book a consult", "Ana Silva", "646-555-0123",
     "weekday evenings", "hair loss", "yes", "yes", "how many sessions do i need", "thank you"),
)

# (sender, text, index of the message in its conversation) -> the bot's replies
Send = Callable[[str, str, int], Awaitable[list[dict[str, Any]]]]


@dataclass
class LevelResult:
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    bookings: int = 0
    conversations: int = 0
    seconds: float = 0.0

    def percentile(self, q: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]

    def summary(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "messages": len(self.latencies_ms),
            "errors": self.errors,
            "bookings_completed": self.bookings,
            "conversations_started": self.conversations,
            "seconds": round(self.seconds, 2),
            "throughput_msg_s": round(len(self.latencies_ms) / self.seconds, 2) if self.seconds else 0.0,
            **{f"p{q}_ms": round(self.percentile(q), 1) for q in (50, 95, 99)},
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
        }


async def run_level(send: Send, concurrency: int, seconds: float, tag: str) -> LevelResult:
    """`concurrency` conversations at once, each followed by a new one, until `seconds` have passed."""
    result = LevelResult(concurrency)
    start = time.perf_counter()
    deadline = start + seconds
    finished = start

    async def worker(number: int) -> None:
        nonlocal finished
        for round_ in range(1_000_000):
            script = CONVERSATIONS[(number + round_) % len(CONVERSATIONS)]
            sender = f"bench-{tag}-{concurrency}-{number}-{round_}-{uuid.uuid4().hex[:8]}"
            result.conversations += 1
            for index, text in enumerate(script):
                if time.perf_counter() >= deadline:
                    return
                sent = time.perf_counter()
                try:
                    replies = await send(sender, text, index + number)
                except Exception:
                    replies = []
                finished = time.perf_counter()
                result.latencies_ms.append((finished - sent) * 1000)
                answer = " ".join(str(reply.get("text", "")) for reply in replies)
                if not replies or SORRY in answer.lower():
                    result.errors += 1
                result.bookings += bool(REFERENCE.search(answer))

    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    result.seconds = finished - start
    return result
