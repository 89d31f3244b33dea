"""A generated demo portfolio: monthly CRM exports of one made-up customer base.

The demo is what a new user (and every screenshot, benchmark and end-to-end test) sees first, so
it has to look like a real CRM export and tell stories a CSM recognises: new logos arriving
(some this week), trials, churn (some recent), expansions and contractions, health drops, usage
surges, renewals coming up (and a few overdue), references, stale accounts, unpaid invoices,
neglected QBRs. Each snapshot is a DataFrame with the header texts a CRM export uses and values
already typed the way an Excel reader returns them, so the demo goes through the same import
path as a user's file.

Generation is vectorised: per-account attributes are drawn once, time-varying values are
(accounts x snapshots) arrays, and each snapshot is a slice. The same seed gives the same
portfolio for the same `today`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.demo_dates import next_anniversary, snapshot_dates, to_dates
from cspm.core.demo_effects import planted_industry
from cspm.core.demo_names import (
    COUNTRIES,
    COUNTRY_WEIGHTS,
    INDUSTRIES,
    OWNERS,
    PLANS,
    PRODUCT_LINES,
    STATUSES,
    SUPPORT_PLANS,
    account_ids,
    company_names,
)
from cspm.core.errors import BadInputError

MIN_MONTHS = 13
"""Snapshots needed for four quarter-over-quarter comparisons (a year plus its starting month)."""

COLUMNS = (
    "Account ID", "Account Name", "Account Owner", "Industry", "Region", "Country", "Plan",
    "Product Line", "ARR", "Potential ARR", "Currency", "Seats Purchased", "Active Seats", "MAU",
    "Health Score", "NPS", "CSAT", "Contract Start Date", "Renewal Date", "Churn Date",
    "Last Activity Date", "Last QBR", "Last Login", "Open Tickets", "Unpaid Invoices", "Status",
    "Reference Customer", "Support Plan",
)  # fmt: skip
"""Header texts of a demo export, in column order."""


@dataclass
class DemoSnapshot:
    """One CRM export: the accounts present on `as_of`, with CRM header texts as columns."""

    as_of: datetime.date
    frame: pd.DataFrame


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    """Up to `k` distinct account indices drawn from the boolean mask `pool`."""
    candidates = np.flatnonzero(pool)
    return rng.choice(candidates, size=min(k, candidates.size), replace=False)


def _mask(n: int, chosen: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[chosen] = True
    return out


def _share(n: int, fraction: float, at_least: int = 0) -> int:
    return max(at_least, round(n * fraction))


def _ffill_rows(values: np.ndarray) -> np.ndarray:
    """Carry the last known value forward along each row (axis 1)."""
    return pd.DataFrame(values).ffill(axis=1).to_numpy(copy=True)


@dataclass
class _Accounts:
    """Per-account facts (arrays of length n); day numbers are floats with NaN for unknown."""

    created: np.ndarray  # first day the account is in the CRM
    start: np.ndarray  # contract start (NaN: never recorded)
    start_shown_from: np.ndarray  # first day the CRM shows the contract start
    churn: np.ndarray  # churn day (NaN: never churned)
    vanish: np.ndarray  # day the account drops out of exports (inf: never)
    renewal_lag: np.ndarray  # days the CRM is late rolling the renewal date forward
    trial: np.ndarray  # currently in a trial (bool, likewise below)
    no_start: np.ndarray
    cancelled: np.ndarray  # churn recorded as "Cancelled" rather than "Churned"
    advocate: np.ndarray
    reference: np.ndarray
    decliner: np.ndarray  # health and usage fall in the last month
    riser: np.ndarray  # usage jumps in the last month
    stale: np.ndarray  # nobody has touched the account for 30+ days
    unpaid: np.ndarray
    no_arr: np.ndarray
    arr_final: np.ndarray
    plan_code: np.ndarray


def _draw_accounts(rng: np.random.Generator, n: int, A: np.ndarray) -> _Accounts:
    """Who the accounts are, when they arrive and leave, and which story each one tells.

    Story sizes are shares of `n` with small minimums, so even a 300-account demo shows every
    stage: a customer who started this week, a trial, a recent churn, an overdue renewal...
    """
    T, A0 = A[-1], A[0]
    order = rng.permutation(n)
    bounds = np.minimum(np.cumsum([_share(n, 0.012, 1), _share(n, 0.02, 2), _share(n, 0.2, 3)]), n)
    this_week = _mask(n, order[: bounds[0]])
    trial = _mask(n, order[bounds[0] : bounds[1]])
    new = _mask(n, order[bounds[1] : bounds[2]])
    base = ~(this_week | trial | new)  # customers since before the first snapshot

    start = np.full(n, np.nan)
    created = np.zeros(n)
    start[base] = A0 - rng.integers(1, 5 * 365, n)[base]
    created[base] = start[base]
    start[new] = rng.integers(int(A0) + 1, int(T) - 7, n)[new]
    had_trial = new & (rng.random(n) < 0.35)
    created[new] = start[new] - np.where(had_trial, rng.integers(14, 41, n), 0)[new]
    start[this_week] = T - rng.integers(0, 7, n)[this_week]
    created[this_week] = start[this_week]
    created[trial] = T - rng.integers(1, 41, n)[trial]
    start[trial] = T + rng.integers(5, 46, n)[trial]

    no_start = _mask(n, _pick(rng, base, _share(n, 0.01, 1)))
    start[no_start] = np.nan
    created[no_start] = A0 - 100
    has_start = ~np.isnan(start)

    # Overdue renewals: the anniversary fell 5-40 days ago and the CRM was not yet updated.
    overdue = _mask(n, _pick(rng, base & has_start, _share(n, 0.03, 2)))
    due = (T - rng.integers(5, 41, n)).astype("datetime64[D]")
    due_month = due.astype("datetime64[M]")
    years_back = (due_month - 12 * rng.integers(2, 6, n)).astype("datetime64[D]")
    start[overdue] = (years_back + (due - due_month.astype("datetime64[D]"))).astype(np.int64)[
        overdue
    ]
    created[overdue] = start[overdue]

    churn = np.full(n, np.nan)
    churnable = base & has_start & ~overdue
    old_churn = _mask(n, _pick(rng, churnable, _share(n, 0.03, 1)))
    churn[old_churn] = A0 - rng.integers(20, 300, n)[old_churn]
    start[old_churn] = churn[old_churn] - rng.integers(200, 1200, n)[old_churn]
    created[old_churn] = start[old_churn]
    recent_churn = _mask(n, _pick(rng, churnable & ~old_churn, _share(n, 0.03, 2)))
    churn[recent_churn] = T - rng.integers(0, 61, n)[recent_churn]
    mid_churn = _mask(n, _pick(rng, churnable & ~old_churn & ~recent_churn, _share(n, 0.09)))
    churn[mid_churn] = rng.integers(int(A0) + 1, int(T) - 60, n)[mid_churn]
    churned = ~np.isnan(churn)

    settled = (base | new) & has_start & ~churned
    advocate = _mask(n, _pick(rng, settled & base & ~overdue, _share(n, 0.08, 2)))
    steady = settled & ~advocate & (created < A[-3])
    decliner = _mask(n, _pick(rng, steady, _share(n, 0.08, 1)))
    arr_final = np.round(np.clip(rng.lognormal(np.log(23_000), 1.35, n), 1_500, 2.5e6), -2)
    return _Accounts(
        created=created,
        start=start,
        # Some CRMs show a trial's planned start; others leave it blank until the deal closes.
        start_shown_from=np.where(trial & (rng.random(n) < 0.4), start, created),
        churn=churn,
        vanish=np.where(churned & (rng.random(n) < 0.3), churn + rng.integers(45, 150, n), np.inf),
        renewal_lag=np.where(overdue, 60.0, 0.0),
        trial=trial,
        no_start=no_start,
        cancelled=rng.random(n) >= 0.85,
        advocate=advocate,
        reference=(advocate & (rng.random(n) < 0.6)) | (settled & (rng.random(n) < 0.01)),
        decliner=decliner,
        riser=_mask(n, _pick(rng, steady & ~decliner, _share(n, 0.08, 1))),
        stale=_mask(n, _pick(rng, settled & ~advocate & (start < T - 45), _share(n, 0.1, 1))),
        unpaid=_mask(n, _pick(rng, settled, _share(n, 0.04, 1))),
        no_arr=_mask(n, _pick(rng, base & ~churned, _share(n, 0.02, 1))),
        arr_final=arr_final,
        plan_code=np.digitize(np.log(arr_final) + rng.normal(0, 0.3, n), np.log([9e3, 3e4, 1.1e5])),
    )


def _draw_history(rng: np.random.Generator, a: _Accounts, A: np.ndarray) -> dict[str, np.ndarray]:
    """Every time-varying column as an (accounts x snapshots) array, keyed by header text.

    Also "_present" (is the account in that export) and "_status" (codes into STATUSES).
    Walks are anchored at the final snapshot so the last export has the intended mix.
    """
    n, S = a.start.size, A.size
    T = A[-1]
    at = np.broadcast_to(A, (n, S))
    step = np.arange(S)
    churned = ~np.isnan(a.churn)
    in_trial = (at < a.start[:, None]) | (a.trial[:, None] & np.isnan(a.start[:, None]))
    is_churned = at >= a.churn[:, None]
    until_churn = a.churn[:, None] - at
    fading = (until_churn > 0) & (until_churn < 150)  # the slide before a churn

    # ARR: walked back from the final value through expansions and contractions.
    change = np.ones((n, S))
    roll = rng.random((n, S))
    grow, shrink = roll < 0.035, (roll >= 0.035) & (roll < 0.055)
    change[grow] = rng.uniform(1.1, 1.6, (n, S))[grow]
    change[shrink] = rng.uniform(0.7, 0.92, (n, S))[shrink]
    change[:, 0] = 1.0
    from_here_on = np.cumprod(change[:, ::-1], axis=1)[:, ::-1]
    arr = np.round(a.arr_final[:, None] * change / from_here_on, -2)
    arr[a.no_arr] = np.nan
    arr[in_trial] = np.nan
    arr[is_churned] = 0.0
    potential = np.round(arr * rng.uniform(0.1, 1.5, n)[:, None], -2)
    potential[(rng.random(n) < 0.2)[:, None] | is_churned | (potential == 0)] = np.nan
    seat_price = np.array([240.0, 360, 480, 600])[a.plan_code] * rng.uniform(0.8, 1.2, n)
    known_arr = np.where(np.isnan(arr), a.arr_final[:, None] * 0.3, arr)  # ARR unrecorded
    seats = np.maximum(3.0, np.round(known_arr / seat_price[:, None]))
    seats[is_churned] = 0.0
    seats[in_trial] = np.nan

    # Health: a random walk ending at each account's level, then the stories on top.
    level = np.clip(rng.normal(72, 13, n), 25, 97)
    level[a.advocate] = rng.uniform(82, 96, n)[a.advocate]
    level[a.decliner] = rng.uniform(60, 88, n)[a.decliner]
    walk = np.cumsum(rng.normal(0, 3, (n, S)), axis=1)
    health = level[:, None] + walk - walk[:, -1:]
    health[a.decliner, -3] = health[a.decliner, -2]
    health[a.decliner, -1] = health[a.decliner, -2] - rng.uniform(16, 35, n)[a.decliner]
    health = np.where(fading, health - (150 - until_churn) / 150 * 40, health)
    health[a.advocate] = np.maximum(health[a.advocate], 80)
    health = np.where(is_churned, np.nan, np.clip(np.round(health), 1, 100))
    health = _ffill_rows(np.where(in_trial, -1, health))  # churned: frozen at the last score
    health[(health < 0) | (rng.random(n) < 0.03)[:, None]] = np.nan

    # Usage: MAU tracks seats times utilisation, with surges and slumps.
    usage = np.exp(np.cumsum(rng.normal(0, 0.05, (n, S)), axis=1))
    mau = seats * rng.uniform(0.45, 0.95, n)[:, None] * usage / usage[:, -1:]
    mau[a.riser, -3] = mau[a.riser, -2]
    mau[a.riser, -1] = mau[a.riser, -2] * rng.uniform(1.25, 1.7, n)[a.riser]
    mau[a.decliner, -1] = mau[a.decliner, -2] * rng.uniform(0.5, 0.8, n)[a.decliner]
    mau = np.where(fading, mau * np.clip(until_churn / 150, 0.2, 1), mau)
    mau = np.where(in_trial, rng.integers(3, 40, (n, S)), np.round(mau))
    mau[is_churned] = 0.0

    # Survey answers: NPS on the 0-10 scale, CSAT 1-5; many accounts never answered.
    p_nps = [0.02, 0.02, 0.03, 0.04, 0.05, 0.07, 0.09, 0.15, 0.2, 0.18, 0.15]
    nps_now = np.where(a.advocate, rng.integers(9, 11, n), rng.choice(11, n, p=p_nps)).astype(float)
    unhappy = a.decliner | churned
    nps_now[unhappy] = rng.integers(0, 7, n)[unhappy]
    nps_now[((rng.random(n) < 0.35) & ~a.advocate) | a.no_start | a.trial] = np.nan
    nps_before = np.where(np.isnan(nps_now), np.nan, rng.integers(5, 11, n))
    answered_at = rng.integers(0, S, n)[:, None]
    nps = np.where(step[None, :] >= answered_at, nps_now[:, None], nps_before[:, None])
    noise = rng.normal(0, 0.4, (n, S))
    csat = np.round(np.clip(2.2 + np.nan_to_num(health, nan=70) / 40 + noise, 1, 5), 1)
    csat[(rng.random(n) < 0.45)[:, None] | in_trial] = np.nan

    # Dates: renewals from contract anniversaries; activity, logins and QBRs from gaps.
    renewal = next_anniversary(
        np.repeat(a.start, S), (np.fmin(at, a.churn[:, None]) - a.renewal_lag[:, None]).ravel()
    ).reshape(n, S)
    stop = np.minimum(at, np.nan_to_num(a.churn, nan=np.inf)[:, None])  # churned: frozen
    quiet_since = (T - rng.integers(30, 121, n))[:, None]
    activity = stop - np.round(rng.exponential(6, (n, S)))
    activity = np.where(a.stale[:, None], np.minimum(activity, quiet_since), activity)
    activity = np.maximum.accumulate(np.maximum(activity, a.created[:, None]), axis=1)
    login_gap = rng.exponential(np.where(a.stale | a.decliner, 20, 2))[:, None]
    login = stop - np.round(login_gap * rng.random((n, S)) * 2)
    login = np.maximum.accumulate(np.maximum(login, a.created[:, None]), axis=1)
    login[(rng.random(n) < 0.03) | (a.trial & (rng.random(n) < 0.5))] = np.nan
    cadence = np.where(a.arr_final >= 1e5, 91.0, np.where(a.arr_final >= 2.5e4, 105.0, 180.0))
    holds_qbr = (a.arr_final >= 2.5e4) | (rng.random(n) < 0.2)
    qbr_until = np.where(holds_qbr & (rng.random(n) < 0.25), T - rng.integers(130, 300, n), np.inf)
    first_qbr = a.start + 30 + rng.uniform(0, 1, n) * cadence
    since_first = np.minimum(stop, qbr_until[:, None]) - first_qbr[:, None]
    last_qbr = first_qbr[:, None] + np.floor(since_first / cadence[:, None]) * cadence[:, None]
    last_qbr = np.where((since_first >= 0) & holds_qbr[:, None], np.round(last_qbr), np.nan)

    ticket_rate = 0.4 + (a.arr_final >= 2.5e4) * 0.8 + (a.arr_final >= 1e5) * 1.5
    tickets = rng.poisson(ticket_rate[:, None], (n, S)).astype(float)
    tickets[a.decliner, -1] += rng.integers(3, 9, n)[a.decliner]
    tickets[is_churned] = 0.0
    invoice_from = np.where(a.unpaid, rng.integers(S - 3, S, n), S)
    owed = (step[None, :] >= invoice_from[:, None]) | (rng.random((n, S)) < 0.01)
    invoices = np.where(owed & ~in_trial & ~is_churned, np.round(np.nan_to_num(arr) / 4, -2), 0.0)

    start_known = at >= a.start_shown_from[:, None]
    return {
        "_present": (at >= a.created[:, None]) & (at < a.vanish[:, None]),
        "_status": np.select(
            [is_churned, in_trial, health < 45], [np.where(a.cancelled, 4, 3)[:, None], 2, 1], 0
        ),
        "ARR": arr, "Potential ARR": potential, "Seats Purchased": seats,
        "Active Seats": np.where(in_trial, mau, np.minimum(np.round(mau * 0.92), seats)),
        "MAU": mau, "Health Score": health, "NPS": nps, "CSAT": csat, "Open Tickets": tickets,
        "Unpaid Invoices": invoices,
        "Contract Start Date": to_dates(np.where(start_known, a.start[:, None], np.nan)),
        "Renewal Date": to_dates(np.where(start_known, renewal, np.nan)),
        "Churn Date": to_dates(np.where(is_churned, a.churn[:, None], np.nan)),
        "Last Activity Date": to_dates(activity), "Last QBR": to_dates(last_qbr),
        "Last Login": to_dates(login),
    }  # fmt: skip


def _vocabulary(words: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    return pd.array(list(words), dtype="str")


def generate_demo(
    n_accounts: int = 300,
    today: datetime.date | None = None,
    *,
    months: int = 15,
    seed: int = 7,
) -> list[DemoSnapshot]:
    """Monthly snapshots (month ends, then `today`) of a made-up portfolio, oldest first.

    With the default 15 months there are five quarter ends in the history, so four full
    quarters can be compared. The final snapshot holds every lifecycle stage and tier.
    Rows are in Account Name order, as a CRM export sorted by name would be.
    """
    if months < MIN_MONTHS:
        raise BadInputError(
            f"The demo needs at least {MIN_MONTHS} months of history, not {months}."
        )
    if n_accounts < 1:
        raise BadInputError("The demo needs at least one account.")
    today = today or datetime.date.today()
    rng = np.random.default_rng(seed)
    as_of_dates = snapshot_dates(today, months)
    A = np.array(as_of_dates, dtype="datetime64[D]").astype(np.int64).astype(np.float64)
    n, S = n_accounts, A.size

    accounts = _draw_accounts(rng, n, A)
    history = _draw_history(rng, accounts, A)

    # Static text becomes pandas str arrays once per account; each snapshot only takes rows
    # (no per-cell validation 15 times over).
    names = company_names(rng, n)
    by_name = np.argsort(names.astype(str), kind="stable")
    country_code = rng.choice(len(COUNTRIES), n, p=COUNTRY_WEIGHTS)
    support_code = np.clip(accounts.plan_code - 1 + rng.integers(0, 2, n), 0, 2)
    static = {
        "Account ID": pd.array(account_ids(rng, accounts.created), dtype="str"),
        "Account Name": pd.array(names, dtype="str"),
        "Industry": _vocabulary(INDUSTRIES).take(
            planted_industry(rng.integers(0, len(INDUSTRIES), n), ~np.isnan(accounts.churn), seed)
        ),
        "Region": _vocabulary(tuple(c[1] for c in COUNTRIES)).take(country_code),
        "Country": _vocabulary(tuple(c[0] for c in COUNTRIES)).take(country_code),
        "Plan": _vocabulary(PLANS).take(accounts.plan_code),
        "Product Line": _vocabulary(PRODUCT_LINES).take(
            rng.choice(len(PRODUCT_LINES), n, p=[0.4, 0.25, 0.2, 0.15])
        ),
        "Support Plan": _vocabulary(SUPPORT_PLANS).take(support_code),
        "Currency": _vocabulary(("USD",)).take(np.zeros(n, dtype=np.int64)),
    }
    owner = rng.choice(len(OWNERS), n, p=[0.2, 0.18, 0.18, 0.16, 0.15, 0.13])
    owner[rng.random(n) < 0.01] = -1  # nobody owns it
    handed_over_at = np.where(rng.random(n) < 0.04, rng.integers(1, S, n), 0)
    owner_then = np.where(
        np.arange(S)[None, :] < handed_over_at[:, None], rng.integers(0, len(OWNERS), n)[:, None],
        owner[:, None],
    )  # fmt: skip
    history["_owner"] = owner_then

    # Export order (by name), snapshots first: each snapshot reads increasing positions.
    static = {k: v.take(by_name) for k, v in static.items()}
    series = {k: np.ascontiguousarray(v[by_name].T) for k, v in history.items()}
    reference = accounts.reference[by_name]
    owners, statuses = _vocabulary(OWNERS), _vocabulary(STATUSES)

    snapshots = []
    for s, as_of in enumerate(as_of_dates):
        rows = np.flatnonzero(series["_present"][s])
        columns: dict[str, object] = {k: v.take(rows) for k, v in static.items()}
        columns.update({k: v[s, rows] for k, v in series.items()})
        columns["Account Owner"] = owners.take(series["_owner"][s, rows], allow_fill=True)
        columns["Status"] = statuses.take(series["_status"][s, rows])
        columns["Reference Customer"] = reference[rows]
        frame = pd.DataFrame({k: columns[k] for k in COLUMNS})
        snapshots.append(DemoSnapshot(as_of=as_of, frame=frame))
    return snapshots
