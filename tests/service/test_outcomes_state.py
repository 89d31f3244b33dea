"""Outcomes read the state the portfolio shows: logged touchpoints, tier pins, paying cohort."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.service.outcomes import outcomes
from cspm.service.portfolio import load_portfolio, set_tier_override
from cspm.service.tasks import log_touchpoint
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "ARR", "Contract Start Date", "Last QBR"]
OPENING, CLOSING = dt.date(2026, 6, 30), dt.date(2026, 9, 30)


def _build(tmp_path: Path, rows_by_date: dict[dt.date, list[list[str]]]) -> AppContext:
    ctx = AppContext.open(str(tmp_path / "o.sqlite3"), today=dt.date(2026, 10, 15))
    for day, rows in rows_by_date.items():
        path = write_csv(tmp_path / f"{day}.csv", [HEADER, *rows])
        assert import_file(ctx, path, ImportOptions(as_of=day)).status == "imported"
    return ctx


def _cell(table: pd.DataFrame, group: str, col: str) -> float:
    row = table[(table["group"] == group) & (table["period"] == "2026-Q3")]
    assert len(row) == 1, group
    return float(row[col].iloc[0])


def test_a_logged_qbr_takes_the_account_out_of_no_qbr_in_outcomes(tmp_path: Path) -> None:
    rows = [
        ["E1", "Eagle", "250000", "2022-01-01", "2025-01-15"],
        ["E2", "Egret", "300000", "2022-01-01", "2025-01-15"],
    ]
    ctx = _build(tmp_path, {OPENING: rows, CLOSING: rows})
    log_touchpoint(ctx, "E1", "qbr", on=dt.date(2026, 6, 20))
    portfolio = load_portfolio(ctx)
    assert not portfolio.membership.loc["E1", "No QBR in 120 days"]
    assert portfolio.membership.loc["E2", "No QBR in 120 days"]
    table = outcomes(ctx, by="segment", period="quarter")
    # At the opening (June 30) E1's QBR was 10 days old: only E2 is in the segment's cohort.
    assert _cell(table, "No QBR in 120 days", "start_logos") == 1
    assert _cell(table, "No QBR in 120 days", "start_arr") == 300_000
    ctx.close()


def test_a_touchpoint_logged_after_a_date_does_not_change_that_date(tmp_path: Path) -> None:
    rows = [["E1", "Eagle", "250000", "2022-01-01", "2025-01-15"]]
    ctx = _build(tmp_path, {OPENING: rows, CLOSING: rows})
    log_touchpoint(ctx, "E1", "qbr", on=dt.date(2026, 8, 1))
    table = outcomes(ctx, by="segment", period="quarter")
    assert _cell(table, "No QBR in 120 days", "start_logos") == 1
    ctx.close()


def test_a_pinned_tier_groups_outcomes_like_the_portfolio(tmp_path: Path) -> None:
    rows = [["S1", "Stork", "10000", "2022-01-01", ""]]
    ctx = _build(tmp_path, {OPENING: rows, CLOSING: rows})
    set_tier_override(ctx, "S1", "Enterprise", "strategic logo")
    assert load_portfolio(ctx).frame.loc["S1", "tier"] == "Enterprise"
    table = outcomes(ctx, by="tier", period="quarter")
    assert _cell(table, "Enterprise", "start_arr") == 10_000
    assert _cell(table, "SMB", "start_arr") == 0
    ctx.close()


def test_a_trial_that_starts_paying_is_new_arr_in_outcomes(tmp_path: Path) -> None:
    ctx = _build(
        tmp_path,
        {
            OPENING: [
                ["A1", "Alpha", "100000", "2022-01-01", ""],
                ["T1", "Trial", "0", "2026-06-01", ""],
            ],
            CLOSING: [
                ["A1", "Alpha", "100000", "2022-01-01", ""],
                ["T1", "Trial", "40000", "2026-06-01", ""],
            ],
        },
    )
    table = outcomes(ctx, by="portfolio", period="quarter")
    assert _cell(table, "Portfolio", "expansion_arr") == 0
    assert _cell(table, "Portfolio", "new_arr") == 40_000
    assert _cell(table, "Portfolio", "new_logos") == 1
    assert _cell(table, "Portfolio", "nrr") == 1.0
    ctx.close()
