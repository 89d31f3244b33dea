"""Scale decisions from a column's values, and the profile document they are saved in."""

from __future__ import annotations

import pandas as pd

from cspm.core.mapping import auto_map
from cspm.core.profiles import ProfileDocument
from cspm.core.scales import decide_scales, plain_numbers


def decide(column: str, values: list, **kw):
    data = pd.DataFrame(
        {"Account ID": ["a"] * len(values), column: pd.Series(values, dtype=object)}
    )
    return decide_scales(data, auto_map(list(data.columns)), **kw)


def test_plain_numbers_leave_percent_and_words_out() -> None:
    mask, values = plain_numbers(pd.Series([7, "8.5", "85%", "Green", None, "n/a"], dtype=object))
    assert mask.tolist() == [True, True, False, False, False, False]
    assert values[:2].tolist() == [7.0, 8.5]


def test_nps_outside_zero_to_ten_becomes_points() -> None:
    mapping, (decision,) = decide("NPS", [45, -20, 3])
    assert mapping.field_columns()["nps_points"] == "NPS" and "nps" not in mapping.field_columns()
    assert decision.message() == (
        "read as account NPS in points (-100..100): values from -20 to 45"
    )


def test_nps_within_zero_to_ten_stays_an_answer() -> None:
    mapping, (decision,) = decide("NPS", [0, 10, 7.5])
    assert mapping.field_columns()["nps"] == "NPS" and decision.scale == "response"


def test_profile_scale_applies_user_scale_wins() -> None:
    _, (d,) = decide("NPS", [8], profile={"nps": "points"})
    assert (d.scale, d.how) == ("points", "profile")
    _, (d,) = decide("NPS", [8], profile={"nps": "points"}, user={"NPS": "0-10"})
    assert (d.scale, d.how) == ("response", "yours")


def test_health_scale_needs_a_fraction_to_be_zero_to_one() -> None:
    assert decide("Health Score", [0, 1, 1])[1][0].scale == "0-10"
    assert decide("Health Score", [0.2, 1])[1][0].scale == "0-1"
    assert decide("Health Score", [5, 55])[1][0].scale == "0-100"
    assert decide("Health Score", ["Green", "Red"])[1] == []  # nothing to decide from


def test_old_flat_profiles_still_load_and_plain_ones_are_saved_flat() -> None:
    old = {"account id": "external_id", "columns": "custom"}
    assert ProfileDocument.from_stored(old).columns == old
    assert ProfileDocument(old).to_stored() == old
    doc = ProfileDocument(old, {"status": {"non-renewing": "churned"}}, {"nps": "points"})
    assert ProfileDocument.from_stored(doc.to_stored()) == doc
