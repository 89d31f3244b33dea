"""The demo portfolio: shape, determinism, and the stories it has to tell."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from cspm.core.demo import COLUMNS, MIN_MONTHS, DemoSnapshot, generate_demo, snapshot_dates
from cspm.core.errors import BadInputError
from cspm.core.fields import FIELDS, normalise_header
from cspm.core.lifecycle import assign_stages
from cspm.core.settings import LIFECYCLE_STAGES, UNASSIGNED_TIER, Settings
from cspm.core.tiers import assign_tiers

TODAY = datetime.date(2026, 5, 13)
T = pd.Timestamp(TODAY)
SYNONYMS = {s: f.name for f in FIELDS.values() for s in f.synonyms}


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Header texts to canonical field names, the way a synonym mapping would."""
    return frame.rename(
        columns={h: SYNONYMS[normalise_header(h)] for h in frame if normalise_header(h) in SYNONYMS}
    )


@pytest.fixture(scope="module")
def demo() -> list[DemoSnapshot]:
    return generate_demo(300, TODAY)


@pytest.fixture(scope="module")
def last(demo: list[DemoSnapshot]) -> pd.DataFrame:
    return demo[-1].frame.set_index("Account ID")


@pytest.fixture(scope="module")
def previous(demo: list[DemoSnapshot]) -> pd.DataFrame:
    return demo[-2].frame.set_index("Account ID")


def days_ago(dates: pd.Series) -> pd.Series:
    return (T - dates).dt.days


# --- shape ---------------------------------------------------------------------------------------


def test_snapshot_dates_are_month_ends_then_today() -> None:
    dates = snapshot_dates(TODAY, 15)
    assert len(dates) == 15
    assert dates[0] == datetime.date(2025, 3, 31)
    assert dates[-2:] == [datetime.date(2026, 4, 30), TODAY]
    assert all((d + datetime.timedelta(days=1)).day == 1 for d in dates[:-1])
    assert dates == sorted(dates)


def test_today_on_a_month_end_is_not_repeated() -> None:
    dates = snapshot_dates(datetime.date(2026, 1, 31), 13)
    assert len(set(dates)) == 13
    assert dates[-2:] == [datetime.date(2025, 12, 31), datetime.date(2026, 1, 31)]


def test_default_history_spans_five_quarter_ends(demo: list[DemoSnapshot]) -> None:
    quarter_ends = [s.as_of for s in demo if s.as_of.month in (3, 6, 9, 12)]
    assert len(quarter_ends) >= 5  # four full quarters to compare
    assert [s.as_of for s in demo] == snapshot_dates(TODAY, 15)


def test_too_few_months_or_accounts_is_refused() -> None:
    with pytest.raises(BadInputError):
        generate_demo(10, TODAY, months=MIN_MONTHS - 1)
    with pytest.raises(BadInputError):
        generate_demo(0, TODAY)


def test_columns_and_types_look_like_an_excel_read(demo: list[DemoSnapshot]) -> None:
    for snap in (demo[0], demo[-1]):
        frame = snap.frame
        assert tuple(frame.columns) == COLUMNS
        assert frame.index.equals(pd.RangeIndex(len(frame)))
        for header in COLUMNS:
            dtype = frame[header].dtype
            if header.endswith("Date") or header in ("Last QBR", "Last Login"):
                assert dtype == "datetime64[ns]", header
                known = frame[header].dropna()
                assert (known == known.dt.normalize()).all(), header
            elif header == "Reference Customer":
                assert dtype == np.dtype(bool)
            elif dtype != "str":
                assert dtype == np.float64, header
    text = [h for h in COLUMNS if demo[-1].frame[h].dtype == "str"]
    assert set(text) >= {"Account ID", "Account Name", "Status", "Product Line", "Support Plan"}


def test_most_headers_map_to_canonical_fields_and_custom_columns_remain() -> None:
    unmapped = [h for h in COLUMNS if normalise_header(h) not in SYNONYMS]
    assert sorted(unmapped) == ["Product Line", "Support Plan"]


