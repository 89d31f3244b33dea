"""Typed application settings with their defaults, declared once.

Settings are plain frozen dataclasses so core code can take them as arguments (no global
state); storage keeps them as one JSON document and `Settings.from_dict` fills in defaults for
anything a stored document lacks, so adding a setting never needs a migration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

DateOrder = Literal["month_first", "day_first"]
TierSource = Literal["arr_bands", "imported"]


@dataclass(frozen=True)
class TierBand:
    """A tier: accounts with ARR >= min_arr fall in it (highest matching band wins)."""

    name: str
    min_arr: float


@dataclass(frozen=True)
class LifecycleWindows:
    """Day windows of the lifecycle rules; every window is inclusive."""

    onboarding_days: int = 90  # contract_start within the last N days -> Onboarding
    renewal_days: int = 90  # renewal_date within the next N days (or passed) -> Renewal
    adoption_days: int = 365  # contract_start within the last N days -> Adoption
    advocate_nps: float = 9  # nps >= this ...
    advocate_health: float = 80  # ... and health_score >= this -> Advocate


@dataclass(frozen=True)
class DbSettings:
    """How the store protects itself (see `cspm.service.store_guard`)."""

    backups_kept: int = 5  # rolling SQLite backups before imports, undos, settings saves; 0 = none
    lock_wait_seconds: float = 120  # how long a writer waits for another cspm's write lock


LIFECYCLE_STAGES: tuple[str, ...] = (
    "Trial",
    "Onboarding",
    "Adoption",
    "Established",
    "Advocate",
    "Renewal",
    "Churned",
    "Unknown",
)
"""Stages in lifecycle order (the order columns of the portfolio matrix follow)."""

DEFAULT_TIER_BANDS: tuple[TierBand, ...] = (
    TierBand("Enterprise", 100_000),
    TierBand("Mid-Market", 25_000),
    TierBand("SMB", 0),
)
UNASSIGNED_TIER = "Unassigned"


@dataclass(frozen=True)
class Settings:
    """Everything a user can configure that changes computed results."""

    tier_bands: tuple[TierBand, ...] = DEFAULT_TIER_BANDS
    tier_source: TierSource = "arr_bands"
    lifecycle: LifecycleWindows = field(default_factory=LifecycleWindows)
    date_order: DateOrder = "month_first"
    churned_statuses: tuple[str, ...] = ("churned", "cancelled", "canceled", "lost")
    trial_statuses: tuple[str, ...] = ("trial",)
    db: DbSettings = field(default_factory=DbSettings)

    @property
    def tier_names(self) -> tuple[str, ...]:
        """Tier names in band order (highest ARR first), then Unassigned."""
        bands = sorted(self.tier_bands, key=lambda b: -b.min_arr)
        return (*(b.name for b in bands), UNASSIGNED_TIER)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Settings:
        """Build settings from a stored document, keeping defaults for missing keys."""
        s = cls()
        if not data:
            return s
        known = {f.name for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key == "tier_bands":
                changes[key] = tuple(TierBand(str(b["name"]), float(b["min_arr"])) for b in value)
            elif key == "lifecycle":
                lw_known = {f.name for f in fields(LifecycleWindows)}
                changes[key] = LifecycleWindows(**{k: v for k, v in value.items() if k in lw_known})
            elif key == "db" and isinstance(value, dict):
                db_known = {f.name for f in fields(DbSettings)}
                changes[key] = DbSettings(**{k: v for k, v in value.items() if k in db_known})
            elif isinstance(value, list):
                changes[key] = tuple(value)
            else:
                changes[key] = value
        return replace(s, **changes)
