"""The portfolio workbook's data gathered outcomes first, with the snapshot history let go once
they are computed (the export's memory peak), reads back the same as gathered the previous way
(outcomes last, the history kept): every sheet's cells, on the demo portfolio, with awkward text
(a formula, blanks, huge numbers) that stays text or numbers, never a formula."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import openpyxl
import pandas as pd

from cspm.reports.data import WorkbookData
from cspm.reports.workbook import write_workbook
from cspm.service import export as export_service
from cspm.service.context import AppContext
from cspm.service.export import workbook_data
from cspm.service.outcomes import outcomes
from tests.conftest import TODAY
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)

STAMP = dt.datetime(2026, 1, 2, 3, 4, 5)


def _open_copy(source: Path, folder: Path) -> AppContext:
    folder.mkdir()
    copy = folder / "demo.sqlite3"
    shutil.copy(source, copy)
    return AppContext.open(str(copy), today=TODAY)


def _previous_way(ctx: AppContext) -> WorkbookData:
    """The gathering before this change: the workbook's tables, then outcomes, history kept."""
    data = workbook_data(ctx, outcomes=False)
    tables = []
    for grouping in ("tier", "segment"):
        table = outcomes(ctx, by=grouping, period="quarter")  # type: ignore[arg-type]
        periods = sorted(set(table["period"]))[-4:]
        table = table[table["period"].isin(periods)].copy()
        table.insert(0, "grouping", grouping)
        tables.append(table)
    data.outcomes = pd.concat(tables, ignore_index=True)
    return data


def _awkward(data: WorkbookData) -> WorkbookData:
    data.generated_at = STAMP
    data.accounts.loc[0, "name"] = '=HYPERLINK("http://example.com","x")'
    data.accounts.loc[1, "owner"] = None
    data.accounts.loc[2, "arr"] = 9.87654321e17
    data.accounts.loc[3, "name"] = "+SUM(A1:A9)"
    return data


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with warnings.catch_warnings():  # openpyxl drops Excel 2010 data-bar extensions, loudly
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path)
    return {
        ws.title: [
            (c.coordinate, c.value, c.data_type, c.number_format)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
        for ws in book.worksheets
    }


def test_outcomes_first_reads_back_as_the_previous_order(
    demo_db_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    before_ctx = _open_copy(demo_db_file, tmp_path / "before")
    after_ctx = _open_copy(demo_db_file, tmp_path / "after")
    try:
        before = _awkward(_previous_way(before_ctx))
        after = _awkward(workbook_data(after_ctx))
        assert after.outcomes is not None and len(after.outcomes)
        assert set(after.outcomes["grouping"]) == {"tier", "segment"}
        for name in ("accounts", "segments", "tasks", "outcomes"):
            pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))
        assert after.segment_members.keys() == before.segment_members.keys()
        for key, members in after.segment_members.items():
            pd.testing.assert_frame_equal(members, before.segment_members[key])
        old = _cells(write_workbook(tmp_path / "before.xlsx", before))
        new = _cells(write_workbook(tmp_path / "after.xlsx", after))
    finally:
        before_ctx.close()
        after_ctx.close()
    assert new == old
    accounts = {coord: (value, kind) for coord, value, kind, _ in new["Accounts"]}
    names = [v for (v, _) in accounts.values() if isinstance(v, str)]
    assert '\'=HYPERLINK("http://example.com","x")' in names  # escaped text, no formula
    assert "'+SUM(A1:A9)" in names
    assert all(kind != "f" for (_, kind) in accounts.values())
    assert 9.87654321e17 in [v for (v, kind) in accounts.values() if kind == "n"]


def test_the_export_lets_go_of_the_history_it_loaded(demo: AppContext) -> None:  # noqa: F811
    assert demo.cache.history is None
    data = workbook_data(demo)
    assert demo.cache.history is None  # loaded for the outcomes, then let go
    # outcomes asked again (Trends after an export) are the same, read again where needed
    again = outcomes(demo, by="tier", period="quarter")
    shown = data.outcomes
    assert shown is not None
    tier_rows = shown[shown["grouping"] == "tier"].drop(columns="grouping")
    periods = sorted(set(again["period"]))[-4:]
    expected = again[again["period"].isin(periods)].reset_index(drop=True)
    pd.testing.assert_frame_equal(tier_rows.reset_index(drop=True), expected)


def test_a_history_trends_had_loaded_stays(demo: AppContext) -> None:  # noqa: F811
    export_service.load_portfolio(demo)
    outcomes(demo, by="stage", period="month")  # Trends open: the history is loaded
    held = demo.cache.history
    assert held is not None
    workbook_data(demo)
    assert demo.cache.history is held
