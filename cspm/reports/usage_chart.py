"""One account's product usage over the last months: events per week (or per day), as a line
with a point per period, for the account detail (and any report that wants it).

A period with no usage is a point at zero (a customer who went quiet shows a drop, not a
gap); the period still running (this week) is drawn hollow after a dashed segment, so a
half-week never reads as a fall in use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .charts import COUNT, _date_axis, _empty, _style, _title, new_figure

USAGE_LINE = "usage-events"
"""gid of the line of finished periods (the running one is `USAGE_LINE + "-partial"`)."""


def _count(value: float, _pos: object = None) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f}K".replace(".0K", "K")
    return f"{value:.0f}"


def usage_chart(
    usage: pd.DataFrame, period: str = "week", *, size: tuple[float, float] = (7.2, 2.2)
) -> Figure:
    """Events per period. `usage` has `period` (period start), `events` and `partial` (the
    last period is still running), as `core.related.account_view.usage_series` returns."""
    fig = new_figure(size)
    ax = fig.add_subplot()
    _style(ax)
    per = "day" if period == "day" else "week"
    _title(ax, f"Usage events per {per}")
    if usage is None or usage.empty:
        _empty(ax, "No usage in this period")
        return fig
    when = pd.to_datetime(usage["period"]).to_numpy()
    events = usage["events"].to_numpy(dtype=float)
    partial = (
        usage["partial"].to_numpy(dtype=bool)
        if "partial" in usage
        else np.zeros(len(usage), dtype=bool)
    )
    done = ~partial
    ax.plot(when[done], events[done], color=COUNT, linewidth=1.8, marker="o", markersize=3.5,
            gid=USAGE_LINE)  # fmt: skip
    ax.fill_between(when[done], events[done], color=COUNT, alpha=0.10, linewidth=0)
    if partial.any() and done.any():
        last_done = np.flatnonzero(done)[-1]
        i = np.flatnonzero(partial)[-1]
        ax.plot([when[last_done], when[i]], [events[last_done], events[i]], color=COUNT,
                linewidth=1.2, linestyle="--")  # fmt: skip
    if partial.any():
        (dot,) = ax.plot(when[partial], events[partial], linestyle="none", marker="o",
                         markersize=4.5, gid=f"{USAGE_LINE}-partial")  # fmt: skip
        dot.set_markerfacecolor("none")  # hollow: the period is not over
        dot.set_markeredgecolor(COUNT)
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_count))
    ax.set_ylim(0, max(float(np.nanmax(events)) * 1.18, 1.0))
    _date_axis(ax)
    return fig
