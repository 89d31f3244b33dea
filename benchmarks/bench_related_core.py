"""Benchmark: linking and the account aggregates at 24 month ends over the issue's scale.

Run: .venv/bin/python benchmarks/bench_related_core.py [n_accounts]

Synthetic frames in the core's frame contract (cspm.core.related.frames): 10,000 accounts,
100,000 subscriptions, 1,000,000 usage events (linked through subscription IDs, contact e-mails
and web domains), 50,000 tickets, 100,000 contacts and 2,000 churn events, scaled with
n_accounts. Timed: `link` and `aggregates_at` at 24 month ends (best of RUNS each). Baseline,
measured in the same run on the same rows: one pandas groupby-sum of the usage counts per
subscription (the cheapest whole-file pass over the usage events anyone could write).
Printed: times, the ratio to the baseline, and the process's peak resident memory.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.related.aggregates import aggregates_at
from cspm.core.related.frames import RelatedFrames, columns_of, empty_frame
from cspm.core.related.history_dates import history_dates
from cspm.core.related.linking import link

RUNS = 3
AS_OF = date(2026, 6, 15)
START = np.datetime64("2024-06-01", "D")
SPAN_DAYS = 740
ROLES = np.array(["VP Sales", "Engineer", "Admin", "Analyst", "Chief Executive Officer", None])


def _frame(kind: str, columns: dict[str, Any]) -> pd.DataFrame:
    """A frame of `kind` in the contract's dtypes from the given columns (others missing)."""
    n = len(next(iter(columns.values())))
    empty = empty_frame(kind)
    data: dict[str, Any] = {}
    for col in columns_of(kind):
        dtype = empty[col].dtype
        if col in columns:
            data[col] = pd.Series(columns[col], dtype=dtype)
        elif str(dtype) == "object":
            data[col] = pd.Series(np.full(n, None, dtype=object), dtype=object)
        else:
            data[col] = pd.Series(np.full(n, None), dtype=dtype)
    return pd.DataFrame(data)


def _days(rng: np.random.Generator, n: int, lo: int = 0, hi: int = SPAN_DAYS) -> np.ndarray:
    return (START + rng.integers(lo, hi, n)).astype("datetime64[ns]")


