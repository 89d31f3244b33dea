"""Tier assignment: band edges, missing ARR, overrides, imported tiers and reason texts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cspm.core.settings import UNASSIGNED_TIER, Settings, TierBand
from cspm.core.tiers import TIER_SOURCES, assign_tiers, tier_from_arr

DEFAULT = Settings()
IMPORTED = replace(DEFAULT, tier_source="imported")


@pytest.mark.parametrize(
    ("arr", "tier"),
    [
        (24_999.99, "SMB"),
        (25_000.0, "Mid-Market"),
        (99_999.99, "Mid-Market"),
        (100_000.0, "Enterprise"),
        (np.nan, UNASSIGNED_TIER),
        (0.0, "SMB"),
        (0.01, "SMB"),
        (-500.0, "SMB"),  # negative ARR (credits) counts in the lowest band
        (2_500_000.0, "Enterprise"),
    ],
)
def test_default_band_edges(arr: float, tier: str) -> None:
    result = tier_from_arr(pd.Series([arr]), DEFAULT.tier_bands)
    assert result.tolist() == [tier]
    frame = assign_tiers(pd.DataFrame({"arr": [arr]}), DEFAULT)
    assert frame["tier"].tolist() == [tier]


def test_tier_from_arr_keeps_index_and_is_str() -> None:
    arr = pd.Series([150_000.0, np.nan, 30_000.0], index=[10, 20, 30])
    result = tier_from_arr(arr, DEFAULT.tier_bands)
    assert result.index.tolist() == [10, 20, 30]
    assert result.dtype == "str"
    assert result.tolist() == ["Enterprise", UNASSIGNED_TIER, "Mid-Market"]


def test_bands_in_any_order_and_custom_minimum() -> None:
    bands = (TierBand("Small", 1_000), TierBand("Large", 50_000), TierBand("Medium", 10_000))
    arr = pd.Series([999.0, 1_000.0, 9_999.0, 10_000.0, 50_000.0, np.nan])
    assert tier_from_arr(arr, bands).tolist() == [
        "Small",  # below every minimum but known: the lowest band
        "Small",
        "Small",
        "Medium",
        "Large",
        UNASSIGNED_TIER,
    ]


def test_equal_minimums_first_configured_band_wins() -> None:
    bands = (TierBand("Gold", 100), TierBand("Platinum", 100), TierBand("Base", 0))
    assert tier_from_arr(pd.Series([150.0]), bands).tolist() == ["Gold"]


def test_no_bands_everything_unassigned() -> None:
    settings = replace(DEFAULT, tier_bands=())
    out = assign_tiers(pd.DataFrame({"arr": [5.0, np.nan]}), settings)
    assert out["tier"].tolist() == [UNASSIGNED_TIER] * 2
    assert out["tier_source"].tolist() == ["none", "none"]
    assert out["tier_reason"].tolist() == ["no tier bands configured"] * 2


def test_reasons_name_amount_threshold_and_band() -> None:
    frame = pd.DataFrame({"arr": [240_000.0, 24_999.99, 25_000.0, np.nan, -1_200.0, 0.0]})
    out = assign_tiers(frame, DEFAULT)
    assert out["tier_reason"].tolist() == [
        "ARR $240,000 >= $100,000 (Enterprise band)",
        "ARR $24,999.99 >= $0 (SMB band)",
        "ARR $25,000 >= $25,000 (Mid-Market band)",
        "no ARR",
        "ARR -$1,200 is below every band minimum; counted in the lowest band (SMB)",
        "ARR $0 >= $0 (SMB band)",
    ]
    assert out["tier_source"].tolist() == ["arr_band"] * 3 + ["none"] + ["arr_band"] * 2


def test_output_shape_types_and_index() -> None:
    frame = pd.DataFrame({"arr": [1.0, 2e5]}, index=pd.Index([7, 3], name="account_id"))
    out = assign_tiers(frame, DEFAULT)
    assert list(out.columns) == ["tier", "tier_source", "tier_reason"]
    assert out.index.equals(frame.index)
    assert all(out[c].dtype == "str" for c in out.columns)
    assert set(out["tier_source"]) <= set(TIER_SOURCES)


def test_missing_arr_column_and_empty_frame() -> None:
    out = assign_tiers(pd.DataFrame(index=[1, 2]), DEFAULT)
    assert out["tier"].tolist() == [UNASSIGNED_TIER] * 2
    assert out["tier_reason"].tolist() == ["no ARR"] * 2
    empty = assign_tiers(pd.DataFrame({"arr": pd.Series([], dtype=float)}), DEFAULT)
    assert empty.empty
    assert list(empty.columns) == ["tier", "tier_source", "tier_reason"]


def test_arr_given_as_nullable_or_object_values() -> None:
    frame = pd.DataFrame({"arr": pd.array([100_000, None, 30_000], dtype="Float64")})
    assert assign_tiers(frame, DEFAULT)["tier"].tolist() == [
        "Enterprise",
        UNASSIGNED_TIER,
        "Mid-Market",
    ]
    odd = pd.DataFrame({"arr": pd.Series(["25000", None, "n/a"], dtype=object)})
    assert assign_tiers(odd, DEFAULT)["tier"].tolist() == [
        "Mid-Market",
        UNASSIGNED_TIER,
        UNASSIGNED_TIER,
    ]


# --- overrides -----------------------------------------------------------------------------------


def test_override_wins_case_insensitively_with_configured_spelling() -> None:
    frame = pd.DataFrame({"arr": [1_000.0, 500_000.0, np.nan, 40_000.0]})
    overrides = pd.Series([" enterprise ", np.nan, "smb", None])
    out = assign_tiers(frame, DEFAULT, overrides)
    assert out["tier"].tolist() == ["Enterprise", "Enterprise", "SMB", "Mid-Market"]
    assert out["tier_source"].tolist() == ["override", "arr_band", "override", "arr_band"]
    assert out["tier_reason"].iloc[0] == "override: set to Enterprise (by user)"


def test_override_note_in_reason() -> None:
    frame = pd.DataFrame({"arr": [1_000.0, 2_000.0]})
    out = assign_tiers(
        frame,
        DEFAULT,
        pd.Series(["Enterprise", "Enterprise"]),
        override_notes=pd.Series([" strategic logo ", np.nan]),
    )
    assert out["tier_reason"].tolist() == [
        "override: strategic logo (by user)",
        "override: set to Enterprise (by user)",
    ]


def test_override_reason_names_who_pinned_it_when_known() -> None:
    frame = pd.DataFrame({"arr": [1_000.0, 2_000.0, 3_000.0]})
    out = assign_tiers(
        frame,
        DEFAULT,
        pd.Series(["Enterprise", "Enterprise", np.nan]),
        override_notes=pd.Series(["strategic logo", np.nan, np.nan]),
        override_by=pd.Series(["Dana Lee", None, "Robin Park"]),
    )
    assert out["tier_reason"].tolist()[:2] == [
        "override: strategic logo (by Dana Lee)",
        "override: set to Enterprise (by user)",  # pinned before cspm recorded who
    ]
    assert out["tier_source"].iloc[2] == "arr_band"  # a name without a pin pins nothing


def test_override_to_unassigned_is_allowed() -> None:
    out = assign_tiers(pd.DataFrame({"arr": [500_000.0]}), DEFAULT, pd.Series(["unassigned"]))
    assert out["tier"].tolist() == [UNASSIGNED_TIER]
    assert out["tier_source"].tolist() == ["override"]


def test_unknown_override_is_ignored_and_explained() -> None:
    out = assign_tiers(pd.DataFrame({"arr": [30_000.0]}), DEFAULT, pd.Series(["Gold"]))
    assert out["tier"].tolist() == ["Mid-Market"]
    assert out["tier_source"].tolist() == ["arr_band"]
    assert out["tier_reason"].iloc[0] == (
        "override 'Gold' ignored (not a configured tier); ARR $30,000 >= $25,000 (Mid-Market band)"
    )


def test_blank_override_means_none() -> None:
    out = assign_tiers(pd.DataFrame({"arr": [30_000.0]}), DEFAULT, pd.Series(["   "]))
    assert out["tier_source"].tolist() == ["arr_band"]
    assert out["tier_reason"].iloc[0] == "ARR $30,000 >= $25,000 (Mid-Market band)"


def test_overrides_align_by_index_not_position() -> None:
    frame = pd.DataFrame({"arr": [1_000.0, 1_000.0, 1_000.0]}, index=["a", "b", "c"])
    overrides = pd.Series(["Enterprise"], index=["c"])  # only some accounts, any order
    out = assign_tiers(frame, DEFAULT, overrides)
    assert out["tier"].tolist() == ["SMB", "SMB", "Enterprise"]


def test_override_beats_imported_tier() -> None:
    frame = pd.DataFrame({"arr": [1_000.0], "tier": ["Mid-Market"]})
    out = assign_tiers(frame, IMPORTED, pd.Series(["Enterprise"]))
    assert out["tier"].tolist() == ["Enterprise"]
    assert out["tier_source"].tolist() == ["override"]


# --- imported tiers ------------------------------------------------------------------------------


def test_imported_source_uses_the_files_tier() -> None:
    frame = pd.DataFrame(
        {
            "arr": [1_000.0, 500_000.0, 30_000.0, np.nan, 30_000.0, 30_000.0],
            "tier": ["enterprise", " SMB ", "Gold", "MID-MARKET", None, "Unassigned"],
        }
    )
    out = assign_tiers(frame, IMPORTED)
    assert out["tier"].tolist() == [
        "Enterprise",
        "SMB",
        "Mid-Market",
        "Mid-Market",
        "Mid-Market",
        "Mid-Market",
    ]
    assert out["tier_source"].tolist() == [
        "imported",
        "imported",
        "arr_band",
        "imported",
        "arr_band",
        "arr_band",
    ]
    reasons = out["tier_reason"].tolist()
    assert reasons[0] == "imported tier 'enterprise'"
    assert reasons[2] == (
        "imported tier 'Gold' is not a configured tier; ARR $30,000 >= $25,000 (Mid-Market band)"
    )
    assert reasons[4] == "no imported tier; ARR $30,000 >= $25,000 (Mid-Market band)"
    # "Unassigned" is not a band: the ARR band decides.
    assert reasons[5].startswith("imported tier 'Unassigned' is not a configured tier; ")


def test_imported_source_without_tier_column_falls_back_to_bands() -> None:
    out = assign_tiers(pd.DataFrame({"arr": [np.nan, 150_000.0]}), IMPORTED)
    assert out["tier"].tolist() == [UNASSIGNED_TIER, "Enterprise"]
    assert out["tier_source"].tolist() == ["none", "arr_band"]
    assert out["tier_reason"].tolist() == [
        "no imported tier; no ARR",
        "no imported tier; ARR $150,000 >= $100,000 (Enterprise band)",
    ]


def test_arr_band_source_ignores_the_files_tier() -> None:
    frame = pd.DataFrame({"arr": [1_000.0], "tier": ["Enterprise"]})
    out = assign_tiers(frame, DEFAULT)
    assert out["tier"].tolist() == ["SMB"]
    assert out["tier_source"].tolist() == ["arr_band"]


# --- scale ---------------------------------------------------------------------------------------


def test_whole_portfolio_matches_a_row_by_row_reading() -> None:
    """The vectorised result equals the rule read one account at a time."""
    rng = np.random.default_rng(11)
    arr = np.round(rng.lognormal(10, 1.5, 3_000), 2)
    arr[rng.random(arr.size) < 0.1] = np.nan
    out = tier_from_arr(pd.Series(arr), DEFAULT.tier_bands)

    def by_hand(v: float) -> str:
        if np.isnan(v):
            return UNASSIGNED_TIER
        return "Enterprise" if v >= 100_000 else "Mid-Market" if v >= 25_000 else "SMB"

    assert out.tolist() == [by_hand(v) for v in arr]


def test_churned_account_keeps_the_tier_of_its_last_arr() -> None:
    """Churned accounts arrive with ARR 0; the analysis hands their last ARR as `last_arr`."""
    frame = pd.DataFrame({"arr": [0.0, np.nan, 0.0, 0.0]}, index=["lost", "gone", "free", "new"])
    last = pd.Series([150_000.0, 30_000.0, np.nan, np.nan], index=frame.index)
    out = assign_tiers(frame, Settings(), last_arr=last)
    assert out["tier"].tolist() == ["Enterprise", "Mid-Market", "SMB", "SMB"]
    assert out.loc["lost", "tier_reason"] == (
        "churned; last ARR $150,000 >= $100,000 (Enterprise band)"
    )
    assert out.loc["free", "tier_reason"].startswith("ARR $0 ")


def test_last_arr_never_replaces_a_current_positive_arr() -> None:
    frame = pd.DataFrame({"arr": [20_000.0]}, index=["a"])
    out = assign_tiers(frame, Settings(), last_arr=pd.Series([500_000.0], index=["a"]))
    assert out.loc["a", "tier"] == "SMB"
