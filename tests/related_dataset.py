# ruff: noqa: E501  (data tables: one row per line reads like the export)
"""A small related dataset, written as the files the source systems export, with the values
cspm must derive from it computed by hand (plain Python, row by row, no cspm code).

Six HubSpot companies; a Stripe-like subscriptions export (overlapping and ending
subscriptions, an upgrade renewed on the day the old one ends, one MRR-only subscription, one
for a customer the CRM does not know); a churn log kept as a sheet (a churn then a reactivation,
a churn won back by a new subscription without any event, a final churn); product usage events
that carry only a subscription ID or only a user's e-mail; Zendesk-like tickets opened and
solved across quarter ends; HubSpot contacts with roles and last logins. Some rows of each
kind link to no account (unknown IDs, free-mail and unknown domains).

The reference functions below implement the issue's rules literally. Where the issue leaves a
boundary open (is "the last 30 days" 30 or 31 days back?), the data keeps every dated row away
from it (`ambiguous_days`), so the expected values hold under either reading; the boundaries
the issue does state (a subscription ending on d is not active on d; a churn dated d counts on
d) are exercised on purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tests.files import write_csv, write_xlsx

D = dt.date
TODAY = D(2025, 3, 15)
"""The import's as-of date (`--today`): the last day the files describe."""

CHECK_DATES = (D(2024, 9, 30), D(2024, 12, 31), TODAY)
"""The three dates every aggregate is checked at (two quarter ends, then the as-of date)."""

