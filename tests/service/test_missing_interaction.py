"""Missing data is not bad news: a file without a last-interaction column floods nothing."""

from __future__ import annotations

from pathlib import Path

from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import list_tasks, log_touchpoint
from tests.files import write_csv

# A Salesforce-style account report without any activity column.
HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Contract Start Date"]
ROWS = [
    ["0015g00000ENT01", "Eagle Corp", "Dana Scully", "250000", "2022-01-01"],
    ["0015g00000MID01", "Moose Ltd", "Dana Scully", "60000", "2022-01-01"],
    *[[f"0015g00000SMB0{i}", f"Small {i}", "Fox Mulder", "8000", "2022-01-01"] for i in range(5)],
]


def _import(ctx: AppContext, tmp_path: Path) -> None:
    result = import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    assert result.status == "imported"


def test_no_interaction_on_record_is_not_thirty_days_without_one(
    ctx: AppContext, tmp_path: Path
) -> None:
    _import(ctx, tmp_path)
    p = load_portfolio(ctx)
    assert not p.membership["No interaction in 30+ days"].any()
    assert p.membership["No interaction on record"].sum() == len(ROWS)


def test_a_file_without_the_column_makes_no_task_flood(ctx: AppContext, tmp_path: Path) -> None:
    _import(ctx, tmp_path)
    tasks = list_tasks(ctx)
    assert "No interaction in 30+ days" not in set(tasks["trigger"])
    touch = tasks[tasks["title"].isin(["Check-in", "Re-engagement outreach"])]
    # At most one task per account asks for a first touchpoint, only where the tier has a
    # check-in cadence (Enterprise, Mid-Market); tech-touch SMB accounts get none.
    assert touch["account_key"].is_unique
    assert set(touch["tier"]) == {"Enterprise", "Mid-Market"}
    assert (touch["description"].str.contains("on record")).all()


def test_a_logged_touchpoint_takes_the_account_off_the_no_record_list(
    ctx: AppContext, tmp_path: Path
) -> None:
    _import(ctx, tmp_path)
    log_touchpoint(ctx, "0015g00000SMB00", "call")
    p = load_portfolio(ctx)
    members = p.membership["No interaction on record"]
    assert not members[p.frame["external_id"] == "0015g00000SMB00"].any()
    assert members.sum() == len(ROWS) - 1


def test_one_stale_signal_is_not_at_risk(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "activity.csv",
        [
            ["Account ID", "Account Name", "ARR", "Last Activity Date"],
            ["A1", "Alpha", "60000", "2026-03-01"],
        ],
    )
    import_file(ctx, path)
    p = load_portfolio(ctx)
    assert not p.membership.loc["A1", "At risk"]
    assert p.frame.loc["A1", "health_source"] == "insufficient"
    assert p.frame["health_score"].isna().all()


def test_the_import_summary_counts_what_is_missing(ctx: AppContext, tmp_path: Path) -> None:
    result = import_file(ctx, write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS]))
    notes = [p.sentence() for p in result.problems if p.severity == "info"]
    assert "7 accounts have no last-interaction date on record" in " ".join(notes)
    assert result.warnings == 0
    log_touchpoint(ctx, "0015g00000SMB00", "call")
    rows = [[*r, "2026-11-01" if i == 0 else ""] for i, r in enumerate(ROWS)]
    again = import_file(
        ctx, write_csv(tmp_path / "again.csv", [[*HEADER, "Last Activity Date"], *rows])
    )
    notes = [p.sentence() for p in again.problems if p.severity == "info"]
    assert "5 accounts have no last-interaction date on record" in " ".join(notes)


def test_cli_accounts_json_carries_the_coverage(capsys, ctx: AppContext, tmp_path: Path) -> None:
    import json

    from cspm.cli import main

    path = write_csv(
        tmp_path / "activity.csv",
        [["Account ID", "Account Name", "ARR", "Last Activity Date"], ["A1", "Alpha", "60000", ""]],
    )
    assert main(["--db", ctx.db.url, "--today", "2026-11-23", "import", str(path)]) == 0
    assert "1 account has no last-interaction date on record" in capsys.readouterr().out
    assert main(["--db", ctx.db.url, "--today", "2026-11-23", "accounts", "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["health_source"], record["health_signals"]) == ("none", 0)
    assert record["health_signals_possible"] == 6 and record["health_score"] is None
