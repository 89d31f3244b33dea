"""Churn and status words as the CRMs and sample datasets write them, on real files.

Each test is a Why-bullet of issue 11: a file whose churn is written in a vocabulary cspm did
not know left every account active.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.service.imports import ImportOptions, import_file, prepare_import
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import get_settings, save_settings
from tests.files import write_csv, write_xlsx

D = dt.datetime


def frame(ctx) -> pd.DataFrame:
    return load_portfolio(ctx).frame.sort_index()


def telco(path: Path) -> Path:
    """The telecom churn sample's shape: one row per customer, `Churn` Yes/No."""
    header = ["customerID", "gender", "tenure", "Contract", "MonthlyCharges", "Churn"]
    rows = [
        ["7590-VHVEG", "Female", 1, "Month-to-month", 29.85, "No"],
        ["5575-GNVDE", "Male", 34, "One year", 56.95, "No"],
        ["3668-QPYBK", "Male", 2, "Month-to-month", 53.85, "Yes"],
        ["7795-CFOCW", "Male", 45, "One year", 42.30, "No"],
        ["9237-HQITU", "Female", 2, "Month-to-month", 70.70, "Yes"],
        ["9305-CDSKC", "Female", 8, "Month-to-month", 99.65, "No"],
        ["1452-KIOVK", "Male", 22, "Month-to-month", 89.10, "No"],
        ["6713-OKOMC", "Female", 10, "Month-to-month", 29.75, "No"],
    ]
    return write_csv(path, [header, *rows])


def test_churn_yes_column_makes_a_quarter_of_the_accounts_churned(ctx, tmp_path) -> None:
    # "Churn" becomes a churn_flag synonym with the mapping work of issue 11; mapped here.
    options = ImportOptions(mapping={"Churn": "churn_flag", "customerID": "external_id"})
    result = import_file(ctx, telco(tmp_path / "telco.csv"), options)
    assert result.status == "imported"
    f = frame(ctx)
    churned = sorted(f.index[f["lifecycle_stage"] == "Churned"])
    assert churned == ["3668-QPYBK", "9237-HQITU"]
    assert f.loc["3668-QPYBK", "stage_reason"] == "the churn column says churned"
    # churned accounts are out of the active segments (built-ins exclude stage Churned)
    assert f.loc["5575-GNVDE", "lifecycle_stage"] != "Churned"
    assert not any("At risk" in s for s in f.loc["3668-QPYBK", "segments"])


def test_churn_flag_true_false_and_blank_stays_unknown(ctx, tmp_path) -> None:
    path = write_csv(
        tmp_path / "flags.csv",
        [
            ["Account ID", "Account Name", "ARR", "Is Churned"],
            ["A1", "Alpha", 50_000, "TRUE"],
            ["A2", "Beta", 20_000, "FALSE"],
            ["A3", "Gamma", 10_000, ""],
            ["A4", "Delta", 10_000, "n/a"],
        ],
    )
    import_file(ctx, path)
    f = frame(ctx)
    assert f.loc["A1", "lifecycle_stage"] == "Churned"
    assert [f.loc[k, "lifecycle_stage"] != "Churned" for k in ("A2", "A3", "A4")] == [True] * 3
    assert f.loc["A1", "churn_flag"] is True or f.loc["A1", "churn_flag"] == True  # noqa: E712
    assert pd.isna(f.loc["A3", "churn_flag"]) and pd.isna(f.loc["A4", "churn_flag"])


STATUS_ROWS = [
    ["Account ID", "Account Name", "ARR", "Status"],
    ["S1", "Lost Co", 10_000, "Closed Lost"],
    ["S2", "Former Co", 10_000, "Former customer"],
    ["S3", "Dormant Co", 10_000, "Inactive"],
    ["S4", "Leaving Co", 10_000, "Non-renewing"],
    ["S5", "Happy Co", 10_000, "Customer"],
    ["S6", "Trying Co", 10_000, "Trialing"],
    ["S7", "Gone Co", 10_000, "Canceled"],
]


