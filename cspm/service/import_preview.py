"""Before an import is written: the first rows' values as parsed, and its big changes.

`value_preview` puts each mapped column's raw cell beside what it became; `big_changes`
compares what the import would leave against the stored accounts (ARR moving by more than
half, tier or stage changes, accounts not in the file). The wizard shows both on its
validation page and asks for a confirmation when there are big changes; `cspm import` prints
the same list. Nothing here writes.

The state after the import is derived as the import derives it (`overlay_newest` of the
carried fields, amounts in the portfolio currency) and tier and stage by the same
`tier_and_stage_moves` the import summary uses, so the preview and the summary agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspm.core.big_changes import CHANGE_COLUMNS
from cspm.core.big_changes import big_changes as compare
from cspm.core.fields import FIELDS
from cspm.core.related.kinds import ACCOUNTS, RELATED_KINDS
from cspm.core.state import overlay_newest
from cspm.core.value_preview import value_preview as preview_frame
from cspm.storage import revision, settings_repo

from .import_moves import classify_tiers_and_stages
from .import_results import PreparedImport
from .portfolio import cached_portfolio, load_knobs, stored_frames

if TYPE_CHECKING:
    from .context import AppContext


@dataclass
class BigChanges:
    """The big changes an import would make, as a frame (see `core.big_changes`) and counts."""

    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def count(self, kind: str) -> int:
        return int((self.frame["kind"] == kind).sum())

    def lines(self, limit: int = 200) -> list[str]:
        """One sentence per change, at most `limit`, then how many more."""
        texts = self.frame["text"].tolist()
        more = len(texts) - limit
        return texts[:limit] + ([f"… and {more:,} more"] if more > 0 else [])

    def summary(self) -> str:
        """ "3 big changes: 1 ARR change over 50%, 1 tier change, 1 account not in this file"."""
        parts = []
        for kind, one, many in (
            ("arr", "ARR change over 50%", "ARR changes over 50%"),
            ("tier", "tier change", "tier changes"),
            ("lifecycle_stage", "stage change", "stage changes"),
            ("missing", "account not in this file", "accounts not in this file"),
        ):
            n = self.count(kind)
            if n:
                parts.append(f"{n:,} {one if n == 1 else many}")
        n = len(self.frame)
        head = f"{n:,} big change{'' if n == 1 else 's'}"
        return f"{head}: {', '.join(parts)}" if parts else "No big changes"


def _maybe_changed(before: pd.DataFrame, after: pd.DataFrame, carried: list[str]) -> np.ndarray:
    """Accounts whose carried fields differ (vectorised; missing == missing). Only narrows
    what is classified: a false "changed" costs time, never a wrong list, because tier and
    stage are compared after classifying."""
    changed = np.zeros(len(before), dtype=bool)
    for column in carried:
        changed |= _differ(before[column], after[column])
    return changed


def _differ(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Per row whether the two (aligned) cells differ, two missing cells being equal.

    Text columns are compared as numpy object arrays: the same element-wise comparison as
    pandas' `!=`, without its per-call alignment and missing-value passes (7x faster on
    100,000 names); other dtypes (floats, dates, three-valued booleans) through pandas."""
    both_missing = x.isna().to_numpy() & y.isna().to_numpy()
    try:
        if x.dtype == object and y.dtype == object:
            differ = np.asarray(x.to_numpy() != y.to_numpy(), dtype=bool)
        else:
            differ = (x != y).to_numpy(dtype=bool)
    except (TypeError, ValueError):  # values that do not compare: classify them
        differ = np.ones(len(x), dtype=bool)
    return differ & ~both_missing


def value_preview(ctx: AppContext, prepared: PreparedImport, rows: int = 5) -> pd.DataFrame:
    """The first `rows` rows' raw cells beside their parsed values (see core.value_preview).

    A related plan (subscriptions, tickets...) has the same shape; its columns feed its kind's
    own fields."""
    with ctx.db.session() as s:
        code = settings_repo.load_settings(s).currency.code
    kind = getattr(prepared.plan, "kind", ACCOUNTS)
    fields = FIELDS if kind == ACCOUNTS else {f.name: f for f in RELATED_KINDS[kind].fields}
    return preview_frame(prepared.table, prepared.plan, code, rows, fields)


def big_changes(
    ctx: AppContext, prepared: PreparedImport, as_of: dt.date | None = None
) -> BigChanges:
    """What the import of `prepared` would change that a person should confirm (no writes).

    Assumes the import is the newest (the wizard's default as-of date, today); an import
    dated before the latest one changes the current state less, never more."""
    with ctx.db.session() as s:
        settings = settings_repo.load_settings(s)
        knobs = load_knobs(s, settings)
        rev = revision.current(s)
        # amounts in the portfolio currency at the as-of date's rates, as the import writes them
        plan = prepared.in_currency(settings.currency, as_of or ctx.today).plan
        # the stored accounts as the portfolio holds them (a cache hit once the window has
        # loaded the portfolio; read from the database otherwise)
        stored = stored_frames(ctx, s)
        existing = stored.state.set_index("id")
        if existing.empty or plan.frame.empty:
            return BigChanges()
        # one hash lookup of the file's keys among the stored ones (both are unique)
        at = pd.Index(existing["key"].to_numpy()).get_indexer(plan.frame["key"].to_numpy())
        stored_row = at[at >= 0]
        incoming = plan.frame.loc[at >= 0].copy()
        incoming.index = pd.Index(existing.index.to_numpy()[stored_row], name="id")
        before = existing.iloc[stored_row]
        in_file = np.zeros(len(existing), dtype=bool)
        in_file[stored_row] = True
        after = overlay_newest(before, incoming, plan.carried)
        changed = _maybe_changed(before, after, plan.carried)
        before, after = before.loc[changed], after.loc[changed]
    keys = after["key"].to_numpy()
    held = cached_portfolio(ctx, rev)
    if held is not None:
        b = held.frame.loc[keys, ["tier", "lifecycle_stage"]]
    else:
        b = classify_tiers_and_stages(before, stored.history, knobs, ctx.today)
    a = classify_tiers_and_stages(after, stored.history, knobs, ctx.today)
    moves = [
        (key, what, old, new)
        for what in ("tier", "lifecycle_stage")
        for key, old, new, moved in zip(
            keys,
            b[what].to_numpy(),
            a[what].to_numpy(),
            b[what].to_numpy() != a[what].to_numpy(),
            strict=True,
        )
        if moved
    ]
    states_before = before[["key", "name", "arr"]].copy()
    states_after = after[["key", "name", "arr"]].copy()
    moved = pd.DataFrame(  # from tuples: a frame of dataclasses costs asdict per move
        moves,
        columns=["key", "what", "before", "after"],
    )
    for what in ("tier", "lifecycle_stage"):  # accounts that did not move compare equal ("")
        these = moved[moved["what"] == what].set_index("key")
        states_before[what] = states_before["key"].map(these["before"]).astype(object).fillna("")
        states_after[what] = states_after["key"].map(these["after"]).astype(object).fillna("")
    gone = existing.loc[~in_file, ["key", "name"]]
    return BigChanges(compare(states_before, states_after, gone, settings.money))
