"""Account health: a configurable weighted score 0-100 from whatever signals an account has.

Each signal maps to a 0-100 component by a piecewise-linear curve (flat beyond its end points):

- seat_utilization (seats_active / seats_purchased): 0% -> 0, 80% or more -> 100. Using 80% of
  seats is already healthy; over-use is not penalised.
- mau_trend (MAU change in % vs the latest snapshot on or before today - 30 days): -50% or worse
  -> 0, flat -> 70, +20% or better -> 100. Stable usage is decent, growth is what earns 100.
- nps (the account's latest 0-10 answer): 0 -> 0, 6 -> 40, 8 -> 75, 10 -> 100 (detractors
  low, passives middling, promoters high).
- open_tickets: 0 -> 100, 2 -> 80, 5 -> 40, 10 or more -> 0.
- interaction (days since last interaction): up to 14 -> 100, 30 -> 70, 60 -> 30, 90+ -> 0.
- unpaid_invoices (amount): none -> 100; some, relative to ARR: a sliver -> 60, 25% of ARR or
  more -> 0; some with no ARR to compare against -> 30.

From related data (usage, tickets and contacts exports; weight 0 by default, so scores do not
change until a team weighs them, per tier if it likes):
- usage_trend (usage events of the last 30 days against the 30 before): the mau_trend curve.
- active_users (users active in 30 days / seats purchased): 0 -> 0, 80% or more -> 100.
- escalations (escalated tickets in 90 days): 0 -> 100, 1 -> 70, 3 -> 30, 5 or more -> 0.
- ticket_satisfaction (average in 90 days, as a share of `satisfaction_max`): 1 of 5 -> 0,
  3 of 5 -> 40, 4 of 5 -> 75, 5 of 5 -> 100 (the NPS curve's shape on a CSAT scale).
- contacts_inactive (share of contacts without a login in 10 days): 0 -> 100, 30% -> 50,
  70% or more -> 0.

The score is the weighted mean over the components the account HAS: a missing signal drops out
and the remaining weights renormalise (an account without NPS is not punished for it). Coverage
is how many of the signals its tier weighs the account has ("3 of 6 signals"); below
`min_signals` (default 2) there is no computed score at all (source "insufficient", shown as
"not enough data"), because one stale date alone would make a score of 0 and an "At risk"
account out of a data gap. Weights can differ per tier (SMB accounts are not judged on
interaction recency by default). An imported health score that is not blank wins over the
computed one unless `prefer_imported` is off, because the CRM's score may know things the
spreadsheet does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.columns import as_float
from cspm.core.declared import from_dict, setting, to_dict
from cspm.core.rules.history import (
    DAY,
    SnapshotIndex,
    as_datetime64,
    pct_change,
    seat_fraction,
    to_day,
)
from cspm.core.settings_upgrade import SCHEMA_VERSION, VERSION_KEY, upgrade


def _weight(default: float, label: str, help: str) -> Any:
    return setting(default, label=label, help=help, min=0, max=100)


@dataclass(frozen=True)
class HealthWeights:
    """Relative weight of each component; 0 ignores a signal. They need not sum to 1."""

    seat_utilization: float = _weight(
        0.25,
        "Seat use",
        "Active seats ÷ purchased seats; using 80% or more of the seats counts as fully healthy.",
    )
    mau_trend: float = _weight(
        0.20,
        "MAU trend",
        "Change in monthly active users over the trend window: flat is fair, growth scores best.",
    )
    nps: float = _weight(
        0.15, "NPS", "The latest NPS answer: promoters score high, detractors low."
    )
    open_tickets: float = _weight(
        0.15, "Open tickets", "Fewer open support tickets is healthier; 10 or more is 0."
    )
    interaction: float = _weight(
        0.15,
        "Last contact",
        "Days since the last interaction: within two weeks is best, 90 days or more is 0.",
    )
    unpaid_invoices: float = _weight(
        0.10, "Unpaid invoices", "Unpaid amount compared with ARR; none is best."
    )
    # From related data; 0 by default, so existing scores stay as they were.
    usage_trend: float = _weight(
        0.0,
        "Usage events trend",
        "Usage events in the last 30 days against the 30 before (usage export): flat is fair, "
        "growth scores best, a 50% drop is 0.",
    )
    active_users: float = _weight(
        0.0,
        "Active users ÷ seats",
        "Users active in the last 30 days ÷ purchased seats (usage export); 80% or more is "
        "fully healthy.",
    )
    escalations: float = _weight(
        0.0,
        "Escalations",
        "Escalated support tickets in the last 90 days (tickets export): none is best, 5 or "
        "more is 0.",
    )
    ticket_satisfaction: float = _weight(
        0.0,
        "Ticket satisfaction",
        "Average ticket satisfaction in the last 90 days (tickets export), on the scale set "
        "under 'Ticket satisfaction out of'.",
    )
    contacts_inactive: float = _weight(
        0.0,
        "Inactive contacts",
        "Share of the account's contacts with no login in the last 10 days (contacts "
        "export): none is best, 70% or more is 0.",
    )


COMPONENTS: tuple[str, ...] = tuple(f.name for f in fields(HealthWeights))
RELATED_COMPONENTS: tuple[str, ...] = (
    "usage_trend",
    "active_users",
    "escalations",
    "ticket_satisfaction",
    "contacts_inactive",
)
"""Components computed from related-data aggregates (weight 0 unless a team weighs them)."""


def _default_tier_weights() -> Mapping[str, HealthWeights]:
    # Enterprise: relationship signals count more; SMB: low-touch, so recency is ignored.
    return MappingProxyType(
        {
            "Enterprise": HealthWeights(interaction=0.25, nps=0.20, mau_trend=0.15),
            "SMB": HealthWeights(interaction=0.0),
        }
    )


@dataclass(frozen=True)
class HealthConfig:
    """How health is computed; tiers not named in `tier_weights` use `weights`."""

    weights: HealthWeights = HealthWeights()
    tier_weights: Mapping[str, HealthWeights] = field(default_factory=_default_tier_weights)
    prefer_imported: bool = setting(
        True,
        label="Use the CRM's health score when the file has one",
        help="The CRM's score may know things the spreadsheet does not; off: always use the "
        "score computed from the weights.",
    )
    mau_trend_days: float = setting(
        30,
        label="MAU trend over",
        help="The MAU trend compares monthly active users with this many days ago.",
        min=1,
        max=365,
        unit="days",
    )
    red_below: float = setting(
        50,
        label="Red below",
        help="Scores under this are red: the account needs attention.",
        min=0,
        max=100,
    )
    green_from: float = setting(
        75,
        label="Green from",
        help="Scores from this up are green; in between is amber.",
        min=0,
        max=100,
    )
    satisfaction_max: float = setting(
        5,
        label="Ticket satisfaction out of",
        help="The best ticket satisfaction score your help desk gives (5 for a 1-5 survey, "
        "100 for a percentage, 1 for good/bad).",
        min=1,
        max=100,
    )
    min_signals: int = setting(
        2,
        label="Score needs at least",
        help="An account with fewer signals than this gets no computed score ('not enough "
        "data'): one stale date alone would otherwise score 0 and look at risk.",
        min=1,
        max=len(COMPONENTS),
        unit="signals",
    )

    def to_dict(self) -> dict[str, object]:
        """JSON-safe form, for the settings document (stamped with the schema version)."""
        return {**to_dict(self), VERSION_KEY: SCHEMA_VERSION}

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | None) -> HealthConfig:
        """Settings from a stored document of any version; defaults for anything it lacks."""
        return from_dict(cls, upgrade("health", data))


# (x points, component points) of each curve, x ascending; np.interp holds the ends flat.
CURVES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "seat_utilization": ((0.0, 0.8), (0.0, 100.0)),
    "mau_trend": ((-50.0, 0.0, 20.0), (0.0, 70.0, 100.0)),
    "nps": ((0.0, 6.0, 8.0, 10.0), (0.0, 40.0, 75.0, 100.0)),
    "open_tickets": ((0.0, 2.0, 5.0, 10.0), (100.0, 80.0, 40.0, 0.0)),
    "interaction": ((14.0, 30.0, 60.0, 90.0), (100.0, 70.0, 30.0, 0.0)),
    "active_users": ((0.0, 0.8), (0.0, 100.0)),
    "escalations": ((0.0, 1.0, 3.0, 5.0), (100.0, 70.0, 30.0, 0.0)),
    "ticket_satisfaction": ((0.2, 0.6, 0.8, 1.0), (0.0, 40.0, 75.0, 100.0)),
    "contacts_inactive": ((0.0, 0.3, 0.7), (100.0, 50.0, 0.0)),
}
UNPAID_SHARE_CURVE = ((0.0, 0.25), (60.0, 0.0))
UNPAID_WITHOUT_ARR = 30.0


def _col(portfolio: pd.DataFrame, name: str) -> np.ndarray:
    if name not in portfolio.columns:
        return np.full(len(portfolio), np.nan)
    return as_float(portfolio[name])


def _curve(name: str, x: np.ndarray) -> np.ndarray:
    xp, fp = CURVES[name]
    return np.interp(x, xp, fp)  # NaN in, NaN out: a missing signal stays missing


def _unpaid(unpaid: np.ndarray, arr: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # ratio -> inf: curve end
        share = np.interp(unpaid / arr, *UNPAID_SHARE_CURVE)
    some = np.where(arr > 0, share, UNPAID_WITHOUT_ARR)
    return np.where(np.isnan(unpaid), np.nan, np.where(unpaid > 0, some, 100.0))


def health_components(
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: date | datetime | pd.Timestamp,
    config: HealthConfig | None = None,
    snapshots: SnapshotIndex | None = None,
) -> pd.DataFrame:
    """Each component 0-100 (NaN where the account lacks the signal), one column each.

    snapshots: `history` prepared for this portfolio and day, when the caller shares one."""
    config = config or HealthConfig()
    day = to_day(today)
    if snapshots is None:
        snapshots = SnapshotIndex(history, portfolio.index, day)
    mau_old = snapshots.baseline("mau", config.mau_trend_days, day)
    if "last_interaction" in portfolio.columns:
        since = (day.to_datetime64() - as_datetime64(portfolio["last_interaction"])) / DAY
    else:
        since = np.full(len(portfolio), np.nan)
    data = {
        "seat_utilization": _curve(
            "seat_utilization",
            seat_fraction(_col(portfolio, "seats_active"), _col(portfolio, "seats_purchased")),
        ),
        "mau_trend": _curve("mau_trend", pct_change(mau_old, _col(portfolio, "mau"))),
        "nps": _curve("nps", _col(portfolio, "nps")),
        "open_tickets": _curve("open_tickets", _col(portfolio, "open_tickets")),
        "interaction": _curve("interaction", since),
        "unpaid_invoices": _unpaid(_col(portfolio, "unpaid_invoices"), _col(portfolio, "arr")),
        **_related_components(portfolio, config),
    }
    return pd.DataFrame(data, index=portfolio.index, columns=list(COMPONENTS))


def _related_components(portfolio: pd.DataFrame, config: HealthConfig) -> dict[str, np.ndarray]:
    """The components from related-data aggregates; NaN where the account lacks the aggregate
    (no usage rows, no seats to divide by, no tickets answered), so it drops out."""
    with np.errstate(divide="ignore", invalid="ignore"):
        satisfaction = _col(portfolio, "ticket_satisfaction_90d") / config.satisfaction_max
    return {
        # the trend is a fraction (-0.3 = down 30%): on the mau_trend curve, in percent
        "usage_trend": _curve("mau_trend", _col(portfolio, "usage_trend_30d") * 100),
        "active_users": _curve(
            "active_users",
            seat_fraction(
                _col(portfolio, "usage_active_users_30d"), _col(portfolio, "seats_purchased")
            ),
        ),
        "escalations": _curve("escalations", _col(portfolio, "tickets_escalated_90d")),
        "ticket_satisfaction": _curve("ticket_satisfaction", satisfaction),
        "contacts_inactive": _curve(
            "contacts_inactive", _col(portfolio, "contacts_inactive_share_10d")
        ),
    }


def tier_weights_of(config: HealthConfig, tier: object) -> HealthWeights:
    """The weights one tier's accounts are scored with (trimmed, case-insensitive name)."""
    wanted = str(tier).strip().casefold()
    for name, weights in config.tier_weights.items():
        if name.strip().casefold() == wanted:
            return weights
    return config.weights


