"""Typed application settings with their defaults, declared once.

Settings are plain frozen dataclasses so core code can take them as arguments (no global
state). Each scalar setting is declared with `setting(...)` (type, default, range, label, help;
see `cspm.core.declared`); storage keeps them as one JSON document and `Settings.from_dict` fills
in defaults for anything a stored document lacks and upgrades older documents
(`cspm.core.settings_upgrade`), so adding a setting never needs a migration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .declared import from_dict, setting, to_dict
from .money import PLACEMENTS, SEPARATORS, MoneyFormat, Placement, Separators
from .settings_upgrade import SCHEMA_VERSION, VERSION_KEY, upgrade

DateOrder = Literal["month_first", "day_first"]
TierSource = Literal["arr_bands", "imported"]
HistoryPeriod = Literal["month", "quarter"]


@dataclass(frozen=True)
class TierBand:
    """A tier: accounts with ARR >= min_arr fall in it (highest matching band wins)."""

    name: str
    min_arr: float


@dataclass(frozen=True)
class LifecycleWindows:
    """Day windows of the lifecycle rules; every window is inclusive."""

    onboarding_days: int = setting(
        90,
        label="Onboarding: contract started within the last",
        help="An account whose contract started within this many days is Onboarding.",
        min=0,
        max=3650,
        unit="days",
    )
    renewal_days: int = setting(
        90,
        label="Renewal: renewal date within the next",
        help="An account whose renewal date is within this many days (or passed) is in Renewal.",
        min=0,
        max=3650,
        unit="days",
    )
    adoption_days: int = setting(
        365,
        label="Adoption: contract started within the last",
        help="An account whose contract started within this many days (after onboarding) is in "
        "Adoption.",
        min=0,
        max=3650,
        unit="days",
    )
    advocate_nps: float = setting(
        9,
        label="Advocate: NPS at least",
        help="An account with at least this NPS (and the health below) is an Advocate.",
        min=0,
        max=10,
    )
    advocate_health: float = setting(
        80,
        label="… and health score at least",
        help="An account with at least this health score (and the NPS above) is an Advocate.",
        min=0,
        max=100,
    )


@dataclass(frozen=True)
class ReadingLimits:
    """How much a workbook may unpack to before cspm refuses to read it (zip bomb guard).

    A real 1,048,576-row export unpacks to about 60 MB per column and compresses 10-30:1;
    zip bombs compress 600-1000:1. The total bounds what a reader can be made to inflate.
    """

    max_unpacked_mb: int = setting(
        5000,
        label="Largest unpacked workbook",
        help="All parts of a workbook together may unpack to at most this many MB.",
        min=1,
        unit="MB",
    )
    max_unpack_ratio: int = setting(
        100,
        label="Largest packing ratio",
        help="A workbook part larger than 1 MB may unpack to at most this many times its packed "
        "size (zip bombs pack 600-1000:1).",
        min=1,
    )


@dataclass(frozen=True)
class RelatedSettings:
    """How related exports (subscriptions, usage, tickets, contacts, churn events) become
    account history."""

    history_period: HistoryPeriod = setting(
        "month",
        label="History from dated rows at every",
        help="A related import writes a snapshot of each linked account at every month end "
        "(or quarter end) from its earliest date to its as-of date; quarter keeps fewer "
        "snapshots, month lets trends and 'dropped by ... since N days' see more.",
    )


@dataclass(frozen=True)
class DbSettings:
    """How the store protects itself (see `cspm.service.store_guard`)."""

    backups_kept: int = setting(
        5,
        label="Automatic backups kept",
        help="Rolling SQLite backups taken before imports, undos and settings saves; 0 = none.",
        min=0,
    )
    lock_wait_seconds: float = setting(
        120,
        label="Wait for another cspm",
        help="How long a write waits for another cspm's write lock.",
        min=0,
        unit="s",
    )


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


@dataclass(frozen=True)
class FxRate:
    """One unit of `currency` is worth `rate` portfolio-currency units from `effective` on.

    `effective` is an ISO date ("2026-01-01"); an import uses, per currency, the latest rate
    effective on or before its as-of date.
    """

    currency: str
    rate: float
    effective: str


def _symbol_check(symbol: str) -> str | None:
    return None if 1 <= len(symbol.strip()) <= 5 else "1 to 5 characters, e.g. € or CHF"


@dataclass(frozen=True)
class CurrencySettings:
    """The portfolio currency (how money is written everywhere) and the dated rate table."""

    code: str = setting(
        "USD",
        label="Currency code",
        help="The portfolio currency, e.g. EUR (brings its symbol); set it before the first "
        "import: it relabels, it does not convert amounts already imported.",
        allows="a three-letter currency code such as EUR",
    )
    symbol: str = setting(
        "$",
        label="Symbol",
        help="How the currency is written, e.g. € or CHF.",
        check=_symbol_check,
        allows="1 to 5 characters",
    )
    format: Placement = setting(
        "symbol_before",
        label="Amounts are written",
        help="Where the symbol or code goes.",
        choices=PLACEMENTS,
    )
    separators: Separators = setting(
        "1,234.56", label="Separators", help="Thousands and decimal marks.", choices=SEPARATORS
    )
    rates: tuple[FxRate, ...] = ()

    @property
    def money(self) -> MoneyFormat:
        return MoneyFormat(self.code, self.symbol, self.format, self.separators)


@dataclass(frozen=True)
class Settings:
    """Everything a user can configure that changes computed results."""

    tier_bands: tuple[TierBand, ...] = DEFAULT_TIER_BANDS
    tier_source: TierSource = setting(
        "arr_bands",
        label="Tier comes from",
        help="arr_bands: from ARR using the tier bands; imported: the file's Tier column.",
    )
    lifecycle: LifecycleWindows = field(default_factory=LifecycleWindows)
    date_order: DateOrder = setting(
        "month_first",
        label="Ambiguous dates are read",
        help="How 03/04/2026 is read: month_first is 4 March, day_first is 3 April.",
    )
    churned_statuses: tuple[str, ...] = setting(
        DEFAULT_CHURNED_STATUSES,
        label="Churned status words",
        help="Status words that mean churned, comma-separated (replaces the list).",
    )
    trial_statuses: tuple[str, ...] = setting(
        DEFAULT_TRIAL_STATUSES,
        label="Trial status words",
        help="Status words that mean a trial, comma-separated (replaces the list).",
    )
    currency: CurrencySettings = field(default_factory=CurrencySettings)
    reading: ReadingLimits = field(default_factory=ReadingLimits)
    related: RelatedSettings = field(default_factory=RelatedSettings)
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
        """The stored document (stamped with the schema version)."""
        return {**to_dict(self), VERSION_KEY: SCHEMA_VERSION}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Settings:
        """Settings from a stored document of any version, keeping defaults for missing keys."""
        return from_dict(cls, upgrade("app", data))
