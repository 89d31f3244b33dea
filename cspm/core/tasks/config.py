"""`TaskSettings`: everything that decides which tasks exist, when they are due and how they rank.

One frozen dataclass with defaults, kept by storage inside the settings document via
`to_dict()` / `from_dict()`. A stored list of playbooks or engagement models replaces the
defaults as a whole (a user who deleted a default step must not see it come back); a missing key
keeps the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cspm.core.errors import BadInputError
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
    horizon_days: int = 30
    cadence_lead_days: int = 7

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
        return {
            "engagement": {t: m.to_dict() for t, m in self.engagement.items()},
            "playbooks": [s.to_dict() for s in self.playbooks],
            "weights": self.weights.to_dict(),
            "capacity": self.capacity.to_dict(),
            "default_model": self.default_model.to_dict(),
            "horizon_days": self.horizon_days,
            "cadence_lead_days": self.cadence_lead_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TaskSettings:
        """Settings from a stored document; defaults for whatever it lacks, unknown keys ignored."""
        if not data:
            return cls()
        kw: dict[str, Any] = {}
        if "engagement" in data:
            kw["engagement"] = {
                str(t): EngagementModel.from_dict(m) for t, m in data["engagement"].items()
            }
        if "playbooks" in data:
            kw["playbooks"] = tuple(PlaybookStep.from_dict(s) for s in data["playbooks"])
        if "weights" in data:
            kw["weights"] = PriorityWeights.from_dict(data["weights"])
        if "capacity" in data:
            kw["capacity"] = CapacitySettings.from_dict(data["capacity"])
        if "default_model" in data:
            kw["default_model"] = EngagementModel.from_dict(data["default_model"])
        for key in ("horizon_days", "cadence_lead_days"):
            if key in data:
                kw[key] = int(data[key])
        return cls(**kw)
