"""Reading and changing settings; every change is validated and returns the new settings.

Tier renames also rewrite the segment rules and tier overrides that name the tier, so a rename
never leaves a segment silently matching nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cspm.core.errors import BadInputError
from cspm.core.health import COMPONENTS, HealthConfig
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
    if key.startswith("health."):
        return _set_health(ctx, key.split(".")[1:], value)
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
        f"Unknown setting '{key}'; use date_order, tier_source, lifecycle.<window> or "
        "health.<prefer_imported|red_below|green_from|weights.COMPONENT|tier.TIER.COMPONENT>."
    )


def health_config(ctx: AppContext) -> HealthConfig:
    with ctx.db.session() as s:
        return settings_repo.load_health(s)


def save_health_config(ctx: AppContext, config: HealthConfig) -> HealthConfig:
    """Validate and store the health score settings (weights, bands, imported-wins)."""
    for w in [config.weights, *config.tier_weights.values()]:
        values = [getattr(w, c) for c in COMPONENTS]
        if any(v < 0 for v in values):
            raise BadInputError("Health weights cannot be negative.")
        if sum(values) <= 0:
            raise BadInputError("At least one health weight must be above 0.")
    if not 0 <= config.red_below <= config.green_from <= 100:
        raise BadInputError("Health bands need 0 <= red below <= green from <= 100.")
    with ctx.db.session() as s:
        settings_repo.save_health(s, config)
        revision.bump(s)
    after_change(ctx)
    return config


def _number(key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise BadInputError(f"{key} needs a number, got '{value}'.") from None


def _set_health(ctx: AppContext, parts: list[str], value: str) -> Settings:
    config = health_config(ctx)
    key = "health." + ".".join(parts)
    if parts == ["prefer_imported"]:
        if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
            raise BadInputError(f"{key} must be true or false.")
        config = dataclasses.replace(config, prefer_imported=value.lower() in ("true", "yes", "1"))
    elif parts in (["red_below"], ["green_from"], ["mau_trend_days"]):
        config = dataclasses.replace(config, **{parts[0]: _number(key, value)})
    elif len(parts) == 2 and parts[0] == "weights" and parts[1] in COMPONENTS:
        weights = dataclasses.replace(config.weights, **{parts[1]: _number(key, value)})
        config = dataclasses.replace(config, weights=weights)
    elif len(parts) == 3 and parts[0] == "tier" and parts[2] in COMPONENTS:
        tier_weights = dict(config.tier_weights)
        current = tier_weights.get(parts[1], config.weights)
        tier_weights[parts[1]] = dataclasses.replace(current, **{parts[2]: _number(key, value)})
        config = dataclasses.replace(config, tier_weights=tier_weights)
    else:
        raise BadInputError(
            f"Unknown health setting '{key}'; components are {', '.join(COMPONENTS)}."
        )
    save_health_config(ctx, config)
    return get_settings(ctx)


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
