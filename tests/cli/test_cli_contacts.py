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
