"""`make shell` as staff use it: a quiet start, a question answered, quit."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect

from tests.servers import PROJECT_ROOT, free_port, server_env

# Python's warnings ("...: DeprecationWarning: ...") and WARNING log lines alike.
WARNING_LINE = re.compile(r"warn", re.IGNORECASE)


def test_staff_chat_in_the_terminal_starts_without_warnings(trained_model: Path, tmp_path: Path) -> None:
    env = server_env({
        "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}",
        "ACTIONS_PORT": str(free_port()),
        "SHELL_PORT": str(free_port()),
        "TERM": "dumb",
    })
    shell = pexpect.spawn("make", ["--no-print-directory", "shell"], cwd=PROJECT_ROOT, env=env, encoding="utf-8",
                          timeout=180, dimensions=(40, 200))
    try:
        shell.expect("Your input ->")
        start_up = shell.before.splitlines()
        assert any("Bot loaded" in line for line in start_up)
        assert [line for line in start_up if WARNING_LINE.search(line)] == []
        shell.sendline("how many sessions will I need?")
        shell.expect("three to 15 times", timeout=60)
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        shell.close(force=True)
