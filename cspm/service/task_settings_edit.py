"""Editing engagement models and capacity one value at a time (CLI) or by tier row (GUI).

Both fronts change cadences the same way, through `with_cadence_days`: a cadence a tier already
has keeps its label, description and what completes it, and only its interval changes; turning a
cadence on for a tier that lacked it copies a template (the built-in default for that kind, or
the first cadence of that kind any tier already has, so a custom kind keeps its wording).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from cspm.core.errors import BadInputError
from cspm.core.settings import Settings
from cspm.core.tasks import TOUCH_MODELS, Cadence, EngagementModel, TaskSettings
from cspm.core.tasks.playbooks import BUSINESS_REVIEW, CHECK_IN, EXEC_SPONSOR, QBR

DEFAULT_CADENCES: tuple[Cadence, ...] = (CHECK_IN, QBR, BUSINESS_REVIEW, EXEC_SPONSOR)
"""The built-in cadence kinds, in the order the settings screen shows them."""

OFF_WORDS = ("0", "off", "none")
UNLIMITED_WORDS = ("0", "unlimited", "none")


def cadence_templates(tasks: TaskSettings) -> dict[str, Cadence]:
    """Every cadence kind in use or built in, mapped to the cadence a new one is copied from.

    Built-in kinds first (their default wording), then custom kinds in the order tiers use them.
    """
    templates = {c.kind: c for c in DEFAULT_CADENCES}
    models: Iterable[EngagementModel] = [*tasks.engagement.values(), tasks.default_model]
    for model in models:
        for cadence in model.cadences:
            templates.setdefault(cadence.kind, cadence)
    return templates


def with_cadence_days(
    model: EngagementModel, kind: str, days: int, templates: Mapping[str, Cadence]
) -> EngagementModel:
    """`model` with the `kind` cadence every `days` days (0 = off)."""
    if days < 0:
        raise BadInputError("A cadence cannot recur every negative number of days; use 0 for off.")
    current = {c.kind: c for c in model.cadences}
    if days == 0:
        cadences = tuple(c for c in model.cadences if c.kind != kind)
    elif kind in current:
        cadences = tuple(
            dataclasses.replace(c, every_days=days) if c.kind == kind else c for c in model.cadences
        )
    elif kind in templates:
        cadences = (*model.cadences, dataclasses.replace(templates[kind], every_days=days))
    else:
        raise BadInputError(f"Unknown cadence '{kind}'; cadences are {', '.join(templates)}.")
    return dataclasses.replace(model, cadences=cadences)


def _int(key: str, value: str, *, words: tuple[str, ...] = ()) -> int:
    if value.strip().casefold() in words:
        return 0
    try:
        number = int(value)
    except ValueError:
        raise BadInputError(f"{key} needs a whole number, got '{value}'.") from None
    if number < 0:
        raise BadInputError(f"{key} cannot be negative.")
    return number


def _hours(key: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise BadInputError(f"{key} needs a number of hours, got '{value}'.") from None
    if number < 0:
        raise BadInputError(f"{key} cannot be negative.")
    return number


def _tier(settings: Settings, tasks: TaskSettings, name: str) -> str:
    """The tier's name as stored (matched case-insensitively); unknown tiers are refused.

    With tiers taken from the imported file, any name is accepted: the file decides the names.
    """
    known = [*settings.tier_names, *(t for t in tasks.engagement if t not in settings.tier_names)]
    for tier in known:
        if tier.casefold() == name.strip().casefold():
            return tier
    if settings.tier_source == "imported" and name.strip():
        return name.strip()
    raise BadInputError(f"Unknown tier '{name}'; tiers are {', '.join(settings.tier_names)}.")


TASK_KEYS_HELP = (
    "tasks.horizon_days, tasks.cadence_lead_days, tasks.engagement.TIER.touch_model, "
    "tasks.engagement.TIER.CADENCE, tasks.capacity.max_accounts.TOUCH_MODEL, "
    "tasks.capacity.hours_per_month, tasks.capacity.hours_per_task.CADENCE"
)


def set_task_value(settings: Settings, tasks: TaskSettings, key: str, value: str) -> TaskSettings:
    """`tasks` with one value of a table changed, from a dotted key such as
    tasks.engagement.SMB.qbr (the scalar task settings are declared, see `cspm.core.declared`)."""
    rest = key.removeprefix("tasks.")
    templates = cadence_templates(tasks)
    kw: dict[str, Any] = {}
    if rest.startswith("engagement.") and rest.count(".") >= 2:
        tier_name, field = rest.removeprefix("engagement.").rsplit(".", 1)
        tier = _tier(settings, tasks, tier_name)
        model = tasks.model_for(tier)
        if field == "touch_model":
            if value not in TOUCH_MODELS:
                raise BadInputError(f"{key} must be one of {', '.join(TOUCH_MODELS)}.")
            model = dataclasses.replace(model, touch_model=value)
        elif field in templates:
            model = with_cadence_days(model, field, _int(key, value, words=OFF_WORDS), templates)
        else:
            raise BadInputError(
                f"Unknown engagement setting '{field}'; use touch_model or a cadence: "
                f"{', '.join(templates)}."
            )
        kw["engagement"] = {**tasks.engagement, tier: model}
    elif rest.startswith("capacity."):
        kw["capacity"] = _set_capacity(tasks, key, rest.removeprefix("capacity."), value)
    else:
        raise BadInputError(f"Unknown task setting '{key}'; use {TASK_KEYS_HELP}.")
    return dataclasses.replace(tasks, **kw)


def _set_capacity(tasks: TaskSettings, key: str, rest: str, value: str) -> Any:
    capacity = tasks.capacity
    templates = cadence_templates(tasks)
    head, _, name = rest.partition(".")
    if head == "max_accounts" and name in TOUCH_MODELS:
        limit = _int(key, value, words=UNLIMITED_WORDS)
        max_accounts = {**capacity.max_accounts, name: limit or None}
        return dataclasses.replace(capacity, max_accounts=max_accounts)
    if head == "hours_per_task" and name in templates:
        hours = {**capacity.hours_per_task, name: _hours(key, value)}
        return dataclasses.replace(capacity, hours_per_task=hours)
    if head == "max_accounts":
        raise BadInputError(f"Unknown touch model '{name}'; use {', '.join(TOUCH_MODELS)}.")
    if head == "hours_per_task":
        raise BadInputError(f"Unknown cadence '{name}'; cadences are {', '.join(templates)}.")
    raise BadInputError(
        f"Unknown capacity setting '{key}'; use max_accounts.TOUCH_MODEL, hours_per_month "
        "or hours_per_task.CADENCE."
    )


def rename_key(mapping: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    """`mapping` with the entry of tier `old` filed under `new` (case-insensitive match).

    An entry already under `new` (left by a tier deleted earlier) is dropped: the renamed tier
    must keep its own settings, not inherit a stale one.
    """
    gone = {old.casefold(), new.casefold()}
    renamed = {t: v for t, v in mapping.items() if t.casefold() not in gone}
    for t, v in mapping.items():
        if t.casefold() == old.casefold():
            renamed[new] = v
    return renamed


def rename_in_tasks(tasks: TaskSettings, old: str, new: str) -> TaskSettings:
    """The task settings with tier `old`'s engagement model filed under `new`."""
    return dataclasses.replace(tasks, engagement=rename_key(tasks.engagement, old, new))
