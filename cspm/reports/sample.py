"""Made-up report inputs for previews, benchmarks and tests (no database, no service).

The shapes follow `cspm.reports.data` exactly, so a preview shows what a real export looks like.
Generation is vectorised: 10,000 accounts take milliseconds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .data import QbrAccount, WorkbookData

TIERS = ["Enterprise", "Mid-Market", "SMB", "Unassigned"]
STAGES = ["Trial", "Onboarding", "Adoption", "Established", "Advocate", "Renewal", "Churned"]
OWNERS = ["Maya Chen", "Jonas Weber", "Priya Nair", "Luis Ortega", "Amelia Brooks"]
_WORDS = [
    "Northwind",
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Vertex",
    "Summit",
    "Lumen",
    "Harbor",
    "Falcon",
    "Cobalt",
    "Meridian",
    "Orion",
    "Juniper",
    "Keystone",
    "Nimbus",
]
_CORES = ["Logistics", "Analytics", "Health", "Systems", "Labs", "Foods", "Energy", "Capital"]
SEGMENTS = [
    ("At risk", "Health below 50 or ARR falling"),
    ("Renewal in next 90 days", "Renewal date within 90 days"),
    ("Expansion candidates", "Potential ARR at least half of ARR and health green"),
    ("No QBR this year", "Last QBR more than 365 days ago, or never"),
]


def _band(score: np.ndarray) -> np.ndarray:
    band = np.where(score < 50, "red", np.where(score >= 75, "green", "yellow")).astype(object)
    band[np.isnan(score)] = None
    return band


def sample_accounts(n: int, today: dt.date, seed: int = 7) -> pd.DataFrame:
    """`n` accounts in the `WorkbookData.accounts` shape."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    arr = np.round(rng.lognormal(10.2, 1.1, n), -2)
    tier = np.where(arr >= 100_000, "Enterprise", np.where(arr >= 25_000, "Mid-Market", "SMB"))
    tier = tier.astype(object)
    tier[rng.random(n) < 0.02] = "Unassigned"
    health = np.round(np.clip(rng.normal(68, 18, n), 0, 100), 0)
    health[rng.random(n) < 0.05] = np.nan
    now = pd.Timestamp(today)
    start = now - pd.to_timedelta(rng.integers(10, 1500, n), unit="D")
    renewal = now + pd.to_timedelta(rng.integers(-20, 365, n), unit="D")
    last_touch = now - pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    last_qbr = pd.Series(now - pd.to_timedelta(rng.integers(20, 600, n), unit="D"))
    last_qbr[rng.random(n) < 0.1] = pd.NaT
    days = (renewal - now).days.to_numpy()
    stage = rng.choice(STAGES, n, p=[0.04, 0.1, 0.2, 0.4, 0.1, 0.12, 0.04]).astype(object)
    names = [
        f"{_WORDS[i % len(_WORDS)]} {_CORES[(i // len(_WORDS)) % len(_CORES)]} {i // 128 + 1}"
        for i in idx
    ]
    seg = np.where(np.nan_to_num(health, nan=100) < 50, "At risk", "")
    seg = np.where(
        (days >= 0) & (days <= 90), np.char.add(seg.astype(str), "; Renewal in next 90 days"), seg
    )
    segments = pd.Series(seg).str.strip("; ").replace("", None)
    return pd.DataFrame(
        {
            "key": [f"A-{i:05d}" for i in idx],
            "external_id": [f"A-{i:05d}" for i in idx],
            "name": names,
            "owner": rng.choice(OWNERS, n),
            "tier": tier,
            "lifecycle_stage": stage,
            "arr": arr,
            "potential_arr": np.round(arr * rng.uniform(0, 0.8, n), -2),
            "health_score": health,
            "health_band": _band(health),
            "renewal_date": renewal.to_numpy(),
            "contract_start": start.to_numpy(),
            "last_interaction": last_touch.to_numpy(),
            "last_qbr": last_qbr.to_numpy(),
            "days_to_renewal": days,
            "segments": segments,
        }
    )


