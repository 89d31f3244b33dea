"""Bulk inserts of whole frames: Core executemany, with a driver-level fast path on SQLite.

SQLAlchemy's per-row parameter processing (dates, JSON) costs more than SQLite's own insert at
100,000 rows, so on SQLite the values are converted column-wise here (ISO date strings, 0/1,
JSON text: exactly SQLAlchemy's own storage formats, so the ORM reads them back unchanged) and
handed to the driver's executemany. Other databases take the portable Core path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Table, bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from cspm.core.object_arrays import repeated

from .frames import column_to_python, frame_to_rows

CHUNK = 20_000


_JSON = json.JSONEncoder(default=str)
"""`json.dumps(value, default=str)` builds a new encoder per call (a non-default argument);
one encoder reused writes the same text at a fraction of the cost per row."""


def _sqlite_scalar(value: Any, sqltype: Any) -> Any:
    """One constant value in SQLAlchemy's SQLite storage format."""
    if value is None:
        return None
    if isinstance(sqltype, DateTime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(sqltype, Date):
        return value.isoformat()
    if isinstance(sqltype, JSON):
        return _JSON.encode(value)
    if isinstance(sqltype, Boolean):
        return int(bool(value))
    return value


_EXACT = (str, int, bool, type(None))
"""Value types whose equality implies the same JSON text once the type is in the key too
(1 == 1.0 == True, 0.0 == -0.0 and NaN != NaN are why floats and the rest are left out)."""


def json_texts(values: np.ndarray) -> np.ndarray:
    """Each value's JSON text (None stays None), in place on the object array given.

    A column of custom fields repeats a handful of dicts (96,714 snapshot rows of the 100,000
    portfolio held 12 distinct ones): a dict of plain str/int/bool/None values under str keys
    is encoded once per distinct content and the text reused; any other value (floats, dates,
    nesting, other keys) is encoded on its own, as before. The look-up key is the dict's items
    in order plus the type of each value, both made by C-level calls (a tuple per item built
    in Python cost a third more): equal items with equal types encode alike, and 1, 1.0 and
    True differ in type."""
    encode = _JSON.encode
    seen: dict[tuple[Any, ...], str] = {}
    for i, v in enumerate(values):
        if v is None:
            continue
        if type(v) is not dict:
            values[i] = encode(v)
            continue
        types = tuple(map(type, v.values()))
        key = (tuple(v.items()), types)
        try:
            text = seen.get(key)
        except TypeError:  # an unhashable value (a list, a dict): encoded on its own
            values[i] = encode(v)
            continue
        if text is None:
            text = encode(v)
            if all(t in _EXACT for t in types) and all(type(k) is str for k in v):
                seen[key] = text
        values[i] = text
    return values


def _sqlite_column(values: pd.Series, sqltype: Any) -> np.ndarray:
    """One column as an object array of values sqlite3 stores as SQLAlchemy would."""
    if isinstance(sqltype, Date | DateTime) and pd.api.types.is_datetime64_any_dtype(values.dtype):
        fmt = "%Y-%m-%d" if not isinstance(sqltype, DateTime) else "%Y-%m-%d %H:%M:%S.%f"
        return _iso(values, fmt)
    if isinstance(sqltype, JSON):
        return json_texts(column_to_python(values))
    if isinstance(sqltype, Date | DateTime):
        return np.array(
            [_sqlite_scalar(v, sqltype) for v in column_to_python(values)], dtype=object
        )
    if isinstance(sqltype, Boolean):
        return _zero_one(values)
    return column_to_python(values)


def _zero_one(values: pd.Series) -> np.ndarray:
    """A boolean column as SQLite's 0/1 (None where missing), column-wise: `bool(v)` of each
    value `column_to_python` gives, so 0/1, True/False and three-valued columns alike."""
    vals = column_to_python(values)
    present = np.fromiter((v is not None for v in vals), dtype=bool, count=len(vals))
    out = np.full(len(vals), None, dtype=object)
    if present.any():
        truth = np.fromiter((bool(v) for v in vals[present]), dtype=bool, count=int(present.sum()))
        out[present] = np.where(truth, 1, 0).astype(object)
    return out


def _iso(values: pd.Series, fmt: str) -> np.ndarray:
    """Each datetime as text in `fmt` (None where missing), formatted once per distinct value:
    a column of dates repeats a few thousand days (4x to 8x faster than formatting every row
    at 100,000 rows), and the rows share their day's str."""
    codes, uniques = pd.factorize(values)
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[:-1] = pd.Series(uniques).dt.strftime(fmt).to_numpy(dtype=object)
    texts[-1] = None  # code -1: missing
    return texts[codes]


def bulk_insert(
    session: Session,
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    constants: dict[str, Any] | None = None,
    *,
    statement: Insert | None = None,
    in_order_of: Sequence[str] = (),
) -> None:
    """Insert every row of `frame` (the given columns) plus constant values for all rows.

    `statement`: the INSERT to run instead of the plain one, e.g. the dialect's insert with
    `on_conflict_do_nothing(...)` (cspm.storage.upsert); the fast SQLite path runs its SQL.
    `in_order_of`: on SQLite, insert the rows sorted by these columns (the row ids follow
    that order): the leading columns of an index, so each row lands next to the one before
    in its B-tree instead of on a random page. 756,000 tasks in an account's file order
    took 9.5 s against their (account, template) indexes; sorted, 4.2 s."""
    if frame.empty:
        return
    constants = constants or {}
    insert = statement if statement is not None else table.insert()
    conn = session.connection()
    if conn.dialect.name == "postgresql" and statement is None:
        copy_rows(session, table, frame, columns, constants)
        return
    if conn.dialect.name != "sqlite":
        for start in range(0, len(frame), CHUNK):
            dicts = frame_to_rows(frame.iloc[start : start + CHUNK], list(columns))
            for r in dicts:
                r.update(constants)
            session.execute(insert, dicts)
        return
    names = [*columns, *constants]
    compiled = insert.compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup or [])
    if sorted(order) != sorted(names):  # a column default the driver path would not fill
        raise ValueError(f"bulk insert into {table.name} binds {order}, given {names}")
    fixed = {c: _sqlite_scalar(v, table.c[c].type) for c, v in constants.items()}
    rows = sorted_positions(frame, in_order_of) if in_order_of else None
    # Converted a chunk at a time: a million rows as Python values at once took gigabytes.
    for start in range(0, len(frame), CHUNK):
        part = (
            frame.iloc[start : start + CHUNK]
            if rows is None
            else frame.take(rows[start : start + CHUNK])
        )
        values = {c: _sqlite_column(part[c], table.c[c].type) for c in columns}
        for c, v in fixed.items():
            values[c] = repeated(v, len(part))
        conn.exec_driver_sql(compiled.string, list(zip(*(values[c] for c in order), strict=True)))


