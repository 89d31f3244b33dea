"""Property: no value in a file, however extreme, breaks a command or an export.

Each example is a real CSV whose numeric and date cells are drawn from the extremes fuzzers find
(1e308, 9.2e16, inf, nan, -0.0, 5e-324, values just inside and just outside each field's range)
and from arbitrary floats. It is imported into a fresh database, then every listing command and
the xlsx/csv exports run on it. Amounts and counts come back exactly as written when inside their
range and missing when outside; every stored score, NPS and date lies inside its range (scores
and NPS are only checked for range, so the property holds whatever scale a column is read on).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspm.cli import main

MONEY_COLUMNS = {"ARR": "arr", "Unpaid Invoices": "unpaid_invoices"}
COUNT_COLUMNS = {"Seats Purchased": "seats_purchased", "MAU": "mau", "Open Tickets": "open_tickets"}
BOUNDED = {
    "Health Score": ("health_score", 0, 100),
    "NPS": ("nps", 0, 10),
    "CSAT": ("csat", 0, 100),
}
DATE_COLUMNS = {"Renewal Date": "renewal_date", "Last Interaction": "last_interaction"}
CUSTOM = "Widget Count"
HEADER = [
    "Account ID",
    "Account Name",
    *MONEY_COLUMNS,
    *COUNT_COLUMNS,
    *BOUNDED,
    *DATE_COLUMNS,
    CUSTOM,
]

EXTREMES = [
    "1e308",
    "-1e308",
    "1e309",
    "100000000000000000",
    "92233720368547758",
    "9.2e16",
    "10000000000000",
    "10000000000000.01",
    "-10000000000000",
    "-10000000000001",
    "5e-324",
    "1e-300",
    "-1e-300",
    "-0.0",
    "0",
    "-1",
    "10",
    "10.000001",
    "11",
    "100",
    "100.01",
    "101",
    "-100",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "",
]
DATES = [
    "1899-12-31",
    "1900-01-01",
    "2200-12-31",
    "2201-01-01",
    "1677-09-22",
    "2262-04-12",
    "9999-12-31",
    "0001-01-01",
    "",
]

number_text = st.one_of(
    st.sampled_from(EXTREMES),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
date_text = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2300, 12, 31)).map(str),
)
row = st.tuples(
    st.lists(
        number_text,
        min_size=len(MONEY_COLUMNS) + len(COUNT_COLUMNS) + len(BOUNDED) + 1,
        max_size=len(MONEY_COLUMNS) + len(COUNT_COLUMNS) + len(BOUNDED) + 1,
    ),
    st.lists(date_text, min_size=len(DATE_COLUMNS), max_size=len(DATE_COLUMNS)),
)


def _number(text: str) -> float | None:
    """What the cell means as a number, by Python's reading (None: not a finite number)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _expected(text: str, low: float, high: float) -> float | None:
    value = _number(text)
    return value + 0.0 if value is not None and low <= value <= high else None


def run(*args: str) -> tuple[int, str]:
    import contextlib

    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert code == 0, (args, err.getvalue())
    return code, out.getvalue()


@settings(
    max_examples=int(os.environ.get("CSPM_EXTREME_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(row, min_size=1, max_size=4))
def test_extreme_values_never_break_a_command_or_an_export(
    rows: list[tuple[list[str], list[str]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(HEADER)
        for i, (numbers, dates) in enumerate(rows):
            writer.writerow([f"X{i}", f"Account {i}", *numbers, *dates])
        path = folder / "extremes.csv"
        path.write_text(buf.getvalue())
        db = ["--db", str(folder / "x.sqlite3"), "--today", "2026-11-23"]

        run(*db, "import", str(path), "--as-of", "2026-10-20")  # history for "changes"
        run(*db, "import", str(path), "--as-of", "2026-11-20")
        _, out = run(*db, "accounts", "--format", "json")
        accounts = {a["external_id"]: a for a in json.loads(out)}
        for i, (numbers, _dates) in enumerate(rows):
            stored = accounts[f"X{i}"]
            texts = dict(
                zip([*MONEY_COLUMNS, *COUNT_COLUMNS, *BOUNDED, CUSTOM], numbers, strict=True)
            )
            for header, field in MONEY_COLUMNS.items():
                want = _expected(texts[header], -1e13, 1e13)
                assert stored[field] == (None if want is None else pytest.approx(want)), header
            for header, field in COUNT_COLUMNS.items():
                want = _expected(texts[header], 0, 1e13)
                assert stored[field] == (None if want is None else pytest.approx(want)), header
            for header, (field, low, high) in BOUNDED.items():
                assert stored[field] is None or low <= stored[field] <= high, header
            for field in DATE_COLUMNS.values():
                assert stored[field] is None or "1900-01-01" <= stored[field] <= "2200-12-31"

        for command in (
            ["accounts"],
            ["tasks"],
            ["tasks", "--format", "json"],
            ["segments"],
            ["outcomes"],
            ["changes"],
            ["capacity"],
            ["imports"],
            ["export", str(folder / "portfolio.xlsx")],
            ["export", str(folder / "accounts.csv")],
            ["export", "tasks", str(folder / "tasks.csv")],
        ):
            run(*db, *command)
