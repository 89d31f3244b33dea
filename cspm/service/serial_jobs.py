"""One writer per context: the window's database work runs on one thread, one job at a time.

Two Tasks-view loads at once on a new day used to regenerate the tasks twice in parallel (434
open tasks, 128 duplicates, where one load made 306). The database now forbids the duplicate,
but parallel loads of one window still did the work twice and raced on the context's cache, so
the window submits every job that touches its context here (Anki's task manager and Picard's
save pool do the same): jobs run in submission order on a single thread, never two at once.

A job submitted with a `supersede` key replaces the older job with that key: one not yet
started is dropped, one already running is told to stop (its `cancelled` flag) and marked
superseded, so whoever delivers results discards its result. A new filter in the Tasks view
thus never starts a load beside the previous one, and only the newest load is shown.

Plain Python (concurrent.futures), no Qt: the UI adapts it in cspm.ui.busy. Never wait for a
job from inside another job of the same executor (it would wait for itself): jobs are plain
service calls that submit nothing.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from typing import Any

_LIVE: weakref.WeakSet[SerialExecutor] = weakref.WeakSet()


@dataclass(eq=False)
class Job:
    """One submitted call. `superseded`: a newer job with the same key replaced it, so its
    result (or error) is stale; `cancelled` is the flag long work may poll to stop early."""

    key: str | None
    future: Future[Any] | None = None
    superseded: bool = False
    cancelled: threading.Event = field(default_factory=threading.Event)
    on_dropped: Callable[[], None] | None = None
    """Called (on the submitting thread) when the job is dropped before it started."""


class SerialExecutor:
    """A single worker thread, started on first use, shut down by `shutdown` (the context's
    close). Submissions come from one thread (the GUI's); the worker only runs them."""

    def __init__(self, name: str = "cspm-db") -> None:
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._latest: dict[str, Job] = {}
        self._pending: set[Future[Any]] = set()
        self._thread_ids: set[int] = set()
        self._closed = False
        _LIVE.add(self)

    def submit(
        self,
        fn: Callable[[], Any],
        *,
        supersede: str | None = None,
        cancelled: threading.Event | None = None,
    ) -> Job:
        """Queue fn() behind the jobs already submitted; see the module docstring for
        `supersede`. `cancelled`: the flag fn polls, set when the job is superseded.
        Raises RuntimeError after `shutdown`."""
        job = Job(supersede, cancelled=cancelled or threading.Event())
        with self._lock:
            if self._closed:
                raise RuntimeError("this database has been closed")
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, self._name, initializer=self._note_thread)
            older = self._latest.get(supersede) if supersede is not None else None
            if supersede is not None:
                self._latest[supersede] = job
            job.future = self._pool.submit(self._run, job, fn)
            self._pending.add(job.future)
            job.future.add_done_callback(self._forget)
        if older is not None:
            older.superseded = True
            older.cancelled.set()
            if older.future is not None and older.future.cancel() and older.on_dropped:
                older.on_dropped()
        return job

    def _note_thread(self) -> None:
        self._thread_ids.add(threading.get_ident())

    def _run(self, job: Job, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        finally:
            with self._lock:
                if job.key is not None and self._latest.get(job.key) is job:
                    del self._latest[job.key]

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def on_worker_thread(self) -> bool:
        """Whether the caller is this executor's own thread (which must never wait for it)."""
        return threading.get_ident() in self._thread_ids

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has finished; False on timeout. A no-op on
        the worker thread itself, which would otherwise wait for its own job."""
        if self.on_worker_thread():
            return False
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        _done, not_done = wait_futures(pending, timeout)
        return not not_done

    def shutdown(self) -> None:
        """Run the jobs already queued, then stop the thread; later submissions are refused.
        Called on the worker thread itself, it stops without waiting (no self-deadlock)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=not self.on_worker_thread())


def drain_all(timeout: float | None = None) -> bool:
    """Wait for the jobs of every live executor (tests: no job outlives its database)."""
    return all(executor.drain(timeout) for executor in list(_LIVE))
