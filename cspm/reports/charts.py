"""Chart builders shared by the window and the QBR PDF: plain matplotlib `Figure`s.

No pyplot and no global rcParams: every figure is built with `matplotlib.figure.Figure` and an
Agg canvas, so charts can be drawn from a worker thread and never leak state into each other.
The window embeds a figure in a Qt canvas; the PDF embeds `figure_png(fig)`.
Colours are calm and consistent: one blue for money, muted band colours for health.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Literal

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cspm.core.money import USD, MoneyFormat, compact_one

# the colours live in `palette` (no matplotlib); named here too for the charts' users
from .palette import BAND_COLOURS, BAND_TINTS, COUNT, GRID, INK, MONEY, MUTED, PALETTE

FONT = 8.0
TITLE = 9.5


PLOT_LIMIT = 1e15
"""Amounts are drawn clipped to +-this (labels still quote the true amount): matplotlib's
layout overflows to inf near 1e308, and no real portfolio comes near."""


def plottable(values: object, *, missing: float = np.nan) -> np.ndarray:
    """Amounts safe to draw: finite and within +-PLOT_LIMIT; NaN/inf become `missing`."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), np.clip(v, -PLOT_LIMIT, PLOT_LIMIT), missing)


def _money_axis(money: MoneyFormat) -> FuncFormatter:
    """Axis ticks in the app's one compact form ($950, $12.4K, $1.3M; cspm.core.money)."""
    return FuncFormatter(lambda v, _pos: compact_one(v, money))


def new_figure(size: tuple[float, float]) -> Figure:
    """An empty figure with an Agg canvas and constrained layout (no pyplot)."""
    fig = Figure(figsize=size, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _style(ax: Axes, *, grid_axis: Literal["x", "y", "both"] = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=MUTED, labelsize=FONT, length=0, pad=3)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=TITLE, color=INK, fontweight="bold", pad=6)


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, fontsize=FONT,
            transform=ax.transAxes)  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def _hbars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    colour: str,
    money: bool,
    size: tuple[float, float],
    fmt: MoneyFormat = USD,
) -> Figure:
    fig = new_figure(size)
    ax = fig.add_subplot()
    _style(ax, grid_axis="x")
    _title(ax, title)
    labels_of = np.asarray(values, dtype=float)
    vals = plottable(labels_of, missing=0.0)
    if len(vals) == 0 or not np.any(vals):
        _empty(ax, "No accounts")
        return fig
    y = np.arange(len(vals))
    ax.barh(y, vals, color=colour, height=0.62)
    ax.set_yticks(y, [str(s) for s in labels], fontsize=FONT, color=INK)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(4))
    if money:
        ax.xaxis.set_major_formatter(_money_axis(fmt))
    # The axis spans every bar, negative ones (credits) included, so labels stay on the page.
    low, high = min(0.0, float(vals.min())), max(0.0, float(vals.max()))
    span = (high - low) or 1.0
    ax.set_xlim(low - (span * 0.02 if low < 0 else 0.0), high + span * 0.18)
    for yi, v, shown in zip(y, vals, labels_of, strict=True):
        text = compact_one(shown, fmt) if money else f"{np.nan_to_num(shown):,.0f}"
        x = max(float(v), 0.0) + span * 0.015
        ax.text(x, float(yi), text, va="center", fontsize=FONT, color=INK)
    return fig


def arr_by_tier(
    tiers: Sequence[str],
    arr: Sequence[float],
    *,
    size: tuple[float, float] = (4.2, 2.6),
    money: MoneyFormat = USD,
) -> Figure:
    """Horizontal bars of ARR per tier, in the given tier order."""
    return _hbars(tiers, arr, title="ARR by tier", colour=MONEY, money=True, size=size, fmt=money)


def accounts_by_stage(
    stages: Sequence[str], counts: Sequence[float], *, size: tuple[float, float] = (4.2, 2.6)
) -> Figure:
    """Horizontal bars of account counts per lifecycle stage, in lifecycle order."""
    return _hbars(
        stages, counts, title="Accounts by lifecycle stage", colour=COUNT, money=False, size=size
    )


