"""`cspm accounts show ACCOUNT`: one account's subscriptions, contacts, open tickets and usage
on the command line, by ID or name; an account without related rows says so; an unknown one
is exit 2 in one sentence; `cspm accounts` with its options still lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.service.context import AppContext
from tests.conftest import TODAY
from tests.related_rows import NORTHWIND, import_accounts, sample_related


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> str:
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        import_accounts(ctx, tmp_path)
        sample_related(ctx, NORTHWIND, TODAY)
    finally:
        ctx.close()
    return db_url


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_show_prints_the_related_summary(capsys, db: str) -> None:
    code, out, _ = run(capsys, "accounts", "show", "northwind traders", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Northwind Traders (001A000001)"
    assert "Subscriptions: 2 active of 3. Next renewal 2027-01-31, in 69 days." in lines
    renews = next(line for line in lines if line.startswith("SUB-1187"))
    assert "$96,000" in renews and renews.endswith("renews next")
    chloe = next(line for line in lines if line.startswith("Chloe Wu"))
    assert chloe.split()[-2:] == ["75", "inactive"]
    femi = next(line for line in lines if line.startswith("Femi Ade"))
    assert femi.endswith("inactive (never logged in)")
    assert "Open tickets: 2 open · 1 escalated. 1 ticket closed in the last 90 days." in lines
    assert [line.split()[0] for line in lines if line.startswith("ZD-")] == ["ZD-5012", "ZD-5120"]
    assert any(line.startswith("Usage (last 6 months): ") for line in lines)
    assert lines[-1].startswith("Data from: subscriptions Stripe subscriptions.csv (2026-11-23)")


def test_show_json_has_every_section(capsys, db: str) -> None:
    code, out, _ = run(capsys, "accounts", "show", "001A000001", "--format", "json", "--db", db)
    assert code == 0
    data = json.loads(out)
    assert data["next_renewal"] == "2027-01-31"
    renews = [s["subscription_id"] for s in data["subscriptions"] if s["next_renewal"]]
    assert renews == ["SUB-1187"]
    inactive = {c["name"]: (c["inactive"], c["never"]) for c in data["contacts"]}
    assert inactive["Chloe Wu"] == (True, False) and inactive["Femi Ade"] == (True, True)
    assert inactive["Ben Carter"] == (False, False)
    assert [t["ticket_id"] for t in data["open_tickets"]] == ["ZD-5012", "ZD-5120"]
    assert data["tickets_closed_90d"] == 1
    assert data["usage_period"] == "week" and len(data["usage"]) == 27
    assert data["usage"][-1]["partial"] is True
    assert {s["kind"] for s in data["sources"]} == {"subscriptions", "contacts", "tickets", "usage"}


def test_show_without_related_rows_and_unknown_account(capsys, db: str) -> None:
    code, out, _ = run(capsys, "accounts", "show", "Globex Corporation", "--db", db)
    assert code == 0
    assert out.splitlines() == [
        "Globex Corporation (001A000002)",
        "No subscriptions, contacts, tickets or usage linked to this account.",
    ]
    code, out, err = run(capsys, "accounts", "show", "Initech", "--db", db)
    assert code == 2 and out == ""
    assert err.strip() == "cspm: No account with ID or name 'Initech'."
    code, out, _ = run(capsys, "accounts", "--db", db, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2