QUARTERS = (
    ("2024-Q3", D(2024, 7, 1), D(2024, 9, 30)),
    ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31)),
    ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
)
"""Every quarter the files span (the first subscription starts 2024-07-01)."""


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month end from `first`'s month up to `last` (exclusive of later ones), then `last`
    itself when it is not a month end: the dates a monthly history holds."""
    out: list[dt.date] = []
    y, m = first.year, first.month
    while True:
        nxt = D(y + (m == 12), m % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end >= last:
            break
        out.append(end)
        y, m = nxt.year, nxt.month
    return [*out, last]


HISTORY_DATES = month_ends(D(2024, 7, 1), TODAY)
"""2024-07-31 ... 2025-02-28, then 2025-03-15."""


# --- accounts: a HubSpot companies export (xlsx, UI labels) -------------------------------------


@dataclass(frozen=True)
class Company:
    record_id: int
    name: str
    owner: str
    domain: str
    industry: str
    created: dt.date


# fmt: off
COMPANIES = (
    Company(10001, "Acme Analytics", "Dana Lee", "acme.io", "Software", D(2023, 5, 2)),
    Company(10002, "Birch Logistics", "Dana Lee", "birchlogistics.com", "Logistics", D(2024, 7, 20)),
    Company(10003, "Cobalt Health", "Sam Ortiz", "cobalthealth.org", "Healthcare", D(2024, 6, 11)),
    Company(10004, "Delta Foods", "Sam Ortiz", "www.deltafoods.com", "Food", D(2024, 8, 30)),
    Company(10005, "Ember Studios", "Priya Nair", "https://emberstudios.co", "Media", D(2024, 10, 15)),
    Company(10006, "Fjord Retail", "Priya Nair", "fjordretail.no", "Retail", D(2024, 6, 1)),
)
# fmt: on
IDS = tuple(str(c.record_id) for c in COMPANIES)
NAMES = {str(c.record_id): c.name for c in COMPANIES}


# --- subscriptions: a Stripe-like export (csv) --------------------------------------------------


@dataclass(frozen=True)
class Sub:
    sub_id: str
    customer_id: str
    customer_name: str
    plan: str
    status: str
    seats: int
    mrr: float
    arr: float | None  # None: the export gives only MRR
    start: dt.date
    end: dt.date | None


# fmt: off
SUBSCRIPTIONS = (
    Sub("sub_1PA01", "10001", "Acme Analytics", "Growth", "active", 20, 2000.00, 24000.00, D(2024, 7, 1), None),
    Sub("sub_1PA02", "10001", "Acme Analytics", "Enterprise", "canceled", 10, 1050.00, 12600.00, D(2024, 10, 15), D(2025, 2, 10)),
    Sub("sub_1PA03", "10001", "Acme Analytics", "Enterprise", "active", 10, 1102.54, 13230.48, D(2025, 2, 10), D(2026, 2, 10)),
    Sub("sub_1PB01", "10002", "Birch Logistics", "Starter", "canceled", 5, 500.00, 6000.00, D(2024, 8, 5), D(2024, 11, 20)),
    Sub("sub_1PB02", "10002", "Birch Logistics", "Growth", "active", 8, 750.06, 9000.72, D(2025, 1, 6), None),
    Sub("sub_1PC01", "10003", "Cobalt Health", "Enterprise", "active", 150, 10000.00, 120000.00, D(2024, 7, 15), D(2025, 7, 15)),
    Sub("sub_1PC02", "10003", "Cobalt Health", "Growth", "canceled", 15, 1500.00, 18000.00, D(2024, 9, 1), D(2024, 12, 31)),
    Sub("sub_1PD01", "10004", "Delta Foods", "Starter", "canceled", 4, 400.00, 4800.00, D(2024, 9, 10), D(2025, 2, 20)),
    Sub("sub_1PE01", "10005", "Ember Studios", "Growth", "active", 12, 1250.40, None, D(2024, 11, 1), None),
    Sub("sub_1PF01", "10006", "Fjord Retail", "Growth", "canceled", 10, 1250.00, 15000.00, D(2024, 7, 1), D(2024, 9, 30)),
    Sub("sub_1PF02", "10006", "Fjord Retail", "Starter", "active", 6, 625.00, 7500.00, D(2025, 1, 20), None),
    Sub("sub_1PX01", "99999", "Nimbus Labs", "Growth", "active", 3, 300.00, 3600.00, D(2024, 10, 1), None),
)
# fmt: on
UNLINKED_SUBSCRIPTIONS = ("sub_1PX01",)


# --- churn events: a churn log kept by hand (xlsx) ----------------------------------------------


@dataclass(frozen=True)
class Churn:
    account_id: str
    account_name: str
    day: dt.date
    reason: str
    reactivation: bool


CHURN_EVENTS = (
    Churn("10002", "Birch Logistics", D(2024, 11, 20), "Budget cuts", False),
    Churn("10002", "Birch Logistics", D(2025, 1, 6), "", True),
    Churn("10004", "Delta Foods", D(2025, 2, 20), "Switched to a competitor", False),
    Churn("10006", "Fjord Retail", D(2024, 9, 30), "Budget cuts", False),
    Churn("10077", "Old Harbor Co", D(2024, 8, 15), "Closed the business", False),
)
UNLINKED_CHURN = ("10077",)


# --- contacts: a HubSpot contacts export (csv) --------------------------------------------------


@dataclass(frozen=True)
class Contact:
    record_id: int
    first: str
    last: str
    email: str
    company_id: str  # "" when HubSpot has no associated company (links by e-mail domain)
    role: str
    last_login: dt.date


CONTACTS = (
    Contact(501, "Alice", "Ng", "alice@acme.io", "10001", "Admin", D(2025, 3, 12)),
    Contact(502, "Bob", "Ruiz", "bob@acme.io", "10001", "User", D(2025, 3, 11)),
    Contact(503, "Carol", "Diaz", "carol@acme.io", "10001", "Executive", D(2025, 2, 20)),
    Contact(504, "Dan", "Wu", "dan@acme.io", "10001", "User", D(2025, 1, 10)),
    Contact(505, "Raj", "Patel", "raj@cobalthealth.org", "10003", "Admin", D(2025, 2, 25)),
    Contact(506, "Mei", "Chen", "mei@cobalthealth.org", "10003", "User", D(2025, 3, 13)),
    Contact(507, "Lee", "Park", "lee@cobalthealth.org", "", "User", D(2024, 12, 5)),
    Contact(508, "Tom", "Berg", "tom@birchlogistics.com", "10002", "Executive", D(2025, 3, 8)),
    Contact(509, "Ana", "Lopes", "ana@emberstudios.co", "10005", "Admin", D(2025, 3, 14)),
    Contact(510, "Joe", "Hale", "joe@deltafoods.com", "10004", "User", D(2025, 2, 10)),
    Contact(511, "Pat", "Kerr", "pat.kerr@gmail.com", "", "User", D(2025, 3, 3)),
    Contact(512, "Kim", "Solo", "kim@nimbuslabs.io", "", "Admin", D(2025, 3, 9)),
)
EXEC_ROLES = ("Admin", "Executive")
UNLINKED_CONTACTS = ("pat.kerr@gmail.com", "kim@nimbuslabs.io")


def contact_account(c: Contact) -> str | None:
    """The account a contact belongs to: its company, else its e-mail domain's website."""
    if c.company_id:
        return c.company_id
    return _by_domain(c.email)


