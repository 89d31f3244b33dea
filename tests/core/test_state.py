"""State derivation from snapshots: latest carrier wins, ties by load order, custom fields."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.state import derive_state, overlay_newest


def snaps(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["account_id", "import_id", "as_of", "arr", "mau", "custom"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    return df


def test_latest_snapshot_that_carried_each_field_wins() -> None:
    history = snaps(
        [
            (1, 1, "2026-01-01", 100.0, 10.0, None),
            (1, 2, "2026-03-01", np.nan, 30.0, None),  # usage-only file: arr not carried
            (1, 3, "2026-02-01", 200.0, np.nan, None),  # loaded later, older as-of
        ]
    )
    carried = {1: ["arr", "mau"], 2: ["mau"], 3: ["arr"]}
    out = derive_state(history, carried, ["arr", "mau"])
    assert out.loc[1, "arr"] == 200.0  # Feb carried arr and is newer than Jan
    assert out.loc[1, "mau"] == 30.0


def test_blank_in_a_carried_column_clears() -> None:
    history = snaps(
        [(1, 1, "2026-01-01", 100.0, 5.0, None), (1, 2, "2026-02-01", np.nan, 5.0, None)]
    )
    out = derive_state(history, {1: ["arr", "mau"], 2: ["arr", "mau"]}, ["arr", "mau"])
    assert np.isnan(out.loc[1, "arr"])


def test_equal_as_of_later_load_wins() -> None:
    history = snaps([(1, 5, "2026-01-01", 1.0, 1.0, None), (1, 4, "2026-01-01", 2.0, 2.0, None)])
    out = derive_state(history, {4: ["arr"], 5: ["arr"]}, ["arr"])
    assert out.loc[1, "arr"] == 1.0


def test_custom_values_merge_by_carrier() -> None:
    history = snaps(
        [
            (1, 1, "2026-01-01", 1.0, 1.0, {"plan_code": "A", "region_code": "EU"}),
            (1, 2, "2026-02-01", 1.0, 1.0, {"plan_code": "B"}),
        ]
    )
    carried = {1: ["arr", "custom:plan_code", "custom:region_code"], 2: ["arr", "custom:plan_code"]}
    out = derive_state(history, carried, ["arr"])
    assert out.loc[1, "custom"] == {"plan_code": "B", "region_code": "EU"}


def test_overlay_newest_equals_derivation_when_incoming_is_newest() -> None:
    history = snaps(
        [(1, 1, "2026-01-01", 100.0, 10.0, {"x": 1}), (2, 1, "2026-01-01", 5.0, 1.0, {"x": 2})]
    )
    carried = {1: ["arr", "mau", "custom:x"]}
    before = derive_state(history, carried, ["arr", "mau"])
    incoming = pd.DataFrame(
        {"mau": [99.0], "custom": [None]}, index=pd.Index([1], name="account_id")
    )
    after = overlay_newest(before, incoming, ["mau"])
    new_row = snaps([(1, 2, "2026-02-01", np.nan, 99.0, None)])
    derived = derive_state(pd.concat([history, new_row]), {**carried, 2: ["mau"]}, ["arr", "mau"])
    pd.testing.assert_frame_equal(after.loc[[1]], derived.loc[[1]], check_dtype=False)


def test_custom_values_come_from_the_latest_file_that_carried_each() -> None:
    history = snaps(
        [
            (1, 1, "2026-01-01", 1.0, 1.0, {"plan": "Gold", "region": "EU"}),
            (1, 2, "2026-02-01", 1.0, 1.0, {"plan": "Silver"}),  # carries plan only
            (1, 3, "2026-03-01", 1.0, 1.0, {"plan": "Bronze"}),  # carries no custom field
            (2, 2, "2026-02-01", 1.0, 1.0, None),  # carried plan, blank cell
            (3, 3, "2026-03-01", 1.0, 1.0, {"plan": "x"}),  # nothing custom carried
        ]
    )
    carried = {
        1: ["arr", "custom:plan", "custom:region"],
        2: ["arr", "custom:plan"],
        3: ["arr"],
    }
    out = derive_state(history, carried, ["arr"])
    assert out.loc[1, "custom"] == {"plan": "Silver", "region": "EU"}
    assert out.loc[2, "custom"] == {"plan": None}
    assert pd.isna(out.loc[3, "custom"])
