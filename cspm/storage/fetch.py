"""Reading whole tables into frames fast: the driver's own rows, typed column-wise.

Building 100,000 SQLAlchemy Row objects and running per-value result processors (dates, JSON)
cost several seconds on every portfolio load; the driver returns plain tuples in a fraction of
that, and pandas converts each column in one vectorised step (ISO date text or date objects ->
datetime64, 0/1 or bools -> boolean, JSON text -> dicts decoded in one `json.loads` call).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select
from sqlalchemy.orm import Session


def fetch_frame(session: Session, stmt: Select[Any]) -> pd.DataFrame:
    """Run a Core select through the driver; one column per selected column, values raw."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = [c.key for c in stmt.selected_columns]
    params: Any
    if compiled.positiontup:
        params = tuple(
            _driver_value(compiled.params[k], conn.dialect.name) for k in compiled.positiontup
        )
    else:
        params = {k: _driver_value(v, conn.dialect.name) for k, v in compiled.params.items()}
    result = conn.exec_driver_sql(compiled.string, params)
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    return pd.DataFrame.from_records(rows, columns=names, coerce_float=False)


def fetch_columns(session: Session, stmt: Select[Any]) -> dict[str, np.ndarray]:
    """Run a Core select through the driver; one object array per selected column, values raw
    (None for NULL), with no per-column type inference: for callers that type every column
    themselves (`frames.typed_account_columns`), where `DataFrame.from_records`' inference
    cost as much as the fetch itself on 600,000 snapshot rows."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = [str(c.key) for c in stmt.selected_columns]
    params: Any
    if compiled.positiontup:
        params = tuple(
            _driver_value(compiled.params[k], conn.dialect.name) for k in compiled.positiontup
        )
    else:
        params = {k: _driver_value(v, conn.dialect.name) for k, v in compiled.params.items()}
    result = conn.exec_driver_sql(compiled.string, params)
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    table = np.empty((len(rows), len(names)), dtype=object)
    try:
        table[:] = rows  # one C-level pass over every tuple
    except ValueError:  # a value numpy reads as a sequence (a JSON list): column by column
        for j, column in enumerate(zip(*rows, strict=True)):
            table[:, j] = np.fromiter(column, dtype=object, count=len(rows))
    return {name: table[:, j] for j, name in enumerate(names)}


def _driver_value(value: Any, dialect: str) -> Any:
    if dialect == "sqlite" and isinstance(value, dt.date):
        return value.isoformat()  # SQLAlchemy's SQLite date storage format
    return value


def decode_json_column(values: pd.Series) -> pd.Series:
    """JSON text (or already-decoded values, as PostgreSQL drivers return) -> Python objects."""
    raw = values.to_numpy(dtype=object)
    text_positions = [i for i, v in enumerate(raw) if isinstance(v, str)]
    if text_positions:
        decoded = json.loads("[" + ",".join(raw[i] for i in text_positions) + "]")
        raw = raw.copy()
        for i, v in zip(text_positions, decoded, strict=True):
            raw[i] = v
    return pd.Series(raw, index=values.index, dtype=object)
