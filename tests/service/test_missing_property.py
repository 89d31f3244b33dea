"""Property: after any sequence of imports, each account's current value of each field is the
value of the latest file (by as-of date, then import order) that carried that column for it.

Files are real CSVs with random subsets of columns (text, money, number, date, bool and a
custom column), random blanks and missing-value tokens, imported through the real import
service into a real SQLite database in random as-of order. A blank or `n/a` cell in a carried
column means "no value now" (the file says so); a column the file lacks says nothing, so the
older value stays. Nothing missing may ever come back as a value (a NULL boolean read as True
made every account of a later file an Advocate). Undoing the last import re-derives state
from the snapshots that remain, so it must equal the reference over the files before it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cspm.service import frame_cache
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file, undo_latest_import
from cspm.service.portfolio import load_portfolio
from cspm.storage import revision
from tests.files import write_csv

TODAY = dt.date(2026, 11, 23)
# Older than the back-fill window, so no task regeneration runs (it is not what is tested).
AS_OF = (dt.date(2026, 6, 1), dt.date(2026, 7, 1), dt.date(2026, 8, 1))
KEYS = ("A1", "A2", "A3", "A4")
MISSING = ("", "n/a", "N/A", "-", "TBD")

# header -> (portfolio column, {raw cell: expected value}); a missing-token cell is None.
COLUMNS: dict[str, tuple[str, dict[str, Any]]] = {
    "Account Owner": ("owner", {"Dana Scully": "Dana Scully", "Fox Mulder": "Fox Mulder"}),
    "ARR": ("arr", {"$50,000": 50_000.0, "1200.50": 1_200.5, "0": 0.0}),
    "Open Tickets": ("open_tickets", {"0": 0.0, "3": 3.0, "12": 12.0}),
    "Renewal Date": (
        "renewal_date",
        {"2027-01-15": pd.Timestamp("2027-01-15"), "2026-12-01": pd.Timestamp("2026-12-01")},
    ),
    "Reference": ("is_reference", {"yes": True, "TRUE": True, "no": False, "No": False}),
    # Custom columns (stored under snake_case names): text, number, yes/no.
    "Wave": ("wave", {"alpha": "alpha", "beta": "beta"}),
    "Playbook Score": ("playbook_score", {"7": 7.0, "12.5": 12.5}),
    "Champion Left": ("champion_left", {"yes": True, "no": False}),
}


def _cell(header: str) -> st.SearchStrategy[str]:
    return st.sampled_from([*COLUMNS[header][1], *MISSING])


@st.composite
def a_file(draw: st.DrawFn) -> tuple[dt.date, list[str], dict[str, dict[str, str]]]:
    """(as-of date, headers carried, {account key: {header: raw cell}})."""
    headers = draw(st.lists(st.sampled_from(list(COLUMNS)), unique=True, max_size=len(COLUMNS)))
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1))
    rows = {k: {h: draw(_cell(h)) for h in headers} for k in keys}
    return draw(st.sampled_from(AS_OF)), headers, rows


def reference(files: list[tuple[dt.date, list[str], dict[str, dict[str, str]]]]) -> dict:
    """Plain Python: per (key, column), the parsed cell of the latest file carrying it."""
    order = sorted(range(len(files)), key=lambda i: (files[i][0], i))
    current: dict[tuple[str, str], Any] = {}
    for i in order:
        _, headers, rows = files[i]
        for key, cells in rows.items():
            for h in headers:
                column, values = COLUMNS[h]
                current[(key, column)] = values.get(cells[h])  # a missing token -> None
    return current


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated empty database, copied for each example (migrating costs more than a test)."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    AppContext.open(str(path), today=TODAY).close()
    yield path


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def _check(frame: pd.DataFrame, files: list) -> None:
    want = reference(files)
    seen = {k for _, _, rows in files for k in rows}
    assert set(frame.index) == seen
    for key in seen:
        for column, _values in COLUMNS.values():
            expected = want.get((key, column))
            got = frame.loc[key, column] if column in frame.columns else None
            if expected is None:
                assert _missing(got), (key, column, got)
            else:
                assert not _missing(got) and got == expected, (key, column, got, expected)
        if frame.loc[key, "lifecycle_stage"] == "Advocate":
            assert want.get((key, "is_reference")) is True, key


@settings(
    max_examples=30,
    deadline=None,
    # No "explain" phase: on a failure it re-runs the import 100 times for little news.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(a_file(), min_size=1, max_size=4), undo=st.booleans())
def test_current_values_are_the_latest_carried_ones(
    template: Path, monkeypatch: pytest.MonkeyPatch, files: list, undo: bool
) -> None:
    # Every portfolio gets the disk copy of its stored frames, so reading it back is checked too.
    monkeypatch.setattr(frame_cache, "MIN_ACCOUNTS", 0)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = str(work / "db.sqlite3")
        shutil.copy(template, url)
        ctx = AppContext.open(url, today=TODAY)
        try:
            loaded = []
            for n, (as_of, headers, rows) in enumerate(files):
                table = [["Account ID", "Account Name", *headers]]
                table += [[k, f"Account {k}", *(c[h] for h in headers)] for k, c in rows.items()]
                result = import_file(
                    ctx, write_csv(work / f"f{n}.csv", table), ImportOptions(as_of=as_of)
                )
                # The same bytes again for the same date right after themselves change nothing.
                assert result.status in ("imported", "already_imported"), [
                    p.sentence() for p in result.problems
                ]
                if result.status == "imported":
                    loaded.append(files[n])
            files = loaded
            if undo and len(files) > 1:  # state re-derived from the snapshots that remain
                undo_latest_import(ctx)
                files = files[:-1]
            _check(load_portfolio(ctx).frame, files)
        finally:
            ctx.close()  # writes the disk copy
        again = AppContext.open(url, today=TODAY)
        try:
            with again.db.session() as s:
                token = revision.accounts_token(s)
            assert frame_cache.load(again.db.url, token) is not None
            _check(load_portfolio(again).frame, files)
        finally:
            again.close()
