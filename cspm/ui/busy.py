"""Run a service call off the GUI thread and get its result (or error) back on the GUI thread.

    run(self, load_portfolio, ctx, on_done=self._show)

A call that is given an application context (any argument that is an `AppContext`) runs on
that context's serial executor (cspm.service.serial_jobs): the window's database work runs one
job at a time, in the order asked. Other calls (reading a file, opening another database,
closing the old one) run on the global pool. Either way a small relay object, a child of
`owner`, receives the worker's queued signals on the GUI thread and calls the callbacks. When
the owner is destroyed first, the relay goes with it and the callbacks are simply never called,
so a closed window is never touched by a late result.

`supersede="tasks-load"`: a newer call from the same owner with the same key replaces this one:
not started yet, it is dropped; running, it is told to stop and its result is discarded. Loads
that follow a filter use it, so only the newest load is shown and none run side by side.

Errors: a `CspmError` (bad file, locked database, bad rule) is shown with `show_error`, a
readable message box; anything else is a bug and goes to `sys.excepthook` (dialog + log file,
see cspm.ui.app). Pass `on_error` to handle errors yourself.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from cspm.core.errors import CspmError
from cspm.service.context import AppContext
from cspm.service.serial_jobs import Job

from .worker import Worker, start

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, message: str, title: str = "cspm") -> QMessageBox:
    """A readable, non-blocking warning (window-modal via open(), never exec())."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title,
        message,
        QMessageBox.StandardButton.Ok,
        parent.window() if parent is not None else None,
    )
    box.setObjectName("cspm-error")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def report_error(owner: QObject | None, exc: BaseException) -> None:
    """The default error callback: CspmError -> message box, anything else -> excepthook."""
    if isinstance(exc, CspmError):
        show_error(owner if isinstance(owner, QWidget) else None, str(exc))
    else:
        sys.excepthook(type(exc), exc, exc.__traceback__)


class _Relay(QObject):
    def __init__(
        self,
        owner: QObject,
        worker: Worker,
        on_done: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[float, str], None] | None,
    ) -> None:
        super().__init__(owner)
        self.worker = worker
        self.job: Job | None = None
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        worker.signals.finished.connect(self._done)
        worker.signals.failed.connect(self._failed)
        worker.signals.progress.connect(self._progress)

    def _stale(self) -> bool:
        """A newer job with the same key replaced this one: its outcome is not shown."""
        if self.job is not None and self.job.superseded:
            self._release()
            return True
        return False

    @Slot(object)
    def _done(self, result: Any) -> None:
        if self._stale():
            return
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._release()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        if self._stale():
            return
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                report_error(self.parent(), exc)
        finally:
            self._release()

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        if self._on_progress is not None and not (self.job and self.job.superseded):
            self._on_progress(fraction, message)

    def _release(self) -> None:
        self._on_done = self._on_error = self._on_progress = None
        with contextlib.suppress(RuntimeError):  # the owner (and so this relay) already went
            self.deleteLater()  # the parent keeps it (and the worker) alive until then


def run(
    owner: QObject,
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[float, str], None] | None = None,
    with_progress: bool = False,
    supersede: str | None = None,
    context: AppContext | None = None,
) -> Worker:
    """Start fn(*args) (with progress/cancelled keywords when `with_progress`) in a worker:
    on the serial executor of `context` or of the context among `args`, else on the global
    pool. Pass `context` for work on the context's database that takes its URL instead."""
    worker = Worker(fn, *args, with_progress=with_progress)
    relay = _Relay(owner, worker, on_done, on_error, on_progress)
    ctx = context or next((a for a in args if isinstance(a, AppContext)), None)
    if ctx is None:
        return start(worker)
    key = None if supersede is None else f"{supersede}@{id(owner)}"
    try:
        relay.job = ctx.jobs.submit(worker.run, supersede=key, cancelled=worker.cancel_flag)
    except RuntimeError:  # the context was closed (another database is open): nothing to show
        log.info("Not running %s: its database is closed", getattr(fn, "__name__", fn))
        relay._release()
        return worker
    relay.job.on_dropped = relay._release
    return worker
