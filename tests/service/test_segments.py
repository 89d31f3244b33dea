"""Segments through the service and CLI: built-ins shipped once, live membership, CRUD,
refused rules, sharing as JSON, why, tier renames, and effective health in history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.core.rules import BUILTIN_SEGMENTS
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import list_accounts, load_portfolio
from cspm.service.segments import (
    add_segment,
    edit_segment,
    export_segments,
    import_segments,
    list_segments,
    remove_segment,
    segment_members,
    why,
)
from cspm.service.settings import rename_tier
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "Owner",
    "ARR",
    "Renewal Date",
    "Health Score",
    "Seats Purchased",
    "Active Seats",
    "Last Activity Date",
    "Unpaid Invoices",
    "Contract Start Date",
    "Product Line",
]
# today is 2026-11-23 (tests/conftest.py)
ROWS = [
    [
        "A1",
        "Alpha",
        "Dana",
        "150000",
        "2027-01-10",
        "40",
        "100",
        "97",
        "2026-11-20",
        "0",
        "2022-01-01",
        "Analytics",
    ],
    [
        "B2",
        "Beta",
        "Dana",
        "50000",
        "2027-09-01",
        "90",
        "100",
        "30",
        "2026-09-01",
        "1200",
        "2023-01-01",
        "Core",
    ],
    ["C3", "Gamma", "Fox", "9000", "2027-02-20", "", "10", "6", "", "0", "2026-11-20", "Core"],
]


def load(ctx, tmp_path: Path, rows=ROWS, name="a.csv", as_of=None) -> None:
    import_file(ctx, write_csv(tmp_path / name, [HEADER, *rows]), ImportOptions(as_of=as_of))


def members(ctx, name: str) -> list[str]:
    return sorted(segment_members(ctx, name).index)


def test_builtins_are_shipped_once_and_stay_deleted(ctx, db_url: str) -> None:
    names = [s.name for s in list_segments(ctx)]
    assert names == [b[0] for b in BUILTIN_SEGMENTS]
    remove_segment(ctx, "Low adoption")
    from cspm.service.context import AppContext

    again = AppContext.open(db_url, today=ctx.today)
    assert "Low adoption" not in [s.name for s in list_segments(again)]
    again.close()


def test_builtin_membership_on_a_crafted_portfolio(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    assert members(ctx, "Renewal in next 90 days") == ["A1", "C3"]
    assert members(ctx, "Expansion potential") == ["A1"]  # 97% of seats
    assert members(ctx, "At risk") == ["A1"]  # health 40
    assert members(ctx, "No interaction in 30+ days") == ["B2"]  # dates only
    assert members(ctx, "No interaction on record") == ["C3"]  # C3 has none
    assert members(ctx, "Unpaid invoices") == ["B2"]
    assert members(ctx, "Low adoption") == ["B2"]  # 30%
    assert members(ctx, "New this week") == ["C3"]
    assert members(ctx, "Onboarding") == ["C3"]
    assert members(ctx, "No QBR in 120 days") == ["A1", "B2"]  # Enterprise/Mid-Market only
    summary = {s.name: s for s in list_segments(ctx)}
    assert summary["Renewal in next 90 days"].count == 2
    assert summary["Renewal in next 90 days"].arr == 159_000


def test_membership_is_live_after_an_import(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    assert members(ctx, "Unpaid invoices") == ["B2"]
    rows = [list(r) for r in ROWS]
    rows[1][9] = "0"
    load(ctx, tmp_path, rows, name="b.csv")
    assert members(ctx, "Unpaid invoices") == []


def test_health_drop_uses_effective_history(ctx, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][5] = "85"
    load(ctx, tmp_path, rows, name="sep.csv", as_of=dt.date(2026, 9, 30))
    rows[1][5] = "66"
    load(ctx, tmp_path, rows, name="nov.csv", as_of=dt.date(2026, 11, 20))
    assert "B2" in members(ctx, "At risk")  # dropped 19 points since a snapshot >= 30 days old
    _, key, lines = why(ctx, "At risk", "Beta")
    assert key == "B2"
    assert any("dropped by 19" in line for line in lines)


def test_computed_health_is_stored_in_snapshots_for_drop_rules(ctx, tmp_path: Path) -> None:
    header = [
        "Account ID",
        "Account Name",
        "ARR",
        "Seats Purchased",
        "Active Seats",
        "Open Tickets",
    ]
    write_csv(tmp_path / "sep.csv", [header, ["Z9", "Zed", "1000", "100", "100", "0"]])
    import_file(ctx, tmp_path / "sep.csv", ImportOptions(as_of=dt.date(2026, 9, 30)))
    write_csv(tmp_path / "nov.csv", [header, ["Z9", "Zed", "1000", "100", "20", "4"]])
    import_file(ctx, tmp_path / "nov.csv", ImportOptions(as_of=dt.date(2026, 11, 20)))
    p = load_portfolio(ctx)
    history = p.history[p.history["key"] == "Z9"].sort_values("as_of")
    assert history["health_score"].notna().all()  # the computed score, kept per snapshot
    assert history["health_score"].iloc[0] > history["health_score"].iloc[1]
    assert p.frame.loc["Z9", "health_source"] == "computed"
    assert "Z9" in members(ctx, "At risk")


def test_add_edit_remove_and_live_count(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    rule = {
        "all": [
            {"field": "owner", "op": "=", "value": "dana"},
            {"field": "arr", "op": ">=", "value": 100000},
        ]
    }
    s = add_segment(ctx, "Dana's big ones", rule, "for the pipeline review")
    assert (s.count, s.arr) == (1, 150_000)
    s = edit_segment(
        ctx,
        "dana's BIG ones",
        rule={"field": "owner", "op": "=", "value": "Dana"},
        new_name="Dana's accounts",
    )
    assert (s.name, s.count) == ("Dana's accounts", 2)
    assert [a for a in list_accounts(ctx, segment="dana's accounts")["external_id"]] == ["A1", "B2"]
    remove_segment(ctx, "Dana's accounts")
    assert "Dana's accounts" not in [x.name for x in list_segments(ctx)]


def test_custom_columns_can_be_segmented(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    s = add_segment(ctx, "Core product", {"field": "product_line", "op": "=", "value": "core"})
    assert s.count == 2


@pytest.mark.parametrize(
    "rule,message",
    [
        ({"field": "helth_score", "op": "<", "value": 50}, "did you mean 'health_score'"),
        ({"field": "arr", "op": "within_next_days", "value": 5}, "date"),
        ({"field": "arr", "op": "between", "value": 5}, "between"),
    ],
)
def test_bad_rules_are_refused_when_saved(ctx, rule, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        add_segment(ctx, "Broken", rule)
    assert "Broken" not in [s.name for s in list_segments(ctx)]


def test_duplicate_name_refused(ctx) -> None:
    with pytest.raises(BadInputError, match="already exists"):
        add_segment(ctx, "at risk", {"field": "arr", "op": ">", "value": 1})


def test_export_import_round_trip(ctx, tmp_path: Path, db_url: str) -> None:
    load(ctx, tmp_path)
    add_segment(ctx, "Dana", {"field": "owner", "op": "=", "value": "Dana"}, "hers")
    path = tmp_path / "shared.json"
    assert export_segments(ctx, path, ["Dana", "At risk"]) == 2
    doc = json.loads(path.read_text())
    assert [s["name"] for s in doc["segments"]] == ["At risk", "Dana"]
    remove_segment(ctx, "Dana")
    assert import_segments(ctx, path, replace=True) == ["At risk", "Dana"]
    assert members(ctx, "Dana") == ["A1", "B2"]
    with pytest.raises(BadInputError, match="already exists"):
        import_segments(ctx, path)


def test_import_of_a_bad_definition_imports_nothing(ctx, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "segments": [
                    {"name": "Fine", "rule": {"field": "arr", "op": ">", "value": 1}},
                    {"name": "Bad", "rule": {"field": "nope", "op": ">", "value": 1}},
                ]
            }
        )
    )
    with pytest.raises(BadInputError, match="segment 'Bad'"):
        import_segments(ctx, path)
    assert "Fine" not in [s.name for s in list_segments(ctx)]


def test_renaming_a_tier_updates_rules(ctx, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    rename_tier(ctx, "Mid-Market", "Growth")
    qbr = next(s for s in list_segments(ctx) if s.name == "No QBR in 120 days")
    active_accounts_rule = qbr.rule["all"][1]  # the built-in leaves churned accounts out
    assert active_accounts_rule["all"][1]["value"] == ["Enterprise", "Growth"]
    assert members(ctx, "No QBR in 120 days") == ["A1", "B2"]
    assert load_portfolio(ctx).frame.loc["B2", "tier"] == "Growth"


def test_cli_segments_json_and_accounts_segments(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    assert main(["--db", db_url, "--today", "2026-11-23", "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "--today", "2026-11-23", "segments", "--format", "json"]) == 0
    listed = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert {"name", "description", "count", "arr", "builtin", "rule"} <= set(listed["At risk"])
    assert listed["Unpaid invoices"]["count"] == 1
    assert main(["--db", db_url, "--today", "2026-11-23", "accounts", "--format", "json"]) == 0
    accounts = {a["external_id"]: a for a in json.loads(capsys.readouterr().out)}
    assert accounts["B2"]["segments"] == sorted(accounts["B2"]["segments"])
    assert "Unpaid invoices" in accounts["B2"]["segments"]
    assert accounts["C3"]["health_score"] is not None  # computed, the file had none
    rule = '{"field": "owner", "op": "=", "value": "Fox"}'
    assert main(["--db", db_url, "segments", "add", "Fox", "--rule", rule]) == 0
    assert main(["--db", db_url, "--today", "2026-11-23", "segments", "why", "Fox", "Gamma"]) == 0
    assert "C3 is in 'Fox' because" in capsys.readouterr().out
    assert main(["--db", db_url, "segments", "add", "Bad", "--rule", "{nope"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["--db", db_url, "accounts", "--segment", "No such"]) == 2
