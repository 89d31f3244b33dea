"""The renewal forecast on the demo: a CSM's call is saved with who and why, undone, listed in
its history; the command line's JSON; accuracy of closed quarters; the workbook sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.service.context import AppContext
from cspm.service.export import export
from cspm.service.forecast import (
    forecast_accuracy,
    forecast_history,
    forecast_rows,
    forecast_totals,
    set_forecast,
)
from cspm.service.personal import USER, set_personal
from cspm.service.settings import set_value
from cspm.service.undo import undo
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401 (fixtures)


def renewing(ctx: AppContext) -> tuple[str, str, float]:
    rows = forecast_rows(ctx)
    row = rows[rows["category"] == "Likely"].iloc[0]
    return str(row["key"]), str(row["quarter"]), float(row["arr_up"])


def test_a_call_is_saved_with_who_and_why_and_undone(demo: AppContext) -> None:  # noqa: F811
    set_personal(USER, "Dana Lee")
    key, quarter, arr = renewing(demo)
    before = forecast_totals(demo).set_index(["quarter", "category"])
    set_forecast(demo, key, quarter, category="At risk", amount=arr / 2, reason="budget cut")
    row = forecast_rows(demo).set_index("key").loc[key]
    assert (row["category"], row["default_category"]) == ("At risk", "Likely")
    assert row["amount"] == round(arr / 2, 2)
    assert row["expected_arr"] == round(round(arr / 2, 2) * 0.5, 2)
    assert (row["override_by"], row["override_reason"]) == ("Dana Lee", "budget cut")
    after = forecast_totals(demo).set_index(["quarter", "category"])
    assert (
        after.loc[(quarter, "At risk"), "accounts"]
        == before.loc[(quarter, "At risk"), "accounts"] + 1
        if (quarter, "At risk") in before.index
        else 1
    )
    history = forecast_history(demo, key)
    assert len(history) == 1 and history[0].user == "Dana Lee"
    assert f"in {quarter}: At risk" in history[0].action
    undo(demo)
    assert not forecast_rows(demo).set_index("key").at[key, "overridden"]
    assert forecast_history(demo, key)[0].undone


def test_bad_calls_are_refused_in_one_sentence(demo: AppContext) -> None:  # noqa: F811
    key, quarter, _arr = renewing(demo)
    with pytest.raises(BadInputError, match="needs a reason"):
        set_forecast(demo, key, quarter, category="Commit")
    with pytest.raises(BadInputError, match="Unknown forecast category 'Maybe'"):
        set_forecast(demo, key, quarter, category="Maybe", reason="x")
    with pytest.raises(BadInputError, match="Unknown quarter '2031 Q1'"):
        set_forecast(demo, key, "2031 Q1", category="Commit", reason="x")
    with pytest.raises(BadInputError, match="between 0 and 1e12"):
        set_forecast(demo, key, quarter, amount=float("inf"), reason="x")


def test_probability_settings_change_the_expected_arr(demo: AppContext) -> None:  # noqa: F811
    likely = forecast_rows(demo)
    likely = likely[likely["category"] == "Likely"]
    set_value(demo, "forecast.likely", "0.5")
    now = forecast_rows(demo).set_index("key").loc[likely["key"]]
    assert (now["expected_arr"] == (now["amount"] * 0.5).round(2)).all()


def test_cli_json_and_grouping(demo: AppContext, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    key, quarter, _arr = renewing(demo)
    url = demo.db.url
    demo.close()
    args = ["--db", url, "--today", "2026-11-23"]
    assert main(["forecast", "--by", "tier", "--format", "json", *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc and set(doc[0]) == {
        "quarter", "group", "category", "accounts", "arr_up", "expected_arr",
    }  # fmt: skip
    assert {r["group"] for r in doc} <= {"Enterprise", "Mid-Market", "SMB", "Unassigned"}
    assert main(["forecast", "--by", "segment", "--format", "json", *args]) == 0
    assert json.loads(capsys.readouterr().out)
    set_call = ["forecast", "set", key, "--quarter", quarter, "--category", "Commit"]
    assert main([*set_call, *args]) == 2
    assert "needs a reason" in capsys.readouterr().err
    assert main([*set_call, "--reason", "signed early", *args]) == 0
    assert main(["forecast", "history", key, *args]) == 0
    assert "Commit" in capsys.readouterr().out
    assert main(["forecast", "--accounts", "--format", "json", *args]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[key]["category"] == "Commit" and rows[key]["overridden"] is True


def test_accuracy_of_closed_quarters(demo: AppContext) -> None:  # noqa: F811
    closed = forecast_accuracy(demo)
    assert len(closed) >= 3
    for q in closed:
        d = q.to_dict()
        assert d["accounts"] == sum(c["accounts"] for c in d["categories"])
        assert d["actual_arr"] >= 0 and d["expected_arr"] <= d["arr_up"]
    churn_rows = [c for q in closed for c in q.result.categories if c.category != "Commit"]
    assert sum(c.churned for c in churn_rows) > 0


def test_workbook_has_the_forecast_sheet(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    path = export(demo, tmp_path / "book.xlsx")
    wb = load_workbook(path, read_only=True)
    assert "Forecast" in wb.sheetnames
    cells = [c for row in wb["Forecast"].iter_rows(max_row=4, values_only=True) for c in row]
    assert "Renewal forecast by tier" in cells and "Expected ARR" in cells
