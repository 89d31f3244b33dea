"""`--format json|csv` written column by column equals the per-record writer it replaced.

The reference is `cli_format.format_records(frame_records(...))`, the implementation the
commands used before (kept: small lists of other commands still go through it). Both are
parsed and compared field by field on the demo portfolio, which holds every dtype the account
list has (money, dates, three-valued booleans, tuples of segments, missing text), plus a frame
of the awkward values a CRM export brings (unicode, quotes, commas, newlines, '=' formulas,
infinities, huge and tiny floats).
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from cspm.cli import main
from cspm.cli_format import format_records, frame_records, record_columns
from cspm.cli_frames import iter_csv, iter_json
from cspm.service.context import AppContext
from cspm.service.portfolio import list_accounts
from tests.conftest import TODAY
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _reference(frame: pd.DataFrame, fmt: str) -> str:
    records = frame_records(frame)
    if fmt == "csv":
        for r in records:
            if "segments" in r:
                r["segments"] = "; ".join(r.get("segments") or [])
    return format_records(records, fmt, [])


def _same_json(new: str, old: str) -> None:
    a, b = json.loads(new), json.loads(old)
    assert len(a) == len(b)
    for row_new, row_old in zip(a, b, strict=True):
        assert list(row_new) == list(row_old)  # same keys in the same order
        for key in row_old:
            x, y = row_new[key], row_old[key]
            if isinstance(y, float) and math.isnan(y):
                assert isinstance(x, float) and math.isnan(x), key
            else:
                assert x == y and type(x) is type(y), (key, x, y)


def _same_csv(new: str, old: str) -> None:
    a = list(csv.reader(io.StringIO(new)))
    b = list(csv.reader(io.StringIO(old)))
    assert a[0] == b[0]
    assert a == b


def test_account_list_json_and_csv_equal_the_record_writer(demo: AppContext) -> None:  # noqa: F811
    frame = list_accounts(demo)
    assert len(frame) > 100 and frame["segments"].map(len).gt(0).any()
    columns = record_columns(frame)
    _same_json("".join(iter_json(frame, columns)), _reference(frame, "json"))
    joined = frame.assign(segments=frame["segments"].map(lambda t: "; ".join(t or ())))
    _same_csv("".join(iter_csv(joined, columns, [])), _reference(frame, "csv"))


def test_awkward_values_survive_exactly() -> None:
    frame = pd.DataFrame(
        {
            "key": ["a", "b", "c", "d"],
            "name": ['Zürich "AG", Ltd', "=HYPERLINK(1)", "line\nbreak", None],
            "arr": [1200.0, np.nan, 0.1 + 0.2, 1e300],
            "ratio": [math.inf, -math.inf, 5e-324, -0.0],
            "seats": np.array([1, 2, 3, 4], dtype="int64"),
            "flag": pd.array([True, None, False, True], dtype="boolean"),
            "renewal_date": pd.to_datetime(["2026-01-31", None, "1999-12-31", "2030-02-28"]),
            "segments": [("At risk", "Renewing"), (), ("Ünïcode",), ()],
            # equal as keys, printed apart: 1 / 1.0 / True, and (1,) / (1.0,) / ("1",)
            "mixed": np.array([1, 1.0, True, None], dtype=object),
            "tuples": np.array([(1,), (1.0,), ("1",), None] + [None] * 0, dtype=object),
            "some_tags": np.array([("a", "b"), np.nan, None, ("a", "b")], dtype=object),
            "listed": np.array([["x"], ("x",), ["x"], None], dtype=object),
            "count": np.array([3, -1, 3, 2**62], dtype="int64"),
        }
    )
    columns = record_columns(frame)
    _same_json("".join(iter_json(frame, columns)), _reference(frame, "json"))
    joined = frame.assign(segments=frame["segments"].map(lambda t: "; ".join(t or ())))
    _same_csv("".join(iter_csv(joined, columns, [])), _reference(frame, "csv"))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_command_prints_every_account(
    fmt: str,
    demo: AppContext,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = demo.db.url
    expected = len(list_accounts(demo))
    demo.close()
    assert main(["--db", url, "--today", TODAY.isoformat(), "accounts", "--format", fmt]) == 0
    text = capsys.readouterr().out
    rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == expected
    assert all(r["key"] for r in rows)


@pytest.mark.parametrize("limit", [1, 64, 1 << 40])
def test_columns_joined_into_shared_pieces_or_not_write_the_same_text(
    demo: AppContext,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
) -> None:
    """Neighbouring columns written as one piece (`MERGE_LIMIT`: never, some, every column of
    a row) change nothing in the text."""
    import cspm.cli_frames as frames

    frame = list_accounts(demo)
    columns = record_columns(frame)
    joined = frame.assign(segments=frame["segments"].map(lambda t: "; ".join(t or ())))
    monkeypatch.setattr(frames, "MERGE_LIMIT", limit)
    assert "".join(iter_json(frame, columns)) + "\n" == _reference(frame, "json") + "\n"
    assert "".join(iter_csv(joined, columns, [])) == _reference(frame, "csv")


@pytest.mark.parametrize("block", [1, 7, 50])
def test_rows_worked_out_block_by_block_write_the_same_text(
    demo: AppContext,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    block: int,
) -> None:
    """A long list's texts are worked out `BLOCK_ROWS` rows at a time (memory at a million
    accounts); block edges, the last record's missing comma included, change nothing."""
    import cspm.cli_frames as frames

    frame = list_accounts(demo)
    assert len(frame) % block != 0 or block == 1  # a last block shorter than the others
    columns = record_columns(frame)
    joined = frame.assign(segments=frame["segments"].map(lambda t: "; ".join(t or ())))
    monkeypatch.setattr(frames, "BLOCK_ROWS", block)
    assert "".join(iter_json(frame, columns)) + "\n" == _reference(frame, "json") + "\n"
    assert "".join(iter_csv(joined, columns, [])) == _reference(frame, "csv")
