"""Typed application settings with their defaults, declared once.

Settings are plain frozen dataclasses so core code can take them as arguments (no global
state); storage keeps them as one JSON document and `Settings.from_dict` fills in defaults for
anything a stored document lacks, so adding a setting never needs a migration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

from .money import MoneyFormat, Placement, Separators

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
class ReadingLimits:
    """How much a workbook may unpack to before cspm refuses to read it (zip bomb guard).

    A real 1,048,576-row export unpacks to about 60 MB per column and compresses 10-30:1;
    zip bombs compress 600-1000:1. The total bounds what a reader can be made to inflate.
    """

    max_unpacked_mb: int = 5000  # all parts of a workbook together, in MB (10^6 bytes)
    max_unpack_ratio: int = 100  # unpacked:packed of any part larger than 1 MB


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

DEFAULT_CHURNED_STATUSES: tuple[str, ...] = (
    "churned",
    "churn",
    "cancelled",
    "canceled",
    "lost",
    "closed lost",
    "closed - lost",
    "former customer",
    "ex-customer",
    "past customer",
    "inactive",
    "terminated",
    "expired",
)
"""Status words that mean the customer is gone: what Salesforce, HubSpot, Dynamics, billing
tools and hand-kept sheets write (compared trimmed and case-insensitively)."""

DEFAULT_TRIAL_STATUSES: tuple[str, ...] = (
    "trial",
    "trialing",
    "trialling",
    "in trial",
    "free trial",
    "evaluation",
    "pilot",
    "poc",
)
"""Status words that mean the account is trying the product, not yet a paying customer."""

_FORMER_DEFAULTS: dict[str, tuple[str, ...]] = {
    "churned_statuses": ("churned", "cancelled", "canceled", "lost"),
    "trial_statuses": ("trial",),
}
"""Word lists earlier versions stored as their defaults (every setting is stored whole): a stored
list equal to one of these was never chosen by the user, so it reads as today's default."""


@dataclass(frozen=True)
class FxRate:
    """One unit of `currency` is worth `rate` portfolio-currency units from `effective` on.

    `effective` is an ISO date ("2026-01-01"); an import uses, per currency, the latest rate
    effective on or before its as-of date.
    """

    currency: str
    rate: float
    effective: str


@dataclass(frozen=True)
class CurrencySettings:
    """The portfolio currency (how money is written everywhere) and the dated rate table."""

    code: str = "USD"
    symbol: str = "$"
    format: Placement = "symbol_before"
    separators: Separators = "1,234.56"
    rates: tuple[FxRate, ...] = ()

    @property
    def money(self) -> MoneyFormat:
        return MoneyFormat(self.code, self.symbol, self.format, self.separators)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CurrencySettings:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)} - {"rates"}
        values = {k: v for k, v in data.items() if k in known}
        rates = tuple(
            FxRate(str(r["currency"]), float(r["rate"]), str(r["effective"]))
            for r in data.get("rates") or ()
        )
        return cls(**values, rates=rates)


@dataclass(frozen=True)
class Settings:
    """Everything a user can configure that changes computed results."""

    tier_bands: tuple[TierBand, ...] = DEFAULT_TIER_BANDS
    tier_source: TierSource = "arr_bands"
    lifecycle: LifecycleWindows = field(default_factory=LifecycleWindows)
    date_order: DateOrder = "month_first"
    churned_statuses: tuple[str, ...] = DEFAULT_CHURNED_STATUSES
    trial_statuses: tuple[str, ...] = DEFAULT_TRIAL_STATUSES
    currency: CurrencySettings = field(default_factory=CurrencySettings)
    reading: ReadingLimits = field(default_factory=ReadingLimits)
    db: DbSettings = field(default_factory=DbSettings)

    @property
    def money(self) -> MoneyFormat:
        """How amounts are written: the portfolio currency's symbol, code and format."""
        return self.currency.money

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
            elif key == "currency":
                changes[key] = CurrencySettings.from_dict(value)
            elif key == "reading":
                rl_known = {f.name for f in fields(ReadingLimits)}
                changes[key] = ReadingLimits(
                    **{k: int(v) for k, v in value.items() if k in rl_known}
                )
            elif key == "db" and isinstance(value, dict):
                db_known = {f.name for f in fields(DbSettings)}
                changes[key] = DbSettings(**{k: v for k, v in value.items() if k in db_known})
            elif isinstance(value, list):
                changes[key] = tuple(value)
                if changes[key] == _FORMER_DEFAULTS.get(key):
                    del changes[key]
            else:
                changes[key] = value
        return replace(s, **changes)
