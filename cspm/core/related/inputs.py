"""Columns a related file carries that are read but not stored as they are.

A closed-won opportunities export is a subscriptions file once its stage, amount and contract
term are read: the stage decides which rows are subscriptions, the amount is their ARR and the
term their end. A Stripe subscriptions export gives a price per billing interval and a quantity,
from which the MRR follows. A contacts export splits the name in two. These input fields map
like any field (synonyms, profiles, `--map`), and the related plan turns them into the kind's
own fields (`cspm.core.related.derive`); they never reach the stored frame.

Extra synonyms of a kind's own fields live here too, when they only make sense for that kind
("Id" is a subscription's ID in a Stripe or Salesforce opportunity export).
"""

from __future__ import annotations

from cspm.core.field_spec import B, FieldSpec, M, N, T, field_spec

from .kinds import CHURN_EVENTS, CONTACTS, SUBSCRIPTIONS, TICKETS, USAGE

INPUT_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    SUBSCRIPTIONS: (
        field_spec(
            "amount",
            M,
            "Amount",
            "Unit Amount",
            "Plan Amount",
            "Price",
            "Unit Price",
            "Amount (converted)",
            "Deal Amount",
            "Total Contract Value",
        ),
        field_spec(
            "interval",
            T,
            "Billing Interval",
            "Interval",
            "Plan Interval",
            "Billing Period",
            "Billing Frequency",
            "Billing Cycle",
        ),
        field_spec(
            "stage",
            T,
            "Stage",
            "StageName",
            "Stage Name",
            "Opportunity Stage",
            "Deal Stage",
            "dealstage",
        ),
        field_spec("is_won", B, "Is Won", "IsWon", "Won", "Closed Won"),
        field_spec(
            "term_months",
            N,
            "Contract Term (months)",
            "Contract Term",
            "Term",
            "Term (Months)",
            "Term Months",
            "Contract Length",
            "Contract Length (Months)",
            "Term Length",
            "Subscription Term",
        ),
    ),
    CONTACTS: (
        field_spec("first_name", T, "First Name", "FirstName", "Given Name"),
        field_spec("last_name", T, "Last Name", "LastName", "Surname", "Family Name"),
    ),
}
"""Per kind: the fields read only to derive the kind's own fields (see module docstring)."""

EXTRA_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    SUBSCRIPTIONS: {"subscription_id": ("Id", "Record ID", "Opportunity Id")},
    TICKETS: {"ticket_id": ("Id", "Record ID")},
    CHURN_EVENTS: {"is_reactivation": ("Event Type", "Churn Type", "Churn Event Type")},
}
"""Per kind, field -> header texts that name it only in that kind's exports."""

PREFERRED: dict[str, dict[str, tuple[str, ...]]] = {
    SUBSCRIPTIONS: {
        "start_date": ("Current Period Start", "Close Date"),
        "end_date": ("Current Period End", "Renewal Date", "Canceled At", "Cancelled At"),
    },
    USAGE: {"feature": ("Event", "Event Name")},
}
"""Per kind, field -> synonyms that lose to the field's other synonyms, in losing order.

A Stripe export has "Start", "Current Period Start", "Ended At", "Current Period End" and
"Canceled At": the subscription's own start and end win over the billing period's, and the
cancellation request (which takes effect at the period end) comes last. The losers are kept in
the row's custom values. An event export's "Feature" says more than its "Event".
"""
