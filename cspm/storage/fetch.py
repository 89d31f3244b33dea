"""Reading whole tables into frames fast: the driver's own rows, typed column-wise.

Building 100,000 SQLAlchemy Row objects and running per-value result processors (dates, JSON)
cost several seconds on every portfolio load; the driver returns plain tuples in a fraction of
that, and pandas converts each column in one vectorised step (ISO date text or date objects ->
datetime64, 0/1 or bools -> boolean, JSON text -> dicts decoded in one `json.loads` call).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select
from sqlalchemy.orm import Session


def fetch_frame(session: Session, stmt: Select[Any]) -> pd.DataFrame:
    """Run a Core select through the driver; one column per selected column, values raw."""
    names, result = _execute(session, stmt)
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    return pd.DataFrame.from_records(rows, columns=names, coerce_float=False)


def _execute(session: Session, stmt: Select[Any]) -> tuple[list[str], Any]:
    """The select's column names and its driver-level result (parameters in the driver's own
    formats: SQLite dates as ISO text, as SQLAlchemy stores them)."""
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
    return names, conn.exec_driver_sql(compiled.string, params)


CHUNK_ROWS = 16_384
"""Rows fetched and typed at a time: each chunk's values are converted while they are still in
the processor's cache (about 15% less time than typing 600,000 rows after the whole fetch), and
the driver's Python objects of a chunk are freed before the next one (a fraction of the peak)."""


def fetch_columns(
    session: Session,
    stmt: Select[Any],
    *,
    floats: Collection[str] = (),
    dates: Collection[str] = (),
    shared: bool = False,
) -> dict[str, np.ndarray]:
    """Run a Core select through the driver; one array per selected column, with no per-column
    type inference: for callers that type every column themselves
    (`frames.typed_account_columns`), where `DataFrame.from_records`' inference cost as much
    as the fetch itself on 600,000 snapshot rows.

    Columns named in `floats` come back as float64 (NULL -> NaN) and in `dates` as
    datetime64[D] (ISO text or date objects; NULL -> NaT), converted chunk by chunk; such a
    column holding a value that does not convert that way (text in a number column, a
    timestamp) comes back raw, like every other column: an object array of the driver's
    values, None for NULL, for the caller's forgiving conversion.

    `shared`: repeated text in a raw column is one str object (`share_text`): for reads whose
    rows repeat (every snapshot repeats its account's name, owner, country...; 300 MB less at
    600,000 snapshot rows), at ~10% more time (a hash of every text), so not for one row per
    account. Either way a chunk's raw columns are copies, not views of the chunk's table."""
    names, result = _execute(session, stmt)
    wanted: list[str | None] = [
        "float64" if n in floats else "datetime64[D]" if n in dates else None for n in names
    ]
    parts: list[list[np.ndarray]] = [[] for _ in names]
    seen: list[dict[str, str]] = [{} for _ in names]
    try:
        while result.cursor is not None and (rows := result.cursor.fetchmany(CHUNK_ROWS)):
            table = _object_table(rows, len(names))
            for j, dtype in enumerate(wanted):
                column = table[:, j]
                if dtype is not None:
                    try:
                        column = column.astype(dtype)
                    except (ValueError, TypeError, OverflowError):
                        wanted[j] = None  # raw from here on, and the chunks typed so far too
                        parts[j] = [p.astype(object) for p in parts[j]]
                if wanted[j] is None:  # a copy: the chunk's table and values are let go
                    column = share_text(column, seen[j]) if shared else column.copy()
                parts[j].append(column)
    finally:
        result.close()
    out = {}
    for j, (name, dtype) in enumerate(zip(names, wanted, strict=True)):
        chunks, parts[j] = parts[j], []  # each column's chunks freed once joined, not at the end
        if len(chunks) > 1:
            out[name] = np.concatenate(chunks)
        elif chunks:
            out[name] = np.ascontiguousarray(chunks[0])
        else:
            out[name] = np.empty(0, dtype=dtype or object)
    return out


def share_text(column: np.ndarray, seen: dict[str, str]) -> np.ndarray:
    """A copy of one chunk's raw column (not a view of the chunk's table, which would keep
    every value the driver made for the chunk alive to the end of the fetch: twice the whole
    result's memory), with each repeated text one shared str object (`seen`: the texts met so
    far in this column; the driver makes a new str for every cell: 600,000 snapshot rows of a
    dozen owners or countries held 35 MB a column). Values, missing ones (None, NaN) and
    anything not text are as they were."""
    if column.dtype != object or not len(column):
        return column.copy()
    try:
        codes, uniques = pd.factorize(column)
    except TypeError:  # unhashable values (decoded JSON)
        return column.copy()
    if not all(type(u) is str for u in uniques):  # factorize equates 1, 1.0 and True
        return column.copy()
    shared = np.empty(len(uniques), dtype=object)
    shared[:] = [seen.setdefault(u, u) for u in uniques]
    found = codes >= 0
    if found.all():
        return shared[codes]
    out = column.copy()
    out[found] = shared[codes[found]]
    return out


def _object_table(rows: Sequence[Any], width: int) -> np.ndarray:
    table = np.empty((len(rows), width), dtype=object)
    try:
        table[:] = rows  # one C-level pass over every tuple
    except ValueError:  # a value numpy reads as a sequence (a JSON list): column by column
        for j, column in enumerate(zip(*rows, strict=True)):
            table[:, j] = np.fromiter(column, dtype=object, count=len(rows))
    return table


def _driver_value(value: Any, dialect: str) -> Any:
    if dialect == "sqlite" and isinstance(value, dt.date):
        return value.isoformat()  # SQLAlchemy's SQLite date storage format
    return value


def decode_json_column(values: pd.Series) -> pd.Series:
    """JSON text (or already-decoded values, as PostgreSQL drivers return) -> Python objects.

    Each distinct text is decoded once and its rows share the one object: 600,000 snapshot
    rows of custom fields are mostly the same few dicts (one dict each held ~300 bytes). The
    decoded values are read, never changed in place (whoever changes custom fields builds new
    dicts: `core.state`, `service.import_frames.as_stored`)."""
    raw = values.to_numpy(dtype=object)
    text_positions = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=len(raw))
    if text_positions.any():
        codes, texts = pd.factorize(raw[text_positions])
        decoded = np.empty(len(texts), dtype=object)
        for k, value in enumerate(json.loads("[" + ",".join(texts) + "]")):
            decoded[k] = value  # one by one: a JSON list must stay one value
        raw = raw.copy()
        raw[text_positions] = decoded[codes]
    return pd.Series(raw, index=values.index, dtype=object)
