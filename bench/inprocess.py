"""The in-process floor: the workload through `Agent.handle_text`, no HTTP in front.

`python -m bench.inprocess ACTION_URL TRACKER_DB RESULT_JSON SECONDS` (run by bench.run in its own process).
The tracker store is the server's (stores.tracker_store.ClinicTrackerStore on a SQLite file), the lock
store in memory (as a server without REDIS_URL), and actions go straight to the action server, their
responses checked by the same compiled validator as in the server (serving/rasa_patches.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.workload import run_level

MODEL = Path(__file__).resolve().parent.parent / "models" / "mesotherapy.tar.gz"


async def measure(action_url: str, tracker_db: str, seconds: float) -> dict[str, Any]:
    os.environ["TRACKER_DB_URL"] = f"sqlite:///{tracker_db}"
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from serving import rasa_patches
    from stores.tracker_store import ClinicTrackerStore

    configure_logging_and_warnings(logging.INFO)  # as `rasa run` does (LOG_LEVEL defaults to INFO)
    configure_structlog(logging.INFO)
    rasa_patches.install()
    started = time.perf_counter()
    agent = Agent.load(
        str(MODEL),
        tracker_store=ClinicTrackerStore(),
        lock_store=InMemoryLockStore(),
        action_endpoint=EndpointConfig(
            f"{action_url}/webhook", headers={"Authorization": f"Bearer {os.environ['ACTION_SERVER_TOKEN']}"}
        ),
    )
    load_seconds = time.perf_counter() - started

    async def send(sender: str, text: str, _: int) -> list[dict[str, Any]]:
        return await agent.handle_text(text, sender_id=sender) or []

    await run_level(send, 1, 5, "warmup")
    cpu = time.process_time()
    result = await run_level(send, 1, seconds, "inprocess")
    cpu_ms = (time.process_time() - cpu) * 1000 / max(len(result.latencies_ms), 1)
    return {**result.summary(), "bot_cpu_ms_per_msg": round(cpu_ms, 1), "agent_load_seconds": round(load_seconds, 1),
            "tracker_store": "ClinicTrackerStore (SQLite file)", "lock_store": "InMemoryLockStore"}


if __name__ == "__main__":
    action_url, tracker_db, output, seconds = sys.argv[1:5]
    Path(output).write_text(json.dumps(asyncio.run(measure(action_url, tracker_db, float(seconds)))))
