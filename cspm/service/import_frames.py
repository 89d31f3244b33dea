"""The stored frames after an import, formed from the frames before it and what it wrote.

An import knows exactly which accounts it changed (and to what) and which snapshot rows it
added, so the portfolio after it need not read 100,000 accounts and their history back from the
database. The rows it wrote are typed by the same storage functions that type a read
(`frame_to_rows` is what the write sent, `typed_account_columns` what a read makes of it), so the
result equals a fresh read (tests/service/test_import_analysis_runs.py compares them).

Only the common case is formed: the newest snapshot (state is the old state with the carried
fields replaced). Custom-field types are inferred over the whole column, so an import that
carries custom fields (or adds accounts beside stored custom fields) hands over every
account's custom dict after it, exactly as stored (`custom_after`), and the typed custom
columns are expanded from those like a read does. Anything else returns None and the next
load reads the database as before.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.analysis import expand_custom
from cspm.core.fields import DATE_FIELDS, FIELD_NAMES, NUMERIC_FIELDS
from cspm.storage.accounts_repo import HISTORY_FIELDS
from cspm.storage.frames import column_to_python, typed_account_columns

from .frame_cache import StoredFrames

STATE_COLUMNS = ["id", "key", *FIELD_NAMES]


def as_read(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows (columns id, key and the canonical fields, some maybe absent) typed exactly as
    `accounts_repo.load_accounts` would read them back."""
    full = rows.reindex(columns=STATE_COLUMNS)
    # Column by column, the values the write sent (`column_to_python`), except where a typed
    # column already is what the typing makes of them: floats stay a float array, dates the
    # day's midnight. A million new accounts as parameter dicts took gigabytes.
    sent = {c: _sent(full[c], c) for c in STATE_COLUMNS}
    # not copied into blocks: 1,000,000 new accounts' columns twice over set the import's peak
    typed = typed_account_columns(sent, STATE_COLUMNS, copy=False)
    typed["id"] = typed["id"].astype("int64")
    return typed


def _sent(values: pd.Series, name: str) -> Any:
    """One column as the write sent it, in the cheapest form that types the same."""
    kind = values.dtype
    if name in NUMERIC_FIELDS and pd.api.types.is_float_dtype(kind):
        return values.to_numpy(dtype=float)
    if name in DATE_FIELDS and pd.api.types.is_datetime64_dtype(kind):
        return values.astype("datetime64[ns]").dt.normalize().to_numpy()
    if name == "id":
        return values.to_numpy()
    return column_to_python(values)


def history_rows(snaps: pd.DataFrame) -> pd.DataFrame:
    """An import's snapshot rows shaped like `accounts_repo.load_history`."""
    out = pd.DataFrame(
        {
            "as_of": pd.to_datetime(snaps["as_of"]).astype("datetime64[ns]").to_numpy(),
            "import_id": snaps["import_id"].astype("int64").to_numpy(),
        }
    )
    # Plain Python strings as a read gives them (pandas 3 would infer its string dtype).
    out.insert(0, "key", pd.Series(snaps["key"].to_numpy(dtype=object), dtype=object))
    for f in HISTORY_FIELDS:
        values = snaps[f] if f in snaps.columns else pd.Series(float("nan"), index=snaps.index)
        out[f] = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return out


_SAME_THROUGH_JSON = (str, int, float, bool, type(None))
"""Exact types JSON gives back as they went in (floats too: their text is their shortest
round-trip repr, NaN and infinities included); subclasses (numpy scalars) are not."""


def as_stored(value: Any) -> Any:
    """A custom dict as a read gives it back: through JSON as the write stored it.

    A dict with text keys and plain values comes back equal, with the same types: a copy of
    it is that result without the round trip (0.87 s of a 100,000-account first import)."""
    if value is None:
        return None
    if type(value) is dict and all(
        type(k) is str and type(v) in _SAME_THROUGH_JSON for k, v in value.items()
    ):
        return dict(value)
    return json.loads(json.dumps(value, default=str))


def custom_after(stored: pd.Series, updated: pd.Series, added: pd.Series) -> pd.Series:
    """Every account's custom dict after an import, as stored, in account id order.

    stored: the dicts before it (indexed by account id, every existing account); updated: the
    written dicts of the changed accounts (indexed by id); added: the new accounts' dicts
    (indexed by their new ids)."""
    values = stored.to_numpy(dtype=object).copy()
    for pos, value in zip(stored.index.get_indexer(updated.index), updated, strict=True):
        values[pos] = as_stored(value)
    fresh = np.empty(len(added), dtype=object)
    for i, value in enumerate(added):
        fresh[i] = as_stored(value)
    ids = np.concatenate(
        [stored.index.to_numpy(dtype="int64"), added.index.to_numpy(dtype="int64")]
    )
    out = pd.Series(np.concatenate([values, fresh]), index=ids, dtype=object)
    return out.sort_index(kind="stable")


def frames_after_import(
    before: StoredFrames,
    updated: pd.DataFrame,
    added: pd.DataFrame,
    new_history: pd.DataFrame,
    *,
    newest: bool,
    carries_custom: bool,
    custom: pd.Series | None = None,
) -> StoredFrames | None:
    """The stored frames after an import, or None when this import is not the simple case.

    updated: the changed existing accounts after the import (indexed by id, key and fields);
    added: the new accounts (columns key, fields, account_id); new_history: `history_rows`;
    custom: `custom_after`, required when the import carries custom fields or adds accounts
    beside stored custom fields (else those cases return None).
    """
    if not newest:
        return None
    needs_custom = carries_custom or (len(added) and len(before.custom.columns))
    if needs_custom and custom is None:
        return None
    state = before.state
    rows = []
    if len(updated):
        rows.append(updated.reset_index(names="id"))
    if len(added):
        rows.append(added.rename(columns={"account_id": "id"}))
    if rows:
        fresh = as_read(pd.concat(rows, ignore_index=True) if len(rows) > 1 else rows[0])
        kept = state[~state["id"].isin(fresh["id"])] if len(state) else None
        parts = [kept, fresh] if kept is not None and len(kept) else [fresh]
        state = pd.concat(parts, ignore_index=True) if len(parts) > 1 else fresh
        if not state["id"].is_monotonic_increasing:  # a first import's are in order already
            state = state.sort_values("id", kind="stable")
        state = state.reset_index(drop=True)
    if needs_custom and custom is not None:
        custom_frame, custom_types = expand_custom(custom.reset_index(drop=True))
    elif len(added):  # no custom fields anywhere: none now either
        custom_frame, custom_types = pd.DataFrame(index=pd.RangeIndex(len(state))), {}
    else:
        custom_frame, custom_types = before.custom, before.custom_types
    history = (
        pd.concat([before.history, new_history], ignore_index=True)
        if len(before.history)
        else new_history.reset_index(drop=True)
    )
    return StoredFrames(state, custom_frame, custom_types, history)
