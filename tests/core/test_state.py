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


def _per_field_reference(snapshots: pd.DataFrame, carried: dict, fields: list[str]) -> pd.DataFrame:
    """The rule written field by field, as derive_state did before grouping fields."""
    ordered = snapshots.sort_values(["as_of", "import_id"], kind="stable")
    accounts = pd.Index(ordered["account_id"].unique(), name="account_id")
    out = pd.DataFrame(index=accounts)
    import_ids = ordered["import_id"].to_numpy()
    for f in fields:
        carriers = [i for i, c in carried.items() if f in c]
        rows = ordered.loc[pd.Series(import_ids).isin(carriers).to_numpy()]
        last = rows.drop_duplicates("account_id", keep="last").set_index("account_id")[f]
        out[f] = last.reindex(accounts)
        if out[f].dtype != snapshots[f].dtype:
            out[f] = out[f].astype(snapshots[f].dtype)
    return out


def test_grouped_lookup_equals_the_per_field_rule_on_mixed_layouts() -> None:
    """Files of different layouts (a full export, a usage-only file, a billing file, one that
    carries nothing known) over a year, loaded out of order, with blanks and re-dated ties."""
    rng = np.random.default_rng(16)
    n = 3000
    layouts = {
        1: ["arr", "mau", "owner", "renewal_date", "is_reference"],
        2: ["mau"],
        3: ["arr", "renewal_date"],
        4: [],
        5: ["arr", "mau", "owner", "renewal_date", "is_reference"],
        6: ["owner", "is_reference"],
    }
    frame = pd.DataFrame(
        {
            "account_id": rng.integers(1, 400, n),
            "import_id": rng.integers(1, 7, n),
            "as_of": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 12, n) * 30, "D"),
            "arr": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(9, 1, n).round(2)),
            "mau": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 500, n).astype(float)),
            "owner": pd.Series(rng.choice(["Ann", "Bo", None], n), dtype=object),
            "renewal_date": pd.to_datetime(
                np.where(rng.random(n) < 0.1, None, "2027-03-31"), errors="coerce"
            ),
            "is_reference": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
            "custom": None,
        }
    )
    fields = ["arr", "mau", "owner", "renewal_date", "is_reference"]
    got = derive_state(frame, layouts, fields)[fields]
    pd.testing.assert_frame_equal(got, _per_field_reference(frame, layouts, fields))


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