def test_deterministic_for_a_seed() -> None:
    first = generate_demo(120, TODAY, seed=3)
    again = generate_demo(120, TODAY, seed=3)
    other = generate_demo(120, TODAY, seed=4)
    for a, b in zip(first, again, strict=True):
        assert a.as_of == b.as_of
        pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not first[-1].frame.equals(other[-1].frame)


def test_ids_and_names_are_unique_and_look_real(demo: list[DemoSnapshot]) -> None:
    for snap in demo:
        assert snap.frame["Account ID"].is_unique
        assert snap.frame["Account Name"].is_unique
        assert snap.frame["Account Name"].is_monotonic_increasing  # sorted like an export
    ids = demo[-1].frame["Account ID"]
    assert ids.str.fullmatch(r"ACC-\d{5}").mean() > 0.8
    bare = ids[ids.str.fullmatch(r"0\d{5}")]
    assert len(bare) > 0  # numeric-looking IDs with a leading zero stay text
    names = demo[-1].frame["Account Name"]
    assert names.str.contains(r"^\w[\w ]+ \w+").all()
    assert names.str.endswith(("GmbH", "Inc.", "Ltd", "LLC", "AG", "SA", "BV", "plc", "AB")).any()


def test_an_account_keeps_its_id_and_name_across_snapshots(demo: list[DemoSnapshot]) -> None:
    pairs = pd.concat([s.frame[["Account ID", "Account Name"]] for s in demo]).drop_duplicates()
    assert pairs["Account ID"].is_unique
    assert pairs["Account Name"].is_unique


def test_owners_industries_regions_plans(last: pd.DataFrame) -> None:
    assert 5 <= last["Account Owner"].nunique() <= 6
    assert last["Industry"].nunique() >= 8
    assert set(last["Region"]) == {"North America", "EMEA", "APAC", "LATAM"}
    assert set(last["Plan"]) == {"Starter", "Growth", "Business", "Enterprise"}


def test_small_and_large_portfolios() -> None:
    tiny = generate_demo(5, TODAY)
    assert 1 <= len(tiny[-1].frame) <= 5
    big = generate_demo(20_000, TODAY, months=13)
    assert len(big) == 13
    assert big[-1].frame["Account ID"].is_unique
    assert big[-1].frame["Account Name"].is_unique


# --- what the final snapshot shows ---------------------------------------------------------------


def test_every_stage_appears(demo: list[DemoSnapshot]) -> None:
    frame = canonical(demo[-1].frame)
    stages = assign_stages(frame, TODAY, Settings())["lifecycle_stage"]
    assert set(stages) >= set(LIFECYCLE_STAGES) - {"Unknown"}
    counts = stages.value_counts()
    assert counts["Established"] > counts["Trial"]


def test_every_tier_appears_in_plausible_shares(demo: list[DemoSnapshot]) -> None:
    frame = canonical(demo[-1].frame)
    tiers = assign_tiers(frame, Settings())["tier"]
    assert set(tiers) == {"Enterprise", "Mid-Market", "SMB", UNASSIGNED_TIER}
    paying = tiers[frame["status"].isin(["Active", "At Risk"]).to_numpy()]
    shares = paying.value_counts(normalize=True)
    assert 0.08 <= shares["Enterprise"] <= 0.18
    assert 0.25 <= shares["Mid-Market"] <= 0.42
    assert shares["SMB"] > shares["Mid-Market"]


def test_tier_shares_hold_at_scale() -> None:
    frame = canonical(generate_demo(20_000, TODAY, months=13)[-1].frame)
    paying = frame[frame["status"].isin(["Active", "At Risk"])]
    shares = assign_tiers(paying, Settings())["tier"].value_counts(normalize=True)
    assert 0.10 <= shares["Enterprise"] <= 0.15
    assert 0.30 <= shares["Mid-Market"] <= 0.36


# --- the stories ---------------------------------------------------------------------------------


def test_new_logos_arrive_over_time(demo: list[DemoSnapshot], last: pd.DataFrame) -> None:
    sizes = [len(s.frame) for s in demo]
    assert sizes[-1] > sizes[0]
    first_ids = set(demo[0].frame["Account ID"])
    assert len(set(last.index) - first_ids) >= 30
    started = days_ago(last["Contract Start Date"])
    assert started.between(0, 7).sum() >= 2  # new this week
    assert started.between(0, 90).sum() >= 8  # onboarding


