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
from typing import Any

from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.core.health import COMPONENTS, HealthConfig, HealthWeights
from cspm.core.money import MoneyFormat
from cspm.core.settings import (
    UNASSIGNED_TIER,
    LifecycleWindows,
    ReadingLimits,
    Settings,
    TierBand,
)
from cspm.core.tasks import TaskSettings
from cspm.storage import settings_repo
from cspm.storage.models import SettingRow

from .changes import Outcome, RowWatch, perform
from .context import AppContext
from .currency_settings import (
    CURRENCY_KEYS_HELP,
    validate_currency,
    with_currency_value,
    with_rates,
    without_rates,
)
from .task_settings_edit import TASK_KEYS_HELP, rename_in_tasks, rename_key, set_task_value
from .tasks import SETTINGS_KEY as TASKS_KEY

SCALAR_KEYS = {"date_order": ("month_first", "day_first"), "tier_source": ("arr_bands", "imported")}
# Word lists set as one comma-separated value ("churned,closed lost,former customer").
LIST_KEYS = ("churned_statuses", "trial_statuses")


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


SETTINGS_ROWS = (settings_repo.APP_KEY, TASKS_KEY, settings_repo.HEALTH_KEY)
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
    for f in dataclasses.fields(LifecycleWindows):
        if getattr(settings.lifecycle, f.name) < 0:
            raise BadInputError(f"lifecycle.{f.name} cannot be negative.")
    validate_currency(settings.currency)
    if settings.db.backups_kept < 0 or settings.db.lock_wait_seconds < 0:
        raise BadInputError("db.backups_kept and db.lock_wait_seconds cannot be negative.")


def set_value(ctx: AppContext, key: str, value: str) -> Settings | TaskSettings:
    """Set one setting by name: date_order, tier_source, lifecycle.*, health.* or tasks.*.

    Task keys return the new task settings (that is what the user changed); the others return
    the app settings.
    """
    if key.startswith("tasks."):
        current = load_all(ctx)
        tasks = set_task_value(current.settings, current.tasks, key, value)
        return save_all(ctx, dataclasses.replace(current, tasks=tasks)).tasks
    settings = get_settings(ctx)
    if key in SCALAR_KEYS:
        if value not in SCALAR_KEYS[key]:
            raise BadInputError(f"{key} must be one of {', '.join(SCALAR_KEYS[key])}.")
        changes: dict[str, Any] = {key: value}  # checked against SCALAR_KEYS above
        return save_settings(ctx, dataclasses.replace(settings, **changes))
    if key in LIST_KEYS:
        words = tuple(dict.fromkeys(w.strip() for w in value.split(",") if w.strip()))
        if not words:
            raise BadInputError(f"{key} needs at least one word, e.g. 'churned,closed lost'.")
        lists: dict[str, Any] = {key: words}  # checked against LIST_KEYS above
        return save_settings(ctx, dataclasses.replace(settings, **lists))
    if key.startswith("health."):
        return _set_health(ctx, key.split(".")[1:], value)
    if key.startswith("currency."):
        return save_settings(ctx, with_currency_value(settings, key, value))
    if key in ("db.backups_kept", "db.lock_wait_seconds"):
        name = key.split(".", 1)[1]
        try:
            amount: Any = int(value) if name == "backups_kept" else float(value)
        except ValueError:
            raise BadInputError(f"{key} needs a number, got '{value}'.") from None
        db = dataclasses.replace(settings.db, **{name: amount})
        return save_settings(ctx, dataclasses.replace(settings, db=db))
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
    if key.startswith("reading."):
        return save_settings(ctx, _with_reading_limit(settings, key, value))
    raise BadInputError(
        f"Unknown setting '{key}'; use date_order, tier_source, churned_statuses, "
        "trial_statuses, lifecycle.<window>, reading.<max_unpacked_mb|max_unpack_ratio>, "
        "health.<prefer_imported|red_below|green_from|mau_trend_days|min_signals|weights.COMPONENT|"
        f"tier.TIER.COMPONENT>, {CURRENCY_KEYS_HELP}, db.<backups_kept|lock_wait_seconds> "
        f"or {TASK_KEYS_HELP}."
    )