def _weight_matrix(portfolio: pd.DataFrame, config: HealthConfig) -> np.ndarray:
    """Per account, the weights of its tier (rows) per component (columns)."""
    base = np.array([getattr(config.weights, c) for c in COMPONENTS], dtype=float)
    weights = np.tile(base, (len(portfolio), 1))
    if config.tier_weights and "tier" in portfolio.columns:
        tiers = portfolio["tier"].astype("str").str.strip().str.casefold()
        for tier, tw in config.tier_weights.items():
            rows = (tiers == tier.strip().casefold()).to_numpy(dtype=bool, na_value=False)
            weights[rows] = [getattr(tw, c) for c in COMPONENTS]
    return weights


def compute_health(
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: date | datetime | pd.Timestamp,
    config: HealthConfig | None = None,
    snapshots: SnapshotIndex | None = None,
) -> pd.DataFrame:
    """Effective health per account with its source, coverage and the breakdown behind it.

    Columns: health_score (effective), health_source ("imported" | "computed" |
    "insufficient": some signals but fewer than `min_signals` | "none": no signal),
    health_computed, health_signals (signals the account has among those its tier weighs),
    health_signals_possible (signals its tier weighs), and health_<component> for each
    component (0-100, NaN when missing).
    """
    config = config or HealthConfig()
    parts = health_components(portfolio, history, today, config, snapshots)
    values = parts.to_numpy(dtype=float)
    tier_weights = _weight_matrix(portfolio, config)
    weighed = tier_weights > 0
    possible = weighed.sum(axis=1)
    present = (~np.isnan(values) & weighed).sum(axis=1)
    enough = present >= max(config.min_signals, 1)
    weights = np.where(np.isnan(values), 0.0, tier_weights)
    total = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(
            enough & (total > 0), (np.nan_to_num(values) * weights).sum(axis=1) / total, np.nan
        )
    imported = _col(portfolio, "health_score")
    use_imported = ~np.isnan(imported) if config.prefer_imported else np.zeros(len(values), bool)
    effective = np.where(use_imported, imported, computed)
    lacking = np.where(present > 0, "insufficient", "none")
    source = np.where(use_imported, "imported", np.where(np.isnan(computed), lacking, "computed"))
    if not config.prefer_imported:
        # Nothing computable, but an imported score exists: still better than nothing.
        fallback = np.isnan(computed) & ~np.isnan(imported)
        effective = np.where(fallback, imported, effective)
        source = np.where(fallback, "imported", source)
    out = pd.DataFrame(
        {
            "health_score": effective,
            "health_source": pd.array(source, dtype="str"),
            "health_computed": computed,
            "health_signals": present.astype(np.int64),
            "health_signals_possible": possible.astype(np.int64),
        },
        index=portfolio.index,
    )
    for name in COMPONENTS:
        out[f"health_{name}"] = parts[name]
    return out


def health_band(score: pd.Series, red_below: float = 50, green_from: float = 75) -> pd.Series:
    """ "red" below red_below, "green" from green_from up, "yellow" between; None when missing."""
    v = as_float(score)
    band = np.where(v < red_below, "red", np.where(v >= green_from, "green", "yellow"))
    out = band.astype(object)
    out[np.isnan(v)] = None
    return pd.Series(out, index=score.index, dtype=object, name="health_band")