def _by_domain(email: str) -> str | None:
    domain = email.rsplit("@", 1)[1]
    for co in COMPANIES:
        site = co.domain.removeprefix("https://").removeprefix("www.")
        if site == domain:
            return str(co.record_id)
    return None


# --- usage events: a product analytics / warehouse export (csv) ---------------------------------


@dataclass(frozen=True)
class Usage:
    usage_id: str
    subscription_id: str  # "" when the event carries only a user's e-mail
    user_email: str  # "" when it carries only a subscription
    day: dt.date
    feature: str
    count: int


def _days(first: dt.date, last: dt.date, days_of_month: tuple[int, ...]) -> list[dt.date]:
    out = []
    y, m = first.year, first.month
    while D(y, m, 1) <= last:
        out += [D(y, m, d) for d in days_of_month if first <= D(y, m, d) <= last]
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _usage_rows() -> tuple[Usage, ...]:
    # fmt: off
    streams: list[tuple[str, str, list[dt.date], str, int]] = [
        ("sub_1PA01", "", _days(D(2024, 7, 1), D(2025, 3, 10), (5, 10, 20, 25)), "Dashboards", 4),
        ("sub_1PC01", "", _days(D(2024, 7, 20), D(2025, 1, 25), (5, 10, 20, 25)), "Reports", 10),
        ("sub_1PC01", "", [D(2025, 2, 20)], "Reports", 6),
        ("sub_1PE01", "", _days(D(2024, 11, 1), D(2025, 3, 10), (10, 25)), "Editor", 2),
        ("sub_1PF01", "", _days(D(2024, 7, 1), D(2024, 9, 28), (5, 10, 20, 25)), "Catalog", 3),
        ("sub_1PB02", "", [D(2025, 1, 10), D(2025, 1, 20), D(2025, 2, 5), D(2025, 2, 20), D(2025, 3, 10)], "Routing", 5),
        ("", "alice@acme.io", _days(D(2024, 12, 1), D(2025, 3, 10), (10, 20)), "Admin console", 1),
        ("", "bob@acme.io", _days(D(2025, 1, 1), D(2025, 3, 10), (5, 25)), "Dashboards", 2),
        ("", "mei@cobalthealth.org", [D(2024, 9, 5), D(2024, 9, 20), D(2024, 12, 10), D(2025, 1, 10)], "Reports", 1),
        ("", "newhire@emberstudios.co", [D(2025, 2, 20), D(2025, 3, 10)], "Editor", 3),
        ("", "ghost@nimbuslabs.io", [D(2025, 2, 25), D(2025, 3, 5)], "Dashboards", 7),
        ("", "someone@gmail.com", [D(2025, 3, 10)], "Dashboards", 1),
        ("sub_1PX01", "", [D(2025, 1, 20)], "Dashboards", 9),
    ]
    # fmt: on
    rows = [
        (day, sub, email, feature, count)
        for sub, email, days, feature, count in streams
        for day in days
    ]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return tuple(
        Usage(f"u-{i:05d}", sub, email, day, feature, count)
        for i, (day, sub, email, feature, count) in enumerate(rows, start=1)
    )