def sample_workbook_data(
    n: int = 300, today: dt.date = dt.date(2026, 11, 23), seed: int = 7, outcomes: bool = True
) -> WorkbookData:
    """A complete `WorkbookData` with `n` accounts."""
    accounts = sample_accounts(n, today, seed)
    members: dict[str, pd.DataFrame] = {}
    seg_rows = []
    for name, description in SEGMENTS:
        mask = accounts["segments"].fillna("").str.contains(name, regex=False)
        if name == "Expansion candidates":
            mask = (accounts["potential_arr"] >= accounts["arr"] * 0.5) & (
                accounts["health_band"] == "green"
            )
        if name == "No QBR this year":
            mask = accounts["last_qbr"].isna()
        m = accounts[mask]
        why = np.where(
            m["health_score"].notna(),
            "health_score " + m["health_score"].fillna(0).astype(int).astype(str) + " < 50",
            "matched: " + description,
        )
        if name != "At risk":
            why = np.full(len(m), description)
        members[name] = pd.DataFrame(
            {
                "key": m["key"],
                "name": m["name"],
                "owner": m["owner"],
                "tier": m["tier"],
                "arr": m["arr"],
                "health_score": m["health_score"],
                "why": why,
            }
        ).reset_index(drop=True)
        seg_rows.append((name, description, int(mask.sum()), float(m["arr"].sum())))
    segments = pd.DataFrame(seg_rows, columns=["name", "description", "count", "arr"])
    risky = accounts.nsmallest(min(n, 40), "health_score")
    rng = np.random.default_rng(seed + 1)
    tasks = pd.DataFrame(
        {
            "priority": np.round(np.linspace(95, 40, len(risky)), 1),
            "due_date": (
                pd.Timestamp(today) + pd.to_timedelta(rng.integers(0, 21, len(risky)), unit="D")
            ).to_numpy(),
            "account": risky["key"].to_numpy(),
            "account_name": risky["name"].to_numpy(),
            "owner": risky["owner"].to_numpy(),
            "title": ["Call about falling health"] * len(risky),
            "trigger": ["At risk"] * len(risky),
            "reasons": [
                f"health {h:.0f} (red); ARR ${a:,.0f}"
                for h, a in zip(risky["health_score"], risky["arr"], strict=True)
            ],
            "status": ["open"] * len(risky),
        }
    )
    return WorkbookData(
        generated_at=dt.datetime.combine(today, dt.time(9, 30)),
        database="demo.sqlite3",
        last_import=f"accounts_nov.xlsx, as of {today.isoformat()}",
        filters={},
        settings_rows=[
            ("Tier: Enterprise", "ARR >= $100,000"),
            ("Tier: Mid-Market", "ARR >= $25,000"),
            ("Tier: SMB", "ARR >= $0"),
            ("Onboarding window", "90 days"),
            ("Renewal window", "90 days"),
            ("Health bands", "red below 50, green from 75"),
        ],
        accounts=accounts,
        tiers=TIERS,
        stages=STAGES,
        segments=segments,
        segment_members=members,
        tasks=tasks,
        outcomes=sample_outcomes(accounts, seed) if outcomes else None,
    )


