"""Reading related rows: the rows in force of one kind, typed as the core's frame contract.

A row is in force when its import is committed and no later committed import carried the same
`row_key` (see `models.related`). Every reader (linking, aggregation, the account detail, the
Contacts view, the CLI) reads through here so they all agree on which rows count.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cspm.core.field_spec import FieldType
from cspm.core.related.frames import RelatedFrames, columns_of, dtype_of, empty_frame
from cspm.core.related.kinds import RELATED_KIND_NAMES, RELATED_KINDS

from .fetch import decode_json_column, fetch_frame
from .frames import to_boolean
from .models import RELATED_MODELS, ImportRecord

EXTRA_COLUMNS: tuple[str, ...] = ("id", "import_id", "source_row", "custom")
"""Stored columns beside the frame contract's, loaded when asked for (`extra=True`)."""


def in_force_select(
    kind: str, account_keys: Sequence[str] | None = None, *, extra: bool = False
) -> Select[tuple[object, ...]]:
    """SELECT of the rows in force of `kind` (optionally of some accounts only)."""
    model = RELATED_MODELS[kind]
    table = model.__table__  # type: ignore[attr-defined]
    committed = select(ImportRecord.id).where(ImportRecord.status == "committed")
    latest_q = select(table.c.row_key, func.max(table.c.import_id).label("import_id")).where(
        table.c.import_id.in_(committed.scalar_subquery())
    )
    if account_keys is not None:
        # only the versions of row keys some version of which links to these accounts: one
        # account's detail must not group every row of a 1M-row table (2.2 s -> ms)
        mine = select(table.c.row_key).where(table.c.account_key.in_(list(account_keys)))
        latest_q = latest_q.where(table.c.row_key.in_(mine.scalar_subquery()))
    latest = latest_q.group_by(table.c.row_key).subquery()
    names = [*columns_of(kind), *(EXTRA_COLUMNS if extra else ())]
    stmt = select(*(table.c[n] for n in names)).join(
        latest,
        (latest.c.row_key == table.c.row_key) & (latest.c.import_id == table.c.import_id),
    )
    if account_keys is not None:
        stmt = stmt.where(table.c.account_key.in_(list(account_keys)))
    return stmt.order_by(table.c.id)


def load_in_force(
    session: Session,
    kind: str,
    account_keys: Sequence[str] | None = None,
    *,
    extra: bool = False,
) -> pd.DataFrame:
    """The rows in force of one kind as a typed frame (core.related.frames contract).

    `extra`: also `id`, `import_id`, `source_row` and `custom` (decoded dicts)."""
    if account_keys is not None and not account_keys:
        return empty_frame(kind)
    stmt = in_force_select(kind, account_keys, extra=extra)
    raw = fetch_frame(session, stmt)
    return typed_related_frame(kind, raw)


def load_all_in_force(session: Session) -> RelatedFrames:
    """Every related kind's rows in force (empty frames for kinds never imported)."""
    return RelatedFrames(**{k: load_in_force(session, k) for k in RELATED_KIND_NAMES})


def typed_related_frame(kind: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Driver values -> the frame contract's dtypes (dates, floats, three-valued booleans)."""
    spec = RELATED_KINDS[kind]
    frame = raw.copy()
    for col in frame.columns:
        if col == "custom":
            frame[col] = decode_json_column(frame[col])
            continue
        if col in ("id", "import_id", "source_row"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
            continue
        ftype = spec.field(col).type if col in spec.field_names else FieldType.TEXT
        dtype = dtype_of(ftype)
        if dtype == "datetime64[ns]":
            frame[col] = pd.to_datetime(frame[col], errors="coerce").astype(dtype)
        elif dtype == "float64":
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        elif dtype == "boolean":
            frame[col] = to_boolean(frame[col])
        else:
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame
