"""`cspm import --value` and `--scale`: what a word or a number means, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import write_csv

ROWS = [
    ["Account ID", "Account Name", "ARR", "Status", "NPS"],
    ["C1", "Alpha", 50_000, "Non-renewing", 8],
    ["C2", "Beta", 20_000, "Active", 6],
    ["C3", "Gamma", 10_000, "Closed Lost", 9],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stages(capsys, db_url: str) -> dict[str, str]:
    code, out, _ = run(capsys, "--db", db_url, "accounts", "--format", "json")
    assert code == 0
    return {r["external_id"]: r["lifecycle_stage"] for r in json.loads(out)}


def test_value_and_scale_flags_apply_and_are_saved_in_the_profile(
    capsys, db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "crm.csv", ROWS)
    code, out, _ = run(
        capsys,
        "--db",
        db_url,
        "import",
        str(path),
        "--value",
        "Status:Non-renewing=churned",
        "--scale",
        "NPS=points",
        "--save-profile",
        "crm",
    )
    assert code == 0, out
    assert "'Non-renewing' (1 row) read as churned (your value map)" in out
    assert "Column 'NPS': read as account NPS in points (-100..100)" in out
    assert stages(capsys, db_url) == {"C1": "Churned", "C2": "Unknown", "C3": "Churned"}

    # the same columns next quarter: the profile applies, with its value map and scale
    rows = [r[:] for r in ROWS]
    rows[2][3] = "Non-renewing"
    again = write_csv(tmp_path / "crm2.csv", rows)
    code, out, _ = run(capsys, "--db", db_url, "import", str(again), "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["mapping"]["NPS"] == "nps_points"
    assert stages(capsys, db_url)["C2"] == "Churned"


@pytest.mark.parametrize(
    ("flag", "text", "expect"),
    [
        ("--value", "Stat:Active=churned", "No column 'Stat'"),
        ("--value", "Status:Dormant=churned", "has no value 'Dormant'"),
        ("--value", "Status:Active=gone", "'gone' is not a meaning for column 'Status'"),
        ("--value", "Status=churned", "--value needs COLUMN:VALUE=MEANING"),
        ("--scale", "NPS=0-1", "'0-1' is not a scale for column 'NPS'"),
        ("--scale", "ARR=points", "Column 'ARR' has no scale to choose"),
    ],
)
def test_bad_value_or_scale_is_exit_2_in_one_sentence(
    capsys, db_url: str, tmp_path: Path, flag: str, text: str, expect: str
) -> None:
    path = write_csv(tmp_path / "crm.csv", ROWS)
    code, out, err = run(capsys, "--db", db_url, "import", str(path), flag, text)
    assert code == 2
    assert expect in err and err.strip().count("\n") == 0 and "Traceback" not in err
    code, out, _ = run(capsys, "--db", db_url, "imports", "--format", "json")
    assert json.loads(out) == []


def test_churned_statuses_setting_from_the_command_line(capsys, db_url: str, tmp_path) -> None:
    code, _, _ = run(
        capsys, "--db", db_url, "settings", "set", "churned_statuses", "churned, Gone ,lost"
    )
    assert code == 0
    code, out, _ = run(capsys, "--db", db_url, "settings")
    assert json.loads(out)["churned_statuses"] == ["churned", "Gone", "lost"]
    rows = [["Account ID", "Account Name", "Status"], ["G1", "Gone Co", "gone"]]
    run(capsys, "--db", db_url, "import", str(write_csv(tmp_path / "g.csv", rows)))
    assert stages(capsys, db_url)["G1"] == "Churned"
    code, _, err = run(capsys, "--db", db_url, "settings", "set", "churned_statuses", " , ")
    assert code == 2 and "needs at least one word" in err
