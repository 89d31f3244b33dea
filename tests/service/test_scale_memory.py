"""A column's scale follows the database's earlier imports of it when its values allow both.

A filtered report of at-risk accounts ("Health Score" 5, 8, 10 on 0-100) used to be read as
0-10 and stored as 50, 80, 100: three accounts at risk became healthy and left "At risk". An
account NPS report whose accounts all happen to sit at 0-10 points became 0-10 answers.
"""

from __future__ import annotations

import datetime as dt

from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv

JULY, AUGUST = ImportOptions(as_of=dt.date(2026, 7, 1)), ImportOptions(as_of=dt.date(2026, 8, 1))


def notes(result) -> list[str]:
    return [p.sentence() for p in result.problems if p.severity == "info"]


def test_low_health_scores_keep_the_scale_of_earlier_imports(ctx, tmp_path) -> None:
    head = ["Account ID", "Account Name", "ARR", "Health Score"]
    full = [head, ["H1", "One", 50_000, 85], ["H2", "Two", 60_000, 40], ["H3", "Three", 70_000, 72]]
    import_file(ctx, write_csv(tmp_path / "all.csv", full), JULY)
    at_risk = [head[:2] + head[3:], ["H1", "One", 5], ["H2", "Two", 8], ["H3", "Three", 10]]
    result = import_file(ctx, write_csv(tmp_path / "at_risk.csv", at_risk), AUGUST)
    assert (
        "Column 'Health Score': read on a 0-100 scale: values from 5 to 10 (as earlier imports "
        "of this column)" in notes(result)
    )
    f = load_portfolio(ctx).frame.set_index("name")
    assert list(f.loc[["One", "Two", "Three"], "health_score"]) == [5, 8, 10]
    assert all("At risk" in s for s in f["segments"])


def test_values_that_rule_out_the_earlier_scale_decide(ctx, tmp_path) -> None:
    head = ["Account ID", "Account Name", "Health Score"]
    import_file(
        ctx, write_csv(tmp_path / "a.csv", [head, ["H1", "One", 8], ["H2", "Two", 6]]), JULY
    )
    result = import_file(
        ctx, write_csv(tmp_path / "b.csv", [head, ["H1", "One", 85], ["H2", "Two", 60]]), AUGUST
    )
    assert "Column 'Health Score': read on a 0-100 scale: values from 60 to 85" in notes(result)


def test_account_nps_in_points_stays_points(ctx, tmp_path) -> None:
    head = ["Account ID", "Account Name", "ARR", "Contract Start", "NPS", "Health Score"]
    first = [
        head,
        ["N1", "Alpha", 50_000, "2022-01-01", 45, 90],
        ["N2", "Beta", 50_000, "2022-01-01", -20, 85],
    ]
    import_file(ctx, write_csv(tmp_path / "q2.csv", first), JULY)
    later = [
        head,
        ["N1", "Alpha", 50_000, "2022-01-01", 9, 90],
        ["N2", "Beta", 50_000, "2022-01-01", 10, 85],
    ]
    result = import_file(ctx, write_csv(tmp_path / "q3.csv", later), AUGUST)
    assert result.mapping["NPS"] == "nps_points"
    f = load_portfolio(ctx).frame.set_index("name")
    assert list(f["nps_points"]) == [9, 10] and f["nps"].isna().all()
    assert (f["lifecycle_stage"] != "Advocate").all()
