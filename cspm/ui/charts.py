"""matplotlib figures in Qt widgets (QtAgg backend; no QtCharts, no pyplot).

The figure builders live in `cspm.reports.charts` (shared with the QBR pack); this module embeds
them in a `ChartCanvas`, which follows the window's palette (dark too) and fits its labels.
matplotlib is a hard dependency: there is no fallback to a "charts need matplotlib" note.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QWidget

from cspm.reports.charts import account_trend

from .chart_canvas import ChartCanvas


def account_trend_figure(history: pd.DataFrame) -> Figure:
    """ARR and health of one account across its imports, as a matplotlib Figure."""
    return account_trend(history, size=(7.2, 2.2))


def figure_widget(figure: Figure, parent: QWidget | None = None, min_height: int = 200) -> QWidget:
    """A canvas showing `figure` at a fixed height, as wide as its parent allows."""
    canvas = ChartCanvas(figure, parent, min_width=0, min_height=min_height)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return canvas


def trend_widget(history: pd.DataFrame, parent: QWidget | None = None) -> QWidget:
    return figure_widget(account_trend_figure(history), parent, min_height=210)
