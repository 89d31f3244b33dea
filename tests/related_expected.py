"""The values cspm must derive from `tests.related_dataset`, computed by hand: plain Python over
the dataset's rows, one account and one date at a time, following the issue's rules (and, where
the issue names a rule without its details, the documented choice beside each function).

Nothing here imports cspm: these are the reference the product is checked against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tests.related_dataset import (
    CHURN_EVENTS,
    CONTACTS,
    EXEC_ROLES,
    IDS,
    QUARTERS,
    SUBSCRIPTIONS,
    TICKETS,
    TODAY,
    USAGE,
    Sub,
    contact_account,
    ticket_account,
    usage_account,
)

DAY = dt.timedelta(days=1)


def cents(x: float) -> float:
    return round(x + 0.0, 2)


# --- subscriptions --------------------------------------------------------------------------


def active_subs(account: str, d: dt.date, subs: Iterable[Sub] = SUBSCRIPTIONS) -> list[Sub]:
    """Started on or before d, and no end or an end after d (an end on d is not active on d)."""
    return [
        s
        for s in subs
        if s.customer_id == account and s.start <= d and (s.end is None or s.end > d)
    ]


def sub_arr(s: Sub) -> float:
    return s.arr if s.arr is not None else s.mrr * 12


def arr_at(account: str, d: dt.date, subs: Iterable[Sub] = SUBSCRIPTIONS) -> float:
    return cents(sum(sub_arr(s) for s in active_subs(account, d, subs)))


def subscription_figures(
    account: str, d: dt.date, subs: Iterable[Sub] = SUBSCRIPTIONS
) -> dict[str, Any]:
    """ARR, MRR (ARR / 12 where only ARR is given), seats (missing with nothing active), the
    plan of the highest-ARR active subscription, the first contract start on or before d, the
    next end date among active subscriptions, and how many are active."""
    subs = tuple(subs)
    active = active_subs(account, d, subs)
    started = [s.start for s in subs if s.customer_id == account and s.start <= d]
    ends = [s.end for s in active if s.end is not None]
    top = max(active, key=lambda s: (sub_arr(s), s.start), default=None)
    return {
        "arr": cents(sum(sub_arr(s) for s in active)),
        "mrr": cents(sum(s.mrr if s.mrr is not None else sub_arr(s) / 12 for s in active)),
        "seats_purchased": float(sum(s.seats for s in active)) if active else None,
        "plan": top.plan if top else None,
        "contract_start": min(started) if started else None,
        "renewal_date": min(ends) if ends else None,
        "subscriptions_active": len(active),
    }


# --- churn ----------------------------------------------------------------------------------


def churn_figures(account: str, d: dt.date, subs: Iterable[Sub] = SUBSCRIPTIONS) -> dict[str, Any]:
    """Churned at d: the latest churn event on or before d is not a reactivation, and no
    subscription starts after that churn date and on or before d."""
    events = sorted(
        (e for e in CHURN_EVENTS if e.account_id == account and e.day <= d),
        key=lambda e: (e.day, e.reactivation),
    )
    if not events or events[-1].reactivation:
        return {"churn_flag": False, "churn_date": None}
    last = events[-1].day
    won_back = any(s.customer_id == account and last < s.start <= d for s in subs)
    if won_back:
        return {"churn_flag": False, "churn_date": None}
    return {"churn_flag": True, "churn_date": last}


# --- usage ----------------------------------------------------------------------------------


def _in_last(day: dt.date, d: dt.date, n: int) -> bool:
    """In the n days up to and including d. (No dated row of the dataset sits on the edge, so
    this holds whether the window is read as n or n + 1 days.)"""
    return d - n * DAY < day <= d


def usage_figures(account: str, d: dt.date) -> dict[str, Any]:
    """Events (sum of counts), distinct users (e-mails) and distinct days in the last 30 days;
    trend = (last 30 days - the 30 before) / the 30 before, missing when the 30 before had none."""
    rows = [u for u in USAGE if usage_account(u) == account]
    last = [u for u in rows if _in_last(u.day, d, 30)]
    before = [u for u in rows if _in_last(u.day, d - 30 * DAY, 30)]
    now, prev = sum(u.count for u in last), sum(u.count for u in before)
    return {
        "usage_events_30d": float(now),
        "usage_active_users_30d": float(len({u.user_email for u in last if u.user_email})),
        "usage_active_days_30d": float(len({u.day for u in last})),
        "usage_trend_30d": (now - prev) / prev if prev else None,
    }


# --- tickets --------------------------------------------------------------------------------


def ticket_figures(account: str, d: dt.date) -> dict[str, Any]:
    """Open on d (opened on or before d, not solved by then), opened and escalated in the last
    90 days, and the average satisfaction of the rated tickets solved in the last 90 days (every
    rated ticket of the dataset is opened and solved inside the same windows, so reading it by
    the opening day gives the same figures)."""
    rows = [t for t in TICKETS if ticket_account(t) == account]
    opened = [t for t in rows if t.opened.date() <= d]
    open_now = [t for t in opened if t.solved is None or t.solved.date() > d]
    recent = [t for t in rows if _in_last(t.opened.date(), d, 90)]
    solved = [t for t in rows if t.solved is not None and _in_last(t.solved.date(), d, 90)]
    rated = [t.satisfaction for t in solved if t.satisfaction is not None]
    return {
        "open_tickets": float(len(open_now)),
        "tickets_opened_90d": float(len(recent)),
        "tickets_escalated_90d": float(sum(t.escalated for t in recent)),
        "ticket_satisfaction_90d": sum(rated) / len(rated) if rated else None,
    }


# --- contacts -------------------------------------------------------------------------------


CONTACT_FIELDS = (
    "contacts_total",
    "contacts_active_10d",
    "contacts_active_14d",
    "contacts_active_30d",
    "contacts_inactive_share_10d",
    "exec_last_login",
    "last_login",
)


def contact_figures(account: str, d: dt.date) -> dict[str, Any]:
    """Contacts, those who logged in in the last 10/14/30 days, the share not active in 10
    days, the last login of an admin or executive, and the last login of anyone.

    A contacts export is a picture of the day it is imported (each contact's latest login),
    not a history: before that day these figures are unknown (blank), never made up."""
    if d < TODAY:
        return dict.fromkeys(CONTACT_FIELDS)
    rows = [c for c in CONTACTS if contact_account(c) == account]
    logins = [c.last_login for c in rows if c.last_login <= d]
    execs = [c.last_login for c in rows if c.role in EXEC_ROLES and c.last_login <= d]
    active = {n: sum(_in_last(c.last_login, d, n) for c in rows) for n in (10, 14, 30)}
    return {
        "contacts_total": float(len(rows)),
        "contacts_active_10d": float(active[10]),
        "contacts_active_14d": float(active[14]),
        "contacts_active_30d": float(active[30]),
        "contacts_inactive_share_10d": (len(rows) - active[10]) / len(rows) if rows else None,
        "exec_last_login": max(execs) if execs else None,
        "last_login": max(logins) if logins else None,
    }


def figures(account: str, d: dt.date, subs: Iterable[Sub] = SUBSCRIPTIONS) -> dict[str, Any]:
    """Every aggregate of one account at d."""
    subs = tuple(subs)
    return {
        **subscription_figures(account, d, subs),
        **churn_figures(account, d, subs),
        **usage_figures(account, d),
        **ticket_figures(account, d),
        **contact_figures(account, d),
    }


AGGREGATES = tuple(figures(IDS[0], TODAY))
"""Every aggregate field checked."""


# --- quarter outcomes -----------------------------------------------------------------------


def _state(d: dt.date, subs: tuple[Sub, ...]) -> dict[str, tuple[float, bool]]:
    """Each account's (ARR, churned) at the end of d, for accounts that had any row by then."""
    return {a: (arr_at(a, d, subs), churn_figures(a, d, subs)["churn_flag"]) for a in IDS}


def quarter_outcomes(subs: tuple[Sub, ...] = SUBSCRIPTIONS) -> list[dict[str, Any]]:
    """The "Portfolio" row of each quarter: the cohort is the accounts live (not churned) with
    ARR above 0 the day before the quarter starts; churned ones lose their opening ARR;
    survivors expand or contract; accounts live with ARR above 0 at the close and not in the
    cohort are new. The last quarter closes at the as-of date (quarter to date)."""
    out = []
    for label, start, end in QUARTERS:
        close = min(end, TODAY)
        s0, s1 = _state(start - DAY, subs), _state(close, subs)
        cohort = [a for a, (arr, churned) in s0.items() if arr > 0 and not churned]
        lost = [a for a in cohort if s1[a][1]]
        kept = [a for a in cohort if not s1[a][1]]
        new = [a for a, (arr, churned) in s1.items() if arr > 0 and not churned and a not in cohort]
        start_arr = cents(sum(s0[a][0] for a in cohort))
        expansion = cents(sum(max(0.0, s1[a][0] - s0[a][0]) for a in kept))
        contraction = cents(sum(max(0.0, s0[a][0] - s1[a][0]) for a in kept))
        churned_arr = cents(sum(s0[a][0] for a in lost))
        new_arr = cents(sum(s1[a][0] for a in new))
        out.append(
            {
                "group": "Portfolio",
                "period": label,
                "start_arr": start_arr,
                "new_arr": new_arr,
                "expansion_arr": expansion,
                "contraction_arr": contraction,
                "churned_arr": churned_arr,
                "end_arr": cents(start_arr + new_arr + expansion - contraction - churned_arr),
                "grr": (start_arr - contraction - churned_arr) / start_arr if start_arr else None,
                "nrr": (start_arr + expansion - contraction - churned_arr) / start_arr
                if start_arr
                else None,
                "logo_churn_rate": len(lost) / len(cohort) if cohort else None,
                "active_arr_at_close": cents(
                    sum(arr for arr, churned in s1.values() if not churned)
                ),
            }
        )
    return out
