"""Which views the main window offers, and what stands in for one that cannot be built.

Kept apart from `main_window` so adding, reordering or retiring a view is a one-line change to
`VIEWS` without reading the window's behaviour. Optional views (Tasks, Trends) appear only
while their module exists.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


@dataclass(frozen=True)
class ViewSpec:
    id: str
    title: str
    module: str  # under cspm.ui
    cls: str
    optional: bool = False  # left out (no navigation entry) while the module does not exist


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("portfolio", "Portfolio", "portfolio_view", "PortfolioView"),
    ViewSpec("segments", "Segments", "segments_view", "SegmentsView"),
    ViewSpec("tasks", "Tasks", "tasks_view", "TasksView", optional=True),
    ViewSpec("contacts", "Contacts", "contacts_view", "ContactsView"),
    ViewSpec("trends", "Trends", "trends_view", "TrendsView", optional=True),
    ViewSpec("forecast", "Forecast", "forecast_view", "ForecastView"),
    ViewSpec("insights", "Insights", "insights_view", "InsightsView"),
    ViewSpec("imports", "Imports", "imports_view", "ImportsView"),
    ViewSpec("settings", "Settings", "settings_view", "SettingsView"),
)


def module_exists(name: str) -> bool:
    """Whether `cspm.ui.<name>` can be found (without importing it)."""
    try:
        return importlib.util.find_spec(f"cspm.ui.{name}") is not None
    except ImportError:
        return False


class Placeholder(QLabel):
    """Stands in for a view that could not be built, so the window still works."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)

    def refresh(self) -> None:
        return None
