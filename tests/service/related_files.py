"""A small related dataset written as the files CSMs bring: a HubSpot companies export, a
Stripe-style subscriptions export (one subscription of an unknown customer), a hand-kept churn
events sheet with a reactivation and a product-analytics usage export whose events carry only a
subscription ID and a personal e-mail (so they link only through the subscriptions).

Figures the tests check (ARR = MRR x 12 over subscriptions active on the day):
- 2024-09-30: Acme 12,000.00 + 3,006.00 = 15,006.00; Globex 0 (its subscription ended that
  day; churned that day); Initech 1,199.88.
- 2024-12-31: Acme 12,000.00 (the add-on ended 2024-12-01); Globex 0, churned; Initech 1,199.88.
- 2025-03-31: Acme 12,000.00; Globex 48,000.00 (new subscription 2025-02-01, reactivated);
  Initech 1,199.88.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.files import write_csv

AS_OF = dt.date(2025, 3, 31)

ACCOUNTS = [
    ["Record ID", "Company name", "Company Domain Name", "Company owner", "Industry"],
    ["ACC-1", "Acme Analytics", "acme.example", "Dana Scully", "Software"],
    ["ACC-2", "Globex Corporation", "globex.example", "Fox Mulder", "Manufacturing"],
    ["ACC-3", "Initech", "initech.example", "Dana Scully", "Finance"],
]

SUBSCRIPTIONS = [
    [
        "Subscription ID",
        "Customer ID",
        "Plan",
        "Status",
        "Current Period Start",
        "Ended At",
        "MRR",
        "Quantity",
    ],
    ["sub_A1", "ACC-1", "Growth", "active", "2024-01-15", "", "1000.00", "10"],
    ["sub_A2", "ACC-1", "Add-on", "canceled", "2024-06-01", "2024-12-01", "250.50", "2"],
    ["sub_G1", "ACC-2", "Enterprise", "canceled", "2024-03-01", "2024-09-30", "5000.00", "50"],
    ["sub_G2", "ACC-2", "Enterprise", "active", "2025-02-01", "", "4000.00", "40"],
    ["sub_I1", "ACC-3", "Starter", "active", "2024-05-10", "", "99.99", "3"],
    ["sub_X1", "ACC-9", "Starter", "active", "2024-02-01", "", "50.00", "1"],
]

CHURN_EVENTS = [
    ["Account ID", "Churn Date", "Churn Reason", "Is Reactivation"],
    ["ACC-2", "2024-09-30", "Budget cuts", "false"],
    ["ACC-2", "2025-02-01", "", "true"],
]

USAGE = [
    ["Event ID", "Subscription ID", "User Email", "Event Date", "Event Name", "Event Count"],
    ["evt_1", "sub_A1", "ann.smith@gmail.com", "2025-03-10", "reports", "5"],
    ["evt_2", "sub_A1", "bob.jones@gmail.com", "2025-03-20", "reports", "3"],
    ["evt_3", "sub_I1", "carol@gmail.com", "2025-03-25", "export", "2"],
]


def accounts_csv(folder: Path) -> Path:
    return write_csv(folder / "hubspot-companies.csv", ACCOUNTS)


def subscriptions_csv(folder: Path, rows: list[list[str]] | None = None) -> Path:
    return write_csv(folder / "subscriptions.csv", rows or SUBSCRIPTIONS)


def churn_csv(folder: Path) -> Path:
    return write_csv(folder / "churn-events.csv", CHURN_EVENTS)


def usage_csv(folder: Path) -> Path:
    return write_csv(folder / "usage-events.csv", USAGE)
