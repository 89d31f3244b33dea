"""End to end through real files: a Salesforce accounts CSV, then a Stripe subscriptions export,
a HubSpot contacts export, a Zendesk tickets export (linked by organisation name) and a product
usage export (linked by the users' e-mails), each imported with `import_file` with its kind
detected; the account detail then shows what those files say about the account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cspm.service.imports import ImportOptions, import_file
from cspm.ui.account_detail import AccountDetailDialog
from tests.conftest import TODAY
from tests.files import write_csv
from tests.related_rows import GLOBEX, NORTHWIND, import_accounts

SUBSCRIPTIONS = [
    ["Subscription ID", "Customer ID", "Plan", "Status", "Current Period Start", "Ended At",
     "MRR", "Quantity"],
    ["sub_1NW", "001A000001", "Professional", "canceled", "2024-02-01", "2025-01-31", "3000.00",
     "40"],
    ["sub_2NW", "001A000001", "Enterprise", "active", "2025-02-01", "2027-01-31", "8000.00",
     "120"],
    ["sub_3NW", "001A000001", "Analytics add-on", "active", "2025-09-01", "", "2000.00", "25"],
]  # fmt: skip

CONTACTS = [
    ["Record ID", "Full Name", "Email", "Job Title", "Associated Company ID", "Last Login Date"],
    ["901", "Ana Lopez", "ana.lopez@northwind.com", "VP Operations", "001A000001", "2026-11-20"],
    ["902", "Ben Carter", "ben.carter@northwind.com", "Admin", "001A000001", "2026-11-22"],
    ["903", "Chloe Wu", "chloe.wu@northwind.com", "Analyst", "001A000001", "2026-09-09"],
    ["904", "Dana Ruiz", "dana.ruiz@globex.com", "Buyer", "001A000002", "2026-11-01"],
]

TICKETS = [
    ["Ticket ID", "Organization", "Requester email", "Created at", "Solved at", "Priority",
     "Status", "Escalation Flag"],
    ["5012", "Northwind Traders", "ben.carter@northwind.com", "2026-10-02", "", "High", "Open",
     "Yes"],
    ["5120", "Northwind Traders", "ana.lopez@northwind.com", "2026-11-18", "", "Normal",
     "Pending", "No"],
    ["4870", "Northwind Traders", "chloe.wu@northwind.com", "2026-09-01", "2026-09-15", "Low",
     "Solved", "No"],
]  # fmt: skip


def usage_rows() -> list[list[object]]:
    """Two users' events on three days of each of four weeks (the last ones in October)."""
    rows: list[list[object]] = [
        ["Event ID", "User Email", "Event Date", "Event Name", "Event Count"]
    ]
    for week in range(4):
        monday = dt.date(2026, 10, 5) + dt.timedelta(weeks=week)
        for day in range(3):
            for user in ("ana.lopez", "ben.carter"):
                date = monday + dt.timedelta(days=day)
                rows.append([f"evt_{week}{day}{user[0]}", f"{user}@northwind.com",
                             date.isoformat(), "report_viewed", 5])  # fmt: skip
    return rows


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def _import(ctx, path: Path, kind: str, *, forced: bool = False) -> None:
    options = ImportOptions(as_of=TODAY, kind=kind if forced else None)
    result = import_file(ctx, path, options)
    assert result.status == "imported", result.to_dict()
    assert result.kind == kind  # detected from the headers, unless forced


def test_the_detail_shows_what_the_imported_exports_say(qtbot, ctx, tmp_path: Path) -> None:
    import_accounts(ctx, tmp_path)
    files = [
        (write_csv(tmp_path / "Stripe subscriptions.csv", SUBSCRIPTIONS), "subscriptions"),
        (write_csv(tmp_path / "hubspot-contacts.csv", CONTACTS), "contacts"),
        (write_csv(tmp_path / "zendesk tickets.csv", TICKETS), "tickets"),
        (write_csv(tmp_path / "usage-events.csv", usage_rows()), "usage"),
    ]
    for path, kind in files:
        # these contacts and usage exports (no account column in the usage) are detected as
        # accounts files today: forced, as a user would with --kind
        _import(ctx, path, kind, forced=kind in ("contacts", "usage"))

    dialog = AccountDetailDialog(ctx, NORTHWIND)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 900)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    box = dialog.related_box
    assert box is not None

    subs = box.subscriptions_table
    assert box.subscriptions_box.title() == "Subscriptions (2 active of 3)"
    assert box.renewal_label.text() == "Next renewal 2027-01-31, in 69 days"
    assert subs.row_texts(0) == ["sub_2NW", "sub_3NW", "sub_1NW"]
    assert subs.row_mark(0) == "renewal"
    assert subs.row_texts(4) == ["$96,000", "$24,000", "$36,000"]  # 12 x MRR

    people = box.contacts_table
    assert people.row_texts(0) == ["Ben Carter", "Ana Lopez", "Chloe Wu"]  # Dana is Globex's
    assert [people.row_mark(r) for r in range(3)] == [None, None, "warn"]

    tickets = box.tickets_table
    assert tickets is not None and tickets.row_texts(0) == ["5012", "5120"]
    assert tickets.row_texts(3) == ["Yes", "No"]
    assert box.tickets_closed_label.text() == "1 ticket closed in the last 90 days."

    usage = dialog.related.usage
    with_use = usage[usage["events"] > 0]
    assert with_use["period"].dt.date.tolist() == [
        dt.date(2026, 10, 5) + dt.timedelta(weeks=w) for w in range(4)
    ]
    assert with_use["events"].tolist() == [30.0] * 4
    assert usage["events"].tolist()[-3:] == [0.0, 0.0, 0.0]  # quiet since: a drop, not a gap
    assert box.usage_canvas is not None

    sources = box.sources_label.text()
    for name in ("Stripe subscriptions.csv", "hubspot-contacts.csv", "zendesk tickets.csv",
                 "usage-events.csv"):  # fmt: skip
        assert f"{name} (2026-11-23)" in sources

    # the other account has its one contact and nothing else
    dialog.show_account(GLOBEX)
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.key == GLOBEX)
    other = dialog.related_box
    assert other is not None and other.contacts_table.row_texts(0) == ["Dana Ruiz"]
    assert other.subscriptions_box is None and other.tickets_box is None
    assert other.usage_box is None
