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
from sqlalchemy import JSON, Boolean, Date, DateTime, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from .frames import column_to_python, frame_to_rows

CHUNK = 20_000


def _sqlite_scalar(value: Any, sqltype: Any) -> Any:
    """One constant value in SQLAlchemy's SQLite storage format."""
    if value is None:
        return None
    if isinstance(sqltype, DateTime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(sqltype, Date):
        return value.isoformat()
    if isinstance(sqltype, JSON):
        return json.dumps(value, default=str)
    if isinstance(sqltype, Boolean):
        return int(bool(value))
    return value


def _sqlite_column(values: pd.Series, sqltype: Any) -> np.ndarray:
    """One column as an object array of values sqlite3 stores as SQLAlchemy would."""
    if isinstance(sqltype, Date | DateTime) and pd.api.types.is_datetime64_any_dtype(values.dtype):
        fmt = "%Y-%m-%d" if not isinstance(sqltype, DateTime) else "%Y-%m-%d %H:%M:%S.%f"
        return _iso(values, fmt)
    if isinstance(sqltype, Date | DateTime | JSON):
        return np.array(
            [_sqlite_scalar(v, sqltype) for v in column_to_python(values)], dtype=object
        )
    if isinstance(sqltype, Boolean):
        return np.array(
            [_sqlite_scalar(v, sqltype) for v in column_to_python(values)], dtype=object
        )
    return column_to_python(values)


def _iso(values: pd.Series, fmt: str) -> np.ndarray:
    out = values.dt.strftime(fmt).astype(object).to_numpy().copy()
    out[values.isna().to_numpy()] = None
    return out


def bulk_insert(
    session: Session,
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    constants: dict[str, Any] | None = None,
    *,
    statement: Insert | None = None,
) -> None:
    """Insert every row of `frame` (the given columns) plus constant values for all rows.

    `statement`: the INSERT to run instead of the plain one, e.g. the dialect's insert with
    `on_conflict_do_nothing(...)` (cspm.storage.upsert); the fast SQLite path runs its SQL."""
    if frame.empty:
        return
    constants = constants or {}
    insert = statement if statement is not None else table.insert()
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        dicts = frame_to_rows(frame, list(columns))
        for r in dicts:
            r.update(constants)
        for start in range(0, len(dicts), CHUNK):
            session.execute(insert, dicts[start : start + CHUNK])
        return
    names = [*columns, *constants]
    compiled = insert.compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup or [])
    if sorted(order) != sorted(names):  # a column default the driver path would not fill
        raise ValueError(f"bulk insert into {table.name} binds {order}, given {names}")
    n = len(frame)
    values = {c: _sqlite_column(frame[c], table.c[c].type) for c in columns}
    for c, v in constants.items():
        values[c] = np.full(n, _sqlite_scalar(v, table.c[c].type), dtype=object)
    sql = compiled.string
    rows: list[Any] = list(zip(*(values[c] for c in order), strict=True))
    for start in range(0, n, CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK])
