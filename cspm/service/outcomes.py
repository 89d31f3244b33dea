"""Outcomes over time (NRR, GRR, churn, expansion per group and period) and movements between
two snapshots, computed from the stored history of imports.

The state of the portfolio at any past date is re-derived from the snapshots on or before it
and analysed with that date as "today" (tiers, stages, health and segment membership as they
were), so trends never depend on the order files were loaded in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.fields import FIELD_NAMES
from cspm.core.health import HealthConfig
from cspm.core.movements import Movements, movements
from cspm.core.outcomes import PERIOD_COLUMNS, SUMMARY_METRICS, one_hot, outcomes_by_period
from cspm.core.periods import clip_periods, periods_between
from cspm.core.pipeline import analyse_portfolio
from cspm.core.rules import Rule
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.core.state import derive_state
from cspm.storage import accounts_repo, imports_repo, revision

from .outcome_states import data_identity, state_at
from .portfolio import load_knobs, load_portfolio, stored_frames

if TYPE_CHECKING:
    from .context import AppContext

Grouping = Literal["tier", "stage", "segment", "owner", "portfolio"]
NO_OWNER = "(no owner)"
OUTCOME_FIELDS = PERIOD_COLUMNS  # group, period, its bounds, then every metric
SUMMARY_FIELDS = ["group", "period", *SUMMARY_METRICS]  # what a table of outcomes shows


@dataclass
class _Snapshots:
    """The stored history every past state is derived from: read only when a state at some
    date is not known yet (in memory or on disk), as reading it is most of the cost."""

    snapshots: pd.DataFrame
    carried: dict[int, list[str]]
    keys: pd.Series  # account_id -> key
    history: pd.DataFrame


@dataclass
class _History:
    """Everything needed to rebuild the portfolio at any date, loaded once per revision."""

    settings: Settings
    overrides: pd.DataFrame
    touchpoints: pd.DataFrame
    rules: dict[str, Rule]
    as_of_dates: list[dt.date]
    revision: int
    health: HealthConfig
    identity: str  # the data state the past states belong to (see outcome_states)
    read: Callable[[], _Snapshots]
    _stored: _Snapshots | None = None

    @property
    def stored(self) -> _Snapshots:
        if self._stored is None:
            self._stored = self.read()
        return self._stored


def _load(ctx: AppContext) -> _History:
    with ctx.db.session() as s:
        rev = revision.current(s)
        with ctx.cache.lock:
            cached = ctx.cache.history
        if cached is not None and cached.revision == rev:
            return cached
        token = revision.accounts_token(s)
        knobs = load_knobs(s)
        # every snapshot date, not only import dates: a related import derives month-end
        # snapshots from one file (cspm.service.related_derive)
        dates = accounts_repo.snapshot_dates(s)
    # Segment rules as checked against today's catalogue: the segments the portfolio shows.
    now = load_portfolio(ctx)
    rules = {d.name: d.rule for d in now.segments if d.rule is not None}

    def read() -> _Snapshots:
        with ctx.db.session() as s:
            carried = imports_repo.carried_by_import(s)
            fields = accounts_repo.carried_fields(carried)
            snapshots = accounts_repo.load_snapshots(s, fields=fields)
            stored = stored_frames(ctx, s)  # the disk copy when there is one
        accounts = stored.state
        keys = pd.Series(accounts["key"].to_numpy(), index=accounts["id"].to_numpy())
        return _Snapshots(snapshots, carried, keys, stored.history)

    identity = data_identity(token, rev, knobs, rules)
    loaded = _History(
        knobs.settings,
        knobs.overrides,
        knobs.touchpoints,
        rules,
        dates,
        rev,
        knobs.health,
        identity,
        read,
    )
    with ctx.cache.lock:
        ctx.cache.history = loaded
    return loaded


def _state_at(h: _History, day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(analysed portfolio frame, segment membership) as of the end of `day`."""
    stamp = pd.Timestamp(day)
    stored = h.stored
    snaps = stored.snapshots[stored.snapshots["as_of"] <= stamp]
    # One import's snapshots all carry the same fields, so of an account's snapshots from one
    # import only the latest can decide a value: a derived monthly history (one related import,
    # dozens of dates per account) shrinks to one row per account and import.
    snaps = snaps.drop_duplicates(["account_id", "import_id"], keep="last")
    derived = derive_state(snaps, stored.carried, FIELD_NAMES)
    state = derived.reset_index()
    state.insert(0, "key", state["account_id"].map(stored.keys).astype(object))
    state = state.drop(columns=["account_id"])
    analysed = analyse_portfolio(
        state,
        stored.history[stored.history["as_of"] <= stamp],
        day,
        settings=h.settings,
        overrides=h.overrides,
        touchpoints=h.touchpoints,
        health=h.health,
        rules=h.rules,
    )
    frame = analysed.frame
    frame["churned"] = (frame["lifecycle_stage"] == "Churned").to_numpy()
    return frame, analysed.membership


