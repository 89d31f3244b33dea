"""The Trends view's figures, built from the outcomes table (`cspm.service.outcomes.outcomes`).

Plain matplotlib `Figure`s in the style of `cspm.reports.charts` (no pyplot): ARR over time
stacked by group, GRR and NRR per group for the latest period, average health per group over
time. Every group keeps its colour across the charts; the "Portfolio" total row is left out of
the stack and drawn as a dashed line where a total makes sense.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from cspm.core.money import USD, MoneyFormat, compact_one
from cspm.reports.charts import (
    BAND_TINTS,
    FONT,
    GRID,
    INK,
    MONEY,
    MUTED,
    PALETTE,
    TITLE,
    new_figure,
    plottable,
    stacked_arr_over_time,
)

TOTAL = "Portfolio"
SIZE = (4.4, 2.7)
NRR_COLOUR = MONEY
GRR_COLOUR = "#9DBAD0"


def _style(ax: Axes, grid: Literal["both", "x", "y"] = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=MUTED, labelsize=FONT, length=0, pad=3)
    ax.grid(axis=grid, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=TITLE, color=INK, fontweight="bold", pad=6)


def _empty(fig: Figure, title: str, text: str) -> Figure:
    ax = fig.add_subplot()
    _title(ax, title)
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, fontsize=FONT,
            transform=ax.transAxes)  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


BUSY_TEXT = "Computing…"
TITLES = ("ARR over time", "GRR and NRR", "Average health")


def busy() -> tuple[Figure, Figure, Figure]:
    """The three charts' places while the outcomes are computed (not "No periods yet", which
    would say there is nothing to show before anything was looked at)."""
    return tuple(_empty(new_figure(SIZE), title, BUSY_TEXT) for title in TITLES)  # type: ignore[return-value]


def groups_of(table: pd.DataFrame) -> list[str]:
    """The groups in the table's order, without the Portfolio total."""
    return [g for g in dict.fromkeys(table["group"].astype(str)) if g != TOTAL]


def colours(groups: Sequence[str]) -> dict[str, str]:
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}


def _pivot(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """period x group values of one metric, periods in order."""
    periods = list(dict.fromkeys(table["period"].astype(str)))
    wide = table.pivot_table(index="period", columns="group", values=column, aggfunc="first",
                             dropna=False)  # fmt: skip
    return wide.reindex(periods)


def _thin_xticks(ax: Axes, labels: Sequence[str], most: int = 5) -> None:
    step = max(1, int(np.ceil(len(labels) / most)))
    x = np.arange(len(labels))
    keep = x[::-1][::step][::-1]  # always label the latest period
    ax.set_xticks(keep, [labels[i] for i in keep], fontsize=FONT, color=INK)


def _legend(ax: Axes, *, below: bool = False) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if below:  # one row under the chart, never over the title
        fig = ax.get_figure()
        assert fig is not None
        fig.legend(handles, labels, fontsize=FONT - 0.5, frameon=False,
                   loc="outside lower center", ncols=len(labels), handlelength=1.0,
                   columnspacing=1.2)  # fmt: skip
        return
    ax.legend(handles, labels, fontsize=FONT - 0.5, frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.02), handlelength=1.2, borderaxespad=0.2)  # fmt: skip


def arr_over_time(
    table: pd.DataFrame, label: str, *, overlapping: bool = False, money: MoneyFormat = USD
) -> Figure:
    """End-of-period ARR per group: stacked columns, or lines when groups overlap (segments)."""
    title = f"ARR by {label} over time"
    if table.empty:
        return _empty(new_figure(SIZE), title, "No periods yet")
    groups = groups_of(table)
    wide = _pivot(table, "end_arr")
    periods = list(wide.index)
    if not overlapping:
        series = {g: wide[g].fillna(0.0).tolist() for g in groups if g in wide}
        fig = stacked_arr_over_time(periods, series, title=title, size=SIZE, money=money)
        ax = fig.axes[0]
        _thin_xticks(ax, periods)
        return fig
    fig = new_figure(SIZE)
    ax = fig.add_subplot()
    _style(ax)
    _title(ax, f"{title} (segments overlap)")
    x = np.arange(len(periods))
    for g, colour in colours(groups).items():
        if g in wide:
            ax.plot(x, plottable(wide[g].to_numpy(float)), color=colour, linewidth=1.6, marker="o",
                    markersize=2.5, label=g)  # fmt: skip
    _thin_xticks(ax, periods, most=4)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: compact_one(v, money)))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.set_ylim(bottom=0)
    _legend(ax)
    return fig


