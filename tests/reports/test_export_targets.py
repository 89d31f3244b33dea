"""Export targets a user cannot (or must not) write, and what an interrupted export leaves.

Tests run as root, where chmod does not stop a write: read-only is decided from the mode bits
(as the user's own tools show it), and the unwritable folder is tried by a real unprivileged
process (`nobody`) rather than by pretending.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.reports.safe_write import atomic_output, sweep_leftover_exports

ROOT = Path(__file__).resolve().parents[2]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_read_only_target_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_text("last quarter's report")
    target.chmod(0o444)
    with pytest.raises(BadInputError) as error, atomic_output(target) as temp:
        temp.write_text("new")
    assert str(error.value) == (
        "report.xlsx is read-only: make it writable or export under another name."
    )
    assert target.read_text() == "last quarter's report"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


def test_cli_export_over_a_read_only_file_exits_2(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "accounts.csv"
    target.write_text("keep me")
    target.chmod(0o444)
    assert main(["--db", db_url, "export", str(target)]) == 2
    assert capsys.readouterr().err == (
        "cspm: accounts.csv is read-only: make it writable or export under another name.\n"
    )
    assert target.read_text() == "keep me"


def test_parent_that_is_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(BadInputError) as error, atomic_output(tmp_path / "notes.txt" / "r.csv"):
        pass
    assert (
        str(error.value) == f"Cannot write r.csv: {tmp_path / 'notes.txt'} is a file, not a folder."
    )


# --- a folder without write permission, tried by an unprivileged process ------------------------


@pytest.fixture
def locked_folder() -> Iterator[Path]:
    """A folder anyone can enter and read but nobody except root can write."""
    base = Path(tempfile.mkdtemp(prefix="cspm-locked-"))
    base.chmod(0o755)
    folder = base / "Shared reports"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(base)


def _export_as_nobody(target: Path) -> str:
    """Try `atomic_output(target)` in a forked child that dropped root; the message it got.

    A fork, not a new interpreter: the unprivileged user cannot reach root's Python install,
    and the code under test is already loaded.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                with atomic_output(target) as temp:
                    temp.write_text("x")
                message = "written"
            except BadInputError as exc:
                message = str(exc)
            os.write(write, message.encode())
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return message


@pytest.mark.skipif(os.name != "posix", reason="POSIX folder permissions")
def test_folder_without_write_permission_says_so(locked_folder: Path) -> None:
    target = locked_folder / "report.xlsx"
    expected = (
        f"Cannot write report.xlsx: you do not have permission to write in the folder "
        f"{locked_folder}."
    )
    if os.geteuid() == 0:
        assert _export_as_nobody(target) == expected
    else:
        with pytest.raises(BadInputError) as error, atomic_output(target):
            pass
        assert str(error.value) == expected
    assert not target.exists()


# --- temp files left by a killed export -----------------------------------------------------------

_KILLED_MID_EXPORT = """
import sys, time
from pathlib import Path
from cspm.reports.safe_write import atomic_output
with atomic_output(Path(sys.argv[1])) as temp:
    temp.write_bytes(b"half a report" * 1000)
    print(temp, flush=True)
    time.sleep(600)
"""


def _killed_export(target: Path, cache: Path) -> Path:
    """Run an export in a child, kill -9 it mid-write; the temp file it leaves behind."""
    env = {**os.environ, "CSPM_CACHE_DIR": str(cache)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_EXPORT, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    temp = Path(child.stdout.readline().strip())
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert temp.exists() and temp.parent == target.parent
    return temp


def test_next_export_to_the_folder_removes_a_killed_exports_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    temp = _killed_export(target, tmp_path / "cache")
    assert leftovers(tmp_path) == [temp.name]
    with atomic_output(tmp_path / "other.csv") as fresh:
        fresh.write_text("ok")
        assert leftovers(tmp_path) == [fresh.name]  # ours, in progress, is kept
    assert leftovers(tmp_path) == []


def test_start_up_removes_a_killed_exports_temp_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CSPM_CACHE_DIR", str(cache))
    folder = tmp_path / "Desktop"
    folder.mkdir()
    temp = _killed_export(folder / "qbr.pdf", cache)
    keep = folder / ".~notes.txt.tmp"  # not ours: never touched
    keep.write_text("x")
    assert main(["--db", str(tmp_path / "t.sqlite3"), "accounts"]) == 0
    assert not temp.exists()
    assert keep.exists()
    assert sweep_leftover_exports() == 0  # nothing left to do


def test_a_running_exports_temp_is_not_swept(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    with atomic_output(target) as temp:
        temp.write_text("in progress")
        assert sweep_leftover_exports() == 0
        with atomic_output(tmp_path / "other.csv") as other:
            other.write_text("x")
        assert temp.exists()
