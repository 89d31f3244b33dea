"""Reading and changing settings; every change is validated and returns the new settings.

Three documents make up what the Settings screen edits: the app settings (tiers, lifecycle,
dates), the task settings (engagement models, capacity) and the health configuration.
`save_all` validates all three and any tier renames before writing, then writes them in one
transaction, so a bad health weight never leaves tier changes half-saved.

Tier renames also rewrite the segment rules, tier overrides, engagement models and health tier
weights that name the tier, so a rename never leaves a segment silently matching nothing or a
tier silently falling back to default cadences.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from cspm.core.declared import Declared, check_all, replace_path
from cspm.core.errors import BadInputError
from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights
from cspm.core.money import MoneyFormat
from cspm.core.renewal_forecast import ForecastSettings
from cspm.core.setting_keys import DECLARED, PersonalSettings, in_document
from cspm.core.settings import UNASSIGNED_TIER, Settings, TierBand
from cspm.core.tasks import TaskSettings
from cspm.storage import settings_repo

from .changes import Outcome, RowWatch, perform
from .currency_settings import (
    validate_currency,
    with_currency_value,
    with_rates,
    without_rates,
)
from .personal import get_personal, set_personal
from .task_settings_edit import rename_in_tasks, rename_key, set_task_value

if TYPE_CHECKING:
    from .context import AppContext

SPECIAL_KEYS = ("currency.code",)
"""Declared keys whose change brings more along (a new currency brings its symbol)."""


def get_settings(ctx: AppContext) -> Settings:
    with ctx.db.session() as s:
        return settings_repo.load_settings(s)


def money_format(ctx: AppContext) -> MoneyFormat:
    """How amounts are written (the portfolio currency), for fronts that print money."""
    return get_settings(ctx).money


def save_settings(ctx: AppContext, settings: Settings) -> Settings:
    _validate(settings)
    _save_rows(ctx, "Change settings", lambda s: settings_repo.save_settings(s, settings))
    return settings


SETTINGS_ROWS = (
    settings_repo.APP_KEY,
    settings_repo.TASKS_KEY,
    settings_repo.HEALTH_KEY,
    settings_repo.FORECAST_KEY,
)
"""The settings rows a settings save may write (restored whole by its undo)."""


def _save_rows(ctx: AppContext, action: str, write: Any, *, renames: bool = False) -> None:
    """One settings save as a change: its undo restores the rows' previous JSON (and, for a
    tier rename, the overrides and segment rules the rename rewrote)."""

    def work(s: Session) -> Outcome[None]:
        watch = RowWatch(s)
        for key in SETTINGS_ROWS:
            watch.watch("settings", key)
        if renames:
            watch.watch_all("tier_overrides")
            watch.watch_all("segments")
        write(s)
        inverse = watch.inverse()
        return Outcome(None, inverse, changed=inverse is not None)

    touches = {"settings", "overrides", "segments"} if renames else {"settings"}
    perform(ctx, action, touches, work, guard="settings")


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
    check_all(settings, in_document("app"))
    validate_currency(settings.currency)


def set_value(
    ctx: AppContext, key: str, value: str
) -> Settings | TaskSettings | HealthConfig | ForecastSettings | PersonalSettings:
    """Set one setting by its dotted key (`cspm settings keys` lists them).

    Declared keys are parsed and checked against their declaration (type, range, choices);
    keys over tables (health.tier.*, tasks.engagement.*, tasks.capacity.max_accounts.*, ...)
    have their own editors. Returns the document the key belongs to, as saved.
    """
    declared = DECLARED.get(key)
    if declared is not None and key not in SPECIAL_KEYS:
        return _set_declared(ctx, declared, declared.parse(value))
    if key.startswith("tasks."):
        current = load_all(ctx)
        tasks = set_task_value(current.settings, current.tasks, key, value)
        return save_all(ctx, dataclasses.replace(current, tasks=tasks)).tasks
    if key.startswith("health."):
        return _set_health(ctx, key.split(".")[1:], value)
    if key.startswith("currency."):
        return save_settings(ctx, with_currency_value(get_settings(ctx), key, value))
    group = key.partition(".")[0] + "."
    known = [k for k in DECLARED if k.startswith(group)] if "." in key else []
    if known:
        raise BadInputError(f"Unknown setting '{key}'; the {group[:-1]} settings are "
                            f"{', '.join(known)}.")  # fmt: skip
    raise BadInputError(f"Unknown setting '{key}'; `cspm settings keys` lists every setting.")


def _set_declared(
    ctx: AppContext, declared: Declared, value: Any
) -> Settings | TaskSettings | HealthConfig | ForecastSettings | PersonalSettings:
    """Store one checked value in the document it belongs to (or the personal file)."""
    if declared.scope == "personal":
        set_personal(declared.key, value)
        return personal_settings()
    if declared.document == "app":
        return save_settings(ctx, replace_path(get_settings(ctx), declared.path, value))
    if declared.document == "health":
        return save_health_config(ctx, replace_path(health_config(ctx), declared.path, value))
    if declared.document == "forecast":
        return save_forecast_settings(
            ctx, replace_path(forecast_settings(ctx), declared.path, value)
        )
    current = load_all(ctx)
    tasks = replace_path(current.tasks, declared.path, value)
    return save_all(ctx, dataclasses.replace(current, tasks=tasks)).tasks


def personal_settings() -> PersonalSettings:
    """The personal settings as declared (read from this person's file)."""
    values = {d.path[0]: get_personal(d.key) for d in in_document("personal").values()}
    return PersonalSettings(**{k: v if isinstance(v, str) else None for k, v in values.items()})


def set_rates(ctx: AppContext, rates: Sequence[tuple[str, float]], effective: dt.date) -> Settings:
    """Add (or replace) exchange rates effective from a date; returns the new settings."""
    return save_settings(ctx, with_rates(get_settings(ctx), rates, effective))


def remove_rates(ctx: AppContext, code: str, effective: dt.date | None = None) -> Settings:
    """Remove a currency's rates (or only the one effective from `effective`)."""
    return save_settings(ctx, without_rates(get_settings(ctx), code, effective))


def health_config(ctx: AppContext) -> HealthConfig:
    with ctx.db.session() as s:
        return settings_repo.load_health(s)


def save_health_config(ctx: AppContext, config: HealthConfig) -> HealthConfig:
    """Validate and store the health score settings (weights, bands, imported-wins)."""
    validate_health(config)
    _save_rows(ctx, "Change health settings", lambda s: settings_repo.save_health(s, config))
    return config


def forecast_settings(ctx: AppContext) -> ForecastSettings:
    with ctx.db.session() as s:
        return settings_repo.load_forecast(s)


def save_forecast_settings(ctx: AppContext, settings: ForecastSettings) -> ForecastSettings:
    """Validate and store the forecast's probabilities and thresholds."""
    check_all(settings, in_document("forecast"))
    _save_rows(ctx, "Change forecast settings", lambda s: settings_repo.save_forecast(s, settings))
    return settings


def validate_health(config: HealthConfig) -> None:
    """Refuse values outside their declared ranges, weights no score can come from, and bands
    that overlap."""
    check_all(config, in_document("health"))
    groups: list[tuple[str, HealthWeights]] = [("", config.weights)]
    groups += [(f" for {tier}", w) for tier, w in config.tier_weights.items()]
    for where, w in groups:
        values = [getattr(w, c) for c in COMPONENTS]
        if any(v < 0 for v in values):
            raise BadInputError(f"Health weights{where} cannot be negative.")
        if sum(values) <= 0:
            raise BadInputError(f"At least one health weight{where} must be above 0.")
    if not 0 <= config.red_below <= config.green_from <= 100:
        raise BadInputError("Health bands need 0 <= red below <= green from <= 100.")


def _number(key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise BadInputError(f"{key} needs a number, got '{value}'.") from None


def _set_health(ctx: AppContext, parts: list[str], value: str) -> HealthConfig:
    """health.tier.TIER.COMPONENT (a tier's own weight) and health.tier.TIER defaults."""
    config = health_config(ctx)
    key = "health." + ".".join(parts)
    if len(parts) >= 3 and parts[0] == "tier" and parts[-1] in COMPONENTS:
        tier, component = ".".join(parts[1:-1]), parts[-1]
        as_declared = DECLARED[f"health.weights.{component}"]  # same range, this key's name
        weight = dataclasses.replace(as_declared, key=key).parse(value)
        tier_weights = dict(config.tier_weights)
        current = tier_weights.get(tier, config.weights)
        tier_weights[tier] = dataclasses.replace(current, **{component: weight})
        config = dataclasses.replace(config, tier_weights=tier_weights)
    elif len(parts) >= 2 and parts[0] == "tier" and value.casefold() == "defaults":
        tier = ".".join(parts[1:]).casefold()
        kept = {t: w for t, w in config.tier_weights.items() if t.casefold() != tier}
        if len(kept) == len(config.tier_weights):
            raise BadInputError(f"Tier '{'.'.join(parts[1:])}' has no weights of its own.")
        config = dataclasses.replace(config, tier_weights=kept)
    else:
        raise BadInputError(
            f"Unknown health setting '{key}'; components are {', '.join(COMPONENTS)}."
        )
    return save_health_config(ctx, config)


def set_tier_bands(ctx: AppContext, bands: list[tuple[str, float]]) -> Settings:
    settings = get_settings(ctx)
    new = dataclasses.replace(
        settings, tier_bands=tuple(TierBand(n.strip(), float(m)) for n, m in bands)
    )
    return save_settings(ctx, new)


def rename_tier(ctx: AppContext, old: str, new: str) -> Settings:
    """Rename a tier band, and the segment rules, overrides, engagement and weights naming it."""
    return save_all(ctx, load_all(ctx), [(old, new)]).settings


@dataclasses.dataclass(frozen=True)
class AllSettings:
    """The three settings documents the Settings screen edits and saves together."""

    settings: Settings
    tasks: TaskSettings
    health: HealthConfig


def load_all(ctx: AppContext) -> AllSettings:
    with ctx.db.session() as s:
        return AllSettings(
            settings_repo.load_settings(s),
            settings_repo.load_tasks(s),
            settings_repo.load_health(s),
        )


def _renamed(edited: AllSettings, old: str, new: str) -> tuple[AllSettings, str]:
    """`edited` with tier `old` called `new` everywhere it is a key; and old's stored spelling."""
    settings = edited.settings
    match = [b for b in settings.tier_bands if b.name.casefold() == old.strip().casefold()]
    if not match:
        raise BadInputError(f"Unknown tier '{old}'; tiers are {', '.join(settings.tier_names)}.")
    name, new = match[0].name, new.strip()
    bands = tuple(TierBand(new, b.min_arr) if b is match[0] else b for b in settings.tier_bands)
    settings = dataclasses.replace(settings, tier_bands=bands)
    _validate(settings)
    health = dataclasses.replace(
        edited.health, tier_weights=rename_key(edited.health.tier_weights, name, new)
    )
    return AllSettings(settings, rename_in_tasks(edited.tasks, name, new), health), name


def save_all(
    ctx: AppContext, edited: AllSettings, renames: Sequence[tuple[str, str]] = ()
) -> AllSettings:
    """Validate everything, then write the three documents and the renames in one transaction.

    `edited` names renamed tiers by their saved names; `renames` are (saved name, new name)
    pairs applied in order, to the tier bands and to everything else that names the tier.
    Nothing is written when any part is invalid.
    """
    _validate(edited.settings)
    validate_health(edited.health)
    check_all(edited.tasks, in_document("tasks"))
    final, stored_names = edited, []
    for old, new in renames:
        final, name = _renamed(final, old, new)
        stored_names.append((name, new.strip()))

    def write(s: Session) -> None:
        settings_repo.save_settings(s, final.settings)
        settings_repo.save_health(s, final.health)
        settings_repo.save_tasks(s, final.tasks)
        for name, new in stored_names:
            settings_repo.rename_override_tier(s, name, new)
            _rename_in_segments(s, name, new)

    action = (
        "Rename tier " + ", ".join(f"'{o}' to '{n}'" for o, n in stored_names)
        if stored_names
        else "Change settings"
    )
    _save_rows(ctx, action, write, renames=bool(stored_names))
    return load_all(ctx)


def _rename_in_segments(s: Session, old: str, new: str) -> None:
    from cspm.service.segment_tiers import rename_tier_in_segments

    rename_tier_in_segments(s, old, new)
