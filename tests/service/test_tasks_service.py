"""Tasks through the service and CLI on real files: generation, actions, touchpoints, capacity."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.service.context import AppContext
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import (
    capacity,
    complete_task,
    dismiss_task,
    list_tasks,
    log_touchpoint,
    regenerate_tasks,
    snooze_task,
)
from cspm.storage import tasks_repo
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "Owner",
    "ARR",
    "Health Score",
    "Renewal Date",
    "Contract Start Date",
    "Last Activity Date",
    "Last QBR",
    "Unpaid Invoices",
]
ROWS = [
    # Enterprise, at risk (health 40), renewal in 45 days, last contact long ago
    [
        "E1",
        "Eagle",
        "Dana",
        "250000",
        "40",
        "2027-01-07",
        "2022-01-01",
        "2026-08-01",
        "2026-10-01",
        "0",
    ],
    # Mid-Market, healthy, unpaid invoice
    [
        "M1",
        "Moose",
        "Dana",
        "50000",
        "85",
        "2027-09-01",
        "2023-01-01",
        "2026-11-20",
        "2026-10-15",
        "900",
    ],
    # SMB, healthy, nothing to do
    ["S1", "Stork", "Fox", "8000", "90", "2027-08-01", "2024-02-01", "2026-11-21", "", "0"],
]


def load(ctx: AppContext, tmp_path: Path, rows=ROWS, name="a.csv") -> None:
    import_file(ctx, write_csv(tmp_path / name, [HEADER, *rows]))


def open_titles(ctx: AppContext, key: str) -> list[str]:
    tasks = list_tasks(ctx)
    return sorted(tasks.loc[tasks["account_key"] == key, "title"])


def test_generation_is_idempotent_and_ranked_with_reasons(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    first = list_tasks(ctx)
    assert regenerate_tasks(ctx, force=True).created == 0
    second = list_tasks(ctx)
    assert list(first["id"]) == list(second["id"])
    assert len(first) > 0
    assert all(len(r) > 0 for r in first["reasons"])
    assert list(first["priority"]) == sorted(first["priority"], reverse=True)
    titles = open_titles(ctx, "E1")
    assert "Escalation call" in titles  # At risk playbook
    assert any("Unpaid" in t or "billing" in t.lower() for t in open_titles(ctx, "M1"))
    assert first.iloc[0]["account_key"] == "E1"  # big, at risk, renewing: on top


def test_done_task_stays_closed_until_trigger_clears_and_returns(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    tasks = list_tasks(ctx)
    billing = tasks[(tasks["account_key"] == "M1") & (tasks["segment"] == "Unpaid invoices")]
    task_id = int(billing["id"].iloc[0])
    complete_task(ctx, task_id, "paid after a reminder")
    assert task_id not in set(list_tasks(ctx)["id"])
    rows = [list(r) for r in ROWS]
    rows[1][9] = "900"
    load(ctx, tmp_path, rows, "b.csv")  # still unpaid: same episode, no new task
    assert not (list_tasks(ctx)["segment"] == "Unpaid invoices").any()
    rows[1][9] = "0"
    load(ctx, tmp_path, rows, "c.csv")  # trigger clears
    rows[1][9] = "300"
    load(ctx, tmp_path, rows, "d.csv")  # and comes back: a new task
    again = list_tasks(ctx)
    assert (again["segment"] == "Unpaid invoices").sum() == 1
    assert task_id not in set(again["id"])


def test_trigger_clearing_resolves_open_task_by_data(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    tasks = list_tasks(ctx)
    task_id = int(tasks[tasks["segment"] == "Unpaid invoices"]["id"].iloc[0])
    rows = [list(r) for r in ROWS]
    rows[1][9] = "0"
    load(ctx, tmp_path, rows, "b.csv")
    assert task_id not in set(list_tasks(ctx)["id"])
    with ctx.db.session() as s:
        task = tasks_repo.get_task(s, task_id)
        assert task.status == "resolved"
        events = [e[0] for e in tasks_repo.task_events(s, task_id)]
    assert events == ["created", "resolved"]


def test_snooze_and_dismiss(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    ids = list(list_tasks(ctx)["id"])
    snooze_task(ctx, ids[0], dt.date(2026, 12, 1))
    assert ids[0] not in set(list_tasks(ctx)["id"])
    later = AppContext.open(ctx.db.url, today=dt.date(2026, 12, 1))
    assert ids[0] in set(list_tasks(later)["id"])  # the snooze has ended
    later.close()
    dismiss_task(ctx, ids[1], "handled by the account executive")
    assert ids[1] not in set(list_tasks(ctx)["id"])
    with pytest.raises(BadInputError, match="reason"):
        dismiss_task(ctx, ids[2], " ")
    with pytest.raises(BadInputError, match="already dismissed"):
        complete_task(ctx, ids[1])


def test_logged_touchpoint_completes_cadence_and_newer_date_wins(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    cadence = list_tasks(ctx)
    checkins = cadence[(cadence["account_key"] == "E1") & (cadence["trigger_kind"] == "cadence")]
    assert len(checkins) > 0
    log_touchpoint(ctx, "Eagle", "call", dt.date(2026, 11, 22), "weekly sync")
    frame = load_portfolio(ctx).frame
    assert frame.loc["E1", "last_interaction"] == dt.datetime(2026, 11, 22)
    after = list_tasks(ctx)
    e1_cadence = after[
        (after["account_key"] == "E1") & (after["trigger"] == checkins["trigger"].iloc[0])
    ]
    assert e1_cadence.empty  # the check-in is done by the call
    load(ctx, tmp_path, ROWS, "older.csv")  # the export still says 2026-08-01
    assert load_portfolio(ctx).frame.loc["E1", "last_interaction"] == dt.datetime(2026, 11, 22)


def test_touchpoint_validation(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    with pytest.raises(BadInputError, match="kind"):
        log_touchpoint(ctx, "E1", "fax")
    with pytest.raises(BadInputError, match="future"):
        log_touchpoint(ctx, "E1", "call", dt.date(2027, 1, 1))


def test_capacity_report(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    report = capacity(ctx)
    rows = report.by_owner.set_index(["owner", "touch_model"])
    assert rows.loc[("Dana", "high-touch"), "accounts"] == 1  # Eagle, Enterprise
    assert rows.loc[("Dana", "mid-touch"), "accounts"] == 1  # Moose, Mid-Market
    assert rows.loc[("Fox", "tech-touch"), "accounts"] == 1
    assert rows.loc[("Dana", "high-touch"), "required_hours_month"] > 0
    assert not rows["over_capacity"].any()


def test_cli_tasks_json_and_actions(capsys, db_url: str, tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    base = ["--db", db_url, "--today", "2026-11-23"]
    assert main([*base, "import", str(tmp_path / "a.csv")]) == 0
    capsys.readouterr()
    assert main([*base, "tasks", "--format", "json", "--limit", "5"]) == 0
    tasks = json.loads(capsys.readouterr().out)
    assert len(tasks) == 5
    for key in (
        "id",
        "account",
        "account_name",
        "trigger_kind",
        "trigger",
        "segment",
        "title",
        "due_date",
        "priority",
        "reasons",
        "status",
    ):
        assert key in tasks[0]
    assert all(t["reasons"] for t in tasks)
    first = tasks[0]["id"]
    assert main([*base, "tasks", "done", str(first), "--note", "called"]) == 0
    assert capsys.readouterr().out == f"Task {first} done.\n"
    assert main([*base, "tasks", "--format", "json"]) == 0
    assert first not in {t["id"] for t in json.loads(capsys.readouterr().out)}
    assert main([*base, "tasks", "snooze", "99999", "--until", "2026-12-01"]) == 2
    assert main([*base, "log", "Stork", "--kind", "qbr", "--note", "went well"]) == 0
    assert main([*base, "capacity", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert {"by_owner", "totals", "warnings"} <= set(doc)


def test_backfilled_file_does_not_create_tasks_on_import(ctx, tmp_path: Path) -> None:
    from cspm.service.imports import ImportOptions

    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS])
    import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 3, 31)))
    with ctx.db.session() as s:
        assert tasks_repo.load_tasks(s).empty  # last spring's export: no tasks from it yet
    import_file(ctx, path)  # this week's export
    with ctx.db.session() as s:
        assert not tasks_repo.load_tasks(s).empty
