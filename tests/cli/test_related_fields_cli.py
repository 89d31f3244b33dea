"""The aggregates of related data on the command line: the new built-in segments and their
reasons in labels, `cspm accounts` in every format, health weighed by usage per tier, the
workbook's Accounts sheet and `cspm fields`. The aggregates arrive here as columns of a
Salesforce-style accounts export (the related imports derive the same fields)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cspm.cli import main
from tests.files import write_csv

TODAY = "2026-11-23"
HEADER = [
    "Account ID",
    "Account Name",
    "Annual Recurring Revenue",
    "Seats Purchased",
    "Active Seats",
    "NPS",
    "Product Line",
    "Contacts",
    "Contacts Inactive Share (10 days)",
    "Last Admin/Executive Login",
    "Usage Events (30 days)",
    "Usage Trend (30 days)",
]
ROWS = [
    ["001A", "Acme", "120000", "100", "60", "8", "Pro", "10", "45%", "2026-10-01", "500", "-40%"],
    ["001B", "Globex", "45000", "50", "30", "8", "Pro", "8", "10%", "2026-11-20", "900", "12%"],
    ["001C", "Initech", "12500", "20", "12", "8", "Lite", "", "", "", "", ""],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(capsys, db_url: str, tmp_path: Path) -> list[str]:
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    base = ["--db", db_url, "--today", TODAY]
    assert run(capsys, *base, "import", str(path))[0] == 0
    return base


def test_new_builtins_list_members_and_say_why_in_labels(capsys, db) -> None:
    code, out, _ = run(capsys, *db, "segments", "--format", "json")
    listed = {s["name"]: s for s in json.loads(out)}
    assert listed["Users not logging in"]["count"] == 1
    assert listed["Usage dropped 30% in 30 days"]["count"] == 1
    # Acme: exec login 53 days ago; Globex: 3 days ago; Initech: no contact data at all
    assert listed["Executive sponsor inactive"]["count"] == 1
    assert "Contacts Inactive Share (10 days) > 30%" in listed["Users not logging in"]["rule_text"]
    code, out, _ = run(capsys, *db, "segments", "why", "Users not logging in", "Acme")
    assert code == 0
    assert "  - Contacts Inactive Share (10 days) 45% > 30%" in out.splitlines()
    assert "contacts_inactive_share_10d" not in out and "lifecycle_stage" not in out
    code, out, _ = run(capsys, *db, "segments", "why", "Executive sponsor inactive", "Acme")
    assert "Last Admin/Executive Login 2026-10-01 is older than 15 days (53 days ago)" in out
    code, out, _ = run(capsys, *db, "segments", "why", "Users not logging in", "Initech")
    assert out.strip() == "001C is not in 'Users not logging in'."
    code, out, _ = run(
        capsys, *db, "segments", "show", "Usage dropped 30% in 30 days", "--format", "json"
    )
    (member,) = json.loads(out)
    assert member["name"] == "Acme"
    assert "Usage Trend (30 days) -40% <= -30%" in member["why"]


def test_why_names_every_field_by_label_custom_fields_too(capsys, db) -> None:
    rule = json.dumps(
        {
            "all": [
                {"field": "product_line", "op": "=", "value": "Pro"},
                {"field": "seat_utilization", "op": ">=", "value": 0.5},
                {"field": "usage_events_30d", "op": "<", "value": 600},
            ]
        }
    )
    assert run(capsys, *db, "segments", "add", "Pro low usage", "--rule", rule)[0] == 0
    code, out, _ = run(capsys, *db, "segments", "why", "Pro low usage", "Acme")
    assert out.splitlines()[1:] == [
        "  - Product Line is Pro",
        "  - Seat utilization 0.6 >= 0.5",
        "  - Usage Events (30 days) 500 < 600",
    ]
    # a rule typed with a percent on a share is the same rule as the fraction
    share = '{"field": "contacts_inactive_share_10d", "op": ">", "value": "30%"}'
    assert run(capsys, *db, "segments", "add", "Quiet", "--rule", share)[0] == 0
    code, out, _ = run(capsys, *db, "segments", "--format", "json")
    assert code == 0
    quiet = next(s for s in json.loads(out) if s["name"] == "Quiet")
    assert quiet["rule"]["value"] == 0.3 and quiet["count"] == 1


def test_accounts_table_json_and_csv_carry_the_aggregates(capsys, db, db_url, tmp_path) -> None:
    code, out, _ = run(capsys, *db, "accounts")
    header = out.splitlines()[0]
    assert "contacts inactive share 10d" in header and "usage trend 30d" in header
    assert "subscriptions active" not in header  # no account has it: not in the table
    acme = next(line for line in out.splitlines() if line.startswith("001A"))
    assert "45%" in acme and "-40%" in acme and "2026-10-01" in acme
    code, out, _ = run(capsys, *db, "accounts", "--format", "json")
    records = {r["name"]: r for r in json.loads(out)}
    assert records["Acme"]["contacts_inactive_share_10d"] == pytest.approx(0.45)
    assert records["Acme"]["usage_trend_30d"] == pytest.approx(-0.4)
    assert records["Acme"]["exec_last_login"] == "2026-10-01"
    assert records["Initech"]["contacts_inactive_share_10d"] is None  # missing stays missing
    assert "subscriptions_active" in records["Acme"]  # JSON keeps one set of keys
    code, out, _ = run(capsys, *db, "accounts", "--format", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["Globex"]["usage_events_30d"] == "900.0"
    assert rows["Initech"]["usage_trend_30d"] == ""
    # a portfolio without related data: the table has none of those columns
    plain = write_csv(tmp_path / "plain.csv", [HEADER[:4], *(r[:4] for r in ROWS)])
    other = ["--db", str(tmp_path / "other.sqlite3"), "--today", TODAY]
    assert run(capsys, *other, "import", str(plain))[0] == 0
    code, out, _ = run(capsys, *other, "accounts")
    assert code == 0
    assert "usage" not in out.splitlines()[0] and "contacts" not in out.splitlines()[0]


def test_a_usage_weight_for_one_tier_moves_only_its_accounts(capsys, db) -> None:
    def health() -> dict[str, float]:
        out = run(capsys, *db, "accounts", "--format", "json")[1]
        return {r["name"]: r["health_score"] for r in json.loads(out)}

    before = health()
    listed = json.loads(run(capsys, *db, "accounts", "--format", "json")[1])
    tiers = {r["name"]: r["tier"] for r in listed}
    assert tiers == {"Acme": "Enterprise", "Globex": "Mid-Market", "Initech": "SMB"}
    for tier in ("Enterprise", "Mid-Market", "SMB"):
        key = f"health.tier.{tier}.usage_trend"
        assert run(capsys, *db, "settings", "set", key, "0.5")[0] == 0
    after = health()
    assert after["Acme"] < before["Acme"]  # usage down 40%
    assert after["Globex"] > before["Globex"]  # usage up 12%
    assert after["Initech"] == pytest.approx(before["Initech"])  # no usage data: unchanged


def test_workbook_accounts_sheet_has_the_aggregates_as_percents(capsys, db, tmp_path) -> None:
    path = tmp_path / "portfolio.xlsx"
    assert run(capsys, *db, "export", str(path))[0] == 0
    ws = load_workbook(path)["Accounts"]
    headers = [c.value for c in ws[1]]
    col = headers.index("Contacts Inactive Share (10 days)")
    assert "Active Subscriptions" not in headers  # no account has it
    names = [c.value for c in ws["B"]]
    acme = ws.cell(names.index("Acme") + 1, col + 1)
    assert acme.value == pytest.approx(0.45) and "%" in acme.number_format
    login = ws.cell(names.index("Acme") + 1, headers.index("Last Admin/Executive Login") + 1)
    assert login.value.date().isoformat() == "2026-10-01"


def test_fields_lists_the_aggregates_with_labels(capsys) -> None:
    code, out, _ = run(capsys, "fields", "--format", "json")
    fields = {f["name"]: f for f in json.loads(out)}
    share = fields["contacts_inactive_share_10d"]
    assert share["label"] == "Contacts Inactive Share (10 days)"
    assert share["aggregate"] and share["percent"]
    assert fields["exec_last_login"]["type"] == "date" and not fields["arr"]["aggregate"]
    code, out, _ = run(capsys, "fields")
    assert code == 0
    assert "Usage Trend (30 days)" in out and "0.3 = 30%" in out
