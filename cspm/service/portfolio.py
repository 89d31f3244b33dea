"""The portfolio as the user sees it: current state plus tier and lifecycle stage, per account.

Tiers and stages are computed on read (they depend on settings and on "today"), never stored,
so a settings change or a new day can never leave a stale classification behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.fields import FIELD_NAMES
from cspm.core.lifecycle import assign_stages
from cspm.core.parsing import infer_type, parse_column
from cspm.core.settings import Settings
from cspm.core.tiers import assign_tiers
from cspm.storage import accounts_repo, settings_repo

from .context import AppContext

CLASS_COLUMNS = ["tier", "tier_source", "tier_reason", "lifecycle_stage", "stage_reason"]


def classify(
    state: pd.DataFrame, settings: Settings, overrides: pd.DataFrame, today: dt.date
) -> pd.DataFrame:
    """Tier and stage (with reasons) for a frame of account states with a `key` column."""
    override_tier = state["key"].map(overrides["tier"]) if len(overrides) else None
    tiers = assign_tiers(state, settings, overrides=override_tier)
    if len(overrides):
        reason = state["key"].map(overrides["reason"])
        has = override_tier.notna() & (tiers["tier_source"] == "override")
        tiers.loc[has, "tier_reason"] = "override: " + reason[has].fillna("").astype(str)
    stages = assign_stages(state, today, settings)
    return pd.concat([tiers, stages], axis=1)[CLASS_COLUMNS]


def expand_custom(custom: pd.Series) -> pd.DataFrame:
    """Custom fields (dicts of JSON values) as typed columns, types inferred like on import."""
    records = [c if isinstance(c, dict) else {} for c in custom]
    wide = pd.DataFrame.from_records(records, index=custom.index)
    for col in wide.columns:
        raw = wide[col].astype(object)
        wide[col] = parse_column(raw, infer_type(raw)).values.to_numpy()
    return wide


def portfolio_frame(
    state: pd.DataFrame, settings: Settings, overrides: pd.DataFrame, today: dt.date
) -> pd.DataFrame:
    """Current state + classification, indexed by key, imported tier/stage kept aside."""
    classes = classify(state, settings, overrides, today)
    out = state.rename(
        columns={"tier": "imported_tier", "lifecycle_stage": "imported_lifecycle_stage"}
    ).drop(columns=["custom"], errors="ignore")
    out = pd.concat([out, classes], axis=1)
    if "custom" in state.columns and state["custom"].notna().any():
        custom = expand_custom(state["custom"])
        custom = custom[[c for c in custom.columns if c not in out.columns]]
        out = pd.concat([out, custom], axis=1)
    return out.set_index("key", drop=False)


@dataclass(frozen=True)
class Portfolio:
    """The portfolio frame plus what it was computed with."""

    frame: pd.DataFrame
    settings: Settings
    today: dt.date


def load_portfolio(ctx: AppContext) -> Portfolio:
    with ctx.db.session() as s:
        state = accounts_repo.load_accounts(s)
        settings = settings_repo.load_settings(s)
        overrides = settings_repo.load_overrides(s)
    return Portfolio(portfolio_frame(state, settings, overrides, ctx.today), settings, ctx.today)


def sort_accounts(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable display order: casefolded name, then external_id."""
    name = frame["name"].fillna("").astype(str).str.casefold()
    ext = frame["external_id"].fillna("").astype(str)
    order = (
        pd.DataFrame({"n": name.to_numpy(), "e": ext.to_numpy()})
        .sort_values(["n", "e"], kind="stable")
        .index
    )
    return frame.iloc[order]


def list_accounts(
    ctx: AppContext, *, tier: str | None = None, stage: str | None = None
) -> pd.DataFrame:
    """Accounts, optionally of one tier and/or stage (case-insensitive), in display order."""
    p = load_portfolio(ctx)
    frame = p.frame
    if tier:
        known = {t.casefold(): t for t in p.settings.tier_names}
        if tier.casefold() not in known:
            raise BadInputError(
                f"Unknown tier '{tier}'; tiers are {', '.join(p.settings.tier_names)}."
            )
        frame = frame[frame["tier"].str.casefold() == tier.casefold()]
    if stage:
        from cspm.core.settings import LIFECYCLE_STAGES

        if stage.casefold() not in {s.casefold() for s in LIFECYCLE_STAGES}:
            raise BadInputError(
                f"Unknown lifecycle stage '{stage}'; stages are {', '.join(LIFECYCLE_STAGES)}."
            )
        frame = frame[frame["lifecycle_stage"].str.casefold() == stage.casefold()]
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
    raise NotFoundError(f"No account with ID or name '{ref}'.")


def set_tier_override(ctx: AppContext, ref: str, tier: str | None, reason: str = "") -> str:
    """Pin (or with tier None, unpin) an account's tier; the pin survives re-imports."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    if tier is not None:
        known = {t.casefold(): t for t in p.settings.tier_names}
        if tier.casefold() not in known:
            raise BadInputError(
                f"Unknown tier '{tier}'; tiers are {', '.join(p.settings.tier_names)}."
            )
        tier = known[tier.casefold()]
        if not reason.strip():
            raise BadInputError("A tier override needs a reason.")
    with ctx.db.session() as s:
        settings_repo.set_override(s, key, tier, reason.strip())
    return key


STATE_COLUMNS = ["key", *FIELD_NAMES, "custom"]
