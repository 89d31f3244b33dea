"""Chart builders: plain matplotlib Figures (no pyplot state), PNG bytes out."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cspm.core.money import MoneyFormat, compact_one
from cspm.reports import charts
from cspm.reports.sample import sample_qbr_account

PNG = b"\x89PNG\r\n\x1a\n"


def test_builders_return_figures_that_render() -> None:
    history = sample_qbr_account(dt.date(2026, 11, 23)).history
    figures = [
        charts.arr_by_tier(["Enterprise", "Mid-Market", "SMB"], [1.2e6, 4e5, -1e3]),
        charts.accounts_by_stage(["Onboarding", "Adoption"], [3, 12]),
        charts.health_distribution(pd.Series([10, 55, 80, None, 99.5])),
        charts.account_trend(history),
        charts.stacked_arr_over_time(["2026-Q1", "2026-Q2"], {"A": [1, 2], "B": [3, np.nan]}),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        png = charts.figure_png(fig, dpi=60)
        assert png.startswith(PNG) and len(png) > 1000


def test_empty_inputs_still_draw() -> None:
    for fig in (
        charts.arr_by_tier([], []),
        charts.accounts_by_stage(["Trial"], [0]),
        charts.health_distribution([None, None]),
        charts.account_trend(pd.DataFrame()),
        charts.account_trend(
            pd.DataFrame({"as_of": pd.to_datetime(["2026-01-31"]), "arr": [np.nan]})
        ),
        charts.stacked_arr_over_time([], {}),
    ):
        assert charts.figure_png(fig, dpi=40).startswith(PNG)


def test_no_pyplot_global_state() -> None:
    charts.figure_png(charts.arr_by_tier(["SMB"], [1.0]), dpi=40)
    if "matplotlib.pyplot" in sys.modules:  # another test may have imported it
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []


def test_png_size_follows_dpi() -> None:
    fig = charts.arr_by_tier(["SMB"], [1.0], size=(4.0, 2.0))
    small, large = charts.figure_png(fig, dpi=50), charts.figure_png(fig, dpi=100)
    assert len(large) > len(small)


def test_chart_money_is_the_apps_one_compact_form_in_the_portfolio_currency() -> None:
    """Bar labels and axis ticks come from cspm.core.money.compact_one with the portfolio's
    format: a euro portfolio reads "1,3 M €" on its charts as in the window and the CLI."""
    euro = MoneyFormat("EUR", "€", "symbol_after", "1.234,56")
    fig = charts.arr_by_tier(["Enterprise", "SMB"], [1_300_000, 12_400], money=euro)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert labels == [compact_one(1_300_000, euro), compact_one(12_400, euro)]
    assert labels == ["1,3M €", "12,4K €"]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(t.endswith(" €") for t in ticks)
