"""The built-in segment library on a crafted portfolio whose membership is known by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from cspm.core.rules import (
    BUILTIN_SEGMENTS,
    build_catalog,
    builtin_rules,
    evaluate_many,
    parse_rule,
    rule_to_json,
)

TODAY = date(2026, 6, 15)
NAMES = (
    "New this week",
    "Onboarding",
    "Renewal in next 90 days",
    "Expansion potential",
    "At risk",
    "No interaction in 30+ days",
    "No interaction on record",
    "Churned in last 60 days",
    "Unpaid invoices",
    "No QBR in 120 days",
    "Low adoption",
    "Users not logging in",
    "Executive sponsor inactive",
    "Usage dropped 30% in 30 days",
)
NAN = np.nan


def _d(offset: int | None) -> pd.Timestamp | None:
    return None if offset is None else pd.Timestamp(TODAY + timedelta(days=offset))


ACCOUNTS = {
    # key: contract_start, lifecycle, tier, last_interaction, health, renewal, active, purchased,
    #      nps, unpaid, last_qbr, churn_date, mau
    "new": (-3, "Onboarding", "SMB", -2, 80, 200, 10, 20, 7, 0, None, None, NAN),
    "renew": (-400, "Renewal", "Enterprise", -30, 75, 90, 96, 100, NAN, 500, -120, None, NAN),
    "risky": (-8, "Adoption", "Mid-Market", -31, 49, -5, 4, 10, NAN, NAN, None, None, NAN),
    "dropping": (-500, "Established", "SMB", -1, 60, 200, NAN, NAN, NAN, 0, None, None, 120),
    "churned": (-800, "Churned", "Enterprise", None, NAN, None, NAN, NAN, 10, NAN, -121, -60, NAN),
    "oldchurn": (-900, " churned ", "Unassigned", -10, 90, None, NAN, NAN, 8, 0, None, -61, NAN),
    "silent": (-700, "Established", "SMB", None, 70, 300, NAN, NAN, NAN, 0, None, None, NAN),
}
EXPECTED = {
    "new": {"New this week", "Onboarding"},
    "renew": {"Renewal in next 90 days", "Expansion potential", "Unpaid invoices"},
    "risky": {"At risk", "No interaction in 30+ days", "No QBR in 120 days", "Low adoption"},
    "dropping": {"At risk", "Expansion potential"},
    # A churned account is only in the churn segment: the segments about customers to save,
    # grow or re-engage leave out accounts that have already left.
    "churned": {"Churned in last 60 days"},
    "oldchurn": set(),
    # No interaction date on record is not "30+ days without one": it has its own segment.
    "silent": {"No interaction on record"},
}
# Related-data aggregates: key -> contacts_inactive_share_10d, exec_last_login (days from
# today), contacts_total, usage_trend_30d. Accounts above have none of them (all missing).
RELATED = {
    "quiet_users": (0.31, -3, 10, 0.0),
    "at_30pct": (0.30, -15, 10, -0.29),  # exactly 30% is not "more than"; 15 days is not older
    "no_exec": (0.0, None, 4, -0.30),  # contacts but no exec login; usage down exactly 30%
    "exec_gone": (NAN, -16, NAN, -0.5),  # exec login from an accounts file, no contact count
    "no_contacts": (NAN, None, 0, NAN),  # a contacts file linked none: no sponsor to miss
    "churned_quiet": (0.9, -100, 5, -0.9),  # churned: not someone to re-engage
}
EXPECTED.update(
    {
        "quiet_users": {"Users not logging in", "No interaction on record"},
        "at_30pct": {"No interaction on record"},
        "no_exec": {
            "Executive sponsor inactive",
            "Usage dropped 30% in 30 days",
            "No interaction on record",
        },
        "exec_gone": {
            "Executive sponsor inactive",
            "Usage dropped 30% in 30 days",
            "No interaction on record",
        },
        "no_contacts": {"No interaction on record"},
        "churned_quiet": set(),
    }
)


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = list(zip(*ACCOUNTS.values(), strict=True))
    portfolio = pd.DataFrame(
        {
            "contract_start": pd.to_datetime([_d(x) for x in cols[0]]),
            "lifecycle_stage": pd.array(cols[1], dtype="str"),
            "tier": pd.array(cols[2], dtype="str"),
            "last_interaction": pd.to_datetime([_d(x) for x in cols[3]]),
            "health_score": np.array(cols[4], dtype=float),
            "renewal_date": pd.to_datetime([_d(x) for x in cols[5]]),
            "seats_active": np.array(cols[6], dtype=float),
            "seats_purchased": np.array(cols[7], dtype=float),
            "nps": np.array(cols[8], dtype=float),
            "unpaid_invoices": np.array(cols[9], dtype=float),
            "last_qbr": pd.to_datetime([_d(x) for x in cols[10]]),
            "churn_date": pd.to_datetime([_d(x) for x in cols[11]]),
            "mau": np.array(cols[12], dtype=float),
        },
        index=pd.Index(list(ACCOUNTS), dtype="str"),
    )
    related = pd.DataFrame(
        {
            "lifecycle_stage": pd.array(
                ["Churned" if k.startswith("churned") else "Established" for k in RELATED],
                dtype="str",
            ),
            "tier": pd.array(["SMB"] * len(RELATED), dtype="str"),
            "contacts_inactive_share_10d": [v[0] for v in RELATED.values()],
            "exec_last_login": pd.to_datetime([_d(v[1]) for v in RELATED.values()]),
            "contacts_total": [v[2] for v in RELATED.values()],
            "usage_trend_30d": [v[3] for v in RELATED.values()],
        },
        index=pd.Index(list(RELATED), dtype="str"),
    )
    portfolio = pd.concat([portfolio, related])
    history = pd.DataFrame(
        {
            "key": pd.array(["dropping", "dropping", "renew"], dtype="str"),
            "as_of": pd.to_datetime([_d(-30), _d(-1), _d(-1)]),
            "import_id": [1, 2, 2],
            "health_score": [75.0, 60.0, 75.0],
            "mau": [100.0, 120.0, NAN],
        }
    )
    return portfolio, history


def test_library_names_and_round_trip() -> None:
    assert tuple(name for name, _, _ in BUILTIN_SEGMENTS) == NAMES
    catalog = build_catalog({})
    for _name, description, obj in BUILTIN_SEGMENTS:
        assert description
        assert rule_to_json(parse_rule(obj, catalog)) == obj


def test_builtin_membership() -> None:
    portfolio, history = _frames()
    frame = evaluate_many(builtin_rules(build_catalog({})), portfolio, history, TODAY)
    assert list(frame.columns) == list(NAMES)
    got = {key: {n for n in NAMES if frame.loc[key, n]} for key in frame.index}
    assert got == EXPECTED
