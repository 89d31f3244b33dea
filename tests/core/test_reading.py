"""read_raw / list_sheets on real files: every messy case is a file built in tmp_path."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from cspm.core.errors import BadInputError
from cspm.core.reading import RawSheet, list_sheets, read_raw

Cells = dict[str, object]


def write_xlsx(path: Path, sheets: dict[str, Cells]) -> Path:
    """A workbook whose sheets hold exactly the given cells ({"C4": "Name", ...})."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
    workbook.save(path)
    return path


def write_rows(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    """A one-sheet workbook with rows written from A1 (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                worksheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


def values(raw: RawSheet) -> list[list[object]]:
    return raw.cells.to_numpy().tolist()


# --- workbooks ----------------------------------------------------------------------------------


def test_xlsx_values_are_read_as_python_values(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "accounts.xlsx",
        [
            ["Account ID", "ARR", "Renewal", "Active", "Notes"],
            ["00123", 1001, dt.datetime(2026, 3, 1, 9, 30), True, "  "],
            ["00124", 1250.5, dt.date(2026, 4, 1), False, "ok"],
        ],
    )
    raw = read_raw(path)
    assert raw.path == path
    assert raw.sheet == "Sheet1"
    assert raw.sheet_names == ["Sheet1"]
    assert list(raw.cells.columns) == [0, 1, 2, 3, 4]
    assert raw.cells.dtypes.eq(object).all()
    first, second = values(raw)[1:]
    assert first[0] == "00123"  # text IDs keep their zeros
    assert first[1] == 1001 and type(first[1]) is int  # whole numbers are ints, not 1001.0
    assert first[2] == dt.datetime(2026, 3, 1, 9, 30)
    assert first[3] is True
    assert first[4] is None  # whitespace-only is empty
    assert second[1] == 1250.5
    assert raw.row_numbers.tolist() == [1, 2, 3]
    assert raw.row_numbers.dtype.name == "int64"


def test_sheet_starting_at_c4_keeps_excel_row_numbers_and_column_positions(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "offset.xlsx",
        {"Data": {"C4": "Account Name", "D4": "ARR", "C5": "Acme", "D5": 10, "C7": "Beta"}},
    )
    raw = read_raw(path)
    assert raw.row_numbers.tolist() == [4, 5, 6, 7]
    assert values(raw)[0] == [None, None, "Account Name", "ARR"]  # column C stays at 2
    assert values(raw)[2] == [None, None, None, None]  # an inner blank row is kept, as read
    assert values(raw)[3] == [None, None, "Beta", None]


def test_trailing_empty_rows_and_columns_are_removed(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"S": {"A1": "Name", "B1": "ARR", "A2": "x", "F9": " "}})
    raw = read_raw(path)
    assert raw.cells.shape == (2, 2)


def test_xlsm_is_read(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "macro.xlsm", [["Account Name", "ARR"], ["Acme", 5]])
    assert values(read_raw(path)) == [["Account Name", "ARR"], ["Acme", 5]]


def test_workbook_content_is_trusted_over_its_extension(tmp_path: Path) -> None:
    """An xlsx saved with an .xls name still opens: calamine is told to sniff the bytes."""
    path = write_rows(tmp_path / "renamed.xls", [["Account Name"], ["Acme"]])
    assert values(read_raw(path)) == [["Account Name"], ["Acme"]]


def test_sheet_chosen_by_name(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"Summary": {"A1": "Overview"}, "Accounts": {"A1": "Account Name", "A2": "Acme"}},
    )
    assert list_sheets(path) == ["Summary", "Accounts"]
    raw = read_raw(path, "Accounts")
    assert raw.sheet == "Accounts"
    assert raw.sheet_names == ["Summary", "Accounts"]
    assert values(raw) == [["Account Name"], ["Acme"]]
    assert read_raw(path, " accounts").sheet == "Accounts"  # saved profile, re-export spacing


def test_unknown_sheet_names_file_and_available_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", {"Summary": {"A1": "x"}, "Accounts": {"A1": "y"}})
    with pytest.raises(BadInputError) as error:
        read_raw(path, "Renewals")
    message = str(error.value)
    assert "two.xlsx" in message and '"Renewals"' in message
    assert '"Summary", "Accounts"' in message


def test_default_sheet_is_first_with_data(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "first_empty.xlsx",
        {"Cover": {}, "Accounts": {"A1": "Account Name", "A2": "Acme"}, "Other": {"A1": "z"}},
    )
    assert read_raw(path).sheet == "Accounts"


def test_default_sheet_prefers_visible_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    lookup = workbook.active
    lookup.title = "Lookup"
    lookup["A1"] = "code"
    lookup.sheet_state = "hidden"
    workbook.create_sheet("Accounts")["A1"] = "Account Name"
    workbook.save(tmp_path / "hidden.xlsx")
    raw = read_raw(tmp_path / "hidden.xlsx")
    assert raw.sheet == "Accounts"
    assert raw.sheet_names == ["Lookup", "Accounts"]
    assert read_raw(tmp_path / "hidden.xlsx", "Lookup").sheet == "Lookup"


def test_chart_sheet_first_is_skipped_by_default(tmp_path: Path) -> None:
    path = tmp_path / "chart.xlsx"
    workbook = xlsxwriter.Workbook(path)
    chartsheet = workbook.add_chartsheet("Chart")
    data = workbook.add_worksheet("Data")
    data.write_row(0, 0, ["Account Name", "ARR"])
    data.write_row(1, 0, ["Acme", 3])
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": "=Data!$B$2:$B$2"})
    chartsheet.set_chart(chart)
    workbook.close()
    raw = read_raw(path)
    assert raw.sheet == "Data"
    assert raw.sheet_names == ["Chart", "Data"]


def test_empty_sheet_and_empty_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "blank.xlsx", {"One": {}, "Two": {"B3": "   "}})
    with pytest.raises(BadInputError, match=r"^blank\.xlsx has no data\.$"):
        read_raw(path)
    with pytest.raises(BadInputError, match=r'"Two" in blank\.xlsx has no data'):
        read_raw(path, "Two")


def test_truncated_xlsx(tmp_path: Path) -> None:
    whole = write_rows(tmp_path / "whole.xlsx", [["Account Name", "ARR"]] + [["A", 1]] * 200)
    cut = tmp_path / "report.xlsx"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadInputError) as error:
        read_raw(cut)
    assert str(error.value) == (
        "report.xlsx is not a readable Excel workbook: it may be truncated, damaged or not an "
        "Excel file."
    )
    with pytest.raises(BadInputError, match=r"report\.xlsx is not a readable"):
        list_sheets(cut)


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text("Account Name,ARR\nAcme,10\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"report\.xlsx is not a readable Excel workbook"):
        read_raw(path)


def test_zero_byte_xlsx_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"")
    with pytest.raises(BadInputError, match=r"^report\.xlsx is empty\.$"):
        read_raw(path)


def ole2_bytes(*streams: str) -> bytes:
    """Bytes shaped like an OLE2 compound file whose directory names the given streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for name in streams)
    return header + directory + bytes(1024)


