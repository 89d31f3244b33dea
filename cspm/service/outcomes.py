"""Outcomes over time (NRR, GRR, churn, expansion per group and period) and movements between
two snapshots, computed from the stored history of imports.

The state of the portfolio at any past date is re-derived from the snapshots on or before it
and analysed with that date as "today" (tiers, stages, health and segment membership as they
were), so trends never depend on the order files were loaded in.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from sqlalchemy import func, select

from cspm.core.errors import BadInputError
from cspm.core.fields import FIELD_NAMES
from cspm.core.health import HealthConfig
from cspm.core.movements import Movements, movements
from cspm.core.outcomes import PERIOD_COLUMNS, SUMMARY_METRICS, one_hot, outcomes_by_period
from cspm.core.periods import clip_periods, periods_between
from cspm.core.pipeline import analyse_portfolio
from cspm.core.rules import Rule
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.core.state import deciding_import_sets, derive_state
from cspm.storage import accounts_repo, imports_repo, revision
from cspm.storage.accounts_repo import SNAPSHOTS

from . import outcome_states
from .outcome_states import Held, held, inputs_key, states_at
from .portfolio import cached_portfolio, load_knobs, load_portfolio, stored_frames

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

Grouping = Literal["tier", "stage", "segment", "owner", "portfolio"]
NO_OWNER = "(no owner)"
OUTCOME_FIELDS = PERIOD_COLUMNS  # group, period, its bounds, then every metric
SUMMARY_FIELDS = ["group", "period", *SUMMARY_METRICS]  # what a table of outcomes shows


PER_DAY_READS = 2
"""Past states worth reading each from its own deciding snapshots (`_History.rows_until`):
at 100,000 accounts x 6 months one such read takes about a third of reading every
snapshot, so for up to two days (a quarter's outcomes, the changes between two imports) it
is faster; more days read every snapshot once and share it."""


@dataclass
class _History:
    """Everything needed to rebuild the portfolio at any date, loaded once per revision; the
    snapshots themselves are read when a past state is first asked for (`rows_until`)."""

    carried: dict[int, list[str]]
    keys: pd.Series  # account_id -> key
    history: pd.DataFrame
    settings: Settings
    overrides: pd.DataFrame
    touchpoints: pd.DataFrame
    as_of_dates: list[dt.date]
    revision: int
    health: HealthConfig
    snapshot_rows: int
    snapshots: pd.DataFrame | None = None  # every snapshot, once read
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rows_until(self, ctx: AppContext, day: dt.date, *, few: bool) -> pd.DataFrame:
        """Snapshots dated on or before `day` from which its state derives exactly: only the
        deciding ones (`load_deciding_snapshots`) when `few` past days are wanted and every
        snapshot was not read yet, else a prefix of every snapshot (read once, then held)."""
        fields = accounts_repo.carried_fields(self.carried)
        with self.lock:
            if self.snapshots is None and few:
                sets = deciding_import_sets(self.carried, FIELD_NAMES)
                with ctx.db.session() as s:
                    return accounts_repo.load_deciding_snapshots(s, sets, fields, until=day)
            if self.snapshots is None:
                with ctx.db.session() as s:
                    # only the fields some import carried: derive_state reads nothing else
                    self.snapshots = accounts_repo.load_snapshots(s, fields=fields)
            snapshots = self.snapshots
        stamp = pd.Timestamp(day)
        as_of = snapshots["as_of"]
        if as_of.is_monotonic_increasing:  # as loaded, oldest first: a prefix, not a copy of it
            return snapshots.iloc[: int(as_of.searchsorted(stamp, side="right"))]
        return snapshots[as_of <= stamp]


def _load(ctx: AppContext) -> _History:
    with ctx.db.session() as s:
        rev = revision.current(s)
        with ctx.cache.lock:
            cached = ctx.cache.history
        if cached is not None and cached.revision == rev:
            return cached
        carried = imports_repo.carried_by_import(s)
        stored = stored_frames(ctx, s)  # the disk copy when there is one
        accounts, history = stored.state, stored.history
        knobs = load_knobs(s)
        # every snapshot date, not only import dates: a related import derives month-end
        # snapshots from one file (cspm.service.related_derive)
        days = s.execute(select(SNAPSHOTS.c.as_of).distinct()).scalars().all()
        dates = sorted(pd.to_datetime(pd.Series(days, dtype=object).dropna()).dt.date.tolist())
        rows = int(s.scalar(select(func.count()).select_from(SNAPSHOTS)) or 0)
    keys = pd.Series(accounts["key"].to_numpy(), index=accounts["id"].to_numpy())
    loaded = _History(
        carried,
        keys,
        history,
        knobs.settings,
        knobs.overrides,
        knobs.touchpoints,
        dates,
        rev,
        knobs.health,
        rows,
    )
    with ctx.cache.lock:
        ctx.cache.history = loaded
    return loaded


def _rules(ctx: AppContext) -> dict[str, Rule]:
    """Segment rules as checked against today's catalogue: the segments the portfolio shows."""
    now = load_portfolio(ctx)
    return {d.name: d.rule for d in now.segments if d.rule is not None}


def _state_at(
    ctx: AppContext, h: _History, day: dt.date, rules: dict[str, Rule], *, few: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(analysed portfolio frame, segment membership) as of the end of `day`; no rules: no
    membership columns (the tier, stage and health of an account do not depend on them).
    `few`: one of at most `PER_DAY_READS` past days wanted now (`_History.rows_until`)."""
    snaps = h.rows_until(ctx, day, few=few)
    # One import's snapshots all carry the same fields, so of an account's snapshots from one
    # import only the latest can decide a value: a derived monthly history (one related import,
    # dozens of dates per account) shrinks to one row per account and import.
    repeated = snaps.duplicated(["account_id", "import_id"], keep="last").to_numpy()
    if repeated.any():  # none (monthly account files): no second copy of every snapshot
        snaps = snaps[~repeated]
    # in account id order (the stored accounts' order, as `_state_newest` has it), whichever
    # rows it was derived from: every snapshot or only the deciding ones
    derived = derive_state(snaps, h.carried, FIELD_NAMES).sort_index(kind="stable")
    state = derived.reset_index()
    state.insert(0, "key", state["account_id"].map(h.keys).astype(object))
    state = state.drop(columns=["account_id"])
    return _analysed_as_of(state, h.history, day, h, rules)


def _analysed_as_of(
    state: pd.DataFrame, history: pd.DataFrame, day: dt.date, knobs: Any, rules: dict[str, Rule]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame with `churned`, membership) of `state` analysed as of `day` with the snapshot
    history up to it; `knobs`: settings, overrides, touchpoints and health (a Knobs or a
    _History)."""
    analysed = analyse_portfolio(
        state,
        history[history["as_of"] <= pd.Timestamp(day)],
        day,
        settings=knobs.settings,
        overrides=knobs.overrides,
        touchpoints=knobs.touchpoints,
        health=knobs.health,
        rules=rules,
    )
    frame = analysed.frame
    frame["churned"] = (frame["lifecycle_stage"] == "Churned").to_numpy()
    return frame, analysed.membership


def _state_newest(
    ctx: AppContext, day: dt.date, rules: dict[str, Rule]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`_state_at` a day on or after the newest snapshot date, without reading the snapshots:
    derived from every snapshot, that state is the stored accounts' state (each import and undo
    keeps it so; tests/service/test_outcomes_newest.py checks the two agree), analysed as of
    that day. The first outcomes after an import need only this one new state."""
    with ctx.db.session() as s:
        stored = stored_frames(ctx, s)
        knobs = load_knobs(s)
    return _analysed_as_of(stored.state.drop(columns=["id"]), stored.history, day, knobs, rules)


def _groups(
    by: Grouping, keep: Held, frame: pd.DataFrame, membership: pd.DataFrame | None
) -> pd.DataFrame:
    if by == "tier":
        return one_hot(frame["tier"], order=keep.tiers)
    if by == "stage":
        return one_hot(frame["lifecycle_stage"], order=list(LIFECYCLE_STAGES))
    if by == "owner":
        return one_hot(frame["owner"].fillna(NO_OWNER).astype(str))
    if by == "segment":
        assert membership is not None and keep.rules is not None
        return membership.reindex(columns=keep.rules, fill_value=False)
    return pd.DataFrame(index=frame.index)


def held_states(ctx: AppContext, kind: str = "outcomes") -> Held:
    """This revision's kept states of one kind, with what telling periods and groups apart
    needs (the snapshot dates, the tier names, the disk key) read cheaply once per revision."""
    with ctx.db.session() as s:
        keep = held(ctx, revision.current(s), kind)
        if keep.dates is None:
            token = revision.accounts_token(s)
            knobs = load_knobs(s)
            stored = s.execute(select(SNAPSHOTS.c.as_of).distinct()).scalars().all()
            days = pd.to_datetime(pd.Series(stored, dtype=object).dropna().unique())
            keep.tiers = list(knobs.settings.tier_names)
            keep.inputs = None if token is None else inputs_key(token, knobs)
            keep.knobs = outcome_states.knobs_key(knobs)
            imports = imports_repo.committed_imports(s)
            keep.imports = (
                None
                if any(i.kind != "accounts" for i in imports)
                else [(i.id, i.as_of.isoformat(), tuple(i.carried_fields)) for i in imports]
            )
            keep.dates = sorted(days.date.tolist())
    return keep


def state_computer(
    ctx: AppContext, keep: Held
) -> Callable[[dt.date, bool], tuple[pd.DataFrame, pd.DataFrame | None]]:
    """How `states_at` analyses the portfolio as of a day it does not hold yet: from the
    stored accounts for a day on or after the newest snapshot (when only account imports made
    them), else re-derived from the snapshots up to that day."""
    last = (keep.dates or [dt.date.max])[-1]

    def compute(day: dt.date, with_segments: bool) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        rules = _rules(ctx) if with_segments else {}
        log.info("Outcomes: analysing the portfolio as of %s", day)
        if day >= last and keep.imports is not None:  # every snapshot is dated by then
            frame, members = _state_newest(ctx, day, rules)
            keep.large = keep.large or len(frame) >= outcome_states.MIN_ACCOUNTS
        else:
            h = _load(ctx)
            keep.large = len(h.keys) >= outcome_states.MIN_ACCOUNTS or (
                h.snapshot_rows >= outcome_states.MIN_SNAPSHOTS
            )
            past = [d for d in keep.todo if d < last or keep.imports is None]
            frame, members = _state_at(ctx, h, day, rules, few=len(past) <= PER_DAY_READS)
        if not with_segments:
            return frame, None
        keep.rules = list(rules)
        return frame, members

    return compute


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
    keep = held_states(ctx)
    dates = keep.dates or []
    if len(dates) < 2:
        return pd.DataFrame(columns=OUTCOME_FIELDS)
    first, last = dates[0], dates[-1]
    window = periods_between(start or first, end or last, period)
    periods = clip_periods(window, first, last)
    if start is not None:
        periods = [p for p in periods if p.start >= start]
    if end is not None:
        periods = [p for p in periods if p.end <= end or p.start <= end <= p.end]
    # Membership only when it is shown, or cheap to add (the portfolio, whose segment rules
    # it needs, is analysed already): so a switch to segments in Trends analyses nothing again.
    segments = by == "segment" or cached_portfolio(ctx, keep.revision) is not None

    days = [d for p in periods for d in (p.opening_as_of, p.closing_as_of)]
    states = states_at(ctx, keep, days, segments, state_computer(ctx, keep))
    scope = _scope(ctx, owner, keys)

    def analysed(day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        frame, members = states[day]
        if scope is not None:
            kept = frame.index.isin(scope)
            frame, members = frame[kept], None if members is None else members[kept]
        return frame, members

    table = outcomes_by_period(
        lambda day: analysed(day)[0],
        lambda day, frame: _groups(by, keep, frame, analysed(day)[1]),
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
    rules = _rules(ctx)
    before_frame, before_members = _state_at(ctx, h, start, rules, few=True)
    after_frame, after_members = _state_at(ctx, h, after, rules, few=True)
    moves = movements(
        before_frame,
        after_frame,
        before_members,
        after_members,
        tier_order=list(h.settings.tier_names),
    )
    return Changes(start, after, moves)
