"""The value step on its own: vocabulary, the user's and the profile's maps, three-valued flags."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.core.fields import FieldType
from cspm.core.parsing import parse_column
from cspm.core.settings import Settings
from cspm.core.value_maps import map_values
from cspm.core.vocabulary import status_meaning, value_key

SETTINGS = Settings()


def mapped(field: str, values: list, settings: Settings = SETTINGS, **kw) -> pd.Series:
    """The column as the value step hands it to the parser (unchanged when nothing maps)."""
    data = pd.DataFrame({"Col": pd.Series(values, dtype=object)})
    result = map_values(data, {"Col": field}, settings, **kw)
    return result.raw.get(field, data["Col"])


def parsed_flags(values: list, **kw) -> list:
    raw = mapped("churn_flag", values, **kw)
    return parse_column(raw, FieldType.BOOL).values.astype(object).tolist()


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        ("Closed Lost", "churned"),
        ("  former   CUSTOMER ", "churned"),
        ("Inactive", "churned"),
        ("Cancelled", "churned"),
        ("Non-renewing", "non_renewing"),
        ("trialing", "trial"),
        ("Customer", "active"),
        ("Prospect", "unknown"),
    ],
)
def test_status_vocabulary(word: str, meaning: str) -> None:
    assert status_meaning(value_key(word), SETTINGS) == meaning


def test_settings_lists_win_over_the_built_in_words() -> None:
    settings = replace(SETTINGS, churned_statuses=("non-renewing",))
    assert status_meaning("non-renewing", settings) == "churned"
    assert status_meaning("closed lost", settings) == "unknown"


def test_churn_column_is_three_valued() -> None:
    flags = parsed_flags(["Yes", "No", None, "", "n/a", "TRUE", "0", "Churned", "Retained"])
    assert flags == [True, False, pd.NA, pd.NA, pd.NA, True, False, True, False]


def test_churn_column_value_map_unknown_stays_missing_never_false() -> None:
    flags = parsed_flags(["Maybe", "Yes"], user={"Col": {"maybe": "unknown"}})
    assert flags == [pd.NA, True]


def test_status_mapped_by_hand_is_stored_as_the_meaning_word() -> None:
    raw = mapped(
        "status", ["Non-renewing", "Active", "Hold", None], user={"Col": {"Hold": "unknown"}}
    )
    assert raw.tolist()[:3] == ["Non-renewing", "Active", None]  # vocabulary words stay as written
    raw = mapped("status", ["Non-renewing", "Active"], user={"Col": {"non-renewing": "churned"}})
    assert raw.tolist() == ["Churned", "Active"]


def test_profile_maps_apply_where_they_fit_and_are_skipped_elsewhere() -> None:
    profile = {"col": {"non-renewing": "churned", "absent": "churned", "active": "nonsense"}}
    raw = mapped("status", ["Non-renewing", "Active"], profile=profile)
    assert raw.tolist() == ["Churned", "Active"]


def test_lifecycle_stage_words() -> None:
    raw = mapped("lifecycle_stage", ["Implementation", "adoption", "Closed Lost", "Whatever"])
    assert raw.tolist() == ["Onboarding", "Adoption", "Churned", "Whatever"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Tier 1", "tier 2", "T3"], ["Enterprise", "Mid-Market", "SMB"]),
        (["Gold", "Silver", "Bronze"], ["Enterprise", "Mid-Market", "SMB"]),
        (["Platinum", "Gold", "Silver", "Bronze"], ["Platinum", "Gold", "Silver", "Bronze"]),
        (["Tier 4", "mid-market"], ["Tier 4", "Mid-Market"]),
    ],
)
def test_tier_words_when_the_tier_is_imported(values, expected) -> None:
    imported = replace(SETTINGS, tier_source="imported")
    assert mapped("tier", values, imported).tolist() == expected
    assert mapped("tier", values).tolist() == values  # ARR bands decide: nothing is rewritten


def test_value_listing_for_the_wizard() -> None:
    data = pd.DataFrame({"Status": ["Active", "active ", "Closed Lost", None, "Prospect"]})
    result = map_values(data, {"Status": "status"}, SETTINGS)
    (column,) = result.columns
    listed = [(v.value, v.count, v.target, v.how) for v in column.values]
    assert listed == [
        ("Active", 2, "active", "vocabulary"),
        ("Closed Lost", 1, "churned", "vocabulary"),
        ("Prospect", 1, "unknown", "none"),
    ]
    assert [t for t, _ in column.choices] == [
        "active",
        "churned",
        "trial",
        "non_renewing",
        "unknown",
    ]


def test_a_large_column_costs_work_per_distinct_value() -> None:
    words = np.array(["Active", "Closed Lost", "Trial", "Non-renewing"], dtype=object)
    data = pd.DataFrame({"Status": words[np.arange(200_000) % 4]})
    result = map_values(data, {"Status": "status"}, SETTINGS, user={"Status": {"trial": "churned"}})
    assert result.raw["status"].value_counts()["Churned"] == 50_000


def test_user_map_on_a_custom_column_is_refused() -> None:
    data = pd.DataFrame({"Region Code": ["A"]})
    with pytest.raises(BadInputError, match="is not imported as a field"):
        map_values(data, {}, SETTINGS, user={"Region Code": {"A": "churned"}})


def test_unknown_status_words_are_named_once_per_column() -> None:
    data = pd.DataFrame({"Status": ["Paused", "Paused", "Prospect", "Active"]})
    result = map_values(data, {"Status": "status"}, SETTINGS)
    assert [m for _, _, m in result.notes] == [
        "no meaning known for 'Paused' (2 rows), 'Prospect' (1 row): they say nothing about "
        "churn or trial (map them with --value or in the wizard)"
    ]


def test_plan_values_can_be_renamed() -> None:
    raw = mapped("plan", ["ent", "Pro", None], user={"Col": {"ENT": "Enterprise"}})
    assert raw.tolist() == ["Enterprise", "Pro", None]


def test_settings_stored_with_the_old_default_words_read_as_the_new_defaults() -> None:
    old = {
        "churned_statuses": ["churned", "cancelled", "canceled", "lost"],
        "trial_statuses": ["trial"],
    }
    settings = Settings.from_dict(old)
    assert "closed lost" in settings.churned_statuses and "trialing" in settings.trial_statuses
    chosen = Settings.from_dict({"churned_statuses": ["churned", "gone"]})
    assert chosen.churned_statuses == ("churned", "gone")
