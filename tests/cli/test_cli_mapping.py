"""`--map HEADER=FIELD` is strict and helpful; `cspm fields` lists what FIELD may be; a file
that is not a list of accounts is refused with one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests import crm_exports as crm
from tests.files import write_csv

ROWS = [
    ["Account ID", "Account Name", "Renewal Date", "Yearly Fee"],
    ["A1", "Acme", "2027-01-10", "50000"],
    ["A2", "Globex", "2027-06-30", "20000"],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def accounts(capsys, db_url: str) -> list[dict]:
    code, out, _ = run(capsys, "accounts", "--db", db_url, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_map_naming_a_missing_header_is_exit_2_with_the_closest_headers(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    code, out, err = run(capsys, "--db", db_url, "import", str(path), "--map", "Yearly Fees=arr")
    assert code == 2
    assert err.startswith("cspm: The file has no column 'Yearly Fees' to map")
    assert "closest: 'Yearly Fee'" in err
    assert "Traceback" not in err and out == ""
    assert accounts(capsys, db_url) == []


def test_map_field_names_are_case_insensitive(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    code, _, err = run(capsys, "--db", db_url, "import", str(path), "--map", "Yearly Fee=ARR")
    assert code == 0, err
    by_id = {r["external_id"]: r for r in accounts(capsys, db_url)}
    assert by_id["A1"]["arr"] == 50_000
    assert by_id["A1"]["tier"] == "Mid-Market"


def test_map_header_in_another_case_is_taken(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    code, _, err = run(capsys, "--db", db_url, "import", str(path), "--map", "yearly fee=Arr")
    assert code == 0, err
    assert {r["arr"] for r in accounts(capsys, db_url)} == {50_000, 20_000}


def test_map_to_an_unknown_field_is_exit_2_listing_the_valid_ones(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    code, _, err = run(
        capsys, "--db", db_url, "import", str(path), "--map", "Yearly Fee=revenue_yearly"
    )
    assert code == 2
    assert "'revenue_yearly' is not a field cspm knows" in err
    for name in ("external_id", "arr", "company_revenue", "renewal_date", "custom", "ignore"):
        assert name in err
    assert accounts(capsys, db_url) == []


def test_fields_lists_names_types_labels_and_synonyms(capsys) -> None:
    code, out, _ = run(capsys, "fields")
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("company_revenue "))
    assert "money" in line and "Company Revenue" in line and "annual revenue" in line
    arr = next(ln for ln in out.splitlines() if ln.startswith("arr "))
    assert "annual recurring revenue" in arr and "annual revenue," not in arr
    code, out, _ = run(capsys, "fields", "--format", "json")
    assert code == 0
    records = {r["name"]: r for r in json.loads(out)}
    assert records["owner_id"]["type"] == "text"
    assert "hubspot owner id" in records["owner_id"]["synonyms"]
    assert "type" in records["status"]["weak_synonyms"]


def test_opportunities_forced_to_accounts_is_exit_2_with_the_rejected_rows(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = crm.salesforce_opportunity_report(tmp_path / "Opportunities.xlsx")
    code, _, err = run(capsys, "--db", db_url, "import", str(path), "--kind", "accounts")
    assert code == 2
    assert err.startswith("cspm: Opportunities.xlsx was not imported: 24 row(s) rejected")
    assert len(err.strip().splitlines()) == 1
    assert accounts(capsys, db_url) == []


def test_unknown_kind_is_exit_2_listing_the_kinds(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", ROWS)
    for command in (["import", str(path), "--kind", "bogus"], ["fields", "--kind", "deals"]):
        code, out, err = run(capsys, "--db", db_url, *command)
        assert code == 2 and out == ""
        assert err.strip().splitlines() == [
            f"cspm: --kind '{command[-1]}' is not a kind of file cspm imports; use one of: "
            "accounts, subscriptions, usage, tickets, contacts, churn_events."
        ]
    assert accounts(capsys, db_url) == []


def test_fields_of_a_related_kind(capsys) -> None:
    code, out, _ = run(capsys, "fields", "--kind", "subscriptions")
    assert code == 0
    lines = out.splitlines()
    mrr = next(ln for ln in lines if ln.startswith("mrr "))
    assert "money" in mrr and "mrr amount" in mrr
    stage = next(ln for ln in lines if ln.startswith("stage "))
    assert "stagename" in stage and "[read: only Closed Won opportunities are imported]" in stage
    assert not any(ln.startswith("external_id ") for ln in lines)
    code, out, _ = run(capsys, "fields", "--kind", "tickets", "--format", "json")
    records = {r["name"]: r for r in json.loads(out)}
    assert (
        records["opened_at"]["type"] == "date"
        and "submitted at" in records["opened_at"]["synonyms"]
    )
    assert records["escalated"]["type"] == "bool" and records["escalated"]["stored"] is True
    code, out, _ = run(capsys, "fields", "--kind", "contacts")
    assert next(ln for ln in out.splitlines() if ln.startswith("first_name ")).endswith(
        "[read: name = first + last name]"
    )


def test_import_summary_lists_the_mapping_decisions(capsys, db_url: str, tmp_path: Path) -> None:
    path = crm.salesforce_data_export(tmp_path / "Account.csv")
    code, out, err = run(capsys, "--db", db_url, "import", str(path))
    assert code == 0, err
    assert "Notes:" in out
    assert "holds user IDs (like '0055e000001XyZaAAK'), not names" in out
