"""What a CSV's bytes can do wrong: bad UTF-8, control characters, absurd widths.

Each is reported, not silently absorbed: the encoding decision and the rows it touched, the
control characters removed and where, and a width no export has is refused in one sentence.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import xlsxwriter

from cspm.core.errors import BadInputError
from cspm.core.reading import RawSheet, read_raw
from cspm.service.imports import ImportOptions, import_file, prepare_import
from cspm.service.portfolio import list_accounts


def values(raw: RawSheet) -> list[list[object]]:
    return raw.cells.to_numpy().tolist()


def notes(raw: RawSheet) -> list[tuple[int | None, str | None, str, str]]:
    return [(n.row, n.column, n.severity, n.message) for n in raw.notes]


UTF8_ROWS = "Account ID,Account Name,Account Owner\nA1,Zoë Ltd,Jürgen\nA2,Acme,Dana\n"


def test_valid_utf8_reads_without_notes(tmp_path: Path) -> None:
    path = tmp_path / "clean.csv"
    path.write_text(UTF8_ROWS, encoding="utf-8")
    raw = read_raw(path)
    assert values(raw)[1] == ["A1", "Zoë Ltd", "Jürgen"]
    assert raw.notes == []


def test_mostly_utf8_with_a_few_cp1252_rows_names_the_rows(tmp_path: Path) -> None:
    """Two rows pasted in from a Windows tool: the rest must not become 'ZoÃ«'."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        UTF8_ROWS.encode("utf-8")
        + "A3,Café Zoé,Dana\n".encode("cp1252")
        + "A4,Ørsted,Fox\n".encode()
        + "A5,Müller GmbH,Fox\n".encode("cp1252")
    )
    raw = read_raw(path)
    assert [row[1] for row in values(raw)[1:]] == [
        "Zoë Ltd",
        "Acme",
        "Café Zoé",
        "Ørsted",
        "Müller GmbH",
    ]
    assert notes(raw) == [
        (
            None,
            None,
            "warning",
            "mixed.csv is UTF-8 except rows 4 and 6, which are not valid UTF-8 and were read "
            "as Windows-1252 (Western European): check their accents.",
        )
    ]


def test_a_whole_cp1252_file_is_read_as_cp1252_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "german.csv"
    path.write_bytes("Kunde;Stadt\nMüller GmbH;Köln\nCafé Zoé;Zürich\n".encode("cp1252"))
    raw = read_raw(path)
    assert values(raw)[2] == ["Café Zoé", "Zürich"]
    assert notes(raw) == [
        (
            None,
            None,
            "info",
            "german.csv is not UTF-8; it was read as Windows-1252 (Western European).",
        )
    ]


def test_many_bad_rows_are_counted_not_all_listed(tmp_path: Path) -> None:
    lines = ["Account ID,Account Name"] + [f"A{i},Zoë" for i in range(20)]
    data = "\n".join(lines).encode() + b"".join(b"\nB%d,Caf\xe9" % i for i in range(15))
    path = tmp_path / "many.csv"
    path.write_bytes(data)
    (message,) = [n.message for n in read_raw(path).notes]
    assert message.startswith("many.csv is UTF-8 except rows 22, 23, 24, 25, 26, 27, 28, 29, 30, ")
    assert "and 5 more rows, which are not valid UTF-8" in message


def test_nul_after_the_first_64_kib_is_stripped_and_named(tmp_path: Path) -> None:
    filler = "".join(f"A{i},Account {i}\n" for i in range(5000))  # > 64 KiB
    path = tmp_path / "nul.csv"
    path.write_bytes(("Account ID,Account Name\n" + filler + "Z1,Bad\x00Name\n").encode())
    raw = read_raw(path)
    assert values(raw)[-1] == ["Z1", "BadName"]
    assert notes(raw) == [
        (5002, "B", "warning", "removed 1 control character (NUL) from the text."),
    ]


def test_control_characters_anywhere_are_stripped_tabs_and_newlines_kept(tmp_path: Path) -> None:
    path = tmp_path / "ctl.csv"
    path.write_bytes(b'Account ID,Notes\nA1,"ring\x07 \x1b[0mnow"\nA2,"two\nlines\tok"\nA\x003,x\n')
    raw = read_raw(path)
    assert values(raw)[1:] == [["A1", "ring [0mnow"], ["A2", "two\nlines\tok"], ["A3", "x"]]
    assert notes(raw) == [
        (2, "B", "warning", "removed 2 control characters (BEL, ESC) from the text."),
        (4, "A", "warning", "removed 1 control character (NUL) from the text."),
    ]