def set_rates(ctx: AppContext, rates: Sequence[tuple[str, float]], effective: dt.date) -> Settings:
    """Add (or replace) exchange rates effective from a date; returns the new settings."""
    return save_settings(ctx, with_rates(get_settings(ctx), rates, effective))


def remove_rates(ctx: AppContext, code: str, effective: dt.date | None = None) -> Settings:
    """Remove a currency's rates (or only the one effective from `effective`)."""
    return save_settings(ctx, without_rates(get_settings(ctx), code, effective))


def _with_reading_limit(settings: Settings, key: str, value: str) -> Settings:
    """reading.max_unpacked_mb / reading.max_unpack_ratio: whole numbers of at least 1."""
    name = key.split(".", 1)[1]
    known = {f.name for f in dataclasses.fields(ReadingLimits)}
    if name not in known:
        raise BadInputError(f"Unknown reading setting '{name}'; known: {', '.join(sorted(known))}.")
    try:
        number = int(value)
    except ValueError:
        raise BadInputError(f"{key} needs a whole number, got '{value}'.") from None
    if number < 1:
        raise BadInputError(f"{key} must be at least 1.")
    return dataclasses.replace(
        settings, reading=dataclasses.replace(settings.reading, **{name: number})
    )


def health_config(ctx: AppContext) -> HealthConfig:
    with ctx.db.session() as s:
        return settings_repo.load_health(s)


def save_health_config(ctx: AppContext, config: HealthConfig) -> HealthConfig:
    """Validate and store the health score settings (weights, bands, imported-wins)."""
    validate_health(config)
    _save_rows(ctx, "Change health settings", lambda s: settings_repo.save_health(s, config))
    return config


def validate_health(config: HealthConfig) -> None:
    """Refuse weights no score can come from, and bands that overlap."""
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
    if config.mau_trend_days < 1:
        raise BadInputError("The usage trend needs a window of at least 1 day.")
    if not 1 <= config.min_signals <= len(COMPONENTS):
        raise BadInputError(
            f"The minimum number of health signals must be between 1 and {len(COMPONENTS)}."
        )


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
        number: dict[str, Any] = {parts[0]: _number(key, value)}
        config = dataclasses.replace(config, **number)
    elif parts == ["min_signals"]:
        if not value.strip().isdigit():
            raise BadInputError(f"{key} needs a whole number of signals, got '{value}'.")
        config = dataclasses.replace(config, min_signals=int(value))
    elif len(parts) == 2 and parts[0] == "weights" and parts[1] in COMPONENTS:
        weights = dataclasses.replace(config.weights, **{parts[1]: _number(key, value)})
        config = dataclasses.replace(config, weights=weights)
    elif len(parts) >= 3 and parts[0] == "tier" and parts[-1] in COMPONENTS:
        tier, component = ".".join(parts[1:-1]), parts[-1]
        tier_weights = dict(config.tier_weights)
        current = tier_weights.get(tier, config.weights)
        tier_weights[tier] = dataclasses.replace(current, **{component: _number(key, value)})
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
    save_health_config(ctx, config)
    return get_settings(ctx)


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
        row = s.get(SettingRow, TASKS_KEY)
        return AllSettings(
            settings_repo.load_settings(s),
            TaskSettings.from_dict(row.value if row else None),
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
    final, stored_names = edited, []
    for old, new in renames:
        final, name = _renamed(final, old, new)
        stored_names.append((name, new.strip()))

    def write(s: Session) -> None:
        settings_repo.save_settings(s, final.settings)
        settings_repo.save_health(s, final.health)
        _store_tasks(s, final.tasks)
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


def _store_tasks(s: Session, tasks: TaskSettings) -> None:
    row = s.get(SettingRow, TASKS_KEY)
    if row is None:
        s.add(SettingRow(key=TASKS_KEY, value=tasks.to_dict()))
    else:
        row.value = tasks.to_dict()


def _rename_in_segments(s: Session, old: str, new: str) -> None:
    from cspm.service.segments import rename_tier_in_segments  # late: heavy module

    rename_tier_in_segments(s, old, new)
