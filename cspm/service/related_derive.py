"""Re-linking the related rows in force and deriving the account history from them.

Run inside the write transaction of every change that can alter what a related row links to or
what the history derived from the rows is: a related import (with its new rows), an accounts
import that added accounts (rows waiting unlinked may now link), and the undo of either. The
derived history is recomputed whole from the rows in force each time, and held by the LATEST
committed related import (older ones hold none), so re-importing changes nothing and undoing
is exact. Related rows never create accounts: a row whose account is not stored waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.related.aggregates import aggregates_at
from cspm.core.related.carried import derived_fields
from cspm.core.related.frames import RelatedFrames
from cspm.core.related.history_baseline import baseline_day, baseline_rows
from cspm.core.related.history_dates import first_related_date, history_dates
from cspm.core.related.kinds import CONTACTS, RELATED_KIND_NAMES
from cspm.core.related.linking import link
from cspm.core.settings import Settings
from cspm.storage import accounts_repo, related_repo, related_writes
from cspm.storage.frames import values_equal

from .state_rederive import rederive

ACCOUNT_COLUMNS = ("id", "key", "external_id", "name", "website")
"""What linking needs of the stored accounts."""


@dataclass
class Incoming:
    """A related import's new rows (frame contract + source_row + custom), not yet stored."""

    kind: str
    rows: pd.DataFrame
    import_id: int


@dataclass
class Derived:
    """What re-linking and deriving did, for the import summary."""

    linked: RelatedFrames  # the rows in force, with account_key (None: unlinked)
    incoming: pd.DataFrame | None  # the import's own rows as linked (None: no import)
    relinked: int = 0  # rows stored earlier whose link changed
    accounts: int = 0  # accounts with a derived history
    snapshots: int = 0
    dates: list[dt.date] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)


def relink_and_derive(
    s: Any,
    settings: Settings,
    incoming: Incoming | None = None,
    *,
    accounts: pd.DataFrame | None = None,
    only_if_relinked: bool = False,
) -> Derived:
    """Link every related row in force (with `incoming`'s rows, which it inserts), write the
    links that changed, then rewrite the derived history and re-derive the affected accounts.

    `accounts`: the stored accounts when the caller holds them (id, key, external_id, name,
    website); read here otherwise. `only_if_relinked`: leave the derived history as it is
    when no link changed (an accounts import that renamed nobody into a match)."""
    stored = {k: related_repo.load_in_force(s, k, extra=True) for k in RELATED_KIND_NAMES}
    if incoming is not None:
        old = stored[incoming.kind]
        replaced = old["row_key"].isin(incoming.rows["row_key"])
        stored[incoming.kind] = pd.concat(
            [old.loc[~replaced], incoming.rows.assign(id=pd.NA)], ignore_index=True
        )
    frames = RelatedFrames(**stored)
    if accounts is None:
        accounts = _accounts(s)
    linked = link(frames, accounts)
    relinked = 0
    mine: pd.DataFrame | None = None
    for kind in RELATED_KIND_NAMES:
        before, after = frames.of(kind), linked.of(kind)
        if after.empty:
            continue
        stored_row = after["id"].notna().to_numpy()
        changed = stored_row & ~_same(before["account_key"], after["account_key"])
        if changed.any():
            ids = after.loc[changed, "id"].astype("int64").to_numpy()
            relinked += related_writes.write_links(s, kind, ids, after.loc[changed, "account_key"])
        if incoming is not None and kind == incoming.kind:
            mine = after.loc[~stored_row]
            related_writes.insert_rows(s, kind, mine, incoming.import_id)
    derived = Derived(linked, mine, relinked)
    if relinked or incoming is not None or not only_if_relinked:
        _derive_history(s, settings, linked, accounts, derived)
    return derived


LINK_FIELDS = ("external_id", "name", "website")
"""The account fields related rows link by (with the key)."""


