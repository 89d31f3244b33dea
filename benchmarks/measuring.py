"""What every row of `run_all.py` needs: whole processes timed with their own peak memory, the
machine and commit a table was measured on, and one figure's verdict against its target.

A user's path that is a command is timed as a fresh process (interpreter start-up and imports
included, as the user waits for them); its baseline runs the same way, so both pay the same
start-up. The peak memory is that process's own maximum resident set (GNU time's %M, else
`os.wait4`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import _here

PYTHON = sys.executable
GNU_TIME = Path("/usr/bin/time")


@dataclass
class Run:
    """One finished process: wall seconds, its own peak RSS in MB, exit code and output."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Run:
        """This run, or an error that says how the process failed."""
        if self.returncode != 0:
            tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"exit {self.returncode}: {' | '.join(tail)}")
        return self


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> Run:
    """Run `argv` to its end as a fresh process; the clock covers start-up to exit."""
    full_env = {**os.environ, "PYTHONPATH": str(_here.ROOT), **(env or {})}
    # The peak comes from GNU time where there is one: a process forked from this (possibly
    # large) one keeps this one's resident set in its own ru_maxrss, even after exec.
    report = Path(tempfile.mkstemp(prefix="cspm-peak-")[1])
    if GNU_TIME.exists():
        argv = [str(GNU_TIME), "-f", "%M", "-o", str(report), *argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=full_env, cwd=_here.ROOT)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_kb = float(usage.ru_maxrss)
        with contextlib.suppress(OSError, ValueError, IndexError):
            peak_kb = float(report.read_text().split()[-1])
        report.unlink(missing_ok=True)
        return Run(
            seconds,
            peak_kb / 1024,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def cspm(*args: str, env: dict[str, str] | None = None) -> Run:
    """`cspm ARGS` as the user runs it: the installed console script (with this checkout's
    cspm first on the path), else `python -m cspm`."""
    script = Path(PYTHON).with_name("cspm")
    entry = [str(script)] if script.exists() else ["-m", "cspm"]
    return run([PYTHON, *entry, *args], env=env)


def compile_bytecode() -> None:
    """Byte-compile the checkout's cspm once, as `pip install` does for a user: where
    PYTHONDONTWRITEBYTECODE is set (as on the project's machine) every measured process would
    otherwise compile about 160 of cspm's modules again, some 0.2 s a command no user pays."""
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(_here.ROOT / "cspm")],
        check=True,
        capture_output=True,
    )


def python(code: str) -> Run:
    """A bare baseline: `python -c CODE` in a fresh process."""
    return run([PYTHON, "-c", code])


@dataclass
class Figure:
    """One row of the table. `targets` holds (kind, limit) with kind "s" (seconds), "x" (ratio
    to the baseline) or "MB" (peak memory); `mismatch` says how the result and its baseline
    disagree (then the row FAILS and shows no ratio); `error` that it could not be measured."""

    what: str
    seconds: float | None = None
    baseline: float | None = None
    baseline_what: str = ""
    peak_mb: float | None = None
    targets: list[tuple[str, float]] = field(default_factory=list)
    mismatch: str | None = None
    error: str | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.mismatch or not self.seconds or not self.baseline:
            return None
        return self.seconds / self.baseline

    def verdicts(self) -> list[bool]:
        """One per target: met or not (a ratio target with no ratio is not met)."""
        out = []
        for kind, limit in self.targets:
            value = {"s": self.seconds, "x": self.ratio, "MB": self.peak_mb}[kind]
            out.append(value is not None and value < limit)
        return out

    @property
    def status(self) -> str:
        if self.error:
            return "FAILED"
        if self.mismatch:
            return "MISMATCH"
        if not self.targets:
            return "-"
        return "yes" if all(self.verdicts()) else "**MISSED**"

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "status": self.status}


def fastest(fn: Callable[[], object], runs: int = 5) -> float:
    """The best of `runs` in-process timings of `fn()` in seconds (for steps inside one
    process; whole commands are `run` and `best`)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def best(runs: list[Run]) -> Run:
    """The median run by wall time (the issue's figures are medians)."""
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def repeat(fn, target: float, most: int = 3) -> list[Run]:  # type: ignore[no-untyped-def]
    """`fn()` up to `most` times; once only when the first run is far past its target (a
    median of 20-second runs would not change the verdict, only the length of the run)."""
    first = fn().check()
    if first.seconds > 5 * target:
        return [first]
    return [first] + [fn().check() for _ in range(most - 1)]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=_here.ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "cspm") else ""
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    return f"{git('rev-parse', '--short', 'HEAD')} on {branch}{dirty}"


def machine() -> dict[str, object]:
    """Where and on what the table was measured (the load average is read again at the end)."""
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "ram_gb": round(_ram_gb(), 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "commit": _commit(),
        "load_start": os.getloadavg(),
    }
