"""The first outcomes after a monthly import analyse one new state, and give the same figures.

Outcomes analyse the portfolio as of every period boundary. After an import of a newer month,
the states as of earlier days are unchanged (they come from the imports dated up to those
days), and the state as of the newest day is the stored accounts' own state: so the first
outcomes after the import adopt the earlier states from the disk copy made before it and
analyse only the newest day, from the stored accounts. Checked on a Salesforce-shaped monthly
portfolio (accounts churning, moving tiers, renewals moving, one back-filled month, one undone
import): the figures equal those computed from the snapshots with no copy at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cspm.service import outcome_states
from cspm.service import outcomes as outcomes_module
from cspm.service.context import AppContext
from cspm.service.frame_cache import cache_dir
from cspm.service.import_undo import undo_latest_import
from cspm.service.imports import ImportOptions, import_file
from cspm.service.outcome_states import COLUMNS
from cspm.service.outcomes import outcomes
from tests.files import write_csv

TODAY = dt.date(2026, 11, 30)
MONTHS = [dt.date(2026, 5, 31), dt.date(2026, 6, 30), dt.date(2026, 7, 31), dt.date(2026, 8, 31)]
HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date", "Health Score",
          "Contract Start Date", "Status"]  # fmt: skip
N = 48


def _rows(month: int) -> list[list[Any]]:
    rows = []
    for i in range(N + 2 * month):  # a few new logos every month
        arr = 9_000 + (i * 6_151 + month * 17_000 * (i % 5 == 0)) % 180_000
        renewal = dt.date(2026, 1, 15) + dt.timedelta(days=(i * 41 + month * 30) % 500)
        status = "Churned" if (i % 11 == 0 and month >= i % 4) else "Active"
        rows.append([f"001Hs00004M{i:05d}", f"Contoso {i} Ltd", ["Ana", "Ben", "Chloe"][i % 3],
                     f"${arr:,.2f}", renewal.strftime("%m/%d/%Y"), (i * 7 + month * 9) % 100,
                     "03/01/2024", status])  # fmt: skip
    return rows


def _import(ctx: AppContext, tmp: Path, month: int, as_of: dt.date) -> None:
    path = write_csv(tmp / f"accounts-{as_of}.csv", [HEADER, *_rows(month)])
    assert import_file(ctx, path, ImportOptions(as_of=as_of)).status == "imported"


def _analysed(caplog: Any) -> list[str]:
    return [r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records if "analysing" in r.msg]


@pytest.fixture
def monthly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(outcome_states, "MIN_ACCOUNTS", 1)  # disk copies at any size
    url = str(tmp_path / "monthly.sqlite3")
    ctx = AppContext.open(url, today=TODAY)
    try:
        for month, as_of in enumerate(MONTHS[:3]):
            _import(ctx, tmp_path, month, as_of)
    finally:
        ctx.close()
    return url


def _outcomes(url: str, caplog: Any) -> tuple[pd.DataFrame, list[str]]:
    ctx = AppContext.open(url, today=TODAY)
    try:
        with caplog.at_level(logging.INFO, logger="cspm.service.outcomes"):
            caplog.clear()
            table = outcomes(ctx, by="tier", period="month")
        return table, _analysed(caplog)
    finally:
        ctx.close()


def _fresh(url: str, caplog: Any) -> pd.DataFrame:
    shutil.rmtree(cache_dir(), ignore_errors=True)
    return _outcomes(url, caplog)[0]


def test_after_a_new_month_only_the_newest_state_is_analysed_and_figures_equal_fresh(
    monthly: str, tmp_path: Path, caplog: Any
) -> None:
    before, analysed = _outcomes(monthly, caplog)
    assert len(analysed) == 3 and len(before) > 0
    ctx = AppContext.open(monthly, today=TODAY)
    try:
        _import(ctx, tmp_path, 3, MONTHS[3])
    finally:
        ctx.close()
    after, analysed = _outcomes(monthly, caplog)
    # the earlier months came from the copy; the new month's end from the stored accounts
    assert analysed == [str(MONTHS[3])]
    pd.testing.assert_frame_equal(after, _fresh(monthly, caplog))
    assert len(after) > len(before)


def test_a_back_filled_month_and_an_undo_recompute_what_they_change(
    monthly: str, tmp_path: Path, caplog: Any
) -> None:
    _outcomes(monthly, caplog)
    ctx = AppContext.open(monthly, today=TODAY)
    try:
        _import(ctx, tmp_path, 7, dt.date(2026, 6, 15))  # a mid-June export found late
    finally:
        ctx.close()
    after, analysed = _outcomes(monthly, caplog)
    assert str(MONTHS[0]) not in analysed and str(MONTHS[1]) in analysed
    pd.testing.assert_frame_equal(after, _fresh(monthly, caplog))

    _outcomes(monthly, caplog)
    ctx = AppContext.open(monthly, today=TODAY)
    try:
        undo_latest_import(ctx)
    finally:
        ctx.close()
    undone, _ = _outcomes(monthly, caplog)
    pd.testing.assert_frame_equal(undone, _fresh(monthly, caplog))


def test_the_newest_state_from_the_stored_accounts_is_the_state_derived_from_snapshots(
    monthly: str, tmp_path: Path
) -> None:
    ctx = AppContext.open(monthly, today=TODAY)
    try:
        _import(ctx, tmp_path, 5, dt.date(2026, 6, 20))  # out of order: state re-derived
        h = outcomes_module._load(ctx)
        rules = outcomes_module._rules(ctx)
        for day in (h.as_of_dates[-1], h.as_of_dates[-1] + dt.timedelta(days=40)):
            derived, members = outcomes_module._state_at(ctx, h, day, rules)
            stored, stored_members = outcomes_module._state_newest(ctx, day, rules)
            _same(derived, members, stored, stored_members)
    finally:
        ctx.close()


def _same(derived: Any, members: Any, stored: Any, stored_members: Any) -> None:
    cols = [c for c in COLUMNS if c in derived.columns]
    pd.testing.assert_frame_equal(
        stored[cols].astype(object),
        derived[cols].astype(object),
        check_names=False,
        check_index_type=False,
    )
    pd.testing.assert_frame_equal(stored_members, members, check_index_type=False)
