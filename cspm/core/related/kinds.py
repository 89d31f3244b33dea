"""The kinds of file cspm imports and each related kind's own fields and synonyms.

Each kind maps its headers exactly like an accounts file (synonyms, profiles, value maps) but
against its own field list. `row_key` names the fields that identify one row across imports of
the same export (a re-import replaces, never duplicates); a kind without a natural ID (usage
events with no ID) is keyed by all of its values.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspm.core.field_spec import B, D, FieldSpec, M, N, T, field_spec

ACCOUNTS = "accounts"
SUBSCRIPTIONS = "subscriptions"
USAGE = "usage"
TICKETS = "tickets"
CONTACTS = "contacts"
CHURN_EVENTS = "churn_events"

KIND_NAMES: tuple[str, ...] = (ACCOUNTS, SUBSCRIPTIONS, USAGE, TICKETS, CONTACTS, CHURN_EVENTS)
"""Every word `--kind` accepts, in the order help and errors list them."""

RELATED_KIND_NAMES: tuple[str, ...] = KIND_NAMES[1:]


@dataclass(frozen=True)
class RelatedKind:
    """One related kind: its fields, the fields identifying a row, and how it is described."""

    name: str  # "subscriptions"
    noun: str  # "a subscriptions file" (printed: "read as a subscriptions file")
    table: str  # storage table name
    fields: tuple[FieldSpec, ...]
    row_key: tuple[str, ...]  # natural identity; () = all values
    required: tuple[str, ...]  # a row without one of these is rejected (one may suffice: any)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _account_ref() -> tuple[FieldSpec, ...]:
    """The columns naming the account a related row belongs to (ID first, then name)."""
    return (
        field_spec(
            "account_id",
            T,
            "Account ID",
            "AccountId",
            "Account Number",
            "Customer ID",
            "Company ID",
            "Organization ID",
            "Client ID",
            "Account 18 Digit ID",
            "Associated Company ID",
            "Parent Account ID",
        ),
        field_spec(
            "account_name",
            T,
            "Account Name",
            "Account",
            "Company",
            "Company name",
            "Customer",
            "Customer Name",
            "Organization",
            "Organisation",
            "Organization Name",
            "Associated Company",
            "Client",
        ),
    )


SUBSCRIPTION_FIELDS: tuple[FieldSpec, ...] = (
    field_spec(
        "subscription_id",
        T,
        "Subscription ID",
        "Contract ID",
        "Subscription Number",
        "Contract Number",
        "Opportunity ID",
        "Deal ID",
        "Subscription",
    ),
    *_account_ref(),
    field_spec(
        "start_date",
        D,
        "Start Date",
        "Subscription Start",
        "Contract Start",
        "Contract Start Date",
        "Current Period Start",
        "Service Start Date",
        "Close Date",
        "Start",
    ),
    field_spec(
        "end_date",
        D,
        "End Date",
        "Subscription End",
        "Contract End",
        "Contract End Date",
        "Current Period End",
        "Ended At",
        "Canceled At",
        "Cancelled At",
        "Service End Date",
        "Renewal Date",
        "End",
    ),
    field_spec("mrr", M, "MRR", "MRR Amount", "Monthly Recurring Revenue", "Monthly Amount"),
    field_spec(
        "arr",
        M,
        "ARR",
        "ARR Amount",
        "Annual Recurring Revenue",
        "ACV",
        "Annual Contract Value",
        "Contract Value",
    ),
    field_spec("seats", N, "Seats", "Quantity", "Licenses", "Licences", "Users", "Seat Count"),
    field_spec("plan", T, "Plan", "Plan Name", "Plan Tier", "Product", "Edition", "Package"),
    field_spec("currency", T, "Currency", "Currency Code", "CurrencyIsoCode"),
)

USAGE_FIELDS: tuple[FieldSpec, ...] = (
    field_spec("usage_id", T, "Usage ID", "Event ID", "Record ID", "Insert ID"),
    field_spec("subscription_id", T, "Subscription ID", "Contract ID", "Subscription"),
    *_account_ref(),
    field_spec(
        "user_email",
        T,
        "User Email",
        "Email",
        "Email Address",
        "User",
        "Distinct ID",
        "User ID",
    ),
    field_spec(
        "usage_date",
        D,
        "Usage Date",
        "Date",
        "Day",
        "Event Date",
        "Event Time",
        "Timestamp",
        "Time",
        "Activity Date",
    ),
    field_spec("count", N, "Count", "Usage Count", "Events", "Event Count", "Quantity"),
    field_spec("feature", T, "Feature", "Feature Name", "Event", "Event Name", "Module"),
)

TICKET_FIELDS: tuple[FieldSpec, ...] = (
    field_spec(
        "ticket_id",
        T,
        "Ticket ID",
        "Ticket Number",
        "Case Number",
        "Case ID",
        "Ticket #",
        "ID",
    ),
    *_account_ref(),
    field_spec("user_email", T, "User Email", "Requester Email", "Contact Email", "Email"),
    field_spec(
        "opened_at",
        D,
        "Opened At",
        "Submitted At",
        "Created At",
        "Created Date",
        "Date/Time Opened",
        "Create Date",
        "Opened",
    ),
    field_spec(
        "closed_at",
        D,
        "Closed At",
        "Closed Date",
        "Date/Time Closed",
        "Solved At",
        "Resolved At",
        "Close Date",
    ),
    field_spec("priority", T, "Priority", "Ticket Priority", "Case Priority"),
    field_spec(
        "escalated",
        B,
        "Escalated",
        "Escalation Flag",
        "Is Escalated",
        "IsEscalated",
        "Escalation",
    ),
    field_spec(
        "satisfaction",
        N,
        "Satisfaction",
        "Satisfaction Score",
        "CSAT",
        "CSAT Score",
        "Satisfaction Rating",
    ),
    field_spec("status", T, "Status", "Ticket Status", "Case Status"),
)

CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    field_spec("email", T, "Email", "Email Address", "E-mail", "User Email", "Work Email"),
    *_account_ref(),
    field_spec("name", T, "Name", "Contact Name", "Full Name", "User Name"),
    field_spec(
        "role",
        T,
        "Role",
        "Title",
        "Job Title",
        "User Role",
        "Persona",
        "Contact Role",
    ),
    field_spec(
        "last_login",
        D,
        "Last Login",
        "Last Login Date",
        "Last Seen",
        "Last Active",
        "Last Activity",
        "Last Sign In",
    ),
)

CHURN_EVENT_FIELDS: tuple[FieldSpec, ...] = (
    *_account_ref(),
    field_spec(
        "churn_date",
        D,
        "Churn Date",
        "Churned Date",
        "Cancellation Date",
        "Cancelled Date",
        "Canceled Date",
        "Event Date",
        "Date",
    ),
    field_spec("reason", T, "Reason", "Churn Reason", "Cancellation Reason", "Reason Code"),
    field_spec(
        "is_reactivation",
        B,
        "Is Reactivation",
        "Reactivation",
        "Reactivated",
        "Win Back",
        "Winback",
    ),
)

RELATED_KINDS: dict[str, RelatedKind] = {
    k.name: k
    for k in (
        RelatedKind(
            SUBSCRIPTIONS,
            "a subscriptions file",
            "related_subscriptions",
            SUBSCRIPTION_FIELDS,
            ("subscription_id",),
            ("start_date",),
        ),
        RelatedKind(
            USAGE, "a usage file", "related_usage", USAGE_FIELDS, ("usage_id",), ("usage_date",)
        ),
        RelatedKind(
            TICKETS,
            "a support tickets file",
            "related_tickets",
            TICKET_FIELDS,
            ("ticket_id",),
            ("opened_at",),
        ),
        RelatedKind(
            CONTACTS, "a contacts file", "related_contacts", CONTACT_FIELDS, ("email",), ("email",)
        ),
        RelatedKind(
            CHURN_EVENTS,
            "a churn events file",
            "related_churn_events",
            CHURN_EVENT_FIELDS,
            ("account_id", "account_name", "churn_date", "is_reactivation"),
            ("churn_date",),
        ),
    )
}
"""Every related kind by name. A row key field missing on a row falls back to all values."""

ACCOUNT_REF_FIELDS: tuple[str, ...] = ("account_id", "account_name")
