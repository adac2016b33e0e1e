"""Benchmark the bot: `python -m bench.run [--seconds 20] [--train | --training-seconds N]`.

Starts the real action server and bot server(s) (tests/servers.py) on free local ports and measures
start-up, per-message latency and throughput over REST at several concurrency levels, the bot's memory,
the in-process floor (bench/inprocess.py) and two instances sharing PostgreSQL + Redis. Prints a table
with the targets and writes bench/results.json and bench/latency.png.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.workload import LevelResult, run_level
from clinic_db.migrate import upgrade
from tests.servers import (
    MODEL,
    PROJECT_ROOT,
    VENV_BIN,
    Bot,
    RunningServer,
    server_env,
    shared_stores,
    start_action_server,
    start_bot_server,
    write_endpoints,
)

BENCH = Path(__file__).resolve().parent
# Own database and Redis db, so a concurrent `make test` (liondale_tracker_test, db 5) is not disturbed.
PG_URL = "postgresql://postgres@127.0.0.1:5432/liondale_tracker_bench"
REDIS_URL = "redis://127.0.0.1:6379/6"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
GB = 1e9


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each load level (default 20)")
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations per level")
    parser.add_argument("--scale-concurrency", type=int, default=20, help="conversations for one vs two instances")
    parser.add_argument("--training-seconds", type=float, help="training time measured elsewhere (make train)")
    parser.add_argument("--train", action="store_true", help="measure `rasa train --force` (~6 min)")
    return parser.parse_args()


def training(args: argparse.Namespace) -> dict[str, Any]:
    if args.training_seconds is not None:
        return {"seconds": args.training_seconds, "source": "given (--training-seconds)"}
    if not args.train:
        return {"seconds": None, "source": "not measured (pass --train or --training-seconds N)"}
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--domain", "domain", "--fixed-model-name", "mesotherapy",
         "--out", "models", "--force"],
        cwd=PROJECT_ROOT, env=server_env(QUIET), check=True, stdout=subprocess.DEVNULL,
    )
    return {"seconds": round(time.perf_counter() - started, 1), "source": "measured (rasa train --force)"}


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (by parent id in /proc/*/stat: this kernel has no task/*/children)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    tree = [pid]
    for process in tree:
        tree += [child for child, parent in parents.items() if parent == process]
    return tree


def memory(pid: int) -> dict[str, Any]:
    def status_kb(process: int, key: str) -> int:
        lines = Path(f"/proc/{process}/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in lines if line.startswith(f"{key}:"))

    tree = process_tree(pid)
    rss = sum(status_kb(process, "VmRSS") for process in tree) * 1024
    return {"rss_bytes": rss, "rss_gb": round(rss / GB, 3), "processes": len(tree),
            "peak_rss_gb_main_process": round(status_kb(pid, "VmHWM") * 1024 / GB, 3)}


async def rest_level(urls: list[str], concurrency: int, seconds: float, tag: str) -> LevelResult:
    """Over REST; with several bots each message goes to the next one (a load balancer without stickiness)."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def send(sender: str, text: str, index: int) -> list[dict[str, Any]]:
            url = f"{urls[index % len(urls)]}/webhooks/rest/webhook"
            async with session.post(url, json={"sender": sender, "message": text}) as answer:
                return await answer.json() if answer.status == 200 else []

        return await run_level(send, concurrency, seconds, tag)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = [Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split() for pid in pids]
    return sum(int(field[11]) + int(field[12]) for field in fields) / os.sysconf("SC_CLK_TCK")


def measure(bots: list[RunningServer], urls: list[str], concurrency: int, seconds: float, tag: str) -> dict[str, Any]:
    """One load level, with the bot servers' CPU time per message (less sensitive to other load than latency)."""
    pids = [bot.process.pid for bot in bots]
    cpu = cpu_seconds(pids)
    summary = asyncio.run(rest_level(urls, concurrency, seconds, tag)).summary()
    cpu_ms = (cpu_seconds(pids) - cpu) * 1000 / max(summary["messages"], 1)
    return {**summary, "bot_cpu_ms_per_msg": round(cpu_ms, 1)}


def start_timed(workdir: Path, action_url: str, env: dict[str, str]) -> tuple[RunningServer, float]:
    """A bot server and the seconds from its process start to its first REST answer to "hi"."""
    started = time.perf_counter()
    bot = start_bot_server(workdir, write_endpoints(workdir), action_url, env={**QUIET, **env})
    assert Bot(bot.url).texts(f"bench-start-{bot.url[-5:]}", "hi"), "no answer to hi"
    return bot, round(time.perf_counter() - started, 1)


