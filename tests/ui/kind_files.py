"""Real-shaped exports of each kind for the wizard's kind tests, written as the tools write them.

One small portfolio across the files: three Salesforce accounts (Data Export API names,
18-character IDs, websites), a billing tool's subscriptions keyed by the CRM account ID, a
product-analytics event export keyed by subscription ID, a Zendesk ticket export naming the
organisation, the product's user list, and a churn log. Each related file carries one row that
links to no account, so the summary has something unlinked to show.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.files import write_csv, write_xlsx

D = dt.datetime
ACME, GLOBEX, INITECH = "0015e00000AbCdEAAV", "0015e00000AbCdFAAV", "0015e00000AbCdGAAV"
STRANGER = "0015e00000ZzZzZAAV"  # an account the CRM export does not have


def accounts_csv(path: Path) -> Path:
    """Account.csv from a Salesforce Data Export."""
    header = ["Id", "Name", "Website", "Industry", "ARR__c", "Renewal_Date__c", "CSM__c"]
    rows = [
        [ACME, "Acme Corp", "https://www.acme.com", "Technology", "120000", "2027-01-10", "Dana"],
        [GLOBEX, "Globex", "globex.com", "Energy", "45000", "2027-06-30", "Fox"],
        [INITECH, "Initech", "initech.com", "Technology", "12500", "2026-12-15", "Dana"],
    ]
    return write_csv(path, [header, *rows])


SUBSCRIPTION_HEADER = [
    "Subscription ID",
    "Customer ID",
    "Plan",
    "Status",
    "Current Period Start",
    "Current Period End",
    "MRR",
    "Quantity",
    "Currency",
]
SUBSCRIPTIONS = [
    [
        "sub_1NAcme01",
        ACME,
        "Enterprise",
        "active",
        "2025-01-01",
        "2027-01-01",
        "8000",
        "120",
        "USD",
    ],
    ["sub_1NAcme02", ACME, "Add-on Analytics", "active", "2025-06-01", "", "2000", "", "USD"],
    ["sub_1NGlob01", GLOBEX, "Growth", "active", "2024-07-01", "2027-07-01", "3750", "40", "USD"],
    ["sub_1NGlob00", GLOBEX, "Starter", "canceled", "2023-07-01", "2024-07-01", "900", "10", "USD"],
    [
        "sub_1NInit01",
        INITECH,
        "Starter",
        "active",
        "2025-12-15",
        "2026-12-15",
        "1041.67",
        "8",
        "USD",
    ],
    ["sub_1NZzzz01", STRANGER, "Growth", "active", "2025-03-01", "", "2500", "25", "USD"],
]


def subscriptions_csv(path: Path) -> Path:
    """A billing tool's subscription export (Chargebee/Stripe shape, CRM ID as customer ID)."""
    return write_csv(path, [SUBSCRIPTION_HEADER, *SUBSCRIPTIONS])


def usage_xlsx(path: Path) -> Path:
    """Product analytics, one row per user and day, keyed by subscription ID (no account)."""
    header = ["Event Time", "Event Name", "User Email", "Subscription ID", "Event Count"]
    rows = [
        [D(2026, 11, 2, 9, 15), "report_viewed", "ana@acme.com", "sub_1NAcme01", 14],
        [D(2026, 11, 3, 10, 2), "report_viewed", "ben@acme.com", "sub_1NAcme01", 3],
        [D(2026, 11, 3, 11, 40), "dashboard_shared", "ana@acme.com", "sub_1NAcme02", 2],
        [D(2026, 11, 10, 8, 5), "report_viewed", "kim@globex.com", "sub_1NGlob01", 7],
        [D(2026, 11, 12, 16, 30), "export_csv", "lee@initech.com", "sub_1NInit01", 1],
        [D(2026, 11, 14, 13, 0), "report_viewed", "zed@umbrella.io", "sub_9XUnknown", 5],
    ]
    return write_xlsx(path, [header, *rows], sheet="Events")


def tickets_csv(path: Path) -> Path:
    """A Zendesk ticket export: the organisation's name, requester e-mail, CSAT."""
    header = [
        "Id",
        "Subject",
        "Requester email",
        "Organization",
        "Status",
        "Priority",
        "Created at",
        "Solved at",
        "Satisfaction Score",
    ]
    rows = [
        ["4101", "SSO login fails", "ana@acme.com", "Acme Corp", "Solved", "High",
         "2026-10-01 09:12:00", "2026-10-03 17:40:00", "5"],
        ["4102", "Export is slow", "ben@acme.com", "Acme Corp", "Open", "Normal",
         "2026-11-15 11:00:00", "", ""],
        ["4107", "Invoice question", "kim@globex.com", "Globex", "Pending", "Low",
         "2026-11-18 14:22:00", "", ""],
        ["4110", "API rate limits", "lee@initech.com", "Initech", "Solved", "Urgent",
         "2026-09-20 08:00:00", "2026-09-21 10:00:00", "2"],
        ["4111", "Password reset", "zed@umbrella.io", "Umbrella Ltd", "Open", "Low",
         "2026-11-20 10:00:00", "", ""],
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


def contacts_xlsx(path: Path) -> Path:
    """The product's user list (admin panel export): e-mail, first and last name, the CRM
    account ID, role, last sign-in."""
    header = ["Email", "First Name", "Last Name", "Account ID", "Role", "Last Sign In"]
    rows = [
        ["ana@acme.com", "Ana", "Alvarez", ACME, "Admin", D(2026, 11, 20, 8, 30)],
        ["ben@acme.com", "Ben", "Brooks", ACME, "Member", D(2026, 10, 2, 17, 5)],
        ["cto@acme.com", "Cleo", "Chen", ACME, "Executive", D(2026, 9, 1, 12, 0)],
        ["kim@globex.com", "Kim", "Kowalski", GLOBEX, "Admin", D(2026, 11, 21, 9, 0)],
        ["lee@initech.com", "Lee", "Lambert", INITECH, "Member", D(2026, 11, 12, 16, 30)],
        ["zed@umbrella.io", "Zed", "Zimmer", STRANGER, "Admin", D(2026, 11, 14, 13, 0)],
    ]
    return write_xlsx(path, [header, *rows], sheet="Users")


CHURN_HEADER = ["Account ID", "Account Name", "Churn Date", "Churn Reason", "Reactivation"]


def churn_csv(path: Path) -> Path:
    """A churn log kept by CS ops: one row per churn or win-back."""
    rows = [
        [INITECH, "Initech", "2025-03-31", "Budget cuts", "FALSE"],
        [INITECH, "Initech", "2025-12-15", "Won back", "TRUE"],
        [GLOBEX, "Globex", "2024-07-01", "Downgrade to Growth", "FALSE"],
        [GLOBEX, "Globex", "2024-07-01", "Re-signed on Growth", "TRUE"],
        [STRANGER, "Umbrella Ltd", "2025-09-30", "Acquired", "FALSE"],
    ]
    return write_csv(path, [CHURN_HEADER, *rows])