def test_trials(last: pd.DataFrame) -> None:
    trials = last[last["Status"] == "Trial"]
    assert len(trials) >= 2
    assert (trials["Contract Start Date"] > T).any()
    assert trials["Contract Start Date"].isna().any()  # not every CRM shows the planned start
    assert trials["ARR"].isna().all()


def test_churn_including_recent(demo: list[DemoSnapshot], last: pd.DataFrame) -> None:
    churned = last[last["Status"].isin(["Churned", "Cancelled"])]
    assert len(churned) >= 15
    assert churned["Churn Date"].notna().all()
    assert (churned["ARR"] == 0).all()
    assert days_ago(churned["Churn Date"]).between(0, 60).sum() >= 3
    assert last.loc[last["Churn Date"].isna(), "Status"].isin(["Active", "At Risk", "Trial"]).all()
    ever = set().union(*(set(s.frame["Account ID"]) for s in demo))
    assert len(ever - set(last.index)) > 0  # some churned accounts drop out of the export


def test_arr_expands_and_contracts(last: pd.DataFrame, demo: list[DemoSnapshot]) -> None:
    history = pd.concat(
        [s.frame.assign(as_of=s.as_of) for s in demo if s.frame["ARR"].notna().any()]
    ).pivot(index="Account ID", columns="as_of", values="ARR")
    steps = history.diff(axis=1)
    live = history.shift(axis=1) > 0
    assert ((steps > 0) & live).sum().sum() >= 20
    assert ((steps < 0) & live & (history > 0)).sum().sum() >= 10


def test_health_drops_and_usage_surges(last: pd.DataFrame, previous: pd.DataFrame) -> None:
    both = last.join(previous.add_suffix(" before"), how="inner")
    dropped = both["Health Score before"] - both["Health Score"] >= 15
    assert dropped.sum() >= 10
    surged = both["MAU"] >= 1.2 * both["MAU before"]
    assert surged.sum() >= 10
    assert (last["Health Score"].dropna().between(1, 100)).all()


def test_renewals_spread_over_the_year(last: pd.DataFrame) -> None:
    open_accounts = last[last["Status"].isin(["Active", "At Risk"])]
    ahead = (open_accounts["Renewal Date"] - T).dt.days
    assert ahead.between(0, 90).sum() >= 30
    assert (ahead < 0).sum() >= 2  # overdue renewals
    assert ahead.between(91, 366).sum() >= 100
    months = open_accounts["Renewal Date"].dropna().dt.to_period("M").nunique()
    assert months >= 12


def test_references_and_promoters(last: pd.DataFrame) -> None:
    assert last["Reference Customer"].sum() >= 5
    promoters = (last["NPS"] >= 9) & (last["Health Score"] >= 80)
    assert promoters.sum() >= 10
    assert last["NPS"].dropna().between(0, 10).all()
    assert last["NPS"].isna().any()
    assert last["CSAT"].dropna().between(1, 5).all()


def test_neglect_signals(last: pd.DataFrame) -> None:
    open_accounts = last[last["Status"].isin(["Active", "At Risk"])]
    assert (days_ago(open_accounts["Last Activity Date"]) >= 30).sum() >= 10
    assert (open_accounts["Unpaid Invoices"] > 0).sum() >= 3
    assert (days_ago(open_accounts["Last QBR"]) > 120).sum() >= 10
    assert open_accounts["Last QBR"].isna().any()
    assert (days_ago(last["Last Login"].dropna()) >= 0).all()
    assert (days_ago(last["Last Activity Date"].dropna()) >= 0).all()


def test_usage_is_consistent(last: pd.DataFrame) -> None:
    paying = last[last["Status"].isin(["Active", "At Risk"])]
    assert (paying["Active Seats"] <= paying["Seats Purchased"]).all()
    assert (paying["MAU"] >= 0).all()
    assert (last["Potential ARR"].dropna() > 0).all()
    assert (last["Currency"] == "USD").all()
