"""The portfolio as the user sees it: state, tier, stage, health, segments, per account.

Everything computed (tiers, stages, health, membership) depends on settings and on "today",
so it is computed on read and cached per (data revision, today): a settings change, an import
or a new day can never leave a stale classification behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from cspm.core.analysis import AnalysedPortfolio, analyse, expand_custom, segment_lists
from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.fields import FieldType
from cspm.core.health import HealthConfig
from cspm.core.rules import Rule, build_catalog, evaluate_many
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.core.state import last_touch_dates, layer_touchpoints
from cspm.storage import accounts_repo, revision, settings_repo, tasks_repo

from . import frame_cache
from .changes import Outcome, RowWatch, perform
from .context import AppContext
from .frame_cache import StoredFrames
from .segment_defs import SegmentDef, load_segment_defs


@dataclass(frozen=True)
class Portfolio:
    """The analysed portfolio plus what it was computed with."""

    frame: pd.DataFrame  # index = account key; see cspm.core.analysis
    membership: pd.DataFrame  # bool, one column per (valid) segment
    segments: list[SegmentDef]
    history: pd.DataFrame
    custom_types: dict[str, FieldType]
    settings: Settings
    today: dt.date
    revision: int
    health: HealthConfig

    @property
    def catalog(self) -> dict[str, FieldType]:
        return build_catalog(self.custom_types)


def override_series(
    state: pd.DataFrame, overrides: pd.DataFrame
) -> tuple[pd.Series | None, pd.Series | None]:
    """Pinned tier and its reason per account of `state` (indexed by key), or (None, None)."""
    if not len(overrides):
        return None, None
    keys = state.set_index("key", drop=False)["key"]
    return keys.map(overrides["tier"]), keys.map(overrides["reason"])


def analyse_stored(
    state: pd.DataFrame,
    history: pd.DataFrame | None,
    settings: Settings,
    today: dt.date,
    *,
    overrides: pd.DataFrame,
    touchpoints: pd.DataFrame,
    health: HealthConfig,
    rules: dict[str, Rule] | None = None,
    custom: tuple[pd.DataFrame, dict[str, FieldType]] | None = None,
) -> AnalysedPortfolio:
    """Stored account state as the user sees it on `today`: the touchpoints logged on or before
    that day layered over the imported dates, pinned tiers applied, then `analyse`.

    The portfolio (today) and outcomes (any past date) both call this, so an account a logged
    QBR took out of "No QBR in 120 days" is out of it in both, and a pinned tier groups both.
    """
    state = layer_touchpoints(state, last_touch_dates(touchpoints, today))
    tiers, notes = override_series(state, overrides)
    return analyse(
        state,
        history,
        settings,
        today,
        rules=rules,
        override_tiers=tiers,
        override_notes=notes,
        health=health,
        custom=custom,
    )


def classify_states(
    state: pd.DataFrame,
    settings: Settings,
    overrides: pd.DataFrame,
    today: dt.date,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tier and stage for some account states (e.g. before/after an import): enough to report
    which accounts moved. `history` (key, as_of, import_id, arr) lets a churned account keep
    the band of its last positive ARR, as the portfolio shows it."""
    tiers, notes = override_series(state, overrides)
    frame = analyse(
        state, history, settings, today, override_tiers=tiers, override_notes=notes
    ).frame
    return frame[["tier", "lifecycle_stage"]]


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
        custom, custom_types = expand_custom(state["custom"])
        state = state.drop(columns=["custom"])
        frames = StoredFrames(state, custom, custom_types, accounts_repo.load_history(s))
        with ctx.cache.lock:
            ctx.cache.unsaved = (token, frames)
    with ctx.cache.lock:
        ctx.cache.stored = (token, frames)
    return frames


def load_portfolio(ctx: AppContext) -> Portfolio:
    """The analysed portfolio, from cache when nothing changed since it was computed."""
    with ctx.db.session() as s:
        rev = revision.current(s)
        with ctx.cache.lock:
            cached = ctx.cache.portfolio
        if cached is not None and cached.revision == rev and cached.today == ctx.today:
            return cached
        stored = stored_frames(ctx, s)
        state, history = stored.state, stored.history
        settings = settings_repo.load_settings(s)
        overrides = settings_repo.load_overrides(s)
        seg_rows = load_segment_defs(s)
        touches = tasks_repo.load_touchpoints(s)
        health = settings_repo.load_health(s)
    # First pass without segments gives the custom field types the rules are checked against.
    base = analyse_stored(
        state,
        history,
        settings,
        ctx.today,
        overrides=overrides,
        touchpoints=touches,
        health=health,
        custom=(stored.custom, stored.custom_types),
    )
    defs = [d.checked(build_catalog(base.custom_types)) for d in seg_rows]
    rules = {d.name: d.rule for d in defs if d.rule is not None}
    if rules:
        membership = evaluate_many(rules, base.frame, history, ctx.today)
        frame = base.frame.copy()
        frame["segments"] = segment_lists(membership)
    else:
        frame, membership = base.frame, base.membership
    portfolio = Portfolio(
        frame, membership, defs, history, base.custom_types, settings, ctx.today, rev, health
    )
    with ctx.cache.lock:
        ctx.cache.portfolio = portfolio
    return portfolio


def sort_accounts(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable display order: casefolded name, then external_id."""
    name = frame["name"].fillna("").astype(str).str.casefold().to_numpy()
    ext = frame["external_id"].fillna("").astype(str).to_numpy()
    order = pd.DataFrame({"n": name, "e": ext}).sort_values(["n", "e"], kind="stable").index
    return frame.iloc[order]


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
    if tier:
        frame = frame[frame["tier"] == _known(tier, p.settings.tier_names, "tier")]
    if stage:
        frame = frame[frame["lifecycle_stage"] == _known(stage, LIFECYCLE_STAGES, "stage")]
    if segment:
        name = _known(segment, [d.name for d in p.segments], "segment")
        if name not in p.membership.columns:
            raise BadInputError(f"Segment '{name}' has an invalid rule; fix it first.")
        frame = frame[p.membership.loc[frame.index, name].to_numpy(dtype=bool)]
    if owner:
        frame = frame[frame["owner"].fillna("").str.casefold() == owner.strip().casefold()]
    return sort_accounts(frame)


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