USAGE = _usage_rows()
UNLINKED_USAGE_EMAILS = ("ghost@nimbuslabs.io", "someone@gmail.com")


def usage_account(u: Usage) -> str | None:
    """Subscription ID -> the subscription's account; e-mail -> the contact's account, else
    the account whose website is the address's domain (free mail never links)."""
    if u.subscription_id:
        sub = next((s for s in SUBSCRIPTIONS if s.sub_id == u.subscription_id), None)
        return sub.customer_id if sub and sub.customer_id in IDS else None
    contact = next((c for c in CONTACTS if c.email == u.user_email), None)
    if contact is not None:
        return contact_account(contact)
    return _by_domain(u.user_email)


# --- support tickets: a Zendesk-like export (csv) -----------------------------------------------


@dataclass(frozen=True)
class Ticket:
    ticket_id: int
    organization: str  # "" when Zendesk has no organisation (links by requester e-mail)
    requester_email: str
    opened: dt.datetime
    solved: dt.datetime | None
    priority: str
    escalated: bool
    satisfaction: int | None  # 1-5; None: not rated


T = dt.datetime
# fmt: off
TICKETS = (
    Ticket(4101, "Acme Analytics", "bob@acme.io", T(2024, 8, 20, 9, 15), T(2024, 8, 22, 17, 2), "Normal", False, 5),
    Ticket(4102, "Acme Analytics", "alice@acme.io", T(2024, 9, 2, 10, 0), T(2024, 9, 9, 11, 30), "High", False, 4),
    Ticket(4103, "Cobalt Health", "raj@cobalthealth.org", T(2024, 9, 12, 8, 45), None, "Normal", False, None),
    Ticket(4104, "Birch Logistics", "tom@birchlogistics.com", T(2024, 11, 10, 14, 5), T(2024, 11, 18, 9, 0), "Low", False, 1),
    Ticket(4105, "Cobalt Health", "raj@cobalthealth.org", T(2024, 12, 20, 16, 40), T(2025, 1, 5, 10, 10), "Urgent", True, None),
    Ticket(4106, "Acme Analytics", "carol@acme.io", T(2024, 12, 28, 16, 20), T(2025, 1, 7, 8, 0), "Urgent", True, None),
    Ticket(4107, "", "newhire@emberstudios.co", T(2025, 1, 22, 13, 0), None, "Normal", False, None),
    Ticket(4108, "", "mei@cobalthealth.org", T(2025, 2, 3, 9, 30), T(2025, 2, 4, 12, 0), "Normal", False, 5),
    Ticket(4109, "Delta Foods", "joe@deltafoods.com", T(2025, 2, 18, 15, 55), T(2025, 3, 3, 10, 0), "High", True, 3),
    Ticket(4110, "Cobalt Health", "raj@cobalthealth.org", T(2025, 3, 1, 7, 5), T(2025, 3, 12, 18, 20), "High", True, 2),
    Ticket(4111, "Acme Analytics", "bob@acme.io", T(2025, 3, 10, 11, 11), None, "Normal", False, None),
    Ticket(4112, "Unknown Co", "x@unknownco.com", T(2025, 1, 15, 12, 0), None, "Low", False, None),
)
# fmt: on
UNLINKED_TICKETS = (4112,)


def ticket_account(t: Ticket) -> str | None:
    if t.organization:
        return next((k for k, n in NAMES.items() if n == t.organization), None)
    contact = next((c for c in CONTACTS if c.email == t.requester_email), None)
    if contact is not None:
        return contact_account(contact)
    return _by_domain(t.requester_email)


