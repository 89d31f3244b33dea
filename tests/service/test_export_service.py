"""Exports of a real imported portfolio, checked by opening the files as a user's tools would."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cspm.cli import main
from cspm.service.portfolio import list_accounts
from cspm.service.tasks import list_tasks
from tests.files import write_csv

HOSTILE = '=HYPERLINK("http://example.com","x")'
HEADER = [
    "Account ID",
    "Account Name",
    "Owner",
    "ARR",
    "Health Score",
    "Renewal Date",
    "Contract Start Date",
    "Unpaid Invoices",
]
ROWS = [
    ["E1", "Eagle Analytics", "Dana", "250000", "40", "2027-01-07", "2022-01-01", "0"],
    ["M1", HOSTILE, "Dana", "-1500", "85", "2027-09-01", "2023-01-01", "900"],
    ["S1", "@Stork", "Fox", "8000", "90", "2027-08-01", "2024-02-01", "0"],
]


@pytest.fixture
def loaded(db_url: str, tmp_path: Path, capsys) -> list[str]:
    write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    base = ["--db", db_url, "--today", "2026-11-23"]
    assert main([*base, "import", str(tmp_path / "a.csv")]) == 0
    capsys.readouterr()
    return base


def test_workbook_sheets_formats_and_safety(loaded, ctx, tmp_path: Path) -> None:
    out = tmp_path / "portfolio.xlsx"
    assert main([*loaded, "export", str(out)]) == 0
    wb = load_workbook(out)
    assert {"Summary", "Accounts", "Segments", "Tasks", "About"} <= set(wb.sheetnames)
    ws = wb["Accounts"]
    headers = [c.value for c in ws[1]]
    assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")  # header row frozen
    assert ws.auto_filter.ref is not None
    assert ws.max_row - 1 == len(list_accounts(ctx))
    names = {ws.cell(r, headers.index("Account") + 1).value for r in range(2, ws.max_row + 1)}
    hostile = next(n for n in names if "HYPERLINK" in str(n))
    assert not str(hostile).startswith("=")  # stored as text, never a formula
    arr_col = headers.index("ARR") + 1
    arrs = [ws.cell(r, arr_col) for r in range(2, ws.max_row + 1)]
    assert -1500 in [c.value for c in arrs]  # a negative number stays a number
    assert all(c.data_type == "n" for c in arrs)
    assert "$" in arrs[0].number_format
    tasks = wb["Tasks"]
    assert tasks.max_row - 1 == len(list_tasks(ctx))
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_filtered_workbook_and_csv(loaded, ctx, tmp_path: Path) -> None:
    out = tmp_path / "dana.xlsx"
    assert main([*loaded, "export", str(out), "--owner", "Dana"]) == 0
    assert load_workbook(out)["Accounts"].max_row - 1 == 2
    about = [c.value for row in load_workbook(out)["About"].iter_rows() for c in row]
    assert "Dana" in about
    csv_path = tmp_path / "accounts.csv"
    assert main([*loaded, "export", str(csv_path)]) == 0
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 3
    by_id = {r["external_id"]: r for r in rows}
    assert by_id["M1"]["name"] == "'" + HOSTILE
    assert by_id["S1"]["name"] == "'@Stork"
    assert float(by_id["M1"]["arr"]) == -1500  # a number, not escaped


def test_tasks_export_csv_and_xlsx(loaded, ctx, tmp_path: Path) -> None:
    assert main([*loaded, "export", "tasks", str(tmp_path / "t.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "t.csv").read_text("utf-8-sig").splitlines()))
    assert len(rows) == len(list_tasks(ctx))
    assert all(r["reasons"] for r in rows)
    assert main([*loaded, "export", "tasks", str(tmp_path / "t.xlsx")]) == 0
    assert load_workbook(tmp_path / "t.xlsx").active.max_row - 1 == len(rows)


def test_qbr_pack_for_an_account_and_a_segment(loaded, tmp_path: Path, qapp) -> None:
    one = tmp_path / "eagle.pdf"
    assert main([*loaded, "export", str(one), "--account", "E1", "--page-size", "Letter"]) == 0
    reader = PdfReader(one)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Eagle Analytics" in text
    assert "250,000" in text
    assert round(float(reader.pages[0].mediabox.width)) == 612  # Letter
    pack = tmp_path / "risk.pdf"
    assert main([*loaded, "export", str(pack), "--segment", "At risk"]) == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pack).pages).split())
    assert "Eagle Analytics" in text and "Stork" not in text


def test_export_refusals(loaded, tmp_path: Path, capsys) -> None:
    assert main([*loaded, "export", str(tmp_path / "x.docx")]) == 2
    assert "use a .xlsx, .csv or .pdf" in capsys.readouterr().err
    assert main([*loaded, "export", str(tmp_path / "nope" / "x.xlsx")]) == 2
    assert main([*loaded, "export", str(tmp_path / "x.pdf")]) == 2
    target = tmp_path / "report.xlsx"
    target.mkdir()  # something in the way that cannot be replaced
    assert main([*loaded, "export", str(target)]) == 2
    assert "close it in Excel and try again" in capsys.readouterr().err
