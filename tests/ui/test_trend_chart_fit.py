"""The Trends view's charts in the window: a busy state while computing, labels that fit a
1000 px wide window, and the dark palette (real widgets on the demo portfolio)."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from cspm.reports.charts import account_trend
from cspm.ui.charts import trend_widget
from cspm.ui.trend_charts import BUSY_TEXT
from cspm.ui.trends_view import TrendsView
from tests.ui.palettes import dark_palette
from tests.ui.test_tasks_view import demo_ctx, demo_file  # noqa: F401  (shared fixtures)

# A 1000 px window: 150 px of navigation and the margins leave the view about 840 px.
VIEW_WIDTH_AT_1000 = 840


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def ready(view: TrendsView) -> bool:
    return view.table_frame is not None and view.changes_panel.ready


def open_trends(qtbot, ctx, width: int = VIEW_WIDTH_AT_1000, palette=None) -> TrendsView:
    view = TrendsView(ctx)
    qtbot.addWidget(view)
    if palette is not None:
        view.setPalette(palette)
    view.resize(width, 700)
    view.show()
    qtbot.waitUntil(lambda: ready(view), timeout=60_000)
    return view


def lightness(colour: object) -> float:
    r, g, b, _a = to_rgba(colour)  # type: ignore[arg-type]
    return QColor.fromRgbF(r, g, b).lightnessF()


def test_charts_say_computing_not_no_periods_while_loading(qtbot, demo_ctx) -> None:  # noqa: F811
    view = TrendsView(demo_ctx)  # the outcomes are being computed in a worker now
    qtbot.addWidget(view)
    for canvas in view.canvases():
        shown = texts(canvas.figure)
        assert BUSY_TEXT in shown and "No periods yet" not in shown
    qtbot.waitUntil(lambda: ready(view), timeout=60_000)
    assert all(BUSY_TEXT not in texts(c.figure) for c in view.canvases())
    view.period_combo.setCurrentIndex(view.period_combo.findData("month"))  # a new question
    assert all(BUSY_TEXT in texts(c.figure) for c in view.canvases())
    qtbot.waitUntil(lambda: BUSY_TEXT not in texts(view.arr_canvas.figure), timeout=60_000)


@pytest.mark.parametrize("period", ["quarter", "month"])
def test_labels_fit_side_by_side_at_1000_px(qtbot, demo_ctx, period) -> None:  # noqa: F811
    view = open_trends(qtbot, demo_ctx)
    if period != view.period():
        with qtbot.waitSignal(view.loaded, timeout=60_000):
            view.period_combo.setCurrentIndex(view.period_combo.findData(period))
    qtbot.waitUntil(lambda: all(c.isVisible() for c in view.canvases()))
    charts = view.arr_canvas.parentWidget()
    for canvas in view.canvases():
        assert canvas.geometry().right() <= charts.width(), "a chart is cut off"
        canvas.draw()
        renderer = canvas.get_renderer()
        for ax in canvas.figure.axes:
            shown = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in shown]
            for a, b in pairwise(boxes):
                assert a.x1 <= b.x0, f"x labels overlap in {ax.get_title(loc='left')!r}"
            if ax.get_xticklabels() and canvas is not view.retention_canvas:
                assert shown[-1].get_text() == str(view.table_frame["period"].iloc[-1])


def test_trends_charts_follow_a_dark_palette(qtbot, demo_ctx) -> None:  # noqa: F811
    view = open_trends(qtbot, demo_ctx, width=1200, palette=dark_palette())
    for canvas in view.canvases():
        canvas.draw()
        fig = canvas.figure
        assert lightness(fig.get_facecolor()) < 0.25, "the chart stayed white"
        title = fig.axes[0].title
        assert lightness(title.get_color()) > 0.7  # light ink on the dark card
    image = view.health_canvas.grab().toImage()
    corner = image.pixelColor(3, 3)
    assert corner.lightnessF() < 0.25  # the pixels too, not only the figure's settings


def test_light_palette_keeps_the_paper_colours(qtbot, demo_ctx) -> None:  # noqa: F811
    view = open_trends(qtbot, demo_ctx, width=1200)
    view.arr_canvas.draw()
    assert to_rgba(view.arr_canvas.figure.get_facecolor()) == to_rgba("white")


def test_account_trend_in_the_window_is_dark_on_a_dark_palette(qtbot) -> None:
    history = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2026-01-31", "2026-02-28", "2026-03-31"]),
            "arr": [1000.0, 1200.0, 1100.0],
            "health_score": [70.0, 64.0, 58.0],
        }
    )
    box = QWidget()  # as in the account detail: the chart inherits the dialog's palette
    qtbot.addWidget(box)
    box.setPalette(dark_palette())
    widget = trend_widget(history, box)
    widget.resize(700, 210)
    box.show()
    widget.draw()  # type: ignore[attr-defined]
    assert lightness(widget.figure.get_facecolor()) < 0.25  # type: ignore[attr-defined]
    # The QBR pack's figure (paper) stays white: only the window's copy is recoloured.
    assert to_rgba(account_trend(history).get_facecolor()) == to_rgba("white")