# --- the files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedFiles:
    accounts: Path
    subscriptions: Path
    churn_events: Path
    contacts: Path
    usage: Path
    tickets: Path

    def related(self) -> list[tuple[str, Path]]:
        """(kind, file) of every related file, in the order a CSM would load them."""
        return [
            ("subscriptions", self.subscriptions),
            ("churn_events", self.churn_events),
            ("contacts", self.contacts),
            ("usage", self.usage),
            ("tickets", self.tickets),
        ]


def _iso(d: dt.date | None) -> str:
    return "" if d is None else d.isoformat()


def _stamp(t: dt.datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M:%S")


def write_files(folder: Path, subscriptions: tuple[Sub, ...] = SUBSCRIPTIONS) -> RelatedFiles:
    """Write every file of the dataset into `folder` (subscriptions replaceable, for a later
    export of the same subscriptions)."""
    folder.mkdir(parents=True, exist_ok=True)
    accounts = write_xlsx(
        folder / "hubspot-companies-2025-03-15.xlsx",
        [
            [
                "Record ID",
                "Company name",
                "Company owner",
                "Company Domain Name",
                "Industry",
                "Create Date",
            ],
            *[[c.record_id, c.name, c.owner, c.domain, c.industry, c.created] for c in COMPANIES],
        ],
        sheet="Companies",
    )
    subs = write_csv(
        folder / "stripe-subscriptions.csv",
        [
            [
                "Subscription ID",
                "Customer ID",
                "Customer Name",
                "Plan",
                "Status",
                "Quantity",
                "MRR",
                "ARR",
                "Start Date",
                "Ended At",
            ],
            *[
                [
                    s.sub_id,
                    s.customer_id,
                    s.customer_name,
                    s.plan,
                    s.status,
                    s.seats,
                    f"{s.mrr:.2f}",
                    "" if s.arr is None else f"{s.arr:.2f}",
                    _iso(s.start),
                    _iso(s.end),
                ]
                for s in subscriptions
            ],
        ],
    )
    churn = write_xlsx(
        folder / "churn-log.xlsx",
        [
            ["Account ID", "Account Name", "Churn Date", "Reason", "Is Reactivation"],
            *[
                [
                    int(e.account_id),
                    e.account_name,
                    e.day,
                    e.reason or None,
                    "Yes" if e.reactivation else "No",
                ]
                for e in CHURN_EVENTS
            ],
        ],
        sheet="Churn log",
    )
    contacts = write_csv(
        folder / "hubspot-contacts.csv",
        [
            [
                "Record ID",
                "First Name",
                "Last Name",
                "Email",
                "Associated Company ID",
                "Role",
                "Last Login",
            ],
            *[
                [c.record_id, c.first, c.last, c.email, c.company_id, c.role, _iso(c.last_login)]
                for c in CONTACTS
            ],
        ],
    )
    usage = write_csv(
        folder / "feature_usage.csv",
        [
            [
                "usage_id",
                "subscription_id",
                "user_email",
                "usage_date",
                "feature_name",
                "usage_count",
            ],
            *[
                [u.usage_id, u.subscription_id, u.user_email, _iso(u.day), u.feature, u.count]
                for u in USAGE
            ],
        ],
    )
    tickets = write_csv(
        folder / "zendesk-tickets.csv",
        [
            [
                "Id",
                "Subject",
                "Status",
                "Priority",
                "Requester email",
                "Organization",
                "Created at",
                "Solved at",
                "Satisfaction Score",
                "Escalated",
            ],
            *[
                [
                    t.ticket_id,
                    f"Question {t.ticket_id}",
                    "solved" if t.solved else "open",
                    t.priority,
                    t.requester_email,
                    t.organization,
                    _stamp(t.opened),
                    _stamp(t.solved),
                    "" if t.satisfaction is None else t.satisfaction,
                    "true" if t.escalated else "false",
                ]
                for t in TICKETS
            ],
        ],
    )
    return RelatedFiles(accounts, subs, churn, contacts, usage, tickets)
