"""`cspm contacts`: the three formats, the filters, and one-sentence refusals with exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.service.context import AppContext
from tests.conftest import TODAY
from tests.contact_data import contacts_portfolio, import_accounts


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["contacts", "--db", db_url, "--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(db_url: str, tmp_path: Path) -> str:
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        contacts_portfolio(ctx, tmp_path)
    finally:
        ctx.close()
    return db_url


def test_json_has_every_column_with_iso_dates_and_nulls(capsys, filled: str) -> None:
    code, out, _ = run(capsys, filled, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert len(records) == 8
    ada = records[0]
    assert ada["email"] == "ada@acme.com" and ada["account_name"] == "Acme Corp"
    assert ada["last_login"] == "2026-11-20" and ada["days_since_login"] == 3
    assert ada["account_external_id"] == "HS-1" and ada["is_exec"] is True
    assert ada["active_10d"] is True and ada["owner"] == "Dana Scully"
    cy = next(r for r in records if r["email"] == "cy@acme.com")
    assert cy["last_login"] is None and cy["days_since_login"] is None
    assert cy["active_30d"] is False


def test_csv_is_readable_back_with_blank_for_never(capsys, filled: str) -> None:
    code, out, _ = run(capsys, filled, "HS-1", "--format", "csv", "--inactive-days", "10")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["email"] for r in rows] == ["bob@acme.com", "cy@acme.com"]
    assert rows[0]["days_since_login"] == "22" and rows[1]["last_login"] == ""
    assert rows[0]["account_name"] == "Acme Corp"


def test_table_shows_never_and_the_unlinked_count(capsys, filled: str) -> None:
    code, out, _ = run(capsys, filled, "--role", "exec")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["account", "name", "name", "email", "role", "last", "login",
                                "days", "since", "login"]  # fmt: skip
    body = "\n".join(lines[2:])
    assert "Ada Lovelace" in body and "Eve Polastri" in body and "Bob Builder" not in body
    cy = next(line for line in lines if "cy@acme.com" in line)
    assert "never" in cy
    assert "(3 rows)" in out
    assert "1 contact(s) link to no account" in out


def test_bad_input_exits_2_with_one_sentence(capsys, filled: str) -> None:
    code, out, err = run(capsys, filled, "Hooli")
    assert code == 2 and out == ""
    assert err.strip() == "cspm: No account with ID or name 'Hooli'."
    code, _, err = run(capsys, filled, "--inactive-days", "ten")
    assert code == 2 and "'ten' is not a whole number of days" in err
    code, _, err = run(capsys, filled, "--inactive-days", "-3")
    assert code == 2 and "negative" in err
    code, _, err = run(capsys, filled, "--format", "xml")
    assert code == 2


def test_before_any_contacts_import_the_table_says_how(capsys, db_url: str, tmp_path) -> None:
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        import_accounts(ctx, tmp_path)
    finally:
        ctx.close()
    code, out, _ = run(capsys, db_url)
    assert code == 0
    assert "cspm import contacts.csv --kind contacts" in out
    code, out, _ = run(capsys, db_url, "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_a_segment_counted_over_contacts_from_the_command_line(
    capsys, filled: str, tmp_path: Path
) -> None:
    rule = tmp_path / "exec-quiet.json"
    rule.write_text(
        json.dumps(
            {
                "over": "contacts",
                "where": {
                    "all": [
                        {"field": "role", "op": "contains", "value": "admin"},
                        {"field": "last_login", "op": "older_than_days", "value": 15},
                    ]
                },
                "at_least": 1,
            }
        ),
        encoding="utf-8",
    )

    def cli(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", filled, "--today", TODAY.isoformat()])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = cli("segments", "add", "Admin gone quiet", "--rule", str(rule))
    assert code == 0 and "1 accounts" in out
    code, out, _ = cli("segments", "--format", "json")
    listed = next(s for s in json.loads(out) if s["name"] == "Admin gone quiet")
    assert listed["count"] == 1 and listed["rule"]["over"] == "contacts"
    assert listed["rule_text"] == (
        "at least 1 contact with (role contains admin and last_login older than 15 days)"
    )
    code, out, _ = cli("segments", "show", "Admin gone quiet", "--format", "json")
    (member,) = json.loads(out)
    assert member["name"] == "Acme Corp"
    assert member["why"].endswith(": cy@acme.com")
    code, out, _ = cli("segments", "why", "Admin gone quiet", "Acme Corp")
    assert code == 0 and "1 of 4 contacts (25%) match role contains admin" in out
    code, out, _ = cli("accounts", "--segment", "admin gone quiet", "--format", "json")
    assert [r["name"] for r in json.loads(out)] == ["Acme Corp"]
    code, _, err = cli("segments", "add", "Broken", "--rule", '{"over": "contacts"}')
    assert code == 2 and "needs exactly one of 'at_least'" in err