def links_may_change(new_accounts: int, before: pd.DataFrame, after: pd.DataFrame) -> bool:
    """Whether an accounts import can change what related rows link to: it added accounts, or
    changed an ID, name or website they link by (`before`/`after`: the updated accounts)."""
    if new_accounts:
        return True
    cols = [c for c in LINK_FIELDS if c in before.columns and c in after.columns]
    return any(not bool(values_equal(before[c], after[c]).all()) for c in cols)


def _accounts(s: Any) -> pd.DataFrame:
    frame = accounts_repo.load_accounts(s)
    return frame[[c for c in ACCOUNT_COLUMNS if c in frame.columns]]


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality of two key columns, missing == missing."""
    x = a.astype(object).where(a.notna(), None).to_numpy()
    y = b.astype(object).where(b.notna(), None).to_numpy()
    return np.asarray(x == y, dtype=bool) | (pd.isna(x) & pd.isna(y))


def _only_linked(frames: RelatedFrames) -> RelatedFrames:
    return frames.replace(
        **{k: frames.of(k)[frames.of(k)["account_key"].notna()] for k in RELATED_KIND_NAMES}
    )


def _derive_history(
    s: Any, settings: Settings, linked: RelatedFrames, accounts: pd.DataFrame, out: Derived
) -> None:
    """Delete the derived history and write it again from the linked rows in force, held by
    the latest committed related import; re-derive every account it touched (before or now)."""
    affected = set(related_writes.delete_derived_snapshots(s))
    imports = related_writes.committed_related_imports(s)
    rows = _only_linked(linked)
    pictures: dict[str, dt.date] = {}
    contacts_as_of = related_writes.latest_contacts_as_of(s)
    if contacts_as_of is not None:
        pictures[CONTACTS] = contacts_as_of
    first = None
    if imports and rows.present():
        first = first_related_date(rows, pictures_from=pictures or None)
    if first is None:
        rederive(s, affected)
        return
    holder = imports[-1]
    as_of = max(i.as_of for i in imports)
    period = settings.related.period
    dates = list(history_dates(first, as_of, period))
    aggregates = aggregates_at(rows, dates, pictures_from=pictures or None)
    fields = derived_fields(rows.present())
    opening = baseline_day(first, period)
    if opening < dates[0]:
        aggregates = pd.concat(
            [baseline_rows(aggregates, fields, opening), aggregates], ignore_index=True
        )
        dates.insert(0, opening)
    snaps = _snapshot_rows(aggregates, accounts, fields)
    related_writes.set_carried_fields(s, holder.id, fields)
    now = set(snaps["account_id"].astype(int).unique().tolist())
    # Before the history is written, the store holds only accounts files' snapshots: the state
    # rule needs of the derived history nothing but each account's latest snapshot.
    latest = (
        snaps.sort_values("as_of", kind="stable")
        .drop_duplicates("account_id", keep="last")
        .assign(import_id=holder.id)
    )
    rederive(s, affected | now, extra=latest)
    related_writes.insert_derived_snapshots(s, snaps, fields, holder.id)
    out.accounts, out.snapshots = len(now), len(snaps)
    out.dates, out.fields = dates, fields


def _snapshot_rows(
    aggregates: pd.DataFrame, accounts: pd.DataFrame, fields: Sequence[str]
) -> pd.DataFrame:
    """The aggregates (one row per account key and date) as snapshot rows of stored accounts:
    account_id, as_of and every derived field."""
    frame = aggregates.reset_index() if "account_key" not in aggregates.columns else aggregates
    key_to_id = pd.Series(accounts["id"].to_numpy(), index=accounts["key"].to_numpy())
    ids = frame["account_key"].map(key_to_id)
    kept = frame.loc[ids.notna().to_numpy()].copy()
    kept["account_id"] = ids.dropna().astype("int64").to_numpy()
    kept["as_of"] = pd.to_datetime(kept["as_of"]).astype("datetime64[ns]")
    for f in fields:
        if f not in kept.columns:
            kept[f] = None
    return kept[["account_id", "as_of", *fields]].reset_index(drop=True)
