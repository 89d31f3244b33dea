"""Reading and changing settings; every change is validated and returns the new settings.

Tier renames also rewrite the segment rules and tier overrides that name the tier, so a rename
never leaves a segment silently matching nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cspm.core.errors import BadInputError
from cspm.core.settings import UNASSIGNED_TIER, LifecycleWindows, Settings, TierBand
from cspm.storage import revision, settings_repo

from .context import AppContext
from .hooks import after_change

SCALAR_KEYS = {"date_order": ("month_first", "day_first"), "tier_source": ("arr_bands", "imported")}


def get_settings(ctx: AppContext) -> Settings:
    with ctx.db.session() as s:
        return settings_repo.load_settings(s)


def save_settings(ctx: AppContext, settings: Settings) -> Settings:
    _validate(settings)
    with ctx.db.session() as s:
        settings_repo.save_settings(s, settings)
        revision.bump(s)
    after_change(ctx)
    return settings


def _validate(settings: Settings) -> None:
    names = [b.name.strip() for b in settings.tier_bands]
    if not names:
        raise BadInputError("At least one tier band is needed.")
    if any(not n for n in names):
        raise BadInputError("A tier needs a name.")
    if len({n.casefold() for n in names}) != len(names):
        raise BadInputError("Two tiers have the same name.")
    if UNASSIGNED_TIER.casefold() in {n.casefold() for n in names}:
        raise BadInputError(f"'{UNASSIGNED_TIER}' is reserved for accounts without ARR.")
    if len({b.min_arr for b in settings.tier_bands}) != len(names):
        raise BadInputError("Two tiers have the same minimum ARR.")
    for f in dataclasses.fields(LifecycleWindows):
        if getattr(settings.lifecycle, f.name) < 0:
            raise BadInputError(f"lifecycle.{f.name} cannot be negative.")


def set_value(ctx: AppContext, key: str, value: str) -> Settings:
    """Set one scalar setting by name: date_order, tier_source, or lifecycle.<window>."""
    settings = get_settings(ctx)
    if key in SCALAR_KEYS:
        if value not in SCALAR_KEYS[key]:
            raise BadInputError(f"{key} must be one of {', '.join(SCALAR_KEYS[key])}.")
        return save_settings(ctx, dataclasses.replace(settings, **{key: value}))
    if key.startswith("lifecycle."):
        name = key.split(".", 1)[1]
        known = {f.name for f in dataclasses.fields(LifecycleWindows)}
        if name not in known:
            raise BadInputError(
                f"Unknown lifecycle setting '{name}'; known: {', '.join(sorted(known))}."
            )
        try:
            number: Any = float(value) if name.startswith("advocate") else int(value)
        except ValueError:
            raise BadInputError(f"{key} needs a number, got '{value}'.") from None
        lifecycle = dataclasses.replace(settings.lifecycle, **{name: number})
        return save_settings(ctx, dataclasses.replace(settings, lifecycle=lifecycle))
    raise BadInputError(
        f"Unknown setting '{key}'; use date_order, tier_source or lifecycle.<window>."
    )


def set_tier_bands(ctx: AppContext, bands: list[tuple[str, float]]) -> Settings:
    settings = get_settings(ctx)
    new = dataclasses.replace(
        settings, tier_bands=tuple(TierBand(n.strip(), float(m)) for n, m in bands)
    )
    return save_settings(ctx, new)


def rename_tier(ctx: AppContext, old: str, new: str) -> Settings:
    """Rename a tier band, and the segment rules and overrides that name it."""
    from cspm.service.segments import rename_tier_in_segments

    settings = get_settings(ctx)
    match = [b for b in settings.tier_bands if b.name.casefold() == old.strip().casefold()]
    if not match:
        raise BadInputError(f"Unknown tier '{old}'; tiers are {', '.join(settings.tier_names)}.")
    bands = tuple(
        TierBand(new.strip(), b.min_arr) if b is match[0] else b for b in settings.tier_bands
    )
    renamed = dataclasses.replace(settings, tier_bands=bands)
    _validate(renamed)
    with ctx.db.session() as s:
        settings_repo.save_settings(s, renamed)
        settings_repo.rename_override_tier(s, match[0].name, new.strip())
        rename_tier_in_segments(s, match[0].name, new.strip())
        revision.bump(s)
    after_change(ctx)
    return renamed
