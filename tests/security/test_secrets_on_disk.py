"""Finding 3: no secret in the process list; var/ and the servers' files are this user's only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from serving import private_files
from tests.servers import TEST_CHANNEL_ENV, Bot

SECRET_NAMES = ("RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "SMS_NUMBER_SECRET", "WEB_SESSION_SECRET")


def command_lines() -> Iterator[str]:
    """What `ps` shows of every process: its command line."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # the process ended meanwhile
                continue


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_no_secret_is_on_any_command_line(assistant: Bot) -> None:
    assert assistant.texts("secrets-check", "hi")  # both servers are up
    lines = list(command_lines())
    assert any("serving.bot" in line for line in lines)
    for name in SECRET_NAMES:
        assert not any(TEST_CHANNEL_ENV[name] in line for line in lines), f"{name} is in the process list"


def test_the_servers_files_are_private(assistant: Bot) -> None:
    assert assistant.texts("file-modes-check", "hi")
    assert assistant.workdir is not None
    tracker_files = sorted(Path(assistant.workdir).glob("tracker.db*"))
    assert {path.name for path in tracker_files} >= {"tracker.db", "tracker.db-wal", "tracker.db-shm"}
    for path in tracker_files:
        assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"


@pytest.fixture
def restored_umask() -> Iterator[None]:
    """A usual umask (files 0644) during the test; this process's own afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_start_up_makes_an_old_var_folder_private(tmp_path: Path, restored_umask: None) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "clinic.db").write_text("")
    (var / "clinic.db").chmod(0o644)
    private_files.make_private(var)
    assert mode(var) == 0o700
    assert mode(var / "clinic.db") == 0o600
    (var / "created-later.db").write_text("")  # by the same process, after start-up
    assert mode(var / "created-later.db") == 0o600


def test_missing_secrets_are_made_once_and_kept_private(tmp_path: Path, restored_umask: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_NUMBER_SECRET", "shared-by-several-instances")
    private_files.prepare(tmp_path)
    first = {name: os.environ[name] for name in SECRET_NAMES}
    assert first["SMS_NUMBER_SECRET"] == "shared-by-several-instances"
    assert not (tmp_path / "sms-number-secret").exists()
    for name in ("RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "WEB_SESSION_SECRET"):
        monkeypatch.delenv(name)
    private_files.prepare(tmp_path)
    assert {name: os.environ[name] for name in SECRET_NAMES} == first
    assert len(first["ACTION_SERVER_TOKEN"]) >= 40
    assert all(mode(path) == 0o600 for path in tmp_path.iterdir())


def test_servers_starting_together_agree_on_a_new_secret(tmp_path: Path, restored_umask: None) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = set(pool.map(lambda _: private_files.kept_secret("action-server-token", tmp_path), range(32)))
    assert len(made) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["action-server-token"]
