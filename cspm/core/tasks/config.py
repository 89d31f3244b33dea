"""`TaskSettings`: everything that decides which tasks exist, when they are due and how they rank.

One frozen dataclass with defaults, kept by storage as one document via `to_dict()` /
`from_dict()` (the generic reader and writer of `cspm.core.declared`). A stored list of
playbooks or engagement models replaces the defaults as a whole (a user who deleted a default
step must not see it come back); a missing key keeps the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cspm.core.declared import from_dict, setting, to_dict
from cspm.core.errors import BadInputError
from cspm.core.settings_upgrade import SCHEMA_VERSION, VERSION_KEY, upgrade
from cspm.core.tasks.models import (
    CapacitySettings,
    EngagementModel,
    PlaybookStep,
    PriorityWeights,
)
from cspm.core.tasks.playbooks import DEFAULT_PLAYBOOKS, TECH_TOUCH, default_engagement


@dataclass(frozen=True)
class TaskSettings:
    """Task generation, priority and capacity settings.

    engagement: engagement model per tier name; tiers not listed get `default_model`.
    playbooks: task templates per segment or lifecycle stage.
    horizon_days: a playbook task is created once its due date is at most this many days away
        (so a new customer does not get its 90-day check on day one); 0 or more.
    cadence_lead_days: a cadence task is created this many days before it falls due (capped
        at one day less than the cadence, so a just-completed cadence never counts as due).
    """

    engagement: Mapping[str, EngagementModel] = field(default_factory=default_engagement)
    playbooks: tuple[PlaybookStep, ...] = DEFAULT_PLAYBOOKS
    weights: PriorityWeights = field(default_factory=PriorityWeights)
    capacity: CapacitySettings = field(default_factory=CapacitySettings)
    default_model: EngagementModel = TECH_TOUCH
    horizon_days: int = setting(
        30,
        label="Playbook tasks appear up to",
        help="Playbook tasks (kickoff, renewal plan, adoption checks) appear on your list this "
        "many days before they are due, not earlier.",
        min=0,
        max=365,
        unit="days",
    )
    cadence_lead_days: int = setting(
        7,
        label="Recurring tasks appear",
        help="Recurring tasks appear this many days before they fall due, so there is time to "
        "book the meeting.",
        min=0,
        max=365,
        unit="days",
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "engagement", MappingProxyType(dict(self.engagement)))
        object.__setattr__(self, "playbooks", tuple(self.playbooks))
        ids = [s.id for s in self.playbooks]
        if len(set(ids)) != len(ids):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            raise BadInputError(f"Playbook step ids must be unique; repeated: {dupes}.")
        if self.horizon_days < 0 or self.cadence_lead_days < 0:
            raise BadInputError("Task horizon and cadence lead days cannot be negative.")

    def model_for(self, tier: str) -> EngagementModel:
        """The engagement model of a tier (unknown tiers are served like the default model)."""
        return self.engagement.get(tier, self.default_model)

    def to_dict(self) -> dict[str, Any]:
        """The stored document (stamped with the schema version)."""
        return {**to_dict(self), VERSION_KEY: SCHEMA_VERSION}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TaskSettings:
        """Settings from a stored document of any version; defaults for whatever it lacks,
        unknown keys ignored."""
        return from_dict(cls, upgrade("tasks", data))