@pytest.mark.parametrize("name", ["report.xlsx", "report.xlsm", "report.xls"])
def test_encrypted_workbook_asks_to_remove_password(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(ole2_bytes("EncryptionInfo", "EncryptedPackage"))
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    assert str(error.value) == (
        f"{name} is password-protected: remove the password in Excel and save it again."
    )


def test_ole2_xls_without_marker_is_damaged_not_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(ole2_bytes("Workbook"))
    with pytest.raises(BadInputError, match=r"old\.xls is not a readable Excel workbook"):
        read_raw(path)


def test_missing_file_and_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match=r"^gone\.xlsx was not found\.$"):
        read_raw(tmp_path / "gone.xlsx")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(BadInputError, match=r"^report\.pdf is not a file type cspm can read"):
        read_raw(pdf)
    with pytest.raises(BadInputError, match="is a folder"):
        read_raw(tmp_path / ".")


# --- a real .xls without a new dependency: BIFF8 records in a minimal OLE2 container ----------

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def _biff8_workbook_stream(
    sheet: str, cells: dict[tuple[int, int], object], filepass: bool
) -> bytes:
    """Globals (BOF, [FILEPASS], BOUNDSHEET, EOF) then one sheet of LABEL/NUMBER records."""
    body = b""
    for (row, col), value in sorted(cells.items()):
        if isinstance(value, str):
            text = struct.pack("<HB", len(value), 1) + value.encode("utf-16-le")
            body += _record(0x0204, struct.pack("<HHH", row, col, 0) + text)
        else:
            body += _record(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
    sheet_stream = _bof(0x0010) + body + _record(0x000A, b"")
    locked = _record(0x002F, struct.pack("<HHH", 1, 1, 1)) if filepass else b""

    def workbook_globals(sheet_offset: int) -> bytes:
        name = struct.pack("<BB", len(sheet), 1) + sheet.encode("utf-16-le")
        bound = _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + name)
        return _bof(0x0005) + locked + bound + _record(0x000A, b"")

    return workbook_globals(len(workbook_globals(0))) + sheet_stream