def build(n_accounts: int) -> tuple[RelatedFrames, pd.DataFrame]:
    rng = np.random.default_rng(7)
    ids = np.array([f"ACC-{i:06d}" for i in range(n_accounts)], dtype=object)
    accounts = pd.DataFrame(
        {
            "key": ids,
            "external_id": ids,
            "name": [f"Company {i}" for i in range(n_accounts)],
            "website": [f"https://www.company{i}.com/" for i in range(n_accounts)],
        },
        dtype=object,
    )
    n_subs = n_accounts * 10
    sub_account = rng.integers(0, n_accounts, n_subs)
    sub_ids = np.array([f"SUB-{i:07d}" for i in range(n_subs)], dtype=object)
    start = _days(rng, n_subs, 0, SPAN_DAYS - 30)
    length = rng.integers(90, 900, n_subs).astype("timedelta64[D]")
    end = np.where(rng.random(n_subs) < 0.4, np.datetime64("NaT"), start + length)
    arr = np.round(rng.lognormal(9, 1, n_subs), 2)
    mrr_only = rng.random(n_subs) < 0.2
    subscriptions = _frame(
        "subscriptions",
        {
            "row_key": sub_ids,
            "subscription_id": sub_ids,
            "account_id": ids[sub_account],
            "start_date": start,
            "end_date": end.astype("datetime64[ns]"),
            "arr": np.where(mrr_only, np.nan, arr),
            "mrr": np.where(mrr_only, arr / 12, np.nan),
            "seats": rng.integers(1, 200, n_subs).astype(float),
            "plan": rng.choice(np.array(["Starter", "Pro", "Enterprise"], dtype=object), n_subs),
        },
    )
    n_contacts = n_accounts * 10
    contact_account = rng.integers(0, n_accounts, n_contacts)
    emails = np.array(
        [f"user{i}@company{a}.com" for i, a in enumerate(contact_account)], dtype=object
    )
    contacts = _frame(
        "contacts",
        {
            "row_key": emails,
            "email": emails,
            "account_id": np.where(rng.random(n_contacts) < 0.7, ids[contact_account], None),
            "role": rng.choice(ROLES, n_contacts),
            "last_login": _days(rng, n_contacts, SPAN_DAYS - 120, SPAN_DAYS),
        },
    )
    n_usage = n_accounts * 100
    pick = rng.integers(0, n_contacts, n_usage)
    by_sub = rng.random(n_usage) < 0.6
    # 10% of events by users who are not contacts (linked by their domain, or by nothing
    # for the free-mail ones)
    n_guests = n_usage // 10
    guest = np.zeros(n_usage, dtype=bool)
    guest[rng.choice(n_usage, n_guests, replace=False)] = True
    guest_domain = np.array(
        [f"company{a}.com" for a in rng.integers(0, n_accounts, n_guests)], dtype=object
    )
    guest_domain[rng.random(n_guests) < 0.1] = "gmail.com"
    guest_mail = (
        np.char.add(np.char.add("guest", rng.integers(0, 1000, n_guests).astype(str)), "@").astype(
            object
        )
        + guest_domain
    )
    user_email = emails[pick].copy()
    user_email[guest] = guest_mail
    usage = _frame(
        "usage",
        {
            "row_key": np.arange(n_usage).astype(str).astype(object),
            "subscription_id": np.where(by_sub, sub_ids[rng.integers(0, n_subs, n_usage)], None),
            "user_email": user_email,
            "usage_date": _days(rng, n_usage),
            "count": np.where(rng.random(n_usage) < 0.1, np.nan, rng.integers(1, 20, n_usage)),
        },
    )
    n_tickets = n_accounts * 5
    opened = _days(rng, n_tickets)
    closed = opened + rng.integers(0, 60, n_tickets).astype("timedelta64[D]")
    tickets = _frame(
        "tickets",
        {
            "row_key": np.arange(n_tickets).astype(str).astype(object),
            "ticket_id": np.arange(n_tickets).astype(str).astype(object),
            "account_id": ids[rng.integers(0, n_accounts, n_tickets)],
            "opened_at": opened,
            "closed_at": np.where(rng.random(n_tickets) < 0.1, np.datetime64("NaT"), closed),
            "escalated": rng.random(n_tickets) < 0.1,
            "satisfaction": np.where(
                rng.random(n_tickets) < 0.5, np.nan, rng.integers(1, 6, n_tickets)
            ),
            "status": rng.choice(np.array(["Open", "Solved", "Closed"], dtype=object), n_tickets),
        },
    )
    n_churn = n_accounts // 5
    churn_events = _frame(
        "churn_events",
        {
            "row_key": np.arange(n_churn).astype(str).astype(object),
            "account_id": ids[rng.integers(0, n_accounts, n_churn)],
            "churn_date": _days(rng, n_churn),
            "is_reactivation": rng.random(n_churn) < 0.3,
        },
    )
    frames = RelatedFrames(subscriptions, usage, tickets, contacts, churn_events)
    return frames, accounts


def best_of(fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    n_accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    t0 = time.perf_counter()
    frames, accounts = build(n_accounts)
    print(
        f"built {n_accounts:,} accounts, {len(frames.subscriptions):,} subscriptions, "
        f"{len(frames.usage):,} usage events, {len(frames.tickets):,} tickets, "
        f"{len(frames.contacts):,} contacts, {len(frames.churn_events):,} churn events "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    dates = history_dates(date(2024, 6, 1), AS_OF)[-24:]
    usage = frames.usage
    t_base, _ = best_of(lambda: usage.groupby("subscription_id")["count"].sum())
    t_link, linked = best_of(lambda: link(frames, accounts))
    share = {k: f"{linked.of(k)['account_key'].notna().mean():.1%}" for k in linked.present()}
    rules = linked.usage["linked_by"].value_counts(dropna=False).to_dict()
    t_agg, result = best_of(lambda: aggregates_at(linked, dates, pictures_from={"contacts": AS_OF}))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"baseline: one groupby-sum over {len(usage):,} usage rows: {t_base:.3f} s")
    print(f"link:            {t_link:.3f} s  ({t_link / t_base:.1f}x baseline)  linked {share}")
    print(f"usage rows linked by: {rules}")
    print(
        f"aggregates_at:   {t_agg:.3f} s  ({t_agg / t_base:.1f}x baseline)  "
        f"{len(dates)} dates -> {len(result):,} rows x {result.shape[1]} columns"
    )
    print(f"link + aggregates: {t_link + t_agg:.3f} s (target well under 15 s)")
    print(f"peak resident memory: {peak_mb:,.0f} MB (target < 1,500 MB)")


if __name__ == "__main__":
    main()
