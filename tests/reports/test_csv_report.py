"""CSV export: UTF-8 with BOM, ISO dates, formula-escaped text, numbers as numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.reports.csv_report import write_csv
from cspm.reports.sample import sample_accounts

HOSTILE = '=HYPERLINK("http://example.com","x")'


def read_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads accents"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [HOSTILE, "Zoë Café GmbH", "+49 30 1234", None],
            "arr": [-5000.0, 12500.5, np.nan, 0.0],
            "seats": [10.0, 20.0, np.nan, 3.0],
            "renewal_date": pd.to_datetime(["2026-12-01", None, "2027-01-15", "2026-11-30"]),
            "note": ["@mention", "-", "fine", "\tTabbed"],
        }
    )


def test_csv_bom_escaping_numbers_and_dates(tmp_path: Path) -> None:
    out = write_csv(tmp_path / "accounts.csv", frame())
    assert out == tmp_path / "accounts.csv"
    rows = read_rows(out)
    assert rows[0] == ["name", "arr", "seats", "renewal_date", "note"]
    assert rows[1][0] == "'" + HOSTILE
    assert rows[1][1] == "-5000.0"  # a real negative number is not prefixed
    assert rows[1][2] == "10"  # whole counts print without ".0"
    assert rows[1][3] == "2026-12-01"
    assert rows[1][4] == "'@mention"
    assert rows[2][0] == "Zoë Café GmbH"
    assert rows[2][3] == ""
    assert rows[2][4] == "'-"
    assert rows[3][0] == "'+49 30 1234"
    assert rows[3][2] == ""
    assert rows[4][0] == "" and rows[4][4] == "'\tTabbed"
    assert out.read_bytes().count(b"\r\n") == 5


def test_csv_of_object_columns_and_date_objects(tmp_path: Path) -> None:
    mixed = pd.DataFrame(
        {
            "value": ["=1+2", -3, 4.5, None],
            "when": [dt.date(2026, 1, 2), None, dt.date(2026, 3, 4), dt.date(2026, 5, 6)],
            "stamp": [pd.Timestamp("2026-01-02 10:30"), pd.NaT, pd.NaT, pd.NaT],
        }
    )
    rows = read_rows(write_csv(tmp_path / "mixed.csv", mixed))
    assert [r[0] for r in rows[1:]] == ["'=1+2", "-3", "4.5", ""]
    assert [r[1] for r in rows[1:]] == ["2026-01-02", "", "2026-03-04", "2026-05-06"]
    assert rows[1][2] == "2026-01-02T10:30:00"


def test_csv_hostile_header_is_escaped(tmp_path: Path) -> None:
    rows = read_rows(write_csv(tmp_path / "h.csv", pd.DataFrame({"=cmd": [1]})))
    assert rows[0] == ["'=cmd"]


def test_csv_of_a_whole_account_list_round_trips(tmp_path: Path) -> None:
    accounts = sample_accounts(500, dt.date(2026, 11, 23))
    out = write_csv(tmp_path / "accounts.csv", accounts)
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert len(back) == 500
    assert list(back.columns) == list(accounts.columns)
    assert np.allclose(back["arr"], accounts["arr"])
    assert back["renewal_date"].iloc[0] == accounts["renewal_date"].iloc[0].strftime("%Y-%m-%d")


def test_csv_failure_keeps_the_older_file(tmp_path: Path) -> None:
    target = tmp_path / "accounts.csv"
    target.write_text("older report")

    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("cannot format")

    with pytest.raises(RuntimeError):
        write_csv(target, pd.DataFrame({"x": [Boom()]}))
    assert target.read_text() == "older report"
    assert [p.name for p in tmp_path.iterdir()] == ["accounts.csv"]


def test_csv_into_a_directory_gives_a_clear_sentence(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").mkdir()
    with pytest.raises(BadInputError, match=r"accounts\.csv is open in another program"):
        write_csv(tmp_path / "accounts.csv", frame())
