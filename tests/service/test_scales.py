"""Scales decided per column from its values, said in the summary, changeable by the user."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.service.imports import ImportOptions, import_file, prepare_import
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv

D = dt.datetime
HEAD = ["Account ID", "Account Name", "ARR", "Contract Start", "NPS", "Health Score"]


def frame(ctx) -> pd.DataFrame:
    return load_portfolio(ctx).frame.sort_index()


def notes(result) -> list[str]:
    return [p.sentence() for p in result.problems if p.severity == "info"]


def test_account_level_nps_is_points_and_makes_no_advocates(ctx, tmp_path) -> None:
    rows = [
        HEAD,
        ["N1", "Alpha", 50_000, "2022-01-01", 45, 90],
        ["N2", "Beta", 50_000, "2022-01-01", -20, 85],
        ["N3", "Gamma", 50_000, "2022-01-01", 30, 95],
    ]
    result = import_file(ctx, write_csv(tmp_path / "nps.csv", rows))
    assert (
        "Column 'NPS': read as account NPS in points (-100..100): values from -20 to 45"
        in notes(result)
    )
    assert result.mapping["NPS"] == "nps_points"
    f = frame(ctx)
    assert list(f["nps_points"]) == [45, -20, 30]
    assert f["nps"].isna().all()
    assert (f["lifecycle_stage"] != "Advocate").all()


def test_zero_to_ten_nps_stays_an_answer(ctx, tmp_path) -> None:
    rows = [HEAD, ["N1", "Alpha", 50_000, "2022-01-01", 9, 90]]
    result = import_file(ctx, write_csv(tmp_path / "nps.csv", rows))
    assert "Column 'NPS': read as 0-10 answers: every value is 9" in notes(result)
    assert frame(ctx).loc["N1", "lifecycle_stage"] == "Advocate"


def test_nps_scale_chosen_by_hand(ctx, tmp_path) -> None:
    rows = [HEAD, ["N1", "Alpha", 50_000, "2022-01-01", 8, 90]]
    path = write_csv(tmp_path / "nps.csv", rows)
    prepared = prepare_import(ctx, path, ImportOptions(scales={"NPS": "points"}))
    assert prepared.mapping.field_columns()["nps_points"] == "NPS"
    assert "(your choice)" in " ".join(p.message for p in prepared.plan.notes)


@pytest.mark.parametrize(
    ("values", "scale", "expected"),
    [
        ([7, 8.5, 3], "0-10", [70, 85, 30]),
        ([0.7, 0.85, 0.3], "0-1", [70, 85, 30]),
        ([70, 85, 30], "0-100", [70, 85, 30]),
    ],
)
def test_health_scale_from_the_values(ctx, tmp_path, values, scale, expected) -> None:
    rows = [HEAD] + [
        [f"H{i}", f"Acct {i}", 1_000, "2022-01-01", None, v] for i, v in enumerate(values)
    ]
    result = import_file(ctx, write_csv(tmp_path / "health.csv", rows))
    assert any(
        n.startswith(f"Column 'Health Score': read on a {scale} scale") for n in notes(result)
    )
    assert list(frame(ctx)["imported_health_score"]) == expected


def test_health_words_are_not_rescaled(ctx, tmp_path) -> None:
    rows = [HEAD, ["H1", "A", 1, None, None, 7], ["H2", "B", 1, None, None, "Green"]]
    import_file(ctx, write_csv(tmp_path / "health.csv", rows))
    assert list(frame(ctx)["imported_health_score"]) == [70, 80]


@pytest.mark.parametrize(
    ("scales", "message"),
    [
        ({"Nope": "points"}, "No column 'Nope'"),
        ({"NPS": "0-1"}, "'0-1' is not a scale for column 'NPS'"),
        ({"ARR": "points"}, "Column 'ARR' has no scale to choose"),
    ],
)
def test_bad_scale_is_one_sentence(ctx, tmp_path, scales, message) -> None:
    rows = [HEAD, ["N1", "Alpha", 50_000, "2022-01-01", 8, 90]]
    with pytest.raises(BadInputError, match=message):
        prepare_import(ctx, write_csv(tmp_path / "n.csv", rows), ImportOptions(scales=scales))
