"""The `cspm` process as a user runs it (`python -m cspm`, what the console script runs): it
leaves without the interpreter's teardown once its answer is out (`cli.run`), so the answer
must be whole, through a pipe, and the exit code the command's own."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from cspm.service.context import AppContext
from cspm.service.portfolio import list_accounts
from tests.conftest import TODAY
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _cspm(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPM_CACHE_DIR": str(cache)}
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as a user's terminal session is
    return subprocess.run(
        [sys.executable, "-m", "cspm", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_the_whole_answer_arrives_through_a_pipe(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    url = demo.db.url
    expected = list(list_accounts(demo)["external_id"])
    demo.close()
    done = _cspm("--db", url, "--today", TODAY.isoformat(), "accounts", "--format", "csv",
                 cache=tmp_path / "cache")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["external_id"] for r in rows] == expected
    assert done.stdout.endswith("\n") and done.stderr == ""


def test_a_short_answer_is_not_left_in_the_buffer(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    """A few lines sit in the output buffer until flushed: they must still arrive."""
    url = demo.db.url
    frame = list_accounts(demo, tier="Enterprise")
    demo.close()
    done = _cspm("--db", url, "--today", TODAY.isoformat(), "accounts", "--tier", "Enterprise",
                 cache=tmp_path / "cache")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert 0 < len(done.stdout) < 8192  # smaller than the buffer
    assert done.stdout.rstrip().endswith(f"({len(frame)} rows)")


def test_bad_input_still_exits_2_with_its_sentence(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    url = demo.db.url
    demo.close()
    done = _cspm("--db", url, "accounts", "--tier", "Platinum", cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.startswith("cspm: Unknown tier 'Platinum'") and done.stdout == ""


def test_a_reader_that_leaves_early_is_no_error(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    """`cspm accounts --format json | head -1`: the reader closes the pipe after a line. The
    command ends quietly with the shell's broken-pipe status, not "internal error"."""
    url = demo.db.url
    demo.close()
    env = {**os.environ, "CSPM_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONUNBUFFERED", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspm", "--db", url, "--today", TODAY.isoformat(),
         "accounts", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"[\n"
    proc.stdout.close()  # the reader leaves; the rest (over 64 KB) meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""