def _groups(
    h: _History, by: Grouping, frame: pd.DataFrame, membership: pd.DataFrame
) -> pd.DataFrame:
    if by == "tier":
        return one_hot(frame["tier"], order=list(h.settings.tier_names))
    if by == "stage":
        return one_hot(frame["lifecycle_stage"], order=list(LIFECYCLE_STAGES))
    if by == "owner":
        return one_hot(frame["owner"].fillna(NO_OWNER).astype(str))
    if by == "segment":
        return membership.reindex(columns=list(h.rules), fill_value=False)
    return pd.DataFrame(index=frame.index)


def outcomes(
    ctx: AppContext,
    *,
    by: Grouping = "tier",
    period: Literal["month", "quarter"] = "quarter",
    start: dt.date | None = None,
    end: dt.date | None = None,
    owner: str | None = None,
    keys: Collection[str] | None = None,
) -> pd.DataFrame:
    """Metrics per group and period (long frame, OUTCOME_FIELDS), oldest period first.

    Periods run over the snapshot history, clipped to those with a baseline snapshot before
    them; --from/--to narrow the window. A "Portfolio" row per period covers every account
    counted. `owner` (a name, or book.UNASSIGNED) counts only the accounts that owner has
    today ("my book", with their whole history, also from before they were theirs); `keys`
    counts only those accounts; both given: the accounts in both.
    """
    if by not in ("tier", "stage", "segment", "owner", "portfolio"):
        raise BadInputError(f"Cannot group outcomes by '{by}'; use tier, stage, segment or owner.")
    h = _load(ctx)
    if len(h.as_of_dates) < 2:
        return pd.DataFrame(columns=OUTCOME_FIELDS)
    first, last = h.as_of_dates[0], h.as_of_dates[-1]
    window = periods_between(start or first, end or last, period)
    periods = clip_periods(window, first, last)
    if start is not None:
        periods = [p for p in periods if p.start >= start]
    if end is not None:
        periods = [p for p in periods if p.end <= end or p.start <= end <= p.end]
    cache: dict[dt.date, tuple[pd.DataFrame, pd.DataFrame]] = {}
    scope = _scope(ctx, owner, keys)

    def analysed(day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        if day not in cache:
            frame, members = state_at(ctx, h.identity, day, lambda d: _state_at(h, d))
            if scope is not None:
                kept = frame.index.isin(scope)
                frame, members = frame[kept], members[kept]
            cache[day] = frame, members
        return cache[day]

    table = outcomes_by_period(
        lambda day: analysed(day)[0],
        lambda day, frame: _groups(h, by, frame, analysed(day)[1]),
        periods,
    )
    return table[OUTCOME_FIELDS] if len(table) else pd.DataFrame(columns=OUTCOME_FIELDS)


def _scope(ctx: AppContext, owner: str | None, keys: Collection[str] | None) -> pd.Index | None:
    """The account keys outcomes are restricted to, or None for every account."""
    scope = None if keys is None else pd.Index(list(keys), dtype=object)
    if owner is not None:
        from .book import owner_keys

        mine = owner_keys(ctx, owner)
        scope = mine if scope is None or mine is None else scope.intersection(mine)
    return scope


@dataclass
class Changes:
    before: dt.date
    after: dt.date
    moves: Movements

    def to_dict(self) -> dict[str, Any]:
        def rows(frame: pd.DataFrame, cols: list[str]) -> list[dict[str, Any]]:
            out = []
            for rec in frame[cols].to_dict("records"):
                out.append({k: (None if _missing(v) else _plain(v)) for k, v in rec.items()})
            return out

        m = self.moves
        return {
            "from": self.before.isoformat(),
            "to": self.after.isoformat(),
            "tier_matrix": rows(m.tier_matrix, ["from", "to", "count", "arr"]),
            "stage_transitions": rows(m.stage_transitions, ["from", "to", "count"]),
            "segments_entered": m.segments_entered,
            "segments_left": m.segments_left,
            "top_arr_changes": rows(m.top_arr_changes, ["account", "name", "before", "after"]),
            "top_health_changes": rows(
                m.top_health_changes, ["account", "name", "before", "after"]
            ),
        }


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def changes(
    ctx: AppContext, *, start: dt.date | None = None, end: dt.date | None = None
) -> Changes:
    """Movements between two as-of dates (default: the last two snapshots)."""
    h = _load(ctx)
    if not h.as_of_dates:
        raise BadInputError("There are no imports yet, so nothing has changed.")
    after = end or h.as_of_dates[-1]
    if start is None:
        earlier = [d for d in h.as_of_dates if d < after]
        if not earlier:
            raise BadInputError(f"There is no snapshot before {after.isoformat()} to compare with.")
        start = earlier[-1]
    if start >= after:
        raise BadInputError("--from must be before --to.")
    before_frame, before_members = _state_at(h, start)
    after_frame, after_members = _state_at(h, after)
    moves = movements(
        before_frame,
        after_frame,
        before_members,
        after_members,
        tier_order=list(h.settings.tier_names),
    )
    return Changes(start, after, moves)
