"""`cspm import` of related files: what the file was read as and why, its counts, the unlinked
rows (a warning, exit 0, listed in a CSV), quarter outcomes from one subscriptions export, and
`cspm imports list` naming each import's kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests.service.related_files import (
    AS_OF,
    accounts_csv,
    churn_csv,
    subscriptions_csv,
)

TODAY = "2026-11-23"


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _load(capsys, db_url: str, tmp_path: Path) -> str:
    as_of = AS_OF.isoformat()
    code, _, err = run(capsys, db_url, "import", str(accounts_csv(tmp_path)), "--as-of", as_of)
    assert code == 0, err
    subs = str(subscriptions_csv(tmp_path))
    code, out, err = run(capsys, db_url, "import", subs, "--as-of", as_of)
    assert code == 0, err
    return out


def test_subscriptions_import_says_what_it_read_and_what_did_not_link(
    capsys, db_url: str, tmp_path: Path
) -> None:
    out = _load(capsys, db_url, tmp_path)
    first = out.splitlines()[0]
    assert first.startswith("Imported subscriptions.csv, read as a subscriptions file (columns ")
    assert "'Subscription ID'" in first and "'Current Period Start'" in first
    assert "linked 5, unlinked 1" in out
    csv_path = tmp_path / "subscriptions-unlinked.csv"
    assert f"unlinked rows written to {csv_path}" in out
    assert "row 7: account ID 'ACC-9' is no stored account" in out
    assert csv_path.read_text(encoding="utf-8").splitlines()[1].startswith("7,ACC-9,")
    assert "from subscriptions: arr, mrr" in out

    code, out, _ = run(capsys, db_url, "imports", "list", "--format", "json")
    assert code == 0
    kinds = [(r["kind"], r["file_name"]) for r in json.loads(out)]
    assert kinds == [("subscriptions", "subscriptions.csv"), ("accounts", "hubspot-companies.csv")]
    code, out, _ = run(capsys, db_url, "imports", "list")
    assert out.splitlines()[0].split()[:3] == ["id", "kind", "file"]


def test_quarter_outcomes_from_one_subscriptions_export(
    capsys, db_url: str, tmp_path: Path
) -> None:
    _load(capsys, db_url, tmp_path)
    code, _, err = run(
        capsys, db_url, "import", str(churn_csv(tmp_path)), "--as-of", AS_OF.isoformat()
    )
    assert code == 0, err
    code, out, err = run(capsys, db_url, "outcomes", "--period", "quarter", "--format", "json")
    assert code == 0, err
    rows = {r["period"]: r for r in json.loads(out) if r["group"] == "Portfolio"}
    assert list(rows) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    # end_arr: subscriptions active at the quarter end, over accounts not churned then
    assert rows["2024-Q1"]["end_arr"] == pytest.approx(72_000.00, abs=0.005)
    assert rows["2024-Q2"]["end_arr"] == pytest.approx(12_000 + 3_006 + 60_000 + 1_199.88)
    assert rows["2024-Q3"]["end_arr"] == pytest.approx(15_006.00 + 1_199.88, abs=0.005)
    assert rows["2024-Q4"]["end_arr"] == pytest.approx(13_199.88, abs=0.005)
    assert rows["2025-Q1"]["end_arr"] == pytest.approx(61_199.88, abs=0.005)


def test_identical_related_file_again_changes_nothing(capsys, db_url: str, tmp_path: Path) -> None:
    _load(capsys, db_url, tmp_path)
    path = subscriptions_csv(tmp_path)
    code, out, _ = run(capsys, db_url, "import", str(path), "--as-of", AS_OF.isoformat())
    assert code == 0
    assert out.startswith("subscriptions.csv: read as a subscriptions file")
    assert "already imported" in out and "nothing changed" in out


def test_a_kind_that_does_not_exist_is_exit_2(capsys, db_url: str, tmp_path: Path) -> None:
    subs = str(subscriptions_csv(tmp_path))
    code, _, err = run(capsys, db_url, "import", subs, "--kind", "deals")
    assert code == 2
    assert "subscriptions" in err and "churn_events" in err
