"""Chart builders: plain matplotlib Figures (no pyplot state), PNG bytes out."""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

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


@pytest.mark.parametrize(
    ("value", "text"),
    [(950, "$950"), (1500, "$1.5K"), (12_400, "$12.4K"), (1_300_000, "$1.3M"), (2_000_000, "$2M"),
     (-25_000, "-$25K"), (float("nan"), ""), (float("inf"), ""), (1e308, "$1.0e+308")],
)  # fmt: skip
def test_money_label(value: float, text: str) -> None:
    assert charts.money_label(value) == text