def in_process(action_url: str, workdir: Path, seconds: float) -> dict[str, Any]:
    output = workdir / "inprocess.json"
    with (workdir / "inprocess.log").open("w") as log:
        subprocess.run(
            [sys.executable, "-m", "bench.inprocess", action_url, str(workdir / "inprocess-tracker.db"),
             str(output), str(seconds)],
            cwd=PROJECT_ROOT, env=server_env(QUIET), stdout=log, stderr=subprocess.STDOUT, check=True, timeout=900,
        )
    return json.loads(output.read_text())


def benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    levels = [int(level) for level in args.levels.split(",")]
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_before": os.getloadavg()},
        "seconds_per_level": args.seconds,
        "training": training(args),
        "model": {"path": str(MODEL.relative_to(PROJECT_ROOT)), "size_mb": round(MODEL.stat().st_size / 1e6, 1)},
    }
    database_url = f"sqlite:///{workdir / 'clinic.db'}"
    upgrade(database_url)
    servers: list[RunningServer] = []
    try:
        actions = start_action_server(workdir, database_url, env=QUIET)
        servers.append(actions)
        print("in-process floor ...", flush=True)
        results["in_process"] = in_process(actions.url, workdir, args.seconds)

        single = workdir / "single"
        single.mkdir()
        print("one bot server (SQLite tracker, in-memory lock) ...", flush=True)
        bot, results["startup_seconds"] = start_timed(single, actions.url, {})
        servers.append(bot)
        asyncio.run(rest_level([bot.url], 1, 5, "warmup"))
        results["rest"] = []
        for level in levels:
            print(f"  {level} concurrent conversations ...", flush=True)
            results["rest"].append(measure([bot], [bot.url], level, args.seconds, "rest"))
        results["memory"] = memory(bot.process.pid)
        bot.stop()

        print("two bot servers (PostgreSQL tracker, Redis lock) ...", flush=True)
        env = shared_stores(PG_URL, REDIS_URL)
        shared = [workdir / "shared-a", workdir / "shared-b"]
        pair = []
        for folder in shared:
            folder.mkdir()
            server, startup = start_timed(folder, actions.url, env)
            servers.append(server)
            pair.append((server, startup))
        bots, urls = [server for server, _ in pair], [server.url for server, _ in pair]
        asyncio.run(rest_level(urls, 2, 5, "warmup"))
        one = measure(bots[:1], urls[:1], args.scale_concurrency, args.seconds, "one")
        two = measure(bots, urls, args.scale_concurrency, args.seconds, "two")
        results["scale"] = {
            "stores": "PostgreSQL tracker + Redis lock, one action server; messages alternate between instances",
            "startup_seconds": [startup for _, startup in pair],
            "one_instance": one, "two_instances": two,
            "memory_gb": [memory(server.process.pid)["rss_gb"] for server, _ in pair],
            "ratio": round(two["throughput_msg_s"] / one["throughput_msg_s"], 2) if one["throughput_msg_s"] else None,
        }
    finally:
        for server in reversed(servers):
            server.stop()
    results["machine"]["load_avg_after"] = os.getloadavg()
    results["targets"] = targets(results)
    return results


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    rest = {level["concurrency"]: level for level in results["rest"]}
    floor = results["in_process"]["p50_ms"]
    single = rest[min(rest)]["p50_ms"]
    peak = max(rest.values(), key=lambda level: level["throughput_msg_s"])
    p95_at_10 = rest.get(10, {}).get("p95_ms", float("nan"))
    rows = [
        ("single-conversation REST p50 / in-process p50", single / floor, "<= 1.5x", single / floor <= 1.5,
         f"{single:.0f} / {floor:.0f} ms = {single / floor:.2f}x"),
        ("one instance throughput (best level)", peak["throughput_msg_s"], ">= 40 msg/s",
         peak["throughput_msg_s"] >= 40, f"{peak['throughput_msg_s']:.1f} msg/s at {peak['concurrency']} conv."),
        ("two instances / one instance throughput", results["scale"]["ratio"], ">= 1.5x",
         (results["scale"]["ratio"] or 0) >= 1.5, f"{results['scale']['ratio']}x"),
        ("p95 latency at 10 concurrent", p95_at_10, "<= 300 ms", p95_at_10 <= 300, f"{p95_at_10:.0f} ms"),
        ("bot RSS after load (incl. children)", results["memory"]["rss_gb"], "<= 1.5 GB",
         results["memory"]["rss_gb"] <= 1.5, f"{results['memory']['rss_gb']:.2f} GB"),
        ("start-up to first answer", results["startup_seconds"], "<= 30 s", results["startup_seconds"] <= 30,
         f"{results['startup_seconds']:.1f} s"),
    ]
    return [{"name": name, "value": round(value, 3) if value is not None else None, "target": target,
             "pass": bool(ok), "shown": shown} for name, value, target, ok, shown in rows]


