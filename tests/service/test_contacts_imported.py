"""Contacts end to end through the real related import: a HubSpot contacts export imported with
`--kind contacts` (linked by company name and by the account's website domain, a personal
address left unlinked), then listed by the service and the CLI, counted by a contact-level
segment, and gone again after undoing the import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from cspm.cli import main
from cspm.service.contacts import list_contacts
from cspm.service.context import AppContext
from cspm.service.import_undo import undo_latest_import
from cspm.service.imports import ImportOptions, import_file
from cspm.service.segments import add_segment, list_segments, segment_members
from tests.conftest import TODAY
from tests.contact_data import ACCOUNTS, import_accounts
from tests.files import write_csv
from tests.storage.test_postgres import pg_url  # noqa: F401  (the fixture)

HUBSPOT_CONTACTS = [
    ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Associated Company",
     "Last Login", "Lifecycle Stage"],
    ["51001", "Ada", "Lovelace", "ada@acme.com", "CEO", "Acme Corp", "2026-11-20", "Customer"],
    ["51002", "Cy", "Young", "cy@acme.com", "System Administrator", "Acme Corp", "", "Customer"],
    ["51003", "Bob", "Builder", "bob@acme.com", "Analyst", "Acme Corp", "2026-11-01", "Customer"],
    ["51004", "Eve", "Polastri", "eve@globex.io", "VP Operations", "", "2026-10-01", "Customer"],
    ["51005", "Ivy", "Pepper", "ivy@gmail.com", "Admin", "", "2026-11-22", "Customer"],
]  # fmt: skip
QUIET_EXEC = {
    "over": "contacts",
    "where": {
        "all": [
            {"field": "is_exec", "op": "=", "value": True},
            {"field": "last_login", "op": "older_than_days", "value": 15},
        ]
    },
    "at_least": 1,
}


def contacts_file(tmp: Path) -> Path:
    return write_csv(tmp / "hubspot-contacts.csv", HUBSPOT_CONTACTS)


def test_an_imported_contacts_export_lists_segments_and_undoes(
    ctx: AppContext, tmp_path: Path
) -> None:
    import_accounts(ctx, tmp_path)
    add_segment(ctx, "Exec sponsor gone quiet", QUIET_EXEC)
    before = list_contacts(ctx)
    assert not before.imported
    result = import_file(
        ctx, contacts_file(tmp_path), ImportOptions(kind="contacts", as_of=dt.date(2026, 11, 23))
    )
    assert result.status == "imported"
    got = list_contacts(ctx)  # the import's change made the cached (empty) table stale
    assert got.imported and got.unlinked == 1  # ivy@gmail.com names no account
    shown = got.frame.set_index("email")
    assert list(shown.index) == ["ada@acme.com", "bob@acme.com", "cy@acme.com", "eve@globex.io"]
    assert shown.loc["ada@acme.com", "name"] == "Ada Lovelace"  # first + last name
    assert shown.loc["eve@globex.io", "account_name"] == "Globex"  # by the website's domain
    assert pd.isna(shown.loc["cy@acme.com", "days_since_login"])  # never logged in
    assert [e for e in list_contacts(ctx, role="exec", inactive_days=15).frame["email"]] == [
        "cy@acme.com",
        "eve@globex.io",
    ]
    members = segment_members(ctx, "Exec sponsor gone quiet")
    assert list(members["name"]) == ["Acme Corp", "Globex"]

    undo_latest_import(ctx)
    assert not list_contacts(ctx).imported
    quiet = next(s for s in list_segments(ctx) if s.name == "Exec sponsor gone quiet")
    assert quiet.count == 0


def test_cli_import_then_contacts(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path
) -> None:
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        import_accounts(ctx, tmp_path)
    finally:
        ctx.close()
    common = ["--db", db_url, "--today", TODAY.isoformat()]
    path = str(contacts_file(tmp_path))
    assert main(["import", path, "--kind", "contacts", "--as-of", "2026-11-23", *common]) == 0
    capsys.readouterr()
    assert main(["contacts", "Acme Corp", "--format", "json", *common]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["email"] for r in records] == ["ada@acme.com", "bob@acme.com", "cy@acme.com"]
    assert records[1]["days_since_login"] == 22 and records[2]["last_login"] is None


def test_contacts_and_a_contact_segment_on_postgres(capsys, pg_url: str, tmp_path) -> None:  # noqa: F811
    common = ["--db", pg_url, "--today", TODAY.isoformat()]
    accounts = write_csv(tmp_path / "companies.csv", ACCOUNTS)
    assert main(["import", str(accounts), "--as-of", "2026-11-20", *common]) == 0
    path = str(contacts_file(tmp_path))
    assert main(["import", path, "--kind", "contacts", "--as-of", "2026-11-23", *common]) == 0
    capsys.readouterr()
    assert main(["contacts", "--role", "exec", "--inactive-days", "15", "--format", "csv",
                 *common]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["cy@acme.com", "eve@globex.io"]
    rule = json.dumps(QUIET_EXEC)
    assert main(["segments", "add", "Exec sponsor gone quiet", "--rule", rule, *common]) == 0
    assert "2 accounts" in capsys.readouterr().out
