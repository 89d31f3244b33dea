"""The streamed (constant-memory) workbook reads back cell for cell equal to the previous,
in-memory writer's on the demo portfolio: values, types, number formats, fonts, fills, row
heights, column widths, panes, filters, conditional formats and charts."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

from cspm.reports.workbook import write_workbook
from cspm.service.context import AppContext
from cspm.service.export import workbook_data
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl drops Excel 2010 data-bar extensions, loudly
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def _cells(ws: object) -> list[tuple[object, ...]]:
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.fill.fgColor.rgb)
        for row in ws.iter_rows()  # type: ignore[attr-defined]
        for c in row
        if c.value is not None or c.has_style
    ]


def _layout(ws: object) -> tuple[object, ...]:
    widths = {k: d.width for k, d in ws.column_dimensions.items()}  # type: ignore[attr-defined]
    heights = {k: d.height for k, d in ws.row_dimensions.items() if d.height}  # type: ignore[attr-defined]
    rules = [
        (str(r.sqref), [x.type for x in r.rules])
        for r in ws.conditional_formatting  # type: ignore[attr-defined]
    ]
    return (
        ws.freeze_panes,  # type: ignore[attr-defined]
        ws.auto_filter.ref,  # type: ignore[attr-defined]
        widths,
        heights,
        sorted(rules),
        len(ws._charts),  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("segment", [None, "At risk"])
def test_streamed_workbook_equals_the_in_memory_one(
    demo: AppContext,  # noqa: F811
    tmp_path: Path,
    segment: str | None,
) -> None:
    data = workbook_data(demo, segment=segment)
    data.accounts.loc[0, "name"] = '=HYPERLINK("http://example.com","x")'  # stays text
    streamed = _load(write_workbook(tmp_path / "streamed.xlsx", data))
    held = _load(write_workbook(tmp_path / "held.xlsx", data, constant_memory=False))
    assert streamed.sheetnames == held.sheetnames
    assert "Outcomes" in streamed.sheetnames
    for name in held.sheetnames:
        assert _cells(streamed[name]) == _cells(held[name]), name
        assert _layout(streamed[name]) == _layout(held[name]), name
    accounts = streamed["Accounts"]
    assert accounts.max_row == len(data.accounts) + 1
    assert accounts.row_dimensions[1].height == 30  # the header height survives streaming
    assert accounts["B2"].value == "'" + '=HYPERLINK("http://example.com","x")'
