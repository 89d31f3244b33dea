"""Worker jobs that give the main window another application context (database).

Plain functions, no Qt: `main_window` runs them with `busy.run` in a worker, and the new
`AppContext` comes back to the GUI thread, which then rebuilds its views on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cspm.service.context import AppContext
from cspm.service.demo import load_demo


def build_demo(today: Any, progress: Callable[[float, str], None], cancelled: Any) -> AppContext:
    """Build the demo portfolio (with progress) and open it."""
    summary = load_demo(today=today, progress=progress)
    progress(1.0, "Opening the demo portfolio")
    return AppContext.open(summary.url, today=today)


def open_context(url: str, today: Any) -> AppContext:
    """Open the database at `url`."""
    return AppContext.open(url, today=today)
