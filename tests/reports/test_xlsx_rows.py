"""Rows streamed straight to the sheet file are byte for byte the XML XlsxWriter's own calls
write: for a whole portfolio workbook, and for awkward text (markup, whitespace, control
characters, Excel escapes, rich-text look-alikes, blanks)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from cspm.reports import workbook_common
from cspm.reports.sample import sample_workbook_data
from cspm.reports.workbook import write_workbook
from cspm.reports.workbook_common import WORKBOOK_OPTIONS
from cspm.reports.xlsx_rows import write_cells, write_cells_one_by_one


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_whole_workbook_xml_equals_xlsxwriters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sample_workbook_data(400, dt.date(2026, 11, 23))
    data.accounts.loc[0, "name"] = '=HYPERLINK("http://example.com","x")'
    data.accounts.loc[1, "owner"] = "  padded & <b>bold</b>  "
    data.accounts.loc[2, "name"] = None
    streamed = _sheets(write_workbook(tmp_path / "streamed.xlsx", data))
    monkeypatch.setattr(workbook_common, "write_cells", write_cells_one_by_one)
    called = _sheets(write_workbook(tmp_path / "called.xlsx", data))
    assert streamed.keys() == called.keys() and len(streamed) == 6
    for name, xml in called.items():
        assert streamed[name] == xml, name


AWKWARD = [
    "plain",
    " leading",
    "trailing\t",
    'a & b < c > d "quoted"',
    "line\nbreak",
    "bell\x07char",
    "_x0041_ looks escaped",
    "<r>rich look-alike</r>",
    "x" * 20_000,
    "ünïcödé ✓",
    None,
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_xml_equals_xlsxwriters(tmp_path: Path, text: str | None) -> None:
    texts = ["first", text, None, "last"]
    numbers = [1.5, None, -2.25e-7, 123456789012.0]
    out = {}
    for name, writer in (("streamed", write_cells), ("called", write_cells_one_by_one)):
        path = tmp_path / f"{name}.xlsx"
        wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("T")
        fmt = wb.add_format({"num_format": "0.0"})
        ws.set_row(0, 30)
        ws.write_string(0, 1, "Header")
        writer(ws, 1, 1, [texts, numbers, [None] * 4], [None, fmt, fmt], [True, False, False])
        ws.write_string(9, 0, "after the table")
        wb.close()
        out[name] = _sheets(path)
    assert out["streamed"] == out["called"]