def sorted_positions(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The row positions of `frame` sorted by `columns` (first the first; stable): sorted
    codes, not a sorted copy of the frame (a million tasks' texts)."""
    keys = [pd.factorize(frame[c], sort=True, use_na_sentinel=True)[0] for c in columns]
    return np.lexsort(keys[::-1])


def bulk_update(
    session: Session,
    table: Table,
    frame: pd.DataFrame,
    key: str,
    columns: Sequence[str],
    constants: dict[str, Any] | None = None,
) -> None:
    """Set `columns` (plus constant values) of each row of `table` whose `key` column equals
    the frame's `key` column: one UPDATE executemany. On SQLite the values go to the driver
    converted column-wise, as `bulk_insert` does (SQLAlchemy's per-row processors cost 0.7 s
    for 10,000 changed accounts); elsewhere through Core."""
    if frame.empty:
        return
    constants = constants or {}
    cols = list(columns)
    stmt = (
        update(table)
        .where(table.c[key] == bindparam("_key"))
        .values({c: bindparam(c) for c in [*cols, *constants]})
    )
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        dicts = frame_to_rows(frame.rename(columns={key: "_key"}), ["_key", *cols])
        for r in dicts:
            r.update(constants)
        for start in range(0, len(dicts), CHUNK):
            conn.execute(stmt, dicts[start : start + CHUNK])
        return
    compiled = stmt.compile(dialect=conn.dialect)
    order = list(compiled.positiontup or [])
    if sorted(order) != sorted(["_key", *cols, *constants]):
        raise ValueError(f"bulk update of {table.name} binds {order}")
    n = len(frame)
    values = {c: _sqlite_column(frame[c], table.c[c].type) for c in cols}
    values["_key"] = column_to_python(frame[key])
    for c, v in constants.items():
        values[c] = repeated(_sqlite_scalar(v, table.c[c].type), n)
    rows: list[Any] = list(zip(*(values[c] for c in order), strict=True))
    for start in range(0, n, CHUNK):
        conn.exec_driver_sql(compiled.string, rows[start : start + CHUNK])


def _pg_column(values: pd.Series, sqltype: Any) -> np.ndarray:
    """One column as the Python values `frame_to_rows` gives the Core path, for COPY: the
    same values, except integers as int (COPY reads 5.0 as no integer) and JSON as its text."""
    out = column_to_python(values)
    if isinstance(sqltype, Integer) and not isinstance(sqltype, Boolean):
        present = pd.notna(values).to_numpy()
        out[present] = values.to_numpy(dtype=float)[present].astype(np.int64).astype(object)
    elif isinstance(sqltype, JSON):
        json_texts(out)
    return out


def copy_rows(
    session: Session,
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    constants: dict[str, Any] | None = None,
) -> None:
    """PostgreSQL: the rows through `COPY ... FROM STDIN` on the session's own connection (so
    in its transaction), several times faster than INSERT executemany for 100,000 rows."""
    constants = constants or {}
    session.flush()  # rows the ORM holds (the import record) exist before rows naming them
    conn = session.connection()
    quote = conn.dialect.identifier_preparer
    names = [*columns, *constants]
    target = quote.format_table(table)
    sql = f"COPY {target} ({', '.join(quote.quote(c) for c in names)}) FROM STDIN"
    fixed = [
        _JSON.encode(v) if isinstance(table.c[c].type, JSON) and v is not None else v
        for c, v in constants.items()
    ]
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        for start in range(0, len(frame), CHUNK):  # converted a chunk at a time (memory)
            part = frame.iloc[start : start + CHUNK]
            arrays = [_pg_column(part[c], table.c[c].type) for c in columns]
            arrays += [repeated(v, len(part)) for v in fixed]
            for row in zip(*arrays, strict=True):
                copy.write_row(row)
