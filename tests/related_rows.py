"""Related rows written straight through the storage models (an ImportRecord of the kind,
committed, and its rows linked to an account), for tests of what reads them (the account
detail) that must not wait on the related import; and one realistic account's worth of them.

The accounts themselves come from a real CSV through `service.imports.import_file`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.storage.models import RELATED_MODELS, ImportRecord
from tests.files import write_csv

ACCOUNTS_HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date", "Website"]
ACCOUNTS = [
    ["001A000001", "Northwind Traders", "Dana Scully", "120000", "2027-03-31", "northwind.com"],
    ["001A000002", "Globex Corporation", "Fox Mulder", "48000", "2027-06-30", "globex.com"],
]
NORTHWIND, GLOBEX = "001A000001", "001A000002"


def import_accounts(ctx: AppContext, folder: Path) -> None:
    """Two accounts from a Salesforce-style accounts CSV, through the real import."""
    path = write_csv(folder / "Accounts export.csv", [ACCOUNTS_HEADER, *ACCOUNTS])
    assert import_file(ctx, path).status == "imported"


def insert_related(
    ctx: AppContext,
    kind: str,
    rows: Sequence[dict[str, Any]],
    *,
    file_name: str,
    as_of: dt.date,
    key_field: str,
    status: str = "committed",
) -> int:
    """A committed import of `kind` with these rows (each names its `account_key`); its id."""
    model = RELATED_MODELS[kind]
    with ctx.db.session() as s:
        record = ImportRecord(
            kind=kind,
            file_name=file_name,
            sha256="0" * 64,
            mapping={},
            carried_fields=[],
            as_of=as_of,
            started_at=dt.datetime(as_of.year, as_of.month, as_of.day, 9),
            finished_at=dt.datetime(as_of.year, as_of.month, as_of.day, 9, 1),
            status=status,
            rows_total=len(rows),
        )
        s.add(record)
        s.flush()
        for i, row in enumerate(rows):
            s.add(model(import_id=record.id, row_key=str(row[key_field]), source_row=i + 2, **row))
        return int(record.id)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def sample_related(
    ctx: AppContext, key: str, today: dt.date, domain: str = "northwind.com"
) -> None:
    """One account's realistic related data, as of `today` (2026-11-23 in the tests):
    3 subscriptions (one ended, two active; the next renewal 2027-01-31), 6 contacts (one
    inactive for 75 days, one with no login on record), 4 tickets (2 open, one escalated;
    2 closed, one in the last 90 days) and 6 months of usage with two silent weeks."""
    acct = {"account_key": key, "account_id": key}
    subs = [
        dict(acct, subscription_id="SUB-1001", plan="Professional", start_date=_d("2024-02-01"),
             end_date=_d("2025-01-31"), mrr=3000.0, arr=36000.0, seats=40.0, currency="USD"),
        dict(acct, subscription_id="SUB-1187", plan="Enterprise", start_date=_d("2025-02-01"),
             end_date=_d("2027-01-31"), mrr=None, arr=96000.0, seats=120.0, currency="USD"),
        dict(acct, subscription_id="SUB-1342", plan="Analytics add-on", start_date=_d("2025-09-01"),
             end_date=_d("2027-08-31"), mrr=2000.0, arr=None, seats=25.0, currency="USD"),
    ]  # fmt: skip
    insert_related(
        ctx, "subscriptions", subs, file_name="/exports/Stripe subscriptions.csv",
        as_of=today, key_field="subscription_id",
    )  # fmt: skip
    people = [
        ("Ana Lopez", "Executive Sponsor", f"ana.lopez@{domain}", "2026-11-20"),
        ("Ben Carter", "Admin", f"ben.carter@{domain}", "2026-11-22"),
        ("Chloe Wu", "Analyst", f"chloe.wu@{domain}", "2026-09-09"),
        ("Dev Patel", "Analyst", f"dev.patel@{domain}", "2026-11-02"),
        ("Eva Novak", "Champion", f"eva.novak@{domain}", "2026-11-16"),
        ("Femi Ade", "Billing", f"femi.ade@{domain}", None),
    ]
    contacts = [
        dict(acct, name=n, role=r, email=e, last_login=_d(d) if d else None)
        for n, r, e, d in people
    ]
    insert_related(
        ctx, "contacts", contacts, file_name="HubSpot contacts.xlsx", as_of=today,
        key_field="email",
    )  # fmt: skip
    tickets = [
        dict(acct, ticket_id="ZD-5012", opened_at=_d("2026-10-02"), closed_at=None,
             priority="High", escalated=True, status="Open"),
        dict(acct, ticket_id="ZD-5120", opened_at=_d("2026-11-18"), closed_at=None,
             priority="Normal", escalated=False, status="Pending"),
        dict(acct, ticket_id="ZD-4870", opened_at=_d("2026-09-01"), closed_at=_d("2026-09-15"),
             priority="Low", escalated=False, status="Solved", satisfaction=5.0),
        dict(acct, ticket_id="ZD-4020", opened_at=_d("2026-03-03"), closed_at=_d("2026-03-20"),
             priority="Normal", escalated=False, status="Closed"),
    ]  # fmt: skip
    insert_related(
        ctx, "tickets", tickets, file_name="Zendesk tickets.csv", as_of=today,
        key_field="ticket_id",
    )  # fmt: skip
    insert_related(
        ctx, "usage", usage_rows(key, today, domain=domain), file_name="Product usage.csv",
        as_of=today, key_field="usage_id",
    )  # fmt: skip


SILENT_WEEKS = (dt.date(2026, 8, 3), dt.date(2026, 8, 10))
"""Mondays of the weeks `usage_rows` leaves without usage (a holiday)."""


def usage_rows(
    key: str, today: dt.date, days: int = 182, domain: str = "northwind.com"
) -> list[dict[str, Any]]:
    """Daily events of four users over `days` days to `today`, weekdays only, fading in the
    last month, none in SILENT_WEEKS."""
    users = ["ana.lopez", "ben.carter", "dev.patel", "eva.novak"]
    rows: list[dict[str, Any]] = []
    for back in range(days, -1, -1):
        day = today - dt.timedelta(days=back)
        monday = day - dt.timedelta(days=day.weekday())
        if day.weekday() >= 5 or monday in SILENT_WEEKS:
            continue
        grow = 0.75 + 0.5 * (days - back) / days  # adoption grows over the months
        fade = 0.5 if back < 30 else 1.0  # then drops in the last month
        for j, user in enumerate(users):
            n = round((14 + (back * 7 + j * 13) % 17) * grow * fade)
            rows.append(
                {"account_key": key, "account_id": key, "usage_id": f"U-{back}-{j}",
                 "user_email": f"{user}@{domain}", "usage_date": day, "count": float(n),
                 "feature": ("reports", "dashboards", "exports")[back % 3]}
            )  # fmt: skip
    return rows