def retention(table: pd.DataFrame, label: str) -> Figure:
    """GRR and NRR per group (and the Portfolio) in the latest period, as paired bars."""
    fig = new_figure(SIZE)
    if table.empty:
        return _empty(fig, f"GRR and NRR by {label}", "No periods yet")
    period = str(table["period"].iloc[-1])
    latest = table[table["period"].astype(str) == period]
    latest = pd.concat([latest[latest["group"] == TOTAL], latest[latest["group"] != TOTAL]])
    ax = fig.add_subplot()
    _style(ax, grid="x")
    _title(ax, f"GRR and NRR, {period}")
    names = latest["group"].astype(str).tolist()
    y = np.arange(len(names))
    grr = latest["grr"].to_numpy(float)
    nrr = latest["nrr"].to_numpy(float)
    h = 0.38
    ax.barh(y - h / 2, np.nan_to_num(grr), height=h, color=GRR_COLOUR, label="GRR")
    ax.barh(y + h / 2, np.nan_to_num(nrr), height=h, color=NRR_COLOUR, label="NRR")
    ax.axvline(1.0, color=INK, linewidth=0.8, linestyle=(0, (3, 2)))
    ax.set_yticks(y, names, fontsize=FONT, color=INK)
    for tick, name in zip(ax.get_yticklabels(), names, strict=True):
        if name == TOTAL:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    top = np.nanmax(np.concatenate([grr, nrr, [1.0]]))
    ax.set_xlim(0, max(1.1, float(top) * 1.12))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    for yi, value in zip(y + h / 2, nrr, strict=True):
        text = "no ARR at start" if not np.isfinite(value) else f"{value:.0%}"
        # Right of the bar and of the dashed 100% line, so the line never crosses the figure.
        x = 0.01 if not np.isfinite(value) else max(value, 1.0) + 0.01
        ax.text(x, yi, text, va="center", fontsize=FONT - 1, color=INK if np.isfinite(value)
                else MUTED)  # fmt: skip
    _legend(ax, below=True)
    return fig


def health_over_time(table: pd.DataFrame, label: str) -> Figure:
    """Average health per group per period; the Portfolio average dashed."""
    fig = new_figure(SIZE)
    title = f"Average health by {label}"
    if table.empty:
        return _empty(fig, title, "No periods yet")
    wide = _pivot(table, "avg_health")
    periods = list(wide.index)
    ax = fig.add_subplot()
    _style(ax)
    _title(ax, title)
    x = np.arange(len(periods))
    ax.axhspan(0, 50, color=BAND_TINTS["red"], linewidth=0)
    ax.axhspan(50, 75, color=BAND_TINTS["yellow"], linewidth=0)
    ax.axhspan(75, 100, color=BAND_TINTS["green"], linewidth=0)
    for g, colour in colours(groups_of(table)).items():
        if g in wide and wide[g].notna().any():
            ax.plot(x, plottable(wide[g].to_numpy(float)), color=colour, linewidth=1.5, marker="o",
                    markersize=2.5, label=g)  # fmt: skip
    if TOTAL in wide:
        ax.plot(x, wide[TOTAL].to_numpy(float), color=INK, linewidth=1.6,
                linestyle=(0, (4, 2)), label=TOTAL)  # fmt: skip
    values = wide.to_numpy(float)
    finite = values[np.isfinite(values)]
    low = max(0.0, float(finite.min()) - 8) if finite.size else 0.0
    high = min(103.0, float(finite.max()) + 8) if finite.size else 100.0
    ax.set_ylim(low, high)
    ax.set_xlim(-0.3, len(periods) - 0.7)
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    _thin_xticks(ax, periods)
    _legend(ax)
    return fig
