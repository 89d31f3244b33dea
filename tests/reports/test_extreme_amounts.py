"""Issue 12: no amount, however strange, breaks a report. Parse-time range checks make such
values missing on import, so these feed them to the writers directly: the workbook (cells,
totals, charts), the chart images and the QBR pack."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cspm.core.money import MoneyFormat
from cspm.reports import charts
from cspm.reports.qbr_pdf import write_qbr_pdf
from cspm.reports.sample import sample_qbr_account, sample_workbook_data
from cspm.reports.workbook import write_workbook

TODAY = dt.date(2026, 11, 23)
EXTREMES = [float("nan"), float("inf"), float("-inf"), 1e308, -1e308, -0.0, 1e17, 9.3e16, 5e-324]
amounts = st.one_of(st.sampled_from(EXTREMES), st.floats(allow_nan=True, allow_infinity=True))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(amounts, min_size=1, max_size=6))
def test_the_workbook_is_written_whatever_the_amounts(tmp_path: Path, values: list[float]) -> None:
    data = sample_workbook_data(12, TODAY, outcomes=False)
    data.money = MoneyFormat("EUR", "€", "symbol_after")
    rows = data.accounts.index[: len(values)]
    data.accounts.loc[rows, "arr"] = values
    data.accounts.loc[rows, "potential_arr"] = values[::-1]
    target = write_workbook(tmp_path / "report.xlsx", data)
    sheet = load_workbook(target)["Accounts"]
    assert sheet.max_row == 13


@settings(max_examples=12, deadline=None)
@given(values=st.lists(amounts, min_size=1, max_size=4))
def test_money_charts_draw_whatever_the_amounts(values: list[float]) -> None:
    tiers = [f"T{i}" for i in range(len(values))]
    assert charts.figure_png(charts.arr_by_tier(tiers, values))[:4] == b"\x89PNG"
    periods = [f"2026-Q{i + 1}" for i in range(len(values))]
    stacked = charts.stacked_arr_over_time(periods, {"A": values, "B": values[::-1]})
    assert charts.figure_png(stacked)[:4] == b"\x89PNG"
    history = pd.DataFrame(
        {
            "as_of": pd.date_range("2026-01-31", periods=len(values), freq="ME"),
            "arr": values,
            "health_score": np.full(len(values), 50.0),
        }
    )
    assert charts.figure_png(charts.account_trend(history))[:4] == b"\x89PNG"


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("arr", [1e308, float("inf"), -1e17, float("nan")])
def test_the_qbr_pack_is_written_whatever_the_arr(tmp_path: Path, arr: float) -> None:
    account = sample_qbr_account(TODAY)
    history = account.history.copy()
    history.loc[history.index[-1], "arr"] = arr
    account = replace(account, history=history)
    out = write_qbr_pdf(tmp_path / "qbr.pdf", [account], generated_on=TODAY)
    assert out.stat().st_size > 0