def print_table(results: dict[str, Any]) -> None:
    machine, train = results["machine"], results["training"]
    load = f"{machine['load_avg_before'][0]:.1f} -> {machine['load_avg_after'][0]:.1f}"
    print(f"\nLiondale bot benchmark: {machine['cpus']} CPUs, 1-min load avg {load} "
          "(other processes share the machine: figures are noisy)")
    seconds = f"{train['seconds']:.0f} s, " if train["seconds"] is not None else ""
    print(f"Training time      {seconds}{train['source']}")
    print(f"Model size         {results['model']['size_mb']:.1f} MB ({results['model']['path']})")
    memory = results["memory"]
    print(f"Start-up           {results['startup_seconds']:.1f} s from process start to the first REST answer")
    print(f"Bot memory         {memory['rss_gb']:.2f} GB RSS after the load tests ({memory['processes']} process(es))")
    columns = f"{'conv':>5}{'msgs':>6}{'err':>5}{'booked':>7}{'msg/s':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'cpu/msg':>9}"
    print(f"\n{'run':<38}{columns}  (ms; cpu/msg = bot servers' CPU time per message)")
    floor = results["in_process"]
    rows = [("in-process floor (Agent.handle_text)", floor)]
    rows += [("REST, one instance (SQLite)", level) for level in results["rest"]]
    scale = results["scale"]
    rows += [("REST, one instance (PG + Redis)", scale["one_instance"]),
             ("REST, two instances (PG + Redis)", scale["two_instances"])]
    for name, row in rows:
        print(f"{name:<38}{row['concurrency']:>5}{row['messages']:>6}{row['errors']:>5}{row['bookings_completed']:>7}"
              f"{row['throughput_msg_s']:>7.1f}{row['p50_ms']:>7.0f}{row['p95_ms']:>7.0f}{row['p99_ms']:>7.0f}"
              f"{row['bot_cpu_ms_per_msg']:>9.0f}")
    print(f"\n{'target':<48}{'figure':<34}{'goal':<13}result")
    for target in results["targets"]:
        print(f"{target['name']:<48}{target['shown']:<34}{target['target']:<13}{'PASS' if target['pass'] else 'MISS'}")


def plot(results: dict[str, Any], path: Path) -> None:
    import warnings

    import matplotlib

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # matplotlib's pyparsing usage
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [level["concurrency"] for level in results["rest"]]
    figure, axes = plt.subplots(figsize=(6, 4))
    for q, style in ((50, "o-"), (95, "s-"), (99, "^-")):
        axes.plot(levels, [level[f"p{q}_ms"] for level in results["rest"]], style, label=f"REST p{q}")
    axes.axhline(results["in_process"]["p50_ms"], color="grey", linestyle=":", label="in-process p50 (1 conv.)")
    axes.axhline(300, color="red", linestyle="--", linewidth=0.8, label="p95 target at 10 conv.")
    axes.set(xscale="log", yscale="log", xlabel="concurrent conversations", ylabel="latency per message (ms)",
             title="Bot latency over REST (one instance)")
    axes.set_xticks(levels, [str(level) for level in levels])
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main() -> None:
    args = parse_args()
    for name in ("TRACKER_DB_URL", "REDIS_URL"):  # the single instance uses its own SQLite file, no Redis
        os.environ.pop(name, None)
    workdir = Path(tempfile.mkdtemp(prefix="liondale-bench-"))
    try:
        results = benchmark(args, workdir)
    except BaseException:
        print(f"benchmark failed; server logs kept in {workdir}", file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, BENCH / "latency.png")
    print_table(results)
    print(f"\nwrote {BENCH / 'results.json'} and {BENCH / 'latency.png'}")


if __name__ == "__main__":
    main()
