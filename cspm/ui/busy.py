"""Run a service call off the GUI thread and get its result (or error) back on the GUI thread.

    run(self, load_portfolio, ctx, on_done=self._show)

The call runs in a `Worker` on the global pool; a small relay object, a child of `owner`,
receives the worker's queued signals on the GUI thread and calls the callbacks. When the owner
is destroyed first, the relay goes with it and the callbacks are simply never called, so a
closed window is never touched by a late result.

Errors: a `CspmError` (bad file, locked database, bad rule) is shown with `show_error`, a
readable message box; anything else is a bug and goes to `sys.excepthook` (dialog + log file,
see cspm.ui.app). Pass `on_error` to handle errors yourself.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from cspm.core.errors import CspmError

from .worker import Worker, start


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
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        worker.signals.finished.connect(self._done)
        worker.signals.failed.connect(self._failed)
        worker.signals.progress.connect(self._progress)

    @Slot(object)
    def _done(self, result: Any) -> None:
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self._release()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                report_error(self.parent(), exc)
        finally:
            self._release()

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        if self._on_progress is not None:
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
) -> Worker:
    """Start fn(*args) (with progress/cancelled keywords when `with_progress`) in a worker."""
    worker = Worker(fn, *args, with_progress=with_progress)
    _Relay(owner, worker, on_done, on_error, on_progress)
    return start(worker)
