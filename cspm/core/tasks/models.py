"""The building blocks of task settings: cadences, engagement models, playbook steps, weights.

Every class is a frozen dataclass with defaults so core code takes settings as plain arguments;
storage keeps all task settings in one document through the generic `cspm.core.declared`
reader and writer, which keep defaults for anything a stored document lacks, so adding a setting
never needs a migration. Scalar settings are declared with `setting(...)` (range, label,
help). Invalid values raise `BadInputError` at construction, so a bad settings edit is refused
before any task is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from cspm.core.declared import setting
from cspm.core.errors import BadInputError
from cspm.core.fields import DATE_FIELDS

TOUCH_KINDS: tuple[str, ...] = ("call", "email", "meeting", "qbr", "note")
"""Kinds of logged touchpoints."""

TOUCH_MODELS: tuple[str, ...] = ("high-touch", "mid-touch", "tech-touch")
"""How much personal attention a tier gets; capacity limits are set per touch model."""

TASK_STATUSES: tuple[str, ...] = ("open", "snoozed", "done", "dismissed", "resolved")
OPEN_STATUSES: tuple[str, ...] = ("open", "snoozed")
CLOSED_STATUSES: tuple[str, ...] = ("done", "dismissed", "resolved")

TriggerKind = Literal["segment", "stage"]
CADENCE_PREFIX = "cadence:"

_T = TypeVar("_T")


def _frozen_map(data: Mapping[str, _T]) -> Mapping[str, _T]:
    return MappingProxyType(dict(data))


@dataclass(frozen=True)
class Cadence:
    """A recurring CSM task of one kind ("check_in", "qbr", ...) every `every_days`.

    The cadence falls due `every_days` after its anchor: the latest of the last completed (or
    dismissed) task of this kind, the last logged touchpoint whose kind is in `completed_by`, and
    the portfolio date columns in `data_fields` (say, last_qbr from the CRM). With no anchor at
    all it is due today. `requires_flag` names a bool column of the touchpoints frame that must
    be true for a touchpoint to count (an executive-sponsor meeting looks like any meeting
    otherwise); without that column no touchpoint counts and only completing the task does.
    """

    kind: str
    label: str
    every_days: int
    base_priority: float = 40.0
    description: str = ""
    completed_by: tuple[str, ...] = ()
    data_fields: tuple[str, ...] = ()
    requires_flag: str | None = None

    def __post_init__(self) -> None:
        if not self.kind or ":" in self.kind:
            raise BadInputError(f"Cadence kind {self.kind!r} must be a non-empty name without ':'.")
        if self.every_days < 1:
            raise BadInputError(f"Cadence {self.label!r} must recur at least every 1 day.")
        bad = [k for k in self.completed_by if k not in TOUCH_KINDS]
        if bad:
            raise BadInputError(f"Cadence {self.label!r}: unknown touchpoint kinds {bad}.")
        bad = [f for f in self.data_fields if f not in DATE_FIELDS]
        if bad:
            raise BadInputError(f"Cadence {self.label!r}: {bad} are not date fields.")
        _check_priority(self.base_priority, self.label)

    @property
    def template_id(self) -> str:
        return CADENCE_PREFIX + self.kind


@dataclass(frozen=True)
class EngagementModel:
    """How a tier is served: its touch model (for capacity) and its recurring cadences."""

    touch_model: str = "tech-touch"
    cadences: tuple[Cadence, ...] = ()

    def __post_init__(self) -> None:
        if self.touch_model not in TOUCH_MODELS:
            raise BadInputError(
                f"Touch model {self.touch_model!r} is not one of {', '.join(TOUCH_MODELS)}."
            )
        kinds = [c.kind for c in self.cadences]
        if len(set(kinds)) != len(kinds):
            raise BadInputError(f"An engagement model repeats a cadence kind: {kinds}.")


@dataclass(frozen=True)
class PlaybookStep:
    """A task template attached to a segment or a lifecycle stage.

    The task is due `due_offset_days` after `due_from`: "today" (fixed when the task is
    created) or a date field such as renewal_date (offset -90 = 90 days before renewal). When
    that date is missing on an account the task is due the day it is created, since the work is
    still needed. `tiers` limits the step to some tiers (empty = all). `outlives_trigger` keeps an
    open task open when its trigger clears (onboarding checks matter after the stage ends).
    `for_churned`: churned accounts (lifecycle stage Churned) get the step only when it is set
    (an exit interview, a billing follow-up), because a save plan or a re-engagement call for a
    customer who has left is noise; a step triggered by the Churned stage itself always applies.
    `covered_by`: cadence kinds that already do this step's job; an account whose tier's
    engagement model has one of them gets the cadence task instead of this step (a high-touch
    account due its QBR should not also get "Schedule QBR" for the same meeting).
    """

    id: str
    trigger_kind: TriggerKind
    trigger: str
    title: str
    description: str = ""
    due_from: str = "today"
    due_offset_days: int = 0
    base_priority: float = 50.0
    tiers: tuple[str, ...] = ()
    outlives_trigger: bool = False
    for_churned: bool = False
    covered_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id or self.id.startswith(CADENCE_PREFIX):
            raise BadInputError(f"Playbook step id {self.id!r} is empty or reserved.")
        if self.trigger_kind not in ("segment", "stage"):
            raise BadInputError(f"Playbook step {self.id!r}: trigger kind must be segment/stage.")
        if self.due_from != "today" and self.due_from not in DATE_FIELDS:
            raise BadInputError(
                f"Playbook step {self.id!r}: due_from {self.due_from!r} is not 'today' or a date"
                " field."
            )
        _check_priority(self.base_priority, self.id)


def _check_priority(value: float, what: str) -> None:
    if not 0 <= value <= 100:
        raise BadInputError(f"{what}: base priority must be between 0 and 100, not {value}.")


def _weight(default: float, label: str, help: str) -> Any:
    return setting(default, label=label, help=help + " Weights are divided by their sum.", min=0)


def _share(default: float, label: str, help: str) -> Any:
    return setting(default, label=label, help=help, min=0, max=1)


@dataclass(frozen=True)
class PriorityWeights:
    """Weights of the priority formula (see `cspm.core.tasks.priority`).

    value/risk/urgency/base weigh the four 0-100 components; they are divided by their sum, so
    they need not add up to 1. The *_share settings mix each component's two signals.
    """

    value: float = _weight(0.30, "Value", "Weight of the account's value (ARR and potential).")
    risk: float = _weight(0.30, "Risk", "Weight of the account's risk (low or falling health).")
    urgency: float = _weight(0.25, "Urgency", "Weight of urgency (renewal near, task due).")
    base: float = _weight(0.15, "Task importance", "Weight of the task's own base priority.")
    potential_share: float = _share(
        0.25, "Potential share of value", "Of value: potential ARR percentile vs ARR percentile."
    )
    trend_share: float = _share(
        0.30, "Trend share of risk", "Of risk: health drop since the last import vs low health."
    )
    renewal_share: float = _share(
        0.30, "Renewal share of urgency", "Of urgency: renewal proximity vs task due date."
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if v < 0 or (f.name.endswith("_share") and v > 1):
                raise BadInputError(f"Priority weight {f.name} = {v} is out of range.")


def _default_max_accounts() -> Mapping[str, int | None]:
    return _frozen_map({"high-touch": 30, "mid-touch": 75, "tech-touch": None})


def _default_hours_per_task() -> Mapping[str, float]:
    return _frozen_map({"check_in": 0.5, "qbr": 3.0, "business_review": 2.0, "exec_sponsor": 1.0})


@dataclass(frozen=True)
class CapacitySettings:
    """What one CSM can carry.

    max_accounts: accounts one CSM can carry per touch model (None = unlimited); read as "a
    full book": 30 high-touch accounts take a CSM's whole month. hours_per_task: hours per
    cadence task, by cadence kind (kinds not listed take `default_task_hours`).
    hours_per_month: hours a CSM has each month for cadence work.
    """

    max_accounts: Mapping[str, int | None] = field(default_factory=_default_max_accounts)
    hours_per_task: Mapping[str, float] = field(default_factory=_default_hours_per_task)
    default_task_hours: float = setting(
        1.0,
        label="Hours per other task",
        help="Hours a cadence task of a kind without its own hours takes.",
        min=0,
        max=100,
        unit="h",
    )
    hours_per_month: float = setting(
        70.0,
        label="Hours per month for this work",
        help="Hours one CSM has each month for recurring customer work (check-ins, QBRs…).",
        min=0,
        max=744,
        unit="h",
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_accounts", _frozen_map(self.max_accounts))
        object.__setattr__(self, "hours_per_task", _frozen_map(self.hours_per_task))
        for model, limit in self.max_accounts.items():
            if limit is not None and limit < 1:
                raise BadInputError(f"The {model} account limit must be at least 1 or unlimited.")
        if self.hours_per_month < 0 or any(h < 0 for h in self.hours_per_task.values()):
            raise BadInputError("Capacity hours cannot be negative.")

    def limit(self, touch_model: str) -> int | None:
        return self.max_accounts.get(touch_model)

    def task_hours(self, kind: str) -> float:
        return float(self.hours_per_task.get(kind, self.default_task_hours))
