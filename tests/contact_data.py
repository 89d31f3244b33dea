"""A small portfolio with contacts for the contacts tests: a real accounts CSV (HubSpot UI
export labels) imported through the service, and contact rows written straight into the
related_contacts table as a committed contacts import would leave them (the contacts import
itself is another part's work; these tests need only rows in force)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.storage import revision
from cspm.storage.models import ImportRecord
from cspm.storage.models.related import RelatedContact
from tests.files import write_csv

ACCOUNTS = [
    ["Record ID", "Company name", "Company owner", "Annual recurring revenue", "Website"],
    ["HS-1", "Acme Corp", "Dana Scully", "120000", "acme.com"],
    ["HS-2", "Globex", "Fox Mulder", "48000", "globex.io"],
    ["HS-3", "Initech", "Dana Scully", "30000", "initech.com"],
    ["HS-4", "Umbrella", "Fox Mulder", "9000", "umbrella.co"],
]

# (email, account external ID or None = links to nothing, name, role, last login)
CONTACTS = [
    ("ada@acme.com", "HS-1", "Ada Lovelace", "CEO", dt.date(2026, 11, 20)),
    ("bob@acme.com", "HS-1", "Bob Builder", "Analyst", dt.date(2026, 11, 1)),
    ("cy@acme.com", "HS-1", "Cy Young", "System Administrator", None),
    ("dee@acme.com", "HS-1", "Dee Dee", "Marketing Analyst", dt.date(2026, 11, 22)),
    ("eve@globex.io", "HS-2", "Eve Polastri", "VP Operations", dt.date(2026, 10, 1)),
    ("fay@globex.io", "HS-2", "Fay Wray", "Analyst", dt.date(2026, 11, 21)),
    ("gus@initech.com", "HS-3", "Gus Fring", "Engineer", dt.date(2026, 11, 15)),
    ("hal@initech.com", "HS-3", "Hal Jordan", "Engineer", dt.date(2026, 11, 10)),
    ("ivy@nowhere.org", None, "Ivy Pepper", "Admin", dt.date(2026, 11, 22)),
]
"""On 2026-11-23 (tests' today): inactive more than 10 days: bob (22 days), cy (never), eve
(53 days), hal (13 days); admins/executives: ada (CEO), cy (System Administrator), eve (VP)
and the unlinked ivy (Admin). Umbrella has no contacts."""


def import_accounts(ctx: AppContext, tmp: Path) -> dict[str, str]:
    """Import the accounts CSV; returns external ID -> account key."""
    path = write_csv(tmp / "hubspot-companies.csv", ACCOUNTS)
    import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 11, 20)))
    from cspm.service.portfolio import load_portfolio

    frame = load_portfolio(ctx).frame
    return {str(e): str(k) for k, e in frame["external_id"].items()}


def add_contacts(
    ctx: AppContext,
    keys: dict[str, str],
    rows: list[tuple[str, str | None, str, str | None, dt.date | None]] = CONTACTS,
) -> int:
    """Write `rows` as one committed contacts import (account_key set as linking would)."""
    now = dt.datetime(2026, 11, 23, 9, 0)
    with ctx.db.session() as s:
        record = ImportRecord(
            kind="contacts",
            file_name="hubspot-contacts.csv",
            sha256="0" * 64,
            mapping={},
            carried_fields=[],
            as_of=dt.date(2026, 11, 23),
            started_at=now,
            finished_at=now,
            status="committed",
            rows_total=len(rows),
        )
        s.add(record)
        s.flush()
        for i, (email, ext, name, role, login) in enumerate(rows, start=2):
            s.add(
                RelatedContact(
                    import_id=record.id,
                    row_key=email.casefold(),
                    source_row=i,
                    account_key=keys.get(ext) if ext else None,
                    account_id=ext,
                    account_name=None,
                    email=email,
                    name=name,
                    role=role,
                    last_login=login,
                )
            )
        revision.bump(s, accounts=False)  # as every committed change does
        return int(record.id)


def contacts_portfolio(ctx: AppContext, tmp: Path) -> dict[str, str]:
    """Accounts imported and CONTACTS in force; returns external ID -> account key."""
    keys = import_accounts(ctx, tmp)
    add_contacts(ctx, keys)
    return keys