def test_closed_lost_former_customer_and_inactive_are_churned(ctx, tmp_path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "status.xlsx", STATUS_ROWS))
    stage = frame(ctx)["lifecycle_stage"].to_dict()
    assert [stage[k] for k in ("S1", "S2", "S3", "S7")] == ["Churned"] * 4
    assert stage["S4"] != "Churned"  # non-renewing: at risk, still a customer
    assert stage["S5"] != "Churned"
    assert stage["S6"] == "Trial"
    assert frame(ctx).loc["S2", "stage_reason"] == "status 'Former customer' is a churned status"


def test_status_value_map_by_hand_changes_the_meaning(ctx, tmp_path) -> None:
    path = write_xlsx(tmp_path / "status.xlsx", STATUS_ROWS)
    options = ImportOptions(
        value_maps={"Status": {"Non-renewing": "churned", "inactive": "active"}},
        save_profile="CRM status",
    )
    result = import_file(ctx, path, options)
    f = frame(ctx)
    assert f.loc["S4", "lifecycle_stage"] == "Churned"
    assert f.loc["S3", "lifecycle_stage"] != "Churned"
    notes = [p.sentence() for p in result.problems if p.severity == "info"]
    assert "Column 'Status': 'Non-renewing' (1 row) read as churned (your value map)" in notes, (
        notes
    )
    # the saved profile carries the value map to the next file of the same shape
    again = prepare_import(ctx, path, ImportOptions(profile="CRM status"))
    assert again.plan.frame.set_index("key").loc["S4", "status"] == "Churned"


def test_churned_status_list_is_a_setting(ctx, tmp_path) -> None:
    settings = get_settings(ctx)
    assert "closed lost" in settings.churned_statuses
    save_settings(ctx, replace(settings, churned_statuses=(*settings.churned_statuses, "Gone")))
    rows = [["Account ID", "Account Name", "ARR", "Status"], ["G1", "Gone Co", 1_000, "GONE"]]
    import_file(ctx, write_csv(tmp_path / "gone.csv", rows))
    assert frame(ctx).loc["G1", "lifecycle_stage"] == "Churned"


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        ({"Stat": {"Inactive": "active"}}, "No column 'Stat'"),
        ({"ARR": {"1": "active"}}, "Column 'ARR' holds amounts"),
        ({"Status": {"Dormant": "churned"}}, "has no value 'Dormant'"),
        ({"Status": {"Inactive": "gone"}}, "'gone' is not a meaning"),
    ],
)
def test_bad_value_map_is_one_sentence(ctx, tmp_path, maps, message) -> None:
    path = write_xlsx(tmp_path / "status.xlsx", STATUS_ROWS)
    with pytest.raises(BadInputError, match=message):
        prepare_import(ctx, path, ImportOptions(value_maps=maps))


def test_tier_words_map_to_configured_tiers_when_the_tier_is_imported(ctx, tmp_path) -> None:
    save_settings(ctx, replace(get_settings(ctx), tier_source="imported"))
    rows = [
        ["Account ID", "Account Name", "ARR", "Tier"],
        ["T1", "One", 5_000, "Tier 1"],
        ["T2", "Two", 5_000, "Tier 2"],
        ["T3", "Three", 500_000, "Tier 3"],
        ["T4", "Four", 5_000, "Gold"],
    ]
    path = write_csv(tmp_path / "tiers.csv", rows)
    result = import_file(ctx, path, ImportOptions(value_maps={"Tier": {"gold": "Enterprise"}}))
    tier = frame(ctx)["tier"].to_dict()
    assert tier == {"T1": "Enterprise", "T2": "Mid-Market", "T3": "SMB", "T4": "Enterprise"}
    notes = [p.sentence() for p in result.problems if p.severity == "info"]
    assert "Column 'Tier': 'Tier 1' (1 row) read as tier Enterprise" in notes, notes
