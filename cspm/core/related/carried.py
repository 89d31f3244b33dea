"""Which account fields each related kind derives.

A related import writes, for every linked account and period end, a snapshot carrying exactly
the fields of the kinds that have rows (an accounts file's ARR is never blanked by a usage
file), so the usual state rule (per field, the latest as-of value wins) applies unchanged.
Churn needs churn events (a subscription starting after a churn date reactivates the account,
so subscriptions are read too, but they alone never mark an account churned).
"""

from __future__ import annotations

from collections.abc import Iterable

from .kinds import CHURN_EVENTS, CONTACTS, SUBSCRIPTIONS, TICKETS, USAGE

DERIVED_BY_KIND: dict[str, tuple[str, ...]] = {
    SUBSCRIPTIONS: (
        "arr",
        "mrr",
        "seats_purchased",
        "plan",
        "contract_start",
        "renewal_date",
        "subscriptions_active",
    ),
    CHURN_EVENTS: ("churn_date", "churn_flag"),
    USAGE: (
        "usage_events_30d",
        "usage_active_users_30d",
        "usage_active_days_30d",
        "usage_trend_30d",
    ),
    TICKETS: (
        "open_tickets",
        "tickets_opened_90d",
        "tickets_escalated_90d",
        "ticket_satisfaction_90d",
    ),
    CONTACTS: (
        "contacts_total",
        "contacts_active_10d",
        "contacts_active_14d",
        "contacts_active_30d",
        "contacts_inactive_share_10d",
        "exec_last_login",
        "last_login",
    ),
}


def derived_fields(kinds: Iterable[str]) -> list[str]:
    """The account fields derived from these kinds, in DERIVED_BY_KIND order, no repeats."""
    present = set(kinds)
    out: list[str] = []
    for kind, names in DERIVED_BY_KIND.items():
        if kind in present:
            out.extend(n for n in names if n not in out)
    return out
