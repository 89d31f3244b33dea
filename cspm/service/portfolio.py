"""The portfolio as the user sees it: state, tier, stage, health, segments, per account.

Everything computed (tiers, stages, health, membership) depends on settings and on "today",
so it is computed on read and cached per (data revision, today): a settings change, an import
or a new day can never leave a stale classification behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cspm.core.book import combine
from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.fields import FieldType
from cspm.core.health import HealthConfig
from cspm.core.pipeline import analyse_portfolio, check_rules, health_change
from cspm.core.rules import build_catalog
from cspm.core.rules.contact_count import uses_contacts
from cspm.core.rules.history import keyed_by
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.storage import accounts_repo, revision, settings_repo, tasks_repo

from . import analysed_copy, frame_cache
from .changes import Outcome, RowWatch, perform
from .contact_rows import contacts_table
from .frame_cache import StoredFrames
from .segment_defs import SegmentDef, load_segment_defs

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Portfolio:
    """The analysed portfolio plus what it was computed with."""

    frame: pd.DataFrame  # index = account key; see cspm.core.analysis
    membership: pd.DataFrame  # bool, one column per (valid) segment
    segments: list[SegmentDef]
    # the stored snapshots, or how to read them when first used (`history`)
    snapshots: pd.DataFrame | Callable[[], pd.DataFrame]
    custom_types: dict[str, FieldType]
    settings: Settings
    today: dt.date
    revision: int
    health: HealthConfig
    # the contact table (service.contact_rows) when a segment counts contacts, else None
    contacts: pd.DataFrame | None = None
    # each row's place in display order, when read back with the analysis (`analysed_copy`)
    kept_rank: np.ndarray | None = None

    @cached_property
    def history(self) -> pd.DataFrame:
        """The stored snapshots. A portfolio whose analysis was read back from its disk copy
        reads them on first use: listing accounts never needs 600,000 snapshot rows."""
        held = self.snapshots
        return held if isinstance(held, pd.DataFrame) else held()

    @cached_property
    def display_rank(self) -> np.ndarray:
        """Each row's place in the display order (`display_rank`), sorted once per portfolio
        (or read back with its analysis): every listing after that takes an integer sort."""
        return self.kept_rank if self.kept_rank is not None else display_rank(self.frame)

    def in_display_order(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """The rows `mask` keeps (all when None), as `sort_accounts` orders them."""
        rank = self.display_rank
        if mask is not None and len(mask) != len(rank):  # a mask of another portfolio
            raise ValueError(f"a mask of {len(mask)} rows for {len(rank)} accounts")
        rows = np.arange(len(rank)) if mask is None else np.flatnonzero(mask)
        return self.frame.iloc[rows[np.argsort(rank[rows], kind="stable")]]

    @property
    def catalog(self) -> dict[str, FieldType]:
        return build_catalog(self.custom_types)

    @cached_property
    def for_tasks(self) -> pd.DataFrame:
        """The frame plus `health_change` (health now minus the previous import's), which
        task triggers and priority read; computed once per portfolio."""
        return self.frame.assign(health_change=health_change(self.frame, self.history, self.today))


def stored_frames(ctx: AppContext, s: Session) -> StoredFrames:
    """Accounts and snapshots as stored: held in memory or in the disk copy made for exactly
    this data state, else read from the database (and then remembered, and written to disk
    when the context closes). Keyed by the revision token, so a change always re-reads."""
    token = revision.accounts_token(s)
    with ctx.cache.lock:
        held = ctx.cache.stored
    if token is not None and held is not None and held[0] == token:
        return held[1]
    frames = frame_cache.load(ctx.db.url, token)
    if frames is None:
        state = accounts_repo.load_accounts(s)
        history = accounts_repo.load_history(s, accounts=state)
        frames = StoredFrames.of(state, history)
        with ctx.cache.lock:
            ctx.cache.unsaved = (token, frames)
    with ctx.cache.lock:
        ctx.cache.stored = (token, frames)
    return frames


@dataclass(frozen=True)
class Knobs:
    """What the analysis takes besides the stored accounts: settings, pins, touchpoints,
    the health model and the segment definitions, read together in one session."""

    settings: Settings
    overrides: pd.DataFrame
    touchpoints: pd.DataFrame
    health: HealthConfig
    segments: list[SegmentDef]


def load_knobs(s: Session, settings: Settings | None = None) -> Knobs:
    """Read the analysis inputs other than the accounts (`settings` when already loaded)."""
    return Knobs(
        settings if settings is not None else settings_repo.load_settings(s),
        settings_repo.load_overrides(s),
        tasks_repo.load_touchpoints(s),
        settings_repo.load_health(s),
        load_segment_defs(s),
    )


def build_portfolio(
    stored: StoredFrames | Callable[[], pd.DataFrame],
    knobs: Knobs,
    today: dt.date,
    rev: int,
    contacts: pd.DataFrame | None = None,
    kept: analysed_copy.Analysed | None = None,
) -> Portfolio:
    """The analysed portfolio of stored frames on `today`: `cspm.core.pipeline`, once.

    contacts: the contact table on `today`, when a segment counts contacts; kept: the
    analysis of exactly these inputs, read back from its disk copy (`analysed_copy`), and
    then `stored` may be how to read the snapshots when they are first used."""
    sources = {d.name: d.rule_json for d in knobs.segments}
    if kept is None:
        assert isinstance(stored, StoredFrames), "an analysis needs the stored frames"
        analysed = analyse_portfolio(
            stored.state,
            stored.history,
            today,
            settings=knobs.settings,
            overrides=knobs.overrides,
            touchpoints=knobs.touchpoints,
            health=knobs.health,
            segments=sources,
            custom=(stored.custom, stored.custom_types),
            contacts=contacts,
        )
        frame, membership, custom_types = analysed.frame, analysed.membership, analysed.custom_types
        rules, errors = analysed.rules, analysed.rule_errors
        rank = None
    else:
        frame, membership, custom_types, rank = kept
        rules, errors = check_rules(sources, build_catalog(custom_types))
    defs = [replace(d, rule=rules.get(d.name), error=errors.get(d.name)) for d in knobs.segments]
    return Portfolio(
        frame,
        membership,
        defs,
        stored.history if isinstance(stored, StoredFrames) else stored,
        custom_types,
        knobs.settings,
        today,
        rev,
        knobs.health,
        contacts,
        rank,
    )


def cached_portfolio(ctx: AppContext, rev: int) -> Portfolio | None:
    """The portfolio computed for data revision `rev` and today, if the context holds it."""
    with ctx.cache.lock:
        cached = ctx.cache.portfolio
    if cached is not None and cached.revision == rev and cached.today == ctx.today:
        return cached
    return None


def adopt_frames(ctx: AppContext, token: str | None, frames: StoredFrames) -> None:
    """Hold frames a writer formed for the stored data of `token` (an import that knows what
    it wrote) as if they had been read; a disk copy is made on close as after a read."""
    if token is None:
        return
    if len(frames.history):
        # keyed as a read keys them (`accounts_repo.load_history`): categorical over the
        # stored keys in id order, so look-ups hash the categories, not every row
        history = frames.history.assign(key=keyed_by(frames.history["key"], frames.state["key"]))
        frames = replace(frames, history=history)
    with ctx.cache.lock:
        ctx.cache.stored = (token, frames)
        ctx.cache.unsaved = (token, frames)


def load_portfolio(ctx: AppContext, *, knobs: Knobs | None = None) -> Portfolio:
    """The analysed portfolio, from cache when nothing changed since it was computed.

    knobs: the analysis inputs when the caller read them in this data revision (an import
    right after its commit), so they are not read again."""
    with ctx.db.session() as s:
        rev = revision.current(s)
        cached = cached_portfolio(ctx, rev)
        if cached is not None:
            return cached
        token = revision.accounts_token(s)
        key = None  # a read's analysis is kept on disk (`analysed_copy`); an import's is not
        if knobs is None:
            knobs = load_knobs(s)
            key = analysed_copy.copy_key(token, knobs, ctx.today)
        kept = analysed_copy.load(ctx.db.url, key)
        stored: StoredFrames | Callable[[], pd.DataFrame] = _history_later(ctx, token)
        if kept is None:
            stored = stored_frames(ctx, s)
            if len(stored.state) < frame_cache.MIN_ACCOUNTS:
                key = None  # analysed in milliseconds: not copied
    contacts = None
    if any(uses_contacts(d.rule_json) for d in knobs.segments):
        contacts = contacts_table(ctx)
    portfolio = build_portfolio(stored, knobs, ctx.today, rev, contacts, kept)
    if kept is None:
        analysed_copy.remember(ctx, key, portfolio)
    with ctx.cache.lock:
        ctx.cache.portfolio = portfolio
    return portfolio


def _history_later(ctx: AppContext, token: str | None) -> Callable[[], pd.DataFrame]:
    """How a portfolio read back from its analysis' copy reads its snapshots on first use:
    the stored frames of this data state (held, or their disk copy, else the database)."""

    def read() -> pd.DataFrame:
        with ctx.db.session() as s:
            if revision.accounts_token(s) != token:  # written since: the copy is stale too
                log.info("Accounts changed since the portfolio was read; reading them now")
            return stored_frames(ctx, s).history

    return read


def sort_accounts(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable display order: casefolded name, then external_id (then frame order). For rows
    of a portfolio, `Portfolio.in_display_order` gives the same order without sorting names."""
    order = np.argsort(display_rank(frame), kind="stable")
    return frame.iloc[order]


def display_rank(frame: pd.DataFrame) -> np.ndarray:
    """Each row's place in display order. One sort of (name, id, position) tuples: half the
    time of a two-key DataFrame sort at 100k."""
    name = frame["name"].fillna("").astype(str).str.casefold().tolist()
    ext = frame["external_id"].fillna("").astype(str).tolist()
    order = [i for _, _, i in sorted(zip(name, ext, range(len(name)), strict=True))]
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return rank


def _known(value: str, options: list[str] | tuple[str, ...], what: str) -> str:
    by_fold = {o.casefold(): o for o in options}
    if value.strip().casefold() not in by_fold:
        raise BadInputError(f"Unknown {what} '{value}'; {what}s are {', '.join(options)}.")
    return by_fold[value.strip().casefold()]


def list_accounts(
    ctx: AppContext,
    *,
    tier: str | None = None,
    stage: str | None = None,
    segment: str | None = None,
    owner: str | None = None,
) -> pd.DataFrame:
    """Accounts, optionally of one tier / stage / segment / owner (case-insensitive)."""
    p = load_portfolio(ctx)
    frame = p.frame
    masks: list[np.ndarray] = []
    if tier:
        masks.append((frame["tier"] == _known(tier, p.settings.tier_names, "tier")).to_numpy())
    if stage:
        stage = _known(stage, LIFECYCLE_STAGES, "stage")
        masks.append((frame["lifecycle_stage"] == stage).to_numpy())
    if segment:
        name = _known(segment, [d.name for d in p.segments], "segment")
        if name not in p.membership.columns:
            raise BadInputError(f"Segment '{name}' has an invalid rule; fix it first.")
        masks.append(p.membership.loc[frame.index, name].to_numpy(dtype=bool))
    if owner:
        mine = frame["owner"].fillna("").str.casefold() == owner.strip().casefold()
        masks.append(mine.to_numpy(dtype=bool))
    return p.in_display_order(combine(*masks))


def resolve_account(frame: pd.DataFrame, ref: str) -> str:
    """The key of the account named by `ref`: its external_id, else its exact name ignoring case."""
    ref_s = ref.strip()
    by_id = frame.index[frame["external_id"].astype(object) == ref_s]
    if len(by_id) == 1:
        return str(by_id[0])
    names = frame["name"].fillna("").astype(str).str.strip().str.casefold()
    hits = frame[names == ref_s.casefold()]
    if len(hits) == 1:
        return str(hits.index[0])
    if len(hits) > 1:
        shown = "; ".join(
            f"{n} ({e})"
            for n, e in zip(hits["name"], hits["external_id"].fillna("no ID"), strict=True)
        )
        raise BadInputError(f"'{ref}' names {len(hits)} accounts: {shown}; use the account ID.")
    if ref_s in frame.index:
        return ref_s
    raise NotFoundError(f"No account with ID or name '{ref}'.")


def set_tier_override(ctx: AppContext, ref: str, tier: str | None, reason: str = "") -> str:
    """Pin (or with tier None, unpin) an account's tier; the pin survives re-imports."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    if tier is not None:
        tier = _known(tier, p.settings.tier_names, "tier")
        if not reason.strip():
            raise BadInputError("A tier override needs a reason.")
    name = p.frame.at[key, "name"]
    label = name if isinstance(name, str) and name else key
    action = f"Pin {label} to {tier}" if tier is not None else f"Unpin the tier of {label}"

    def work(s: Session) -> Outcome[str]:
        watch = RowWatch(s)
        watch.watch("tier_overrides", key)
        settings_repo.set_override(s, key, tier, reason.strip())
        return Outcome(key, watch.inverse())

    perform(ctx, action, {"overrides"}, work)
    return key
