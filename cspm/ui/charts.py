"""matplotlib figures in Qt widgets (QtAgg backend; no QtCharts, no pyplot).

The figure builders live in `cspm.reports.charts` (shared with the QBR pack); this module only
embeds them, with a small fallback builder should that module be unavailable.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def account_trend_figure(history: pd.DataFrame) -> Any:
    """ARR and health of one account across its imports, as a matplotlib Figure."""
    try:
        from cspm.reports.charts import account_trend
    except ImportError:
        return _fallback_trend(history)
    return account_trend(history, size=(7.2, 2.2))


def _fallback_trend(history: pd.DataFrame) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 2.2), layout="constrained")
    ax_arr, ax_health = fig.subplots(1, 2)
    for ax, column, title in ((ax_arr, "arr", "ARR"), (ax_health, "health_score", "Health")):
        ax.set_title(title, loc="left", fontsize=9)
        ax.tick_params(labelsize=7)
        if column in history.columns and history[column].notna().any():
            ax.plot(pd.to_datetime(history["as_of"]), history[column], marker="o", markersize=3)
        else:
            ax.text(0.5, 0.5, "No history yet", ha="center", va="center", transform=ax.transAxes)
    return fig


def figure_widget(figure: Any, parent: QWidget | None = None, min_height: int = 200) -> QWidget:
    """A Qt canvas showing `figure` (or a note when matplotlib is not installed)."""
    try:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    except ImportError:
        return QLabel("Charts need matplotlib (pip install matplotlib).", parent)
    canvas = FigureCanvasQTAgg(figure)
    canvas.setParent(parent)
    canvas.setMinimumHeight(min_height)
    canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return canvas


def trend_widget(history: pd.DataFrame, parent: QWidget | None = None) -> QWidget:
    try:
        figure = account_trend_figure(history)
    except ImportError:
        return QLabel("Charts need matplotlib (pip install matplotlib).", parent)
    return figure_widget(figure, parent, min_height=210)