def health_distribution(
    scores: Sequence[float | None] | pd.Series,
    *,
    red_below: float = 50,
    green_from: float = 75,
    size: tuple[float, float] = (4.2, 2.6),
) -> Figure:
    """Histogram of health scores in 10-point bins, each bar coloured by its health band."""
    fig = new_figure(size)
    ax = fig.add_subplot()
    _style(ax)
    values = pd.to_numeric(pd.Series(scores, dtype=object), errors="coerce").to_numpy(float)
    scored = values[np.isfinite(values)]
    missing = int(len(values) - len(scored))
    _title(ax, "Health distribution")
    if len(scored) == 0:
        _empty(ax, "No health scores")
        return fig
    edges = np.arange(0, 101, 10)
    counts, _ = np.histogram(np.clip(scored, 0, 100), bins=edges)
    mids = edges[:-1] + 5
    colours = [
        BAND_COLOURS["red"]
        if m < red_below
        else BAND_COLOURS["green"]
        if m >= green_from
        else BAND_COLOURS["yellow"]
        for m in mids
    ]
    ax.bar(mids, counts, width=8.6, color=colours)
    ax.set_xlim(0, 100)
    ax.set_xticks(edges[::2])
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax.set_xlabel("Health score", fontsize=FONT, color=MUTED)
    if missing:
        ax.text(1.0, 1.02, f"{missing:,} without a score", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=FONT - 0.5, color=MUTED)  # fmt: skip
    return fig


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def account_trend(
    history: pd.DataFrame,
    *,
    red_below: float = 50,
    green_from: float = 75,
    size: tuple[float, float] = (7.2, 2.3),
    money: MoneyFormat = USD,
) -> Figure:
    """ARR and health score of one account across its imports, side by side.

    `history` has `as_of` and any of `arr`, `health_score`; one row per snapshot.
    """
    fig = new_figure(size)
    ax_arr, ax_health = fig.subplots(1, 2)
    for ax in (ax_arr, ax_health):
        _style(ax)
    _title(ax_arr, "ARR across imports")
    _title(ax_health, "Health across imports")
    frame = history.copy() if history is not None else pd.DataFrame()
    if "as_of" not in frame.columns or frame.empty:
        _empty(ax_arr, "No history yet")
        _empty(ax_health, "No history yet")
        return fig
    when = pd.to_datetime(frame["as_of"]).to_numpy()

    arr = (
        pd.Series(plottable(pd.to_numeric(frame["arr"], errors="coerce")), index=frame.index)
        if "arr" in frame
        else None
    )
    if arr is None or arr.notna().sum() == 0:
        _empty(ax_arr, "No ARR recorded")
    else:
        ok = arr.notna().to_numpy()
        ax_arr.plot(when[ok], arr[ok], color=MONEY, linewidth=1.8, marker="o", markersize=3)
        ax_arr.fill_between(when[ok], arr[ok], color=MONEY, alpha=0.08, linewidth=0)
        ax_arr.yaxis.set_major_formatter(_money_axis(money))
        ax_arr.yaxis.set_major_locator(MaxNLocator(4))
        low = min(0.0, float(arr.min()))
        ax_arr.set_ylim(low, float(arr.max()) * 1.15 or 1.0)
        last = float(arr[ok].iloc[-1])
        ax_arr.annotate(compact_one(last, money), (when[ok][-1], arr[ok].iloc[-1]),
                        xytext=(0, 6), textcoords="offset points", ha="right",
                        fontsize=FONT, color=INK)  # fmt: skip
        _date_axis(ax_arr)

    health = (
        pd.to_numeric(frame.get("health_score"), errors="coerce")
        if "health_score" in frame
        else None
    )
    ax_health.set_ylim(0, 100)
    ax_health.axhspan(0, red_below, color=BAND_TINTS["red"], linewidth=0)
    ax_health.axhspan(red_below, green_from, color=BAND_TINTS["yellow"], linewidth=0)
    ax_health.axhspan(green_from, 100, color=BAND_TINTS["green"], linewidth=0)
    ax_health.set_yticks([0, red_below, green_from, 100])
    if health is None or health.notna().sum() == 0:
        ax_health.text(0.5, 0.5, "No health scores", ha="center", va="center",
                       transform=ax_health.transAxes, fontsize=FONT, color=MUTED)  # fmt: skip
        ax_health.set_xticks([])
    else:
        ok = health.notna().to_numpy()
        ax_health.plot(when[ok], health[ok], color=INK, linewidth=1.8, marker="o", markersize=3)
        ax_health.annotate(f"{float(health[ok].iloc[-1]):.0f}", (when[ok][-1], health[ok].iloc[-1]),
                           xytext=(0, 6), textcoords="offset points", ha="right",
                           fontsize=FONT, color=INK)  # fmt: skip
        _date_axis(ax_health)
    return fig


