"""Benchmark: all segments over 100,000 accounts x 6 snapshots, engine vs hand-written pandas.

Run: .venv/bin/python benchmarks/bench_segments.py [n_accounts]

The baseline is what a careful engineer would write by hand for these exact rules: boolean masks
in pandas, each history baseline looked up once with sort + drop_duplicates. Both run on the same
in-memory frames in the same process; the best of several runs is reported for each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.fields import FieldType
from cspm.core.health import compute_health
from cspm.core.rules import add_derived, build_catalog, builtin_rules, evaluate_many, parse_rule

TODAY = date(2026, 6, 15)
T = pd.Timestamp(TODAY)
RUNS = 5

USER_SEGMENTS = {
    "Mid ARR in EMEA/APAC": {
        "all": [
            {"field": "arr", "op": "between", "value": [25000, 100000]},
            {"field": "region", "op": "in", "value": ["EMEA", "APAC"]},
        ]
    },
    "Unhappy": {
        "any": [
            {"field": "nps", "op": "<=", "value": 6},
            {"field": "open_tickets", "op": ">=", "value": 5},
        ]
    },
    "Others' renewals": {
        "all": [
            {"not": {"field": "owner", "op": "=", "value": "alice"}},
            {"field": "renewal_date", "op": "within_next_days", "value": 180},
        ]
    },
    "Usage falling": {"field": "mau", "op": "dropped_by_pct", "value": 25, "since_days": 60},
    "ARR shrank": {"field": "arr", "op": "dropped_by", "value": 10000},
    "Tech names": {"field": "name", "op": "contains", "value": "tech"},
    "Lukewarm, underused": {
        "all": [
            {"field": "health_score", "op": "between", "value": [50, 75]},
            {"field": "seat_utilization", "op": "<", "value": 0.7},
        ]
    },
    "Quiet SMB": {
        "all": [
            {"field": "last_login", "op": "older_than_days", "value": 14},
            {"field": "tier", "op": "=", "value": "SMB"},
        ]
    },
    "Happy references": {
        "all": [
            {"field": "is_reference", "op": "=", "value": True},
            {"field": "nps", "op": ">=", "value": 9},
        ]
    },
    "Shrinking or lapsed": {
        "any": [
            {"field": "arr_change_pct", "op": "<", "value": -10},
            {"field": "days_to_renewal", "op": "<", "value": 0},
            {"not": {"field": "product_line", "op": "not_in", "value": ["Legacy", "On-prem"]}},
        ]
    },
}


def make_frames(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    keys = pd.Index(np.char.add("A", np.arange(n).astype(str)), dtype="str")

    def pick(values: list[str | None]) -> pd.arrays.ArrowStringArray:
        return pd.array(np.array(values, dtype=object)[rng.integers(0, len(values), n)], "str")

    def days(lo: int, hi: int, missing: float) -> np.ndarray:
        d = T.to_datetime64() + rng.integers(lo, hi, n).astype("timedelta64[D]")
        return np.where(rng.random(n) < missing, np.datetime64("NaT"), d).astype("datetime64[ns]")

    def num(values: np.ndarray, missing: float) -> np.ndarray:
        return np.where(rng.random(n) < missing, np.nan, values).astype(float)

    purchased = num(rng.integers(0, 500, n), 0.05)
    words = np.array(["Acme", "Tech", "Global", "Soft", "Data", "Cloud", "Labs", "Systems"])
    names = np.char.add(np.char.add(words[rng.integers(0, 8, n)], " "), keys.to_numpy(str))
    names = np.char.add(names, np.where(rng.random(n) < 0.3, " Technologies", " Inc"))
    portfolio = pd.DataFrame(
        {
            "name": pd.array(names.astype(object), "str"),
            "owner": pick(["alice", "Bob", "carol", " Alice ", None]),
            "region": pick(["EMEA", "APAC", "NA", "LATAM", None]),
            "tier": pick(["Enterprise", "Mid-Market", "SMB", "Unassigned"]),
            "lifecycle_stage": pick(
                ["Onboarding", "Adoption", "Established", "Renewal", "Churned"]
            ),
            "product_line": pick(["Core", "Legacy", "On-prem", "Edge", None]),
            "arr": num(rng.lognormal(10, 1.2, n), 0.02),
            "mau": num(rng.integers(0, 2000, n), 0.1),
            "health_score": num(rng.integers(0, 101, n), 0.2),
            "nps": num(rng.integers(0, 11, n), 0.5),
            "open_tickets": num(rng.integers(0, 12, n), 0.3),
            "unpaid_invoices": num(np.where(rng.random(n) < 0.1, rng.integers(1, 9999, n), 0), 0.3),
            "seats_purchased": purchased,
            "seats_active": num(np.floor(purchased * rng.random(n) * 1.1), 0.05),
            "contract_start": days(-1500, 0, 0.02),
            "renewal_date": days(-30, 365, 0.05),
            "churn_date": days(-200, 0, 0.9),
            "last_interaction": days(-120, 0, 0.1),
            "last_qbr": days(-400, 0, 0.3),
            "last_login": days(-60, 0, 0.1),
            "is_reference": pd.array(rng.random(n) < 0.05, dtype="boolean"),
            # from related data (contacts and usage exports); missing where an account has none
            "contacts_total": num(rng.integers(0, 40, n), 0.3),
            "contacts_inactive_share_10d": num(rng.random(n), 0.3),
            "exec_last_login": days(-40, 0, 0.4),
            "usage_trend_30d": num(rng.uniform(-1.0, 1.0, n), 0.3),
        },
        index=keys,
    )
    snaps = []
    for i, back in enumerate((150, 120, 90, 60, 30, 0)):
        jitter = rng.integers(0, 4, n) if back else np.zeros(n, int)
        snaps.append(
            pd.DataFrame(
                {
                    "key": keys,
                    "as_of": (T - pd.Timedelta(days=back)).to_datetime64()
                    - jitter.astype("timedelta64[D]"),
                    "import_id": i + 1,
                    "arr": portfolio["arr"].to_numpy() * rng.uniform(0.8, 1.1, n),
                    "mau": num(rng.integers(0, 2000, n), 0.1),
                    "health_score": num(rng.integers(0, 101, n), 0.2),
                }
            )
        )
    history = pd.concat(snaps, ignore_index=True).astype({"as_of": "datetime64[ns]"})
    return portfolio, history


def baseline(p: pd.DataFrame, h: pd.DataFrame) -> pd.DataFrame:
    """The same 24 segments as hand-written pandas masks (built-ins as of library version 3)."""
    h = h[h["as_of"] <= T].sort_values(["key", "as_of", "import_id"])
    h = h.drop_duplicates(["key", "as_of"], keep="last")
    earlier = h[h["key"].duplicated(keep="last")]  # drop each account's current snapshot
    bases: dict[tuple[str, int | None], pd.Series] = {}

    def base(field: str, since: int | None) -> pd.Series:
        if (field, since) not in bases:
            e = (
                earlier
                if since is None
                else earlier[earlier["as_of"] <= T - pd.Timedelta(days=since)]
            )
            last = e.drop_duplicates("key", keep="last").set_index("key")[field]
            bases[field, since] = last.reindex(p.index)
        return bases[field, since]

    def norm(col: str) -> pd.Series:
        return p[col].str.strip().str.casefold()

    def days(col: str) -> pd.Series:
        return (p[col] - T).dt.days

    purchased = p["seats_purchased"]
    util = (p["seats_active"] / purchased).where(purchased > 0)
    stage, tier = norm("lifecycle_stage"), norm("tier")
    active = stage.notna() & (stage != "churned")  # the built-ins skip churned accounts
    old_mau, old_h = base("mau", 30), base("health_score", 30)
    old_arr = base("arr", None)
    old_mau60 = base("mau", 60)
    arr_pct = ((p["arr"] - old_arr) * 100 / old_arr.abs()).where(old_arr != 0)
    d_renew, d_last, d_qbr, d_start = (
        days("renewal_date"), days("last_interaction"), days("last_qbr"), days("contract_start")
    )  # fmt: skip
    out = {
        "New this week": d_start.between(-7, 0),
        "Onboarding": stage == "onboarding",
        "Renewal in next 90 days": active & d_renew.between(0, 90),
        "Expansion potential": active
        & (
            (util >= 0.95)
            | ((p["mau"] - old_mau) * 100 / old_mau.abs().where(old_mau != 0) >= 20)
            | (p["nps"] >= 9)
        ),
        "At risk": active & ((p["health_score"] < 50) | (old_h - p["health_score"] >= 15)),
        "No interaction in 30+ days": active & d_last.notna() & (-d_last > 30),
        "No interaction on record": active & d_last.isna(),
        "Churned in last 60 days": (stage == "churned") & days("churn_date").between(-60, 0),
        "Unpaid invoices": p["unpaid_invoices"] > 0,
        "No QBR in 120 days": active
        & (d_qbr.isna() | (-d_qbr > 120))
        & tier.isin(["enterprise", "mid-market"]),
        "Low adoption": active & (util < 0.5),
        "Users not logging in": active & (p["contacts_inactive_share_10d"] > 0.3),
        "Executive sponsor inactive": active
        & (
            (days("exec_last_login").notna() & (-days("exec_last_login") > 15))
            | (p["exec_last_login"].isna() & (p["contacts_total"] > 0))
        ),
        "Usage dropped 30% in 30 days": active & (p["usage_trend_30d"] <= -0.3),
        "Mid ARR in EMEA/APAC": p["arr"].between(25000, 100000)
        & norm("region").isin(["emea", "apac"]),
        "Unhappy": (p["nps"] <= 6) | (p["open_tickets"] >= 5),
        "Others' renewals": ~(norm("owner") == "alice") & d_renew.between(0, 180),
        "Usage falling": (old_mau60 - p["mau"]) * 100 / old_mau60.abs().where(old_mau60 != 0) >= 25,
        "ARR shrank": old_arr - p["arr"] >= 10000,
        "Tech names": norm("name").str.contains("tech", regex=False),
        "Lukewarm, underused": p["health_score"].between(50, 75) & (util < 0.7),
        "Quiet SMB": (days("last_login").isna() | (-days("last_login") > 14)) & (tier == "smb"),
        "Happy references": p["is_reference"].fillna(False) & (p["nps"] >= 9),
        "Shrinking or lapsed": (arr_pct < -10)
        | (d_renew < 0)
        | ~(~norm("product_line").isin(["legacy", "on-prem"]) & norm("product_line").notna()),
    }
    return pd.DataFrame({k: v.fillna(False).astype(bool) for k, v in out.items()}, index=p.index)


def best_of(fn: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def measure(n: int = 100_000) -> dict[str, object]:
    """Engine and baseline on the same frames: seconds (best of RUNS), the segments whose
    results differ (a baseline that computes something else is no yardstick) and members."""
    portfolio, history = make_frames(n)
    catalog = build_catalog({"product_line": FieldType.TEXT})
    rules = builtin_rules(catalog) | {k: parse_rule(v, catalog) for k, v in USER_SEGMENTS.items()}
    engine_s, engine = best_of(lambda: evaluate_many(rules, portfolio, history, TODAY))
    base_s, base = best_of(lambda: baseline(portfolio, history))
    mismatched = [c for c in engine.columns if c not in base or not engine[c].equals(base[c])]
    mismatched += [f"{c} (baseline only)" for c in base.columns if c not in engine.columns]
    return {
        "accounts": n,
        "snapshot_rows": len(history),
        "segments": len(rules),
        "engine_s": engine_s,
        "baseline_s": base_s,
        "mismatch": mismatched,
        "members": (int(engine.sum().min()), int(engine.sum().max())),
        "frames": (portfolio, history),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    m = measure(n)
    engine_s, base_s = float(m["engine_s"]), float(m["baseline_s"])  # type: ignore[arg-type]
    print(f"{n:,} accounts, {m['snapshot_rows']:,} snapshot rows, {m['segments']} segments")
    print(f"engine   evaluate_many : {engine_s * 1000:8.1f} ms (best of {RUNS})")
    print(f"baseline pandas masks  : {base_s * 1000:8.1f} ms (best of {RUNS})")
    if m["mismatch"]:
        # a baseline that computes something else is no yardstick: no ratio
        print(f"MISMATCH in {m['mismatch']}")
        print("ratio engine/baseline  : not comparable (the baseline disagrees)")
        sys.exit(1)
    low, high = m["members"]  # type: ignore[misc]
    print(f"ratio engine/baseline  : {engine_s / base_s:8.2f}x")
    print(f"members per segment    : min {low:,}, max {high:,}")
    print("results agree")
    portfolio, history = m["frames"]  # type: ignore[misc]
    health_s, _ = best_of(lambda: compute_health(portfolio, history, TODAY))
    derived_s, _ = best_of(lambda: add_derived(portfolio, history, TODAY))
    print(
        f"(for scale) compute_health {health_s * 1000:.1f} ms,"
        f" add_derived {derived_s * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
