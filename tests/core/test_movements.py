"""Movements between two snapshots of the hand-built portfolio (2026-06-30 -> 2026-09-30):
tier migration matrix, stage transitions, segment entries/exits and the biggest changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.core.movements import (
    CHANGE_COLUMNS,
    CHURNED_LABEL,
    NEW_LABEL,
    STAGE_COLUMNS,
    TIER_MATRIX_COLUMNS,
    Movements,
    movements,
)
from cspm.core.settings import Settings
from tests.core.test_outcomes import S2, S3, STATES

TIERS = Settings().tier_names
ENT, MM, SMB = "Enterprise", "Mid-Market", "SMB"


def segments(state: pd.DataFrame) -> pd.DataFrame:
    live = ~state["churned"]
    return pd.DataFrame(
        {
            "At risk": live & (state["health_score"] <= 50),
            "Big": live & (state["arr"] >= 100_000),
        }
    )


@pytest.fixture(scope="module")
def q3() -> Movements:
    before, after = STATES[S2], STATES[S3]
    after_segments = segments(after).assign(Fresh=after.index == "SA4")
    return movements(before, after, segments(before), after_segments, top=3, tier_order=TIERS)


def test_tier_matrix_counts_and_arr(q3: Movements) -> None:
    m = q3.tier_matrix
    assert list(m.columns) == TIER_MATRIX_COLUMNS
    assert m.to_records(index=False).tolist() == [
        (NEW_LABEL, SMB, 1, 5_000.25, 0.0),  # SA4
        (ENT, ENT, 4, 560_001.00, 575_001.25),  # E1, E2, E3, M1 (M1 moved up last quarter)
        (MM, MM, 2, 65_000.05, 65_000.05),  # M3, M4
        (MM, SMB, 1, 20_000.00, 30_000.00),  # M6 moves down while contracting
        (SMB, SMB, 2, 21_999.99, 21_999.99),  # SA1, SA3
        (SMB, CHURNED_LABEL, 1, 0.0, 8_000.50),  # SA2 churns: its lost ARR is in arr_before
        (CHURNED_LABEL, MM, 1, 55_000.00, 0.0),  # M5 won back
        (CHURNED_LABEL, CHURNED_LABEL, 1, 0.0, 0.0),  # M2 stays lost
    ]
    assert m["count"].sum() == len(STATES[S3])
    assert m["count"].dtype == np.int64


def test_tier_matrix_arr_reconciles_with_outcomes(q3: Movements) -> None:
    live = STATES[S3][~STATES[S3]["churned"]]
    assert q3.tier_matrix["arr"].sum() == pytest.approx(live["arr"].sum())


def test_stage_transitions_include_unchanged_pairs(q3: Movements) -> None:
    s = q3.stage_transitions
    assert list(s.columns) == STAGE_COLUMNS
    assert s.to_records(index=False).tolist() == [
        (NEW_LABEL, "Onboarding", 1),  # SA4
        ("Onboarding", "Established", 1),  # E3
        ("Established", "Established", 8),
        ("Established", "Churned", 1),  # SA2
        ("Churned", "Established", 1),  # M5
        ("Churned", "Churned", 1),  # M2
    ]
    assert s["count"].sum() == len(STATES[S3])


def test_segments_entered_and_left(q3: Movements) -> None:
    assert q3.segments_entered == {"At risk": ["M5"], "Big": [], "Fresh": ["SA4"]}
    assert q3.segments_left == {"At risk": ["SA2"], "Big": [], "Fresh": []}


def test_top_arr_changes_biggest_first(q3: Movements) -> None:
    top = q3.top_arr_changes
    assert list(top.columns) == CHANGE_COLUMNS
    assert top.to_records(index=False).tolist() == [
        ("M5", "M5 Ltd", 0.0, 55_000.00, 55_000.00),  # win-back: from 0 (churned)
        ("E1", "E1 Ltd", 165_000.50, 140_000.25, -25_000.25),
        ("E3", "E3 Ltd", 120_000.75, 130_000.75, 10_000.00),  # ties with M6: by key
    ]
    everything = movements(STATES[S2], STATES[S3], segments(STATES[S2]), segments(STATES[S3]))
    assert everything.top_arr_changes["account"].tolist() == ["M5", "E1", "E3", "M6", "SA2"]
    assert everything.top_arr_changes["change"].tolist()[-1] == -8_000.50  # SA2's churn


def test_top_health_changes_skip_blanks_new_accounts_and_no_change() -> None:
    def frame(health: dict[str, float]) -> pd.DataFrame:
        keys = list(health)
        return pd.DataFrame(
            {
                "name": [k.upper() for k in keys],
                "tier": "SMB",
                "lifecycle_stage": "Established",
                "arr": 1_000.0,
                "health_score": [health[k] for k in keys],
                "nps": np.nan,
                "churned": False,
            },
            index=pd.Index(keys, dtype=str),
        )

    before = frame({"a": 50, "b": 80, "c": np.nan, "d": 70, "e": 60, "g": 30})
    after = frame({"a": 60, "b": 60, "c": 90, "d": 70, "e": 40, "f": 99, "g": np.nan})
    none = pd.DataFrame(index=before.index)
    got = movements(before, after, none, none).top_health_changes
    assert got.to_records(index=False).tolist() == [
        ("b", "B", 80.0, 60.0, -20.0),
        ("e", "E", 60.0, 40.0, -20.0),
        ("a", "A", 50.0, 60.0, 10.0),
    ]
    assert movements(before, after, none, none, top=1).top_health_changes["account"].tolist() == [
        "b"
    ]
    assert movements(before, after, none, none, top=0).top_health_changes.empty


def test_everything_new_and_unknown_labels() -> None:
    after = STATES[S2].copy()
    after.loc["M3", "tier"] = None
    after.loc["M4", "tier"] = "Strategic"
    empty = STATES[S2].iloc[0:0]
    got = movements(empty, after, pd.DataFrame(), segments(after), tier_order=TIERS)
    froms = set(got.tier_matrix["from"])
    assert froms == {NEW_LABEL}
    assert got.tier_matrix["to"].tolist() == [ENT, MM, SMB, "Strategic", "(none)", CHURNED_LABEL]
    assert got.stage_transitions["from"].unique().tolist() == [NEW_LABEL]
    assert got.top_arr_changes.empty and got.top_health_changes.empty
    assert got.segments_entered["Big"] == ["E1", "E2", "E3", "M1"]
    assert got.segments_left == {"At risk": [], "Big": []}


def test_an_account_only_in_before_is_read_as_unchanged() -> None:
    before = STATES[S2]
    after = STATES[S3].drop(index=["SA1"])
    got = movements(before, after, segments(before), segments(after), tier_order=TIERS)
    smb = got.tier_matrix[(got.tier_matrix["from"] == SMB) & (got.tier_matrix["to"] == SMB)]
    assert smb["count"].tolist() == [2]  # SA1 stays SMB
    assert "SA1" not in got.top_arr_changes["account"].tolist()