def test_reading_notes_reach_the_import_summary(ctx, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"Account ID,Account Name,ARR\nA1,Zo\xc3\xab Ltd,100\nA2,Caf\xe9,200\nA3,Ac\x00me,300\n"
    )
    prepared = prepare_import(ctx, path, ImportOptions())
    found = [(p.severity, p.row, p.column, p.message) for p in prepared.plan.problems]
    assert found[:2] == [
        (
            "warning",
            None,
            None,
            "mixed.csv is UTF-8 except row 3, which is not valid UTF-8 and was read as "
            "Windows-1252 (Western European): check its accents.",
        ),
        ("warning", 4, "Account Name", "removed 1 control character (NUL) from the text."),
    ]
    result = import_file(ctx, path)
    assert result.status == "imported"
    assert list(list_accounts(ctx)["name"].sort_values()) == ["Acme", "Café", "Zoë Ltd"]


# --- width ----------------------------------------------------------------------------------------


def test_five_thousand_columns_import_without_pandas_warnings(ctx, tmp_path: Path) -> None:
    header = ["Account ID", "Account Name", "ARR", *[f"Custom {i}" for i in range(4997)]]
    rows = [header] + [[f"A{r}", f"Acme {r}", str(1000 + r), *["x"] * 4997] for r in range(3)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = import_file(ctx, path)
        frame = list_accounts(ctx)
    assert result.status == "imported" and len(frame) == 3


def test_wider_than_excel_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Account ID,Account Name\nA1,Acme\n" + "x," * 20_000 + "x\n", encoding="utf-8")
    with pytest.raises(BadInputError) as error:
        read_raw(path)
    assert str(error.value) == (
        "wide.csv row 3 has 20,001 columns; cspm reads at most 16,384 (as Excel does)."
    )


def test_trailing_delimiters_do_not_widen_the_sheet(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("Account ID,Account Name\nA1,Acme" + "," * 30_000 + "\n", encoding="utf-8")
    assert values(read_raw(path)) == [["Account ID", "Account Name"], ["A1", "Acme"]]


# --- workbooks -----------------------------------------------------------------------------------


def test_control_characters_in_a_workbook_are_stripped_and_named(tmp_path: Path) -> None:
    """Excel and XlsxWriter carry them as _x0000_ escapes, which the reader turns back."""
    path = tmp_path / "ctl.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Accounts")
    sheet.write_row(2, 1, ["Account ID", "Account Name"])
    sheet.write_row(3, 1, ["A1", "Ac\x00me\x07"])
    sheet.write_row(4, 1, ["A2", "Two\nlines\tkept"])
    sheet.write_row(5, 1, ["A3", "\x1b"])
    workbook.close()
    raw = read_raw(path)
    assert values(raw)[1:] == [
        [None, "A1", "Acme"],
        [None, "A2", "Two\nlines\tkept"],
        [None, "A3", None],
    ]
    assert notes(raw) == [
        (4, "C", "warning", "removed 2 control characters (NUL, BEL) from the text."),
        (6, "C", "warning", "removed 1 control character (ESC) from the text."),
    ]


def test_a_clean_workbook_has_no_notes(tmp_path: Path) -> None:
    path = tmp_path / "clean.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet().write_row(0, 0, ["Account Name", "Zoë _x0041_ literal"])
    workbook.close()
    raw = read_raw(path)
    assert values(raw) == [["Account Name", "Zoë _x0041_ literal"]]
    assert raw.notes == []


def test_utf8_with_bom_and_a_cp1252_row_is_read_not_refused(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" writes a BOM; a row pasted from elsewhere must not sink the file."""
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffAccount Name\nZoë\n".encode() + "Café\n".encode("cp1252"))
    raw = read_raw(path)
    assert values(raw) == [["Account Name"], ["Zoë"], ["Café"]]
    assert [n.message for n in raw.notes] == [
        "bom.csv is UTF-8 except row 3, which is not valid UTF-8 and was read as Windows-1252 "
        "(Western European): check its accents."
    ]