def sample_outcomes(accounts: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Four quarters of outcome metrics per tier and per segment, in the long format."""
    rng = np.random.default_rng(seed + 2)
    periods = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    groups = [("tier", t) for t in TIERS[:3]] + [("segment", s) for s, _ in SEGMENTS[:2]]
    rows = []
    for grouping, group in groups:
        start = float(accounts.loc[accounts["tier"] == group, "arr"].sum()) or 400_000.0
        start *= 0.85
        for period in periods:
            new, exp = start * rng.uniform(0.02, 0.08), start * rng.uniform(0.02, 0.06)
            con, churn = start * rng.uniform(0.0, 0.03), start * rng.uniform(0.0, 0.05)
            end = start + new + exp - con - churn
            rows.append(
                {
                    "grouping": grouping,
                    "group": group,
                    "period": period,
                    "start_arr": start,
                    "new_arr": new,
                    "expansion_arr": exp,
                    "contraction_arr": con,
                    "churned_arr": churn,
                    "end_arr": end,
                    "grr": (start - con - churn) / start,
                    "nrr": (start + exp - con - churn) / start,
                    "logo_churn_rate": rng.uniform(0, 0.06),
                    "avg_health": rng.uniform(55, 80),
                    "nps": rng.uniform(10, 50),
                }
            )
            start = end
    return pd.DataFrame(rows)


def sample_qbr_account(
    today: dt.date = dt.date(2026, 11, 23), seed: int = 3, name: str = "Northwind Logistics GmbH"
) -> QbrAccount:
    """One account's QBR section with a year of monthly history."""
    rng = np.random.default_rng(seed)
    months = pd.date_range(end=pd.Timestamp(today), periods=12, freq="ME")
    arr = np.round(np.cumsum(rng.normal(1500, 2500, 12)) + 120_000, -2)
    health = np.clip(np.round(82 - np.cumsum(np.abs(rng.normal(1.5, 2, 12)))), 0, 100)
    renewal = today + dt.timedelta(days=64)
    return QbrAccount(
        key="NW-1001",
        name=name,
        owner="Maya Chen",
        tier="Enterprise",
        tier_reason="ARR $131,400 >= $100,000 (Enterprise band)",
        lifecycle_stage="Renewal",
        stage_reason="Renewal date 2027-01-26 is within 90 days",
        facts=[
            ("ARR", f"${arr[-1]:,.0f}"),
            ("Potential ARR", "$40,000"),
            ("Plan", "Enterprise"),
            ("Seats", "420 purchased, 356 active (85%)"),
            ("Industry", "Logistics"),
            ("Region", "EMEA (Germany)"),
            ("Contract start", "2023-01-26"),
            ("Last QBR", "2026-05-14"),
        ],
        health_score=float(health[-1]),
        health_band="yellow" if 50 <= health[-1] < 75 else ("green" if health[-1] >= 75 else "red"),
        health_breakdown=[
            ("Seat utilisation", 85.0, 0.25),
            ("Usage trend (MAU)", 58.0, 0.25),
            ("Support tickets", 70.0, 0.15),
            ("NPS", 62.0, 0.15),
            ("Engagement recency", 40.0, 0.1),
            ("Unpaid invoices", None, 0.1),
        ],
        history=pd.DataFrame(
            {
                "as_of": months,
                "arr": arr,
                "health_score": health,
                "mau": np.round(rng.normal(340, 20, 12)),
                "seats_active": np.minimum(np.round(np.linspace(300, 356, 12)), 420),
                "seats_purchased": np.full(12, 420.0),
            }
        ),
        renewal_date=renewal,
        days_to_renewal=64,
        subscription=[
            ("Plan", "Enterprise"),
            ("Annual subscription", f"${arr[-1]:,.0f}"),
            ("Seats purchased", "420"),
            ("Customer since", "26 January 2023"),
            ("Renewal date", f"{renewal.day} {renewal:%B %Y}"),
        ],
        segments=[
            ("Renewal in next 90 days", ["renewal_date 2027-01-26 is within 90 days"]),
            ("Health falling", ["health_score fell 11 points in 3 months (79 -> 68)"]),
        ],
        open_tasks=[
            (
                (today + dt.timedelta(days=3)).isoformat(),
                "Prepare renewal proposal",
                88.0,
                "renewal in 64 days; Enterprise",
            ),
            (
                (today + dt.timedelta(days=7)).isoformat(),
                "Schedule QBR",
                71.5,
                "last QBR 193 days ago",
            ),
        ],
        touchpoints=[
            (
                (today - dt.timedelta(days=6)).isoformat(),
                "Call",
                "Discussed MAU dip in the EU team",
            ),
            (
                (today - dt.timedelta(days=30)).isoformat(),
                "Email",
                "Shared onboarding guide for new admins",
            ),
            (
                (today - dt.timedelta(days=71)).isoformat(),
                "Meeting",
                "Roadmap session with VP Operations",
            ),
        ],
    )
