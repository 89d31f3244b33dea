"""A logged QBR takes an account out of "No QBR in 120 days" everywhere the segment shows:
the portfolio's lists, `cspm outcomes` for the current period and the exported workbook.

All three read one analysed portfolio (cspm.core.pipeline), so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from cspm.cli import main
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import list_accounts
from tests.files import write_csv

SEGMENT = "No QBR in 120 days"
HEADER = ["Account ID", "Account Name", "ARR", "Contract Start Date", "Last QBR"]
ROWS = [
    ["E1", "Eagle", "250000", "2022-01-01", "2025-01-15"],
    ["E2", "Egret", "300000", "2022-01-01", "2025-01-15"],
]
TODAY = "2026-10-15"  # the current quarter, 2026-Q4, opens from the 2026-09-30 snapshot


@pytest.fixture
def url(tmp_path: Path) -> str:
    ctx = AppContext.open(str(tmp_path / "qbr.sqlite3"), today=dt.date(2026, 10, 15))
    for day in (dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 10, 10)):
        path = write_csv(tmp_path / f"{day}.csv", [HEADER, *ROWS])
        assert import_file(ctx, path, ImportOptions(as_of=day)).status == "imported"
    url = ctx.db.url
    ctx.close()
    return url


def _cli(url: str, *args: str) -> int:
    return main(["--db", url, "--today", TODAY, *args])


def _no_qbr_q4(rows: list[dict[str, object]], column: str) -> object:
    hits = [r for r in rows if r["group"] == SEGMENT and r["period"] == "2026-Q4"]
    assert len(hits) == 1, rows
    return hits[0][column]


def test_a_logged_qbr_takes_the_account_out_of_no_qbr_everywhere(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: both accounts are in the segment, in the portfolio and in the current quarter.
    assert _cli(url, "outcomes", "--by", "segment", "--format", "json") == 0
    before = json.loads(capsys.readouterr().out)
    assert _no_qbr_q4(before, "start_arr") == 550_000

    # The QBR happened on Sep 20 and is logged today (a past-dated touchpoint).
    assert _cli(url, "log", "E1", "--kind", "qbr", "--date", "2026-09-20") == 0
    capsys.readouterr()

    ctx = AppContext.open(url, today=dt.date(2026, 10, 15))
    try:
        assert list(list_accounts(ctx, segment=SEGMENT)["external_id"]) == ["E2"]
    finally:
        ctx.close()

    assert _cli(url, "accounts", "--segment", SEGMENT, "--format", "json") == 0
    assert [a["external_id"] for a in json.loads(capsys.readouterr().out)] == ["E2"]

    # Outcomes for the current quarter: the cohort opens on Sep 30, after the QBR.
    assert _cli(url, "outcomes", "--by", "segment", "--format", "json") == 0
    after = json.loads(capsys.readouterr().out)
    assert _no_qbr_q4(after, "start_arr") == 300_000

    # The workbook: the accounts sheet, the segment's member block and its outcomes alike.
    target = tmp_path / "book.xlsx"
    assert _cli(url, "export", str(target)) == 0
    book = openpyxl.load_workbook(target, read_only=True)
    accounts = list(book["Accounts"].iter_rows(values_only=True))
    header = list(accounts[0])
    by_id = {r[header.index("Account ID")]: r for r in accounts[1:]}
    assert SEGMENT not in (by_id["E1"][header.index("Segments")] or "")
    assert SEGMENT in by_id["E2"][header.index("Segments")]
    assert _segment_members(book["Segments"], SEGMENT) == ["E2"]
    outcomes = list(book["Outcomes"].iter_rows(values_only=True))
    assert _outcome_row(outcomes, SEGMENT, "2026-Q4", "Start ARR") == 300_000
    book.close()


def _segment_members(sheet: object, name: str) -> list[str]:
    """Account IDs listed under one segment's block on the Segments sheet."""
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    start = next(i for i, r in enumerate(rows) if r[0] == name)
    header = next(i for i in range(start, len(rows)) if rows[i][0] == "Account ID")
    members = []
    for r in rows[header + 1 :]:
        if r[0] is None:
            break
        members.append(str(r[0]))
    return members


def _outcome_row(rows: list[tuple[object, ...]], group: str, period: str, column: str) -> object:
    """One figure of the Outcomes sheet's tables (a header row names the columns)."""
    found = []
    header: list[object] = []
    for r in rows:
        if "Group" in r and column in r:
            header = list(r)
            continue
        if header and r[header.index("Group")] == group and period in r:
            found.append(r[header.index(column)])
    assert found, (group, period, rows[:10])
    return found[0]
