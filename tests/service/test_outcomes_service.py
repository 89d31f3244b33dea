"""Outcomes and changes from real imported files: out-of-order loading, re-dating, CLI JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from cspm.cli import main
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file, set_import_as_of
from cspm.service.outcomes import changes, outcomes
from tests.files import write_xlsx

HEADER = ["Account ID", "Account Name", "ARR", "Status", "Churn Date", "Contract Start Date", "NPS"]
QUARTERS = [
    dt.date(2025, 12, 31),
    dt.date(2026, 3, 31),
    dt.date(2026, 6, 30),
    dt.date(2026, 9, 30),
    dt.date(2026, 12, 31),
]
START = dt.datetime(2023, 1, 1)


def quarter_rows(q: int) -> list[list[object]]:
    """E1 Enterprise grows, M1 Mid-Market shrinks then churns in Q3, S1 SMB steady,
    M2 moves from Mid-Market to Enterprise in Q2, N1 is new in Q2 (SMB)."""
    rows = [
        ["E1", "Eagle", [200_000, 210_000, 210_000, 230_000, 230_000][q], "Active", None, START, 9],
        [
            "M1",
            "Moose",
            [50_000, 40_000, 40_000, 40_000, 40_000][q],
            "Churned" if q >= 3 else "Active",
            dt.datetime(2026, 8, 1) if q >= 3 else None,
            START,
            5,
        ],
        ["S1", "Stork", 10_000, "Active", None, START, 8],
        ["M2", "Mink", [60_000, 60_000, 120_000, 120_000, 120_000][q], "Active", None, START, 10],
    ]
    if q >= 2:
        rows.append(["N1", "Newt", 5_000, "Active", None, dt.datetime(2026, 5, 1), None])
    return rows


def build(tmp_path: Path, name: str, order: list[int]) -> AppContext:
    ctx = AppContext.open(str(tmp_path / f"{name}.sqlite3"), today=dt.date(2026, 12, 31))
    for q in order:
        path = write_xlsx(tmp_path / f"{name}_q{q}.xlsx", [HEADER, *quarter_rows(q)])
        result = import_file(ctx, path, ImportOptions(as_of=QUARTERS[q]))
        assert result.status == "imported"
    return ctx


def cell(table: pd.DataFrame, group: str, period: str, col: str) -> float:
    row = table[(table["group"] == group) & (table["period"] == period)]
    assert len(row) == 1, (group, period)
    return float(row[col].iloc[0])


def test_quarterly_outcomes_by_tier_to_the_cent(tmp_path: Path) -> None:
    ctx = build(tmp_path, "inorder", [0, 1, 2, 3, 4])
    table = outcomes(ctx, by="tier", period="quarter")
    assert sorted(set(table["period"])) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert cell(table, "Enterprise", "2026-Q1", "expansion_arr") == 10_000
    assert cell(table, "Mid-Market", "2026-Q1", "contraction_arr") == 10_000
    # Q2: Mink moves Mid-Market -> Enterprise; the cohort rule keeps it in Mid-Market.
    assert cell(table, "Mid-Market", "2026-Q2", "expansion_arr") == 60_000
    assert cell(table, "Enterprise", "2026-Q2", "new_arr") == 0
    assert cell(table, "SMB", "2026-Q2", "new_arr") == 5_000
    # Q3: Moose churns with 40,000 of Mid-Market start ARR; Mink is Enterprise now.
    assert cell(table, "Mid-Market", "2026-Q3", "churned_arr") == 40_000
    assert cell(table, "Mid-Market", "2026-Q3", "start_arr") == 40_000
    assert cell(table, "Mid-Market", "2026-Q3", "grr") == 0.0
    assert cell(table, "Enterprise", "2026-Q3", "start_arr") == 330_000
    assert cell(table, "Enterprise", "2026-Q3", "nrr") == pytest.approx(350_000 / 330_000)
    assert cell(table, "Portfolio", "2026-Q4", "end_arr") == 365_000
    ctx.close()


def test_loading_order_does_not_change_outcomes(tmp_path: Path) -> None:
    a = build(tmp_path, "a", [0, 1, 2, 3, 4])
    b = build(tmp_path, "b", [3, 0, 4, 2, 1])
    pd.testing.assert_frame_equal(outcomes(a, by="tier"), outcomes(b, by="tier"))
    assert changes(a).to_dict() == changes(b).to_dict()
    a.close()
    b.close()


def test_changes_between_quarters(tmp_path: Path) -> None:
    ctx = build(tmp_path, "c", [0, 1, 2, 3, 4])
    doc = changes(ctx, start=QUARTERS[1], end=QUARTERS[2]).to_dict()
    moves = {(r["from"], r["to"]): (r["count"], r["arr"]) for r in doc["tier_matrix"]}
    assert moves[("Mid-Market", "Enterprise")] == (1, 120_000)
    assert moves[("(new)", "SMB")] == (1, 5_000)
    top = doc["top_arr_changes"][0]
    assert (top["account"], top["before"], top["after"]) == ("M2", 60_000, 120_000)
    ctx.close()


def test_redating_an_import_reorders_history(tmp_path: Path) -> None:
    ctx = AppContext.open(str(tmp_path / "r.sqlite3"), today=dt.date(2026, 12, 31))
    ids = []
    for q in (0, 1):
        path = write_xlsx(tmp_path / f"r{q}.xlsx", [HEADER, *quarter_rows(q)])
        ids.append(import_file(ctx, path, ImportOptions(as_of=QUARTERS[q])).import_id)
    from cspm.service.portfolio import load_portfolio

    assert load_portfolio(ctx).frame.loc["E1", "arr"] == 210_000
    set_import_as_of(ctx, ids[1], dt.date(2025, 6, 30))  # Q1 file now describes an older date
    assert load_portfolio(ctx).frame.loc["E1", "arr"] == 200_000
    ctx.close()


def test_cli_outcomes_and_changes_json(capsys, tmp_path: Path) -> None:
    ctx = build(tmp_path, "cli", [0, 1, 2, 3, 4])
    url = ctx.db.url
    ctx.close()
    base = ["--db", url, "--today", "2026-12-31"]
    assert main([*base, "outcomes", "--by", "tier", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    keys = {
        "group",
        "period",
        "start_arr",
        "new_arr",
        "expansion_arr",
        "contraction_arr",
        "churned_arr",
        "end_arr",
        "grr",
        "nrr",
        "logo_churn_rate",
        "avg_health",
        "nps",
    }
    assert keys <= set(rows[0])
    mm_q3 = next(r for r in rows if r["group"] == "Mid-Market" and r["period"] == "2026-Q3")
    assert mm_q3["logo_churn_rate"] == 1.0
    assert (
        main(
            [
                *base,
                "outcomes",
                "--period",
                "month",
                "--from",
                "2026-04-01",
                "--to",
                "2026-06-30",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert {r["period"] for r in json.loads(capsys.readouterr().out)} == {
        "2026-04",
        "2026-05",
        "2026-06",
    }
    assert main([*base, "changes", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {
        "tier_matrix",
        "stage_transitions",
        "segments_entered",
        "segments_left",
        "top_arr_changes",
        "top_health_changes",
    } <= set(doc)
    assert main([*base, "outcomes", "--by", "planet"]) == 2
