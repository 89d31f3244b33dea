"""Deriving each account's current state from its snapshots.

For each account and field, the current value is the one in the latest snapshot (by as-of date;
equal dates: the later import wins) whose import carried that field. A field the file did not
carry keeps its older value; a blank cell in a carried column means "no value now". Keeping this
one rule in one place is what makes undoing an import or re-dating it re-derive state exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

CUSTOM_PREFIX = "custom:"


def derive_state(
    snapshots: pd.DataFrame,
    carried_by_import: Mapping[int, Sequence[str]],
    fields: Sequence[str],
) -> pd.DataFrame:
    """Current values per account from its snapshots.

    snapshots: columns account_id, import_id, as_of, the `fields`, and `custom` (dict or None).
    carried_by_import: import_id -> carried field names ("custom:<name>" for custom fields).
    Returns a frame indexed by account_id with the `fields` and `custom` (dict of the carried
    custom values, missing keys never carried). Accounts with no snapshot are absent.
    """
    if snapshots.empty:
        return pd.DataFrame(columns=[*fields, "custom"]).rename_axis("account_id")
    # already in that order (as loaded): not a second copy of 600,000 snapshot rows
    ordered = (
        snapshots
        if _in_order(snapshots)
        else snapshots.sort_values(["as_of", "import_id"], kind="stable")
    )
    accounts = pd.Index(ordered["account_id"].unique(), name="account_id")
    import_ids = ordered["import_id"].to_numpy()
    # Fields carried by the same imports share one pass (an import usually carries a whole
    # file's columns): one selection and one "latest per account" per carrier set instead of
    # per field, each reading only its own columns (600,000 snapshot rows at 100,000 accounts).
    by_carriers = _fields_by_carriers(carried_by_import, fields)
    columns: dict[str, pd.Series] = {}
    for carriers, group in by_carriers.items():
        rows = ordered.loc[np.isin(import_ids, list(carriers)), ["account_id", *group]]
        last = rows.drop_duplicates("account_id", keep="last").set_index("account_id")
        for f in group:
            values = last[f].reindex(accounts)
            if f in snapshots.columns and values.dtype != snapshots[f].dtype:
                values = values.astype(snapshots[f].dtype)
            columns[f] = values
    out = pd.DataFrame({f: columns[f] for f in fields}, index=accounts)
    out["custom"] = _derive_custom(ordered, carried_by_import).reindex(accounts)
    return out


def _fields_by_carriers(
    carried_by_import: Mapping[int, Sequence[str]], fields: Sequence[str]
) -> dict[frozenset[int], list[str]]:
    """The fields grouped by the set of imports that carried them."""
    by_carriers: dict[frozenset[int], list[str]] = {}
    for f in fields:
        carriers = frozenset(i for i, carried in carried_by_import.items() if f in carried)
        by_carriers.setdefault(carriers, []).append(f)
    return by_carriers


def deciding_import_sets(
    carried_by_import: Mapping[int, Sequence[str]], fields: Sequence[str]
) -> list[frozenset[int]]:
    """The sets of imports within which `derive_state` takes each account's latest snapshot
    (one per group of fields, and per group of custom fields, carried by the same imports).

    Of all of an account's snapshots only those latest rows can decide its state, so a reader
    may fetch just them (`accounts_repo.load_deciding_snapshots`): `derive_state` of those
    rows (plus each account's latest row of any import, which keeps every account present)
    equals `derive_state` of every row. At 100,000 accounts x 6 imports that is a sixth of
    the rows to fetch and type."""
    sets = set(_fields_by_carriers(carried_by_import, fields))
    sets.update(_carriers_of(n, carried_by_import) for n in _custom_names(carried_by_import))
    return sorted((s for s in sets if s), key=sorted)


def _in_order(snapshots: pd.DataFrame) -> bool:
    """The rows are as a stable sort by (as_of, import_id) leaves them (none undated)."""
    as_of, ids = snapshots["as_of"], snapshots["import_id"]
    if (
        as_of.dtype.kind != "M"
        or ids.dtype.kind not in "iu"
        or not isinstance(as_of.dtype, np.dtype)
    ):
        return False
    day = as_of.to_numpy().view("int64")
    if np.isnat(as_of.to_numpy()).any():
        return False
    key = ids.to_numpy()
    later = day[1:] > day[:-1]
    return bool(np.all(later | ((day[1:] == day[:-1]) & (key[1:] >= key[:-1]))))


def _derive_custom(
    ordered: pd.DataFrame, carried_by_import: Mapping[int, Sequence[str]]
) -> pd.Series:
    """Per account, a dict of custom values, each from the latest snapshot that carried it.

    Names carried by the same imports share one "latest carrying row per account" lookup (as
    the fields do); only the winning rows' dicts are read, not every snapshot's."""
    if "custom" not in ordered.columns:
        return pd.Series(dtype=object)
    names_by_carriers: dict[frozenset[int], list[str]] = {}
    for name in _custom_names(carried_by_import):
        names_by_carriers.setdefault(_carriers_of(name, carried_by_import), []).append(name)
    merged: dict[object, dict[str, object]] = {}
    import_ids = ordered["import_id"].to_numpy()
    for carriers, names in names_by_carriers.items():
        rows = ordered.loc[pd.Series(import_ids).isin(list(carriers)).to_numpy()]
        last = rows.drop_duplicates("account_id", keep="last")
        for acc, values in zip(last["account_id"].tolist(), last["custom"].tolist(), strict=True):
            target = merged.setdefault(acc, {})
            values = values or {}
            for name in names:
                target[name] = values.get(name)
    return pd.Series({k: (v or None) for k, v in merged.items()}, dtype=object)


def _custom_names(carried_by_import: Mapping[int, Sequence[str]]) -> list[str]:
    """Every custom field name any import carried, in first-carried order."""
    names: dict[str, None] = {}
    for carried in carried_by_import.values():
        for c in carried:
            if c.startswith(CUSTOM_PREFIX):
                names.setdefault(c[len(CUSTOM_PREFIX) :], None)
    return list(names)


def _carriers_of(name: str, carried_by_import: Mapping[int, Sequence[str]]) -> frozenset[int]:
    return frozenset(i for i, c in carried_by_import.items() if CUSTOM_PREFIX + name in c)


def overlay_newest(
    before: pd.DataFrame, incoming: pd.DataFrame, carried: Sequence[str]
) -> pd.DataFrame:
    """The state after applying a snapshot that is the newest: carried fields replaced.

    Equivalent to `derive_state` when the incoming snapshot's as-of date is on or after every
    stored one, and much cheaper (no history read). Both frames are indexed by account_id;
    `before` holds existing accounts (it may lack some incoming ones: those are new).
    """
    canonical = [c for c in carried if not c.startswith(CUSTOM_PREFIX)]
    custom_names = [c[len(CUSTOM_PREFIX) :] for c in carried if c.startswith(CUSTOM_PREFIX)]
    after = before.reindex(incoming.index)
    for f in canonical:
        after[f] = incoming[f]
    if custom_names:
        old = after["custom"] if "custom" in after.columns else pd.Series(None, index=after.index)
        new = incoming["custom"]
        after["custom"] = [
            {**(o if isinstance(o, dict) else {}), **{n: (c or {}).get(n) for n in custom_names}}
            for o, c in zip(old, new, strict=True)
        ]
    return after


TOUCH_DATE_FIELDS: tuple[str, ...] = ("last_interaction", "last_qbr")


def last_touch_dates(touchpoints: pd.DataFrame, until: dt.date | None = None) -> pd.DataFrame:
    """Per account key, the latest logged interaction (call/email/meeting/qbr; a note touches
    nobody) and the latest QBR, counting only touchpoints dated on or before `until`, so the
    portfolio at a past date does not know about calls logged after it.

    touchpoints: columns account_key, kind, date (datetime64). Returns a frame indexed by key
    with the TOUCH_DATE_FIELDS (empty when there are none)."""
    if until is not None and len(touchpoints):
        touchpoints = touchpoints[touchpoints["date"] <= pd.Timestamp(until)]
    contact = touchpoints[touchpoints["kind"] != "note"]
    qbr = touchpoints[touchpoints["kind"] == "qbr"]
    return pd.DataFrame(
        {
            "last_interaction": contact.groupby("account_key")["date"].max(),
            "last_qbr": qbr.groupby("account_key")["date"].max(),
        }
    )


def layer_touchpoints(state: pd.DataFrame, touches: pd.DataFrame) -> pd.DataFrame:
    """Logged touchpoints on top of imported dates: the newer date wins, so a call logged in
    the app is never undone by an older 'Last Activity' in a later export, and an account with
    no date on record gets the logged one. `touches` is `last_touch_dates`; state has `key`."""
    if touches.empty or state.empty:
        return state
    state = state.copy()
    for col in TOUCH_DATE_FIELDS:
        logged = state["key"].map(touches[col]).astype("datetime64[ns]")
        imported = state[col].astype("datetime64[ns]")
        state[col] = imported.where(~(logged > imported) & imported.notna(), logged)
    return state
