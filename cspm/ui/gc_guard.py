"""Python's cyclic garbage collector runs on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is crossed.
A worker building a 100,000-row frame allocates a lot, so the collector often ran there, and a
reference cycle holding a closed dialog or view (signal connections to lambdas make such
cycles) was then destroyed from the worker thread: Qt objects must die on their own thread, and
this crashed the process (a segmentation fault "Garbage-collecting" in a worker, seen in CI).

`GuiGarbageCollector` turns automatic collection off and runs the same generational collection
from a timer on the GUI thread instead, using the interpreter's own thresholds, so memory is
reclaimed as before and never from a worker. Reference counting (which frees almost all
objects) is not affected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiGarbageCollector(QObject):
    """Install once, on the GUI thread, with the application as parent; `stop()` undoes it."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds (as the automatic
        collector would have); returns the number of unreachable objects found."""
        counts = gc.get_count()
        found = 0
        if counts[0] > self._threshold[0]:
            generation = 0
            if counts[1] > self._threshold[1]:
                generation = 2 if counts[2] > self._threshold[2] else 1
            found = gc.collect(generation)
        return found

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
