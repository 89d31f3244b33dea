"""The portfolio workbook: sheets, row counts, formats, panes, filters, charts, safety."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cspm.core.errors import BadInputError, CspmError
from cspm.reports.data import WorkbookData
from cspm.reports.sample import sample_workbook_data
from cspm.reports.workbook import write_tasks_xlsx, write_workbook

HOSTILE = '=HYPERLINK("http://example.com","x")'
TODAY = dt.date(2026, 11, 23)


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl drops Excel 2010 data-bar extensions, loudly
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def header_index(ws: object, row: int = 1) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}  # type: ignore[index]


@pytest.fixture
def data() -> WorkbookData:
    d = sample_workbook_data(120, TODAY)
    d.accounts.loc[0, "name"] = HOSTILE
    d.accounts.loc[1, "arr"] = -5000.0
    d.accounts.loc[2, "owner"] = "@owner"
    d.filters = {"segment": "At risk", "owner": "Dana"}
    return d


def test_sheets_rows_and_formats(tmp_path: Path, data: WorkbookData) -> None:
    path = write_workbook(tmp_path / "report.xlsx", data)
    wb = load(path)
    assert wb.sheetnames == ["Summary", "Accounts", "Segments", "Tasks", "Outcomes", "About"]

    ws = wb["Accounts"]
    cols = header_index(ws)
    assert ws.max_row == len(data.accounts) + 1
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(cols))}{ws.max_row}"
    arr = ws.cell(2, cols["ARR"])
    assert arr.data_type == "n" and "#,##0" in arr.number_format and "$" in arr.number_format
    renewal = ws.cell(2, cols["Renewal date"])
    assert isinstance(renewal.value, dt.datetime) and renewal.number_format == "yyyy-mm-dd"
    expected = pd.Timestamp(data.accounts["renewal_date"].iloc[0]).to_pydatetime()
    assert renewal.value == expected
    assert ws.column_dimensions["B"].width >= len("Northwind Logistics 1")
    assert ws.column_dimensions["B"].width <= 45
    assert ws.conditional_formatting  # health shading, renewal colours

    tasks = wb["Tasks"]
    assert tasks.max_row == len(data.tasks) + 1
    assert tasks.freeze_panes == "A2" and tasks.auto_filter.ref
    assert tasks.cell(2, header_index(tasks)["Due"]).number_format == "yyyy-mm-dd"
    assert tasks.cell(2, 1).value == pytest.approx(data.tasks["priority"].iloc[0])


def test_hostile_text_is_text_and_negative_money_stays_a_number(
    tmp_path: Path, data: WorkbookData
) -> None:
    path = write_workbook(tmp_path / "report.xlsx", data)
    ws = load(path)["Accounts"]
    cols = header_index(ws)
    name = ws.cell(2, cols["Account"])
    assert name.data_type == "s" and name.value == "'" + HOSTILE
    assert ws.cell(4, cols["Owner"]).value == "'@owner"
    negative = ws.cell(3, cols["ARR"])
    assert negative.data_type == "n" and negative.value == -5000
    with zipfile.ZipFile(path) as z:
        for sheet in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            assert "<f>" not in z.read(sheet).decode("utf-8"), sheet  # no formula anywhere


def test_segments_blocks_list_members_with_reasons(tmp_path: Path, data: WorkbookData) -> None:
    ws = load(write_workbook(tmp_path / "report.xlsx", data))["Segments"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    titles = [r[0] for r in values if r[0] in set(data.segments["name"])]
    assert titles == list(data.segments["name"])
    why_rows = [r for r in values if r[1] and r[6] and r[0] not in (None, "Account ID")]
    total = sum(len(m) for m in data.segment_members.values())
    assert len(why_rows) == total
    at_risk = data.segment_members["At risk"]
    assert any(r[6] == at_risk["why"].iloc[0] for r in why_rows)


def test_summary_totals_matrix_and_charts(tmp_path: Path, data: WorkbookData) -> None:
    path = write_workbook(tmp_path / "report.xlsx", data)
    wb = load(path)
    ws = wb["Summary"]
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert labels["Accounts"] == len(data.accounts)
    assert labels["Total ARR"] == pytest.approx(data.accounts["arr"].sum())
    assert "At risk" in labels
    # the counts matrix's grand total equals the number of accounts
    totals = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total"]
    grand = ws.cell(totals[0], len(data.stages) + 2).value
    assert grand == len(data.accounts)
    assert len(ws._charts) == 3
    assert len(wb["Outcomes"]._charts) == 2
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 5


def test_about_sheet_tells_where_the_numbers_came_from(tmp_path: Path, data: WorkbookData) -> None:
    ws = load(write_workbook(tmp_path / "report.xlsx", data))["About"]
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert pairs["Generated"] == "2026-11-23 09:30"
    assert pairs["Database"] == "demo.sqlite3"
    assert pairs["Last import"] == data.last_import
    assert pairs["Filter: segment"] == "At risk" and pairs["Filter: owner"] == "Dana"
    assert pairs["Tier: Enterprise"] == "ARR >= $100,000"
    assert pairs["Onboarding window"] == "90 days"


def test_outcomes_sheet_only_with_outcomes(tmp_path: Path, data: WorkbookData) -> None:
    wb = load(write_workbook(tmp_path / "r.xlsx", replace(data, outcomes=None)))
    assert "Outcomes" not in wb.sheetnames
    wb = load(write_workbook(tmp_path / "r.xlsx", data))
    ws = wb["Outcomes"]
    groups = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert groups.count("Enterprise") >= 4  # four quarters of one tier, plus the chart tables
    nrr = [c for c in ws[6] if c.value is not None and isinstance(c.value, float)]
    assert any(c.number_format == "0.0%" for c in nrr)


def test_empty_portfolio_still_writes_a_tidy_workbook(tmp_path: Path, data: WorkbookData) -> None:
    empty = replace(
        data,
        accounts=data.accounts.iloc[0:0],
        segments=data.segments.iloc[0:0],
        segment_members={},
        tasks=data.tasks.iloc[0:0],
        outcomes=data.outcomes.iloc[0:0] if data.outcomes is not None else None,
        filters={},
        last_import=None,
    )
    wb = load(write_workbook(tmp_path / "empty.xlsx", empty))
    assert wb["Accounts"].max_row == 1
    about = wb["About"]
    pairs = {about.cell(r, 1).value: about.cell(r, 2).value for r in range(1, about.max_row + 1)}
    assert pairs["Filters"] == "None: the whole portfolio"
    assert pairs["Last import"] == "No import yet"


def test_missing_optional_columns_are_left_out(tmp_path: Path, data: WorkbookData) -> None:
    slim = replace(data, accounts=data.accounts[["key", "name", "arr", "tier"]])
    ws = load(write_workbook(tmp_path / "slim.xlsx", slim))["Accounts"]
    assert list(header_index(ws)) == ["Account", "Tier", "ARR"]
    assert ws.freeze_panes == "B2"


def test_progress_and_cancel_keep_the_older_report(tmp_path: Path, data: WorkbookData) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"older report")
    seen: list[tuple[float, str]] = []
    calls = iter(range(100))

    def cancel_on_third_check() -> bool:
        return next(calls) >= 2

    with pytest.raises(CspmError, match=r"Export cancelled; nothing was written\."):
        write_workbook(target, data, progress=lambda f, m: seen.append((f, m)),
                       cancelled=cancel_on_third_check)  # fmt: skip
    assert target.read_bytes() == b"older report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
    assert seen and all(0.0 <= f <= 1.0 for f, _ in seen)

    seen.clear()
    write_workbook(target, data, progress=lambda f, m: seen.append((f, m)), cancelled=lambda: False)
    assert seen[-1][0] == 1.0
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert load(target).sheetnames[0] == "Summary"


def test_locked_target_gives_a_clear_sentence(tmp_path: Path, data: WorkbookData) -> None:
    (tmp_path / "report.xlsx").mkdir()
    with pytest.raises(BadInputError) as info:
        write_workbook(tmp_path / "report.xlsx", data)
    assert str(info.value) == (
        "report.xlsx is open in another program or not writable: close it in Excel and try again."
    )


def test_task_list_workbook(tmp_path: Path, data: WorkbookData) -> None:
    tasks = data.tasks.copy()
    tasks.loc[tasks.index[0], "title"] = "-cmd|' /C calc'!A0"
    path = write_tasks_xlsx(tmp_path / "tasks.xlsx", tasks)
    wb = load(path)
    assert wb.sheetnames == ["Tasks"]
    ws = wb["Tasks"]
    cols = header_index(ws)
    assert ws.max_row == len(tasks) + 1
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.cell(2, cols["Task"]).value == "'-cmd|' /C calc'!A0"
    assert ws.cell(2, cols["Priority"]).data_type == "n"


def test_large_values_and_nan_dates(tmp_path: Path, data: WorkbookData) -> None:
    accounts = data.accounts.copy()
    accounts.loc[5, ["renewal_date", "last_qbr"]] = pd.NaT
    accounts.loc[6, "health_score"] = np.nan
    accounts.loc[7, "arr"] = 1.5e9
    ws = load(write_workbook(tmp_path / "r.xlsx", replace(data, accounts=accounts)))["Accounts"]
    cols = header_index(ws)
    assert ws.cell(7, cols["Renewal date"]).value is None
    assert ws.cell(8, cols["Health"]).value is None
    assert ws.cell(9, cols["ARR"]).value == 1.5e9