def _line(ax: Axes, frame: pd.DataFrame, column: str, colour: str, label: str) -> bool:
    """Plot `column` against `as_of` with its last value written at the end; False if empty."""
    if column not in frame.columns:
        return False
    values = pd.to_numeric(frame[column], errors="coerce")
    ok = values.notna().to_numpy()
    if not ok.any():
        return False
    when = pd.to_datetime(frame["as_of"]).to_numpy()[ok]
    vals = plottable(values[ok])
    ax.plot(when, vals, color=colour, linewidth=1.8, marker="o", markersize=3, label=label)
    ax.annotate(f"{vals[-1]:,.0f}", (when[-1], vals[-1]), xytext=(0, 6),
                textcoords="offset points", ha="right", fontsize=FONT, color=INK)  # fmt: skip
    return True


def usage_trend(history: pd.DataFrame, *, size: tuple[float, float] = (7.2, 2.3)) -> Figure:
    """The customer's usage across the year: monthly active users, and seats in use against
    seats purchased, side by side (no money, no health score: words say that)."""
    fig = new_figure(size)
    ax_users, ax_seats = fig.subplots(1, 2)
    for ax in (ax_users, ax_seats):
        _style(ax)
    _title(ax_users, "Monthly active users")
    _title(ax_seats, "Seats in use")
    frame = history.copy() if history is not None else pd.DataFrame()
    if "as_of" not in frame.columns or frame.empty:
        _empty(ax_users, "No history yet")
        _empty(ax_seats, "No history yet")
        return fig
    for ax, drawn in (
        (ax_users, _line(ax_users, frame, "mau", MONEY, "Active users")),
        (ax_seats, _line(ax_seats, frame, "seats_active", COUNT, "In use")),
    ):
        if drawn:
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_locator(MaxNLocator(4, integer=True))
            _date_axis(ax)
        else:
            _empty(ax, "Not recorded")
    if (
        "seats_purchased" in frame.columns
        and pd.to_numeric(frame["seats_purchased"], errors="coerce").notna().any()
    ):
        bought = pd.to_numeric(frame["seats_purchased"], errors="coerce")
        ok = bought.notna().to_numpy()
        when = pd.to_datetime(frame["as_of"]).to_numpy()[ok]
        ax_seats.step(when, plottable(bought[ok]), where="post", color=MUTED, linewidth=1.2,
                      linestyle="--", label="Purchased")  # fmt: skip
        ax_seats.set_ylim(bottom=0, top=float(bought.max()) * 1.15 or 1.0)
        ax_seats.legend(fontsize=FONT - 0.5, frameon=False, loc="lower left")
    return fig


def stacked_arr_over_time(
    periods: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "ARR by tier over time",
    size: tuple[float, float] = (5.6, 2.8),
    money: MoneyFormat = USD,
) -> Figure:
    """Stacked columns: one column per period, one stack segment per series (e.g. per tier)."""
    fig = new_figure(size)
    ax = fig.add_subplot()
    _style(ax)
    _title(ax, title)
    if not periods or not series:
        _empty(ax, "No data")
        return fig
    x = np.arange(len(periods))
    bottom = np.zeros(len(periods))
    for i, (name, values) in enumerate(series.items()):
        vals = plottable(values, missing=0.0)
        ax.bar(x, vals, bottom=bottom, width=0.6, label=str(name),
               color=PALETTE[i % len(PALETTE)], edgecolor="white", linewidth=0.6)  # fmt: skip
        bottom = bottom + vals
    ax.set_xticks(x, [str(p) for p in periods], fontsize=FONT, color=INK)
    ax.yaxis.set_major_formatter(_money_axis(money))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    handles, labels = ax.get_legend_handles_labels()  # legend top-down like the stack
    ax.legend(handles[::-1], labels[::-1], fontsize=FONT - 0.5, frameon=False,
              loc="upper left", bbox_to_anchor=(1.0, 1.0))  # fmt: skip
    return fig


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (white background)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
