"""Text from a CRM export is stored whole, however long, on SQLite and PostgreSQL alike.

The fault: an owner longer than 255 characters (a team name pasted into the owner field, a
list of names) stopped the import on PostgreSQL with "internal error:
StringDataRightTruncation: value too long for type character varying(255)", while SQLite took
it: text columns had arbitrary length limits.
"""

from __future__ import annotations

import json
from pathlib import Path

from cspm.cli import main
from tests.files import write_csv

OWNER = "EMEA Enterprise pod: " + ", ".join(f"Account Executive {i:03d}" for i in range(14))
PLAN = "Enterprise Plus with " + " and ".join(f"add-on {i}" for i in range(40))


def test_an_owner_and_a_plan_past_255_characters_import_whole(
    store_url: str, tmp_path: Path, capsys
) -> None:
    assert len(OWNER) > 300 and len(PLAN) > 400
    rows = [
        ["Account ID", "Account Name", "Account Owner", "ARR", "Plan", "Renewal Date"],
        ["0015g00000AbCdE", "Northwind Traders", OWNER, "120000", PLAN, "2027-03-31"],
        ["0015g00000AbCdF", "Contoso", "Dana Lee", "30000", "Pro", "2027-06-30"],
    ]
    path = write_csv(tmp_path / "accounts.csv", rows)
    db = ["--db", store_url, "--today", "2026-11-23"]
    assert main([*db, "import", str(path)]) == 0
    capsys.readouterr()
    assert main([*db, "accounts", "--format", "json"]) == 0
    records = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["Northwind Traders"]["owner"] == OWNER
    assert records["Northwind Traders"]["plan"] == PLAN
    assert main([*db, "accounts", "--owner", OWNER, "--format", "json"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["Northwind Traders"]
