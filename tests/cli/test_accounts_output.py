"""`cspm accounts --format json|csv|table` written column-wise (cspm/cli_frames.py) prints what
the record-by-record writers printed (tests/cli/old_accounts_output.py): the same bytes, and
read back, the same records field by field, on the demo portfolio and on accounts carrying
every awkward value (missing, dates, money, three-valued booleans, custom fields, unicode,
text a spreadsheet would take for a formula, which stays as it is: the output is data)."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspm.cli import main
from cspm.cli_format import ACCOUNT_JSON_COLUMNS
from cspm.cli_frames import iter_csv, iter_json
from cspm.commands.accounts import TABLE_COLUMNS, _segments_joined, _table
from cspm.core.money import MoneyFormat
from cspm.service.context import AppContext
from cspm.service.portfolio import list_accounts
from cspm.service.settings import money_format
from tests.cli import old_accounts_output as old
from tests.conftest import TODAY
from tests.demo_portfolio import demo_db_file  # noqa: F401  (fixture)

FORMATS = ("json", "csv", "table")


def _new_text(frame: pd.DataFrame, fmt: str, money: MoneyFormat) -> str:
    if fmt == "json":
        text = "".join(iter_json(frame, ACCOUNT_JSON_COLUMNS))
    elif fmt == "csv":
        text = "".join(iter_csv(_segments_joined(frame), ACCOUNT_JSON_COLUMNS, TABLE_COLUMNS))
    else:
        text = _table(frame, money)
    return text if text.endswith("\n") else text + "\n"


def _same_records(new: str, before: str, fmt: str) -> None:
    """Read back, field by field (NaN equal to NaN: JSON's NaN/Infinity read as floats)."""
    if fmt == "json":
        a, b = json.loads(new), json.loads(before)
    elif fmt == "csv":
        a = list(csv.DictReader(io.StringIO(new)))
        b = list(csv.DictReader(io.StringIO(before)))
    else:
        a, b = new.splitlines(), before.splitlines()
    assert len(a) == len(b)
    for got, want in zip(a, b, strict=True):
        if isinstance(want, dict):
            assert list(got) == list(want)
            for key, value in want.items():
                same = got[key] == value or (
                    isinstance(value, float) and math.isnan(value) and math.isnan(got[key])
                )
                assert same and type(got[key]) is type(value), (key, got[key], value)
        else:
            assert got == want


@pytest.fixture
def demo_copy(demo_db_file: Path, tmp_path: Path) -> str:  # noqa: F811
    copy = tmp_path / "demo.sqlite3"
    shutil.copy(demo_db_file, copy)
    return str(copy)


@pytest.mark.parametrize("fmt", FORMATS)
def test_accounts_command_prints_what_the_record_writers_printed(
    capsys: pytest.CaptureFixture[str], demo_copy: str, fmt: str
) -> None:
    code = main(["--db", demo_copy, "--today", TODAY.isoformat(), "accounts", "--format", fmt])
    printed, err = capsys.readouterr()
    assert code == 0, err
    ctx = AppContext.open(demo_copy, today=TODAY)
    try:
        before = old.accounts_text(list_accounts(ctx), fmt, money_format(ctx))
    finally:
        ctx.close()
    assert len(printed.splitlines()) > 100
    _same_records(printed, before, fmt)
    assert printed == before


def _awkward(frame: pd.DataFrame) -> pd.DataFrame:
    """The demo's accounts with every awkward value a column can hold, and custom fields of
    each kind the frame can carry."""
    f = frame.head(12).copy()
    n = len(f)
    names = [
        "Zürich Straße — 東京 🚀",
        "=SUM(A1:A9)",
        'He said "hi", twice',
        "two\nlines",
        "  padded  ",
        "",
        None,
        "+cmd|' /C calc'!A0",
        "x" * 60,
        "-5",
        "tab\there",
        "é",
    ]
    f["name"] = pd.Series(names[:n], index=f.index, dtype=object)
    f["is_reference"] = pd.array([True, False, None] * (n // 3), dtype="boolean")
    arr = [-0.0, math.inf, 1e20, 0.1 + 0.2, 1234.5, np.nan, 999.999, 5.0, -42.0, 1e-7, 7.0, 3.0]
    f["arr"] = arr[:n]
    f["arr_unconverted"] = [np.nan] * 5 + [30000.0] + [np.nan] * (n - 6)
    f["currency"] = pd.Series(["GBP"] * n, index=f.index, dtype=object)
    f["renewal_date"] = pd.to_datetime(["2027-01-31", None] * (n // 2))
    f["contacts_inactive_share_10d"] = [0.25, np.nan] * (n // 2)
    f["segments"] = [["Zürich ✓", "=bad"], [], ["a, b"]] * (n // 3)
    f["custom_mixed"] = pd.Series(["x", 1, True, 1.0, None, 2.5] * (n // 6), index=f.index)
    f["custom_count"] = pd.array([1, None, 3] * (n // 3), dtype="Int64")
    f["custom_share"] = pd.array([0.5, None, -0.0] * (n // 3), dtype="Float64")
    f["custom_kind"] = pd.Categorical(["gold", None, "silver"] * (n // 3))
    f["custom_day"] = pd.to_datetime(["2026-02-28 13:45", None, "1999-12-31 00:00"] * (n // 3))
    f["custom_flag"] = [True, False, True] * (n // 3)
    f["custom_text"] = pd.Series(["ü", None, "=1+1"] * (n // 3), index=f.index, dtype="str")
    return f


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_values_print_as_before(demo_copy: str, fmt: str) -> None:
    ctx = AppContext.open(demo_copy, today=TODAY)
    try:
        frame, money = _awkward(list_accounts(ctx)), money_format(ctx)
    finally:
        ctx.close()
    before = old.accounts_text(frame, fmt, money)
    new = _new_text(frame, fmt, money)
    _same_records(new, before, fmt)
    assert new == before
    if fmt == "csv":  # a formula-looking name stays data, as it always was
        assert "\n=SUM(A1:A9)" not in new
        assert ",=SUM(A1:A9)," in new


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_accounts_print_as_before(demo_copy: str, fmt: str) -> None:
    ctx = AppContext.open(demo_copy, today=TODAY)
    try:
        frame, money = list_accounts(ctx).head(0), money_format(ctx)
    finally:
        ctx.close()
    assert _new_text(frame, fmt, money) == old.accounts_text(frame, fmt, money)
