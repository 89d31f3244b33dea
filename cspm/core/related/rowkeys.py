"""Row keys of related rows: what makes a re-import replace a row instead of adding one.

A row's key is its kind's natural key (`RelatedKind.row_key`: a subscription ID, a ticket
number, a contact's e-mail) as text, fields joined by "|". A row without one (a usage export
with no event ID, a ticket row whose number is blank) is keyed by a hash of all its values, so
reading the same file again gives the same keys and an identical re-import changes nothing.
Hash keys start with "#", which no natural key written by the plan does, so the two never meet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

HASH_PREFIX = "#"
_SEP = "|"


def _as_key_text(values: pd.Series) -> pd.Series:
    """Per value: its key text (dates ISO, numbers without a spurious ".0"), None if missing.

    Text is used as parsed (already trimmed); only the key fields go through here."""
    present = values.notna().to_numpy(dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(values):
        text = values.astype("object").map({True: "true", False: "false"})
    elif pd.api.types.is_numeric_dtype(values):
        floats = values.to_numpy(dtype=np.float64, na_value=np.nan)
        text = pd.Series(
            np.where(floats == np.round(floats), np.char.mod("%.0f", floats), floats.astype(str)),
            index=values.index,
        )
    else:
        text = values.astype(object)
    return text.astype(object).where(present, None)


def hash_keys(values: pd.DataFrame) -> pd.Series:
    """A stable key of each row from all of its typed values (same values, same key, every
    run: pandas' row hash with its fixed key, over the values as parsed)."""
    hashed = pd.util.hash_pandas_object(values, index=False).to_numpy(dtype=np.uint64)
    return pd.Series(
        [f"{HASH_PREFIX}{h:016x}" for h in hashed.tolist()], index=values.index, dtype=object
    )


def row_keys(frame: pd.DataFrame, key_fields: Sequence[str], values: pd.DataFrame) -> pd.Series:
    """Each row's key: `key_fields` (those the frame has) joined, else a hash of `values`
    (the row's typed values, aligned with `frame`) when the frame has none of the key fields
    or the row lacks one."""
    present = [f for f in key_fields if f in frame.columns]
    if not present:
        return hash_keys(values)
    parts = [_as_key_text(frame[f]) for f in present]
    complete = np.logical_and.reduce([p.notna().to_numpy(dtype=bool) for p in parts])
    joined = parts[0].fillna("")
    for p in parts[1:]:
        joined = joined + _SEP + p.fillna("")
    keys = joined.astype(object).where(complete, None)
    if not complete.all():
        missing = ~complete
        keys[missing] = hash_keys(values.loc[missing])
    return keys
