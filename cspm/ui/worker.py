"""Background work for the window: a QRunnable on the global pool, results back by signals.

The worker calls a plain function; its result or error comes back to the GUI thread through
queued signals, so no widget is ever touched from a worker thread. Long functions receive
`progress(fraction, message)` and `cancelled()` callables, per the architecture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class WorkerSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)


class Worker(QRunnable):
    """Runs fn(*args, progress=..., cancelled=...) when `with_progress`, else fn(*args)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False) -> None:
        super().__init__()
        self.fn, self.args, self.with_progress = fn, args, with_progress
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_flag(self) -> threading.Event:
        """The flag `cancelled()` reads (set by `cancel` or by a superseding job)."""
        return self._cancel

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(
                    *self.args,
                    progress=lambda f, m: self.signals.progress.emit(float(f), str(m)),
                    cancelled=self._cancel.is_set,
                )
            else:
                result = self.fn(*self.args)
        except BaseException as exc:  # reported to the GUI thread, shown in a dialog there
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