def _directory_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    links = struct.pack("<HBBIII", len(encoded), kind, 1, _NOSTREAM, _NOSTREAM, child)
    return encoded.ljust(64, b"\0") + links + bytes(36) + struct.pack("<IQ", start, size)


def write_xls(
    path: Path, sheet: str, cells: dict[tuple[int, int], object], filepass: bool = False
) -> Path:
    """A BIFF8 .xls as Excel 97-2003 writes it, reduced to what a reader needs.

    Sector 0 is the FAT, sector 1 the directory, the Workbook stream follows, padded to the
    4096-byte mini-stream cutoff so it lives in ordinary sectors.
    """
    stream = _biff8_workbook_stream(sheet, cells, filepass)
    size = max(len(stream), 4096)
    stream = stream.ljust(-(-size // 512) * 512, b"\0")
    sectors = len(stream) // 512
    fat = [_FATSECT, _ENDOFCHAIN, *range(3, 2 + sectors), _ENDOFCHAIN]
    fat_sector = struct.pack("<128I", *fat, *[_FREESECT] * (128 - len(fat)))
    directory = (
        _directory_entry("Root Entry", 5, 1, _ENDOFCHAIN, 0)
        + _directory_entry("Workbook", 2, _NOSTREAM, 2, size)
        + _directory_entry("", 0, _NOSTREAM, 0, 0) * 2
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH6s", 0x3E, 3, 0xFFFE, 9, 6, bytes(6))
        + struct.pack("<9I", 0, 1, 1, 0, 0x1000, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<109I", 0, *[_FREESECT] * 108)
    )
    path.write_bytes(header + fat_sector + directory + stream)
    return path


def test_xls_is_read_with_excel_row_numbers(tmp_path: Path) -> None:
    cells = {(2, 1): "Account Name", (2, 2): "ARR", (3, 1): "Acmé", (3, 2): 1200, (4, 2): 2.5}
    raw = read_raw(write_xls(tmp_path / "old.xls", "Accounts", cells))
    assert raw.sheet == "Accounts" and list_sheets(tmp_path / "old.xls") == ["Accounts"]
    assert values(raw) == [[None, "Account Name", "ARR"], [None, "Acmé", 1200], [None, None, 2.5]]
    assert raw.row_numbers.tolist() == [3, 4, 5]


def test_xls_with_a_password(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "locked.xls", "A", {(0, 0): "x"}, filepass=True)
    with pytest.raises(BadInputError, match=r"^locked\.xls is password-protected"):
        read_raw(path)


# --- text files ---------------------------------------------------------------------------------


def test_csv_comma_utf8(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        'Record ID,Company name,ARR\n00123,"Acme, Inc.",1200\n00124,Beta,\n', encoding="utf-8"
    )
    raw = read_raw(path)
    assert raw.sheet is None and raw.sheet_names == []
    assert values(raw) == [
        ["Record ID", "Company name", "ARR"],
        ["00123", "Acme, Inc.", "1200"],
        ["00124", "Beta", None],
    ]
    assert raw.row_numbers.tolist() == [1, 2, 3]
    assert list_sheets(path) == []


def test_csv_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("Account Name,Owner\nZoë,Jürgen\n".encode("utf-8-sig"))
    assert values(read_raw(path)) == [["Account Name", "Owner"], ["Zoë", "Jürgen"]]


def test_csv_utf16_with_bom_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Account Name\tARR\r\nSociété Générale\t1 000 €\r\n".encode("utf-16"))
    assert values(read_raw(path)) == [["Account Name", "ARR"], ["Société Générale", "1 000 €"]]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_csv_utf16_without_bom(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("Account Name;ARR\nAcme;12\n".encode(codec))
    assert values(read_raw(path)) == [["Account Name", "ARR"], ["Acme", "12"]]


def test_csv_semicolon_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "german.csv"
    text = "Kunde;Umsatz;Stadt\nMüller GmbH;1.250,50 €;Köln\nCafé Zoé;2,5;Zürich\n"
    path.write_bytes(text.encode("cp1252"))
    assert values(read_raw(path)) == [
        ["Kunde", "Umsatz", "Stadt"],
        ["Müller GmbH", "1.250,50 €", "Köln"],
        ["Café Zoé", "2,5", "Zürich"],
    ]


def test_csv_latin1_when_cp1252_cannot_decode(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"Name,Code\nA\x81,1\n")  # 0x81 is undefined in cp1252
    assert values(read_raw(path))[1] == ["A\x81", "1"]


def test_tab_delimited_tsv(tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_text("Account Name\tNotes\nAcme\tuses a, b; c\nBeta\t|pipe|\n", encoding="utf-8")
    assert values(read_raw(path)) == [
        ["Account Name", "Notes"],
        ["Acme", "uses a, b; c"],
        ["Beta", "|pipe|"],
    ]


def test_pipe_delimited(tmp_path: Path) -> None:
    path = tmp_path / "pipes.txt"
    path.write_text("Account Name|ARR|Owner\nAcme|1,200|Jo\n", encoding="utf-8")
    assert values(read_raw(path)) == [["Account Name", "ARR", "Owner"], ["Acme", "1,200", "Jo"]]


def test_csv_title_line_above_header(tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text(
        "Accounts by Renewal\n\nAccount Name;ARR;Owner\nAcme;1,5;Jo\nBeta;2,25;Al\n",
        encoding="utf-8",
    )
    raw = read_raw(path)
    assert values(raw) == [
        ["Accounts by Renewal", None, None],
        [None, None, None],
        ["Account Name", "ARR", "Owner"],
        ["Acme", "1,5", "Jo"],
        ["Beta", "2,25", "Al"],
    ]
    assert raw.row_numbers.tolist() == [1, 2, 3, 4, 5]


def test_csv_quoted_newlines_ragged_rows_and_record_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        'Account Name,Notes,ARR\nAcme,"two\nlines, with comma",5\nBeta\nGamma,x,7,extra\n',
        encoding="utf-8",
    )
    raw = read_raw(path)
    assert values(raw) == [
        ["Account Name", "Notes", "ARR", None],
        ["Acme", "two\nlines, with comma", "5", None],
        ["Beta", None, None, None],
        ["Gamma", "x", "7", "extra"],
    ]
    assert raw.row_numbers.tolist() == [1, 2, 3, 4]  # records, not physical lines


def test_csv_excel_sep_hint(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\nAccount Name;ARR\nAcme, Inc.;3\n", encoding="utf-8")
    raw = read_raw(path)
    assert values(raw) == [["Account Name", "ARR"], ["Acme, Inc.", "3"]]
    assert raw.row_numbers.tolist() == [2, 3]


def test_csv_ids_with_leading_zeros_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("Account ID,Seats\n00123,007\n0,1e5\n", encoding="utf-8")
    assert values(read_raw(path))[1:] == [["00123", "007"], ["0", "1e5"]]


def test_single_column_csv(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("Account Name\nAcme\nBeta\n", encoding="utf-8")
    assert values(read_raw(path)) == [["Account Name"], ["Acme"], ["Beta"]]


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n", "\ufeff".encode()])
def test_empty_csv(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=r"^report\.csv is empty\.$"):
        read_raw(path)


def test_csv_of_only_delimiters_has_no_data(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(",,,\n,,\n ,\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"^report\.csv is empty\.$"):
        read_raw(path)


def test_binary_file_given_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(BadInputError, match=r"^report\.csv is not a text file"):
        read_raw(path)


def test_workbook_given_as_csv(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "report.csv", [["Account Name"], ["Acme"]])
    with pytest.raises(BadInputError, match=r"^report\.csv is an Excel workbook, not a text"):
        read_raw(path)


def test_xls_saved_with_an_xlsx_name_is_read(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "renamed.xlsx", "Accounts", {(0, 0): "Account Name", (1, 0): "A"})
    assert values(read_raw(path)) == [["Account Name"], ["A"]]
