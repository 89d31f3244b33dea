"""Outcome metrics over a hand-built portfolio of five quarter-end snapshots (four quarters of
2026) with known new, expansion, contraction and churn per tier, plus the edge cases."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import numpy as np
import pandas as pd
import pytest

from cspm.core.outcomes import (
    METRIC_COLUMNS,
    PERIOD_COLUMNS,
    PORTFOLIO,
    carry_forward,
    one_hot,
    outcome_metrics,
    outcomes_between,
    outcomes_by_period,
)
from cspm.core.periods import periods_for_snapshots
from cspm.core.settings import Settings

TIERS = Settings().tier_names  # Enterprise, Mid-Market, SMB, Unassigned
ENT, MM, SMB = "Enterprise", "Mid-Market", "SMB"
STATE_COLUMNS = ["name", "tier", "lifecycle_stage", "arr", "health_score", "nps", "churned"]

S0, S1, S2, S3, S4 = (
    date(2025, 12, 31),
    date(2026, 3, 31),
    date(2026, 6, 30),
    date(2026, 9, 30),
    date(2026, 12, 31),
)
C = True  # churned

# Per snapshot: account -> (tier, ARR, churned). The story, quarter by quarter:
#   Q1: E1 expands 15,000.50; M1 expands 10,000; M2 and M5 churn; M4 is new; SA1 expands 2,000.
#   Q2: E2 contracts 20,000; E3 is new; M1 expands 20,000 and moves to Enterprise (still
#       Mid-Market this quarter); M3 contracts 5,000.05; SA3 contracts 5,000.01.
#   Q3: E1 contracts 25,000.25; E3 expands 10,000; M5 is won back (new ARR, Mid-Market); M6
#       contracts 10,000 and moves to SMB (still Mid-Market this quarter); SA2 churns; SA4 new.
#   Q4: E2 churns; M1 expands 5,500.40 (now in Enterprise); M3 expands 10,000; M4 contracts
#       2,000; SA4 expands 1,000; X1 first appears already churned (counts nowhere).
SNAPSHOTS: dict[date, dict[str, tuple[str, float, bool]]] = {
    S0: {
        "E1": (ENT, 150_000.00, False),
        "E2": (ENT, 200_000.00, False),
        "M1": (MM, 80_000.00, False),
        "M2": (MM, 50_000.00, False),
        "M3": (MM, 40_000.10, False),
        "M5": (MM, 60_000.00, False),
        "M6": (MM, 30_000.00, False),
        "SA1": (SMB, 10_000.00, False),
        "SA2": (SMB, 8_000.50, False),
        "SA3": (SMB, 15_000.00, False),
    },
    S1: {
        "E1": (ENT, 165_000.50, False),
        "E2": (ENT, 200_000.00, False),
        "M1": (MM, 90_000.00, False),
        "M2": (MM, 50_000.00, C),  # the CRM kept its ARR: churn still loses the opening ARR
        "M3": (MM, 40_000.10, False),
        "M4": (MM, 30_000.00, False),
        "M5": (MM, 0.0, C),
        "M6": (MM, 30_000.00, False),
        "SA1": (SMB, 12_000.00, False),
        "SA2": (SMB, 8_000.50, False),
        "SA3": (SMB, 15_000.00, False),
    },
    S2: {
        "E1": (ENT, 165_000.50, False),
        "E2": (ENT, 180_000.00, False),
        "E3": (ENT, 120_000.75, False),
        "M1": (ENT, 110_000.00, False),
        "M2": (MM, 50_000.00, C),
        "M3": (MM, 35_000.05, False),
        "M4": (MM, 30_000.00, False),
        "M5": (MM, 0.0, C),
        "M6": (MM, 30_000.00, False),
        "SA1": (SMB, 12_000.00, False),
        "SA2": (SMB, 8_000.50, False),
        "SA3": (SMB, 9_999.99, False),
    },
    S3: {
        "E1": (ENT, 140_000.25, False),
        "E2": (ENT, 180_000.00, False),
        "E3": (ENT, 130_000.75, False),
        "M1": (ENT, 110_000.00, False),
        "M2": (MM, 50_000.00, C),
        "M3": (MM, 35_000.05, False),
        "M4": (MM, 30_000.00, False),
        "M5": (MM, 55_000.00, False),
        "M6": (SMB, 20_000.00, False),
        "SA1": (SMB, 12_000.00, False),
        "SA2": (SMB, 8_000.50, C),
        "SA3": (SMB, 9_999.99, False),
        "SA4": (SMB, 5_000.25, False),
    },
    S4: {
        "E1": (ENT, 140_000.25, False),
        "E2": (ENT, 180_000.00, C),
        "E3": (ENT, 130_000.75, False),
        "M1": (ENT, 115_500.40, False),
        "M2": (MM, 50_000.00, C),
        "M3": (MM, 45_000.05, False),
        "M4": (MM, 28_000.00, False),
        "M5": (MM, 55_000.00, False),
        "M6": (SMB, 20_000.00, False),
        "SA1": (SMB, 12_000.00, False),
        "SA2": (SMB, 8_000.50, C),
        "SA3": (SMB, 9_999.99, False),
        "SA4": (SMB, 6_000.25, False),
        "X1": (SMB, 7_000.00, C),
    },
}
HEALTH = {
    "E1": 80.0,
    "E2": 40.0,
    "E3": 90.0,
    "M1": 70.0,
    "M2": 30.0,
    "M3": 60.0,
    "M4": 75.0,
    "M5": 50.0,
    "M6": 65.0,
    "SA1": 85.0,
    "SA2": 20.0,
    "SA3": 55.0,
    "SA4": np.nan,
    "X1": 10.0,
}
HEALTH_LATER = {"E1": 62.0}  # E1's health from S3 on
NPS = {
    "E1": 9.0,
    "E2": 3.0,
    "E3": 10.0,
    "M1": 8.0,
    "M2": 2.0,
    "M3": np.nan,
    "M4": 9.0,
    "M5": 7.0,
    "M6": 7.0,
    "SA1": 10.0,
    "SA2": 3.0,
    "SA3": 4.0,
    "SA4": 9.0,
    "X1": 1.0,
}
FIRST_SEEN = {key: min(d for d, rows in SNAPSHOTS.items() if key in rows) for key in HEALTH}


def stage_of(key: str, as_of: date, churned: bool) -> str:
    """A simple stage story for the movement tests: new since the first snapshot = Onboarding."""
    if churned:
        return "Churned"
    return "Onboarding" if FIRST_SEEN[key] == as_of != S0 else "Established"


def build_state(as_of: date, rows: Mapping[str, tuple[str, float, bool]]) -> pd.DataFrame:
    """A STATE frame as the service would hand it over."""
    keys = list(rows)
    frame = pd.DataFrame(
        {
            "name": [f"{k} Ltd" for k in keys],
            "tier": [rows[k][0] for k in keys],
            "lifecycle_stage": [stage_of(k, as_of, rows[k][2]) for k in keys],
            "arr": [rows[k][1] for k in keys],
            "health_score": [
                HEALTH_LATER.get(k, HEALTH[k]) if as_of >= S3 else HEALTH[k] for k in keys
            ],
            "nps": [NPS[k] for k in keys],
            "churned": [rows[k][2] for k in keys],
        },
        index=pd.Index(keys, name="key"),
    )
    return frame[STATE_COLUMNS]


STATES = {d: build_state(d, rows) for d, rows in SNAPSHOTS.items()}


def states_from(snapshots: Mapping[date, pd.DataFrame]) -> Callable[[date], pd.DataFrame]:
    """states(d): the state in the latest snapshot on or before d (empty before the first)."""
    ordered = sorted(snapshots)

    def states(d: date) -> pd.DataFrame:
        on_or_before = [s for s in ordered if s <= d]
        if not on_or_before:
            return pd.DataFrame(columns=STATE_COLUMNS, index=pd.Index([], dtype=str, name="key"))
        return snapshots[on_or_before[-1]]

    return states


def tier_groups(_: date, state: pd.DataFrame) -> pd.DataFrame:
    return one_hot(state["tier"], TIERS)


# (period, tier) -> start, new, expansion, contraction, churned, end, start_logos,
# churned_logos, new_logos, avg_health, nps
EXPECTED: dict[tuple[str, str], tuple[float, ...]] = {
    ("2026-Q1", ENT): (350_000.00, 0, 15_000.50, 0, 0, 365_000.50, 2, 0, 0, 60.0, 0.0),
    ("2026-Q1", MM): (260_000.10, 30_000, 10_000, 0, 110_000, 190_000.10, 5, 2, 1, 67.5, 100 / 3),
    ("2026-Q1", SMB): (33_000.50, 0, 2_000, 0, 0, 35_000.50, 3, 0, 0, 160 / 3, -100 / 3),
    ("2026-Q2", ENT): (365_000.50, 120_000.75, 0, 20_000, 0, 465_001.25, 2, 0, 1, 70.0, 100 / 3),
    ("2026-Q2", MM): (190_000.10, 0, 20_000, 5_000.05, 0, 205_000.05, 4, 0, 0, 67.5, 100 / 3),
    ("2026-Q2", SMB): (35_000.50, 0, 0, 5_000.01, 0, 30_000.49, 3, 0, 0, 160 / 3, -100 / 3),
    ("2026-Q3", ENT): (575_001.25, 0, 10_000, 25_000.25, 0, 560_001.00, 4, 0, 0, 65.5, 25.0),
    ("2026-Q3", MM): (95_000.05, 55_000, 0, 10_000, 0, 140_000.05, 3, 0, 1, 62.5, 100 / 3),
    ("2026-Q3", SMB): (30_000.49, 5_000.25, 0, 0, 8_000.50, 27_000.24, 3, 1, 1, 70.0, 100 / 3),
    ("2026-Q4", ENT): (560_001.00, 0, 5_500.40, 0, 180_000, 385_501.40, 4, 1, 0, 74.0, 200 / 3),
    ("2026-Q4", MM): (120_000.05, 0, 10_000, 2_000, 0, 128_000.05, 3, 0, 0, 185 / 3, 50.0),
    ("2026-Q4", SMB): (47_000.24, 0, 1_000, 0, 0, 48_000.24, 4, 0, 0, 205 / 3, 25.0),
}
MONEY = ["start_arr", "new_arr", "expansion_arr", "contraction_arr", "churned_arr", "end_arr"]
LOGOS = ["start_logos", "churned_logos", "new_logos"]


@pytest.fixture(scope="module")
def quarterly() -> pd.DataFrame:
    periods = periods_for_snapshots(STATES, "quarter")
    return outcomes_by_period(states_from(STATES), tier_groups, periods)


def row(frame: pd.DataFrame, period: str, group: str) -> pd.Series:
    hit = frame[(frame["period"] == period) & (frame["group"] == group)]
    assert len(hit) == 1, (period, group)
    return hit.iloc[0]


def test_long_frame_shape(quarterly: pd.DataFrame) -> None:
    assert list(quarterly.columns) == PERIOD_COLUMNS
    assert quarterly["period"].unique().tolist() == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarterly["group"].tolist()[:5] == [*TIERS, PORTFOLIO]
    q3 = row(quarterly, "2026-Q3", ENT)
    assert (q3["period_start"], q3["period_end"]) == (date(2026, 7, 1), date(2026, 9, 30))
    for c in LOGOS:
        assert quarterly[c].dtype == np.int64


@pytest.mark.parametrize(("period", "tier"), list(EXPECTED))
def test_every_metric_per_tier_and_quarter(quarterly: pd.DataFrame, period: str, tier: str) -> None:
    got = row(quarterly, period, tier)
    start, new, exp, contr, churn, end, logos, lost, new_logos, health, nps = EXPECTED[
        (period, tier)
    ]
    # Money to the cent: exact equality with the two-decimal figures.
    assert [got[c] for c in MONEY] == [start, new, exp, contr, churn, end]
    assert [got[c] for c in LOGOS] == [logos, lost, new_logos]
    assert got["grr"] == pytest.approx((start - contr - churn) / start, rel=1e-12)
    assert got["nrr"] == pytest.approx((start + exp - contr - churn) / start, rel=1e-12)
    assert got["logo_churn_rate"] == pytest.approx(lost / logos)
    assert got["avg_health"] == pytest.approx(health)
    assert got["nps"] == pytest.approx(nps)


def test_some_ratios_by_hand(quarterly: pd.DataFrame) -> None:
    q4 = row(quarterly, "2026-Q4", ENT)
    assert q4["grr"] == pytest.approx(380_001.00 / 560_001.00)  # 0.6786
    assert q4["nrr"] == pytest.approx(385_501.40 / 560_001.00)  # 0.6884
    assert q4["logo_churn_rate"] == 0.25
    q1 = row(quarterly, "2026-Q1", MM)
    assert q1["grr"] == pytest.approx(0.576923, abs=1e-6)  # 150,000.10 / 260,000.10
    assert q1["nrr"] == pytest.approx(0.615385, abs=1e-6)  # 160,000.10 / 260,000.10
    assert q1["logo_churn_rate"] == 0.4
    smb = row(quarterly, "2026-Q4", SMB)
    assert smb["grr"] == 1.0
    assert smb["nrr"] == pytest.approx(48_000.24 / 47_000.24)


def test_empty_tier_has_zeros_and_nulls(quarterly: pd.DataFrame) -> None:
    unassigned = quarterly[quarterly["group"] == "Unassigned"]
    assert len(unassigned) == 4
    assert (unassigned[MONEY + LOGOS] == 0).all().all()
    assert unassigned[["grr", "nrr", "logo_churn_rate", "avg_health", "nps"]].isna().all().all()


def test_portfolio_row_sums_the_one_hot_tiers(quarterly: pd.DataFrame) -> None:
    tiers = quarterly[quarterly["group"] != PORTFOLIO].groupby("period")[MONEY + LOGOS].sum()
    total = quarterly[quarterly["group"] == PORTFOLIO].set_index("period")[MONEY + LOGOS]
    pd.testing.assert_frame_equal(tiers.round(2), total, check_names=False)
    q1 = row(quarterly, "2026-Q1", PORTFOLIO)
    assert q1["start_arr"] == 643_000.60
    assert q1["end_arr"] == 590_001.10
    assert q1["avg_health"] == pytest.approx(550 / 9)
    assert q1["nps"] == 0.0  # 3 promoters, 3 detractors, 2 passives; M3 has no score


def test_end_arr_is_the_closing_arr_of_survivors_and_new_accounts(quarterly: pd.DataFrame) -> None:
    got = quarterly
    flows = got["start_arr"] + got["new_arr"] + got["expansion_arr"]
    assert np.allclose(flows - got["contraction_arr"] - got["churned_arr"], got["end_arr"])
    for period in periods_for_snapshots(STATES, "quarter"):
        start, end = STATES[period.opening_as_of], STATES[period.closing_as_of]
        live_end = end[~end["churned"]]
        cohort = start[~start["churned"]]
        for tier in (ENT, MM, SMB):
            survivors = live_end.index.intersection(cohort.index[cohort["tier"] == tier])
            new = live_end.index.difference(cohort.index)
            new = new[live_end.loc[new, "tier"] == tier]
            expected = round(live_end.loc[survivors.union(new), "arr"].sum(), 2)
            assert row(got, period.label, tier)["end_arr"] == expected


def test_portfolio_periods_chain_and_add_up_to_the_year(quarterly: pd.DataFrame) -> None:
    total = quarterly[quarterly["group"] == PORTFOLIO].reset_index(drop=True)
    assert total["end_arr"].iloc[:-1].tolist() == total["start_arr"].iloc[1:].tolist()
    net = total["new_arr"] + total["expansion_arr"] - total["contraction_arr"]
    net -= total["churned_arr"]
    assert round(net.sum(), 2) == round(total["end_arr"].iloc[-1] - total["start_arr"].iloc[0], 2)
    live_s4 = STATES[S4][~STATES[S4]["churned"]]["arr"].sum()
    assert total["end_arr"].iloc[-1] == round(live_s4, 2)


def test_cohort_rule_an_account_counts_where_it_started_the_period(
    quarterly: pd.DataFrame,
) -> None:
    # M1 moves Mid-Market -> Enterprise in Q2: its +20,000 is Mid-Market expansion, not
    # Enterprise new ARR; from Q3 it is in Enterprise's opening ARR.
    assert row(quarterly, "2026-Q2", MM)["expansion_arr"] == 20_000.00
    assert row(quarterly, "2026-Q2", ENT)["new_arr"] == 120_000.75  # E3 only
    assert row(quarterly, "2026-Q2", ENT)["start_logos"] == 2
    assert row(quarterly, "2026-Q3", ENT)["start_logos"] == 4
    # So a tier's close is not the next quarter's opening when accounts move.
    assert row(quarterly, "2026-Q2", ENT)["end_arr"] == 465_001.25
    assert row(quarterly, "2026-Q3", ENT)["start_arr"] == 465_001.25 + 110_000.00
    # M6 moves Mid-Market -> SMB in Q3 while contracting: Mid-Market's contraction that quarter.
    assert row(quarterly, "2026-Q3", MM)["contraction_arr"] == 10_000.00
    assert row(quarterly, "2026-Q3", SMB)["new_arr"] == 5_000.25  # SA4 only, not M6
    assert row(quarterly, "2026-Q4", SMB)["start_arr"] == 47_000.24  # with M6's 20,000


def test_win_back_is_new_arr_in_its_period_and_a_survivor_over_the_year() -> None:
    states = states_from(STATES)
    q3 = outcomes_between(states, tier_groups, S2, S3)
    assert q3.loc[MM, "new_arr"] == 55_000.00  # M5, churned at the opening
    assert q3.loc[MM, "new_logos"] == 1
    year = outcomes_between(states, tier_groups, S0, S4)
    mm = year.loc[MM]
    # M5 was live at both ends: 60,000 -> 55,000 is contraction, not churn and not new.
    assert [mm[c] for c in MONEY] == [
        260_000.10,
        28_000.00,
        40_500.35,
        15_000.00,
        50_000.00,
        263_500.45,
    ]
    assert [mm[c] for c in LOGOS] == [5, 1, 1]


def test_no_groups_gives_the_portfolio_row_alone() -> None:
    got = outcomes_between(states_from(STATES), lambda d, s: pd.DataFrame(), S0, S4)
    assert got.index.tolist() == [PORTFOLIO]
    r = got.loc[PORTFOLIO]
    assert r["start_arr"] == 643_000.60  # every live account at 2025-12-31
    assert r["end_arr"] == round(STATES[S4].loc[~STATES[S4]["churned"], "arr"].sum(), 2)


def test_account_first_seen_churned_counts_nowhere() -> None:
    q4 = outcome_metrics(
        STATES[S3], STATES[S4], tier_groups(S3, STATES[S3]), tier_groups(S4, STATES[S4])
    )
    assert q4.loc[SMB, "new_logos"] == 0  # X1
    assert q4.loc[PORTFOLIO, "new_arr"] == 0.0


def test_first_of_month_dating_counts_each_snapshot_in_the_period_of_its_date(
    quarterly: pd.DataFrame,
) -> None:
    first_of_month = [date(2026, m, 1) for m in (1, 4, 7, 10)]
    redated = dict(zip([*first_of_month, date(2027, 1, 1)], STATES.values(), strict=True))
    periods = periods_for_snapshots(redated, "quarter")
    assert [p.label for p in periods] == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    got = outcomes_by_period(states_from(redated), tier_groups, periods)
    pd.testing.assert_frame_equal(
        got[["group", *METRIC_COLUMNS]], quarterly[["group", *METRIC_COLUMNS]]
    )


def test_monthly_periods_over_quarter_end_snapshots(quarterly: pd.DataFrame) -> None:
    monthly = outcomes_by_period(
        states_from(STATES), tier_groups, periods_for_snapshots(STATES, "month")
    )
    assert monthly["period"].nunique() == 12
    for month, quarter in (("2026-03", "2026-Q1"), ("2026-09", "2026-Q3")):
        got = monthly[monthly["period"] == month].set_index("group")[METRIC_COLUMNS]
        want = quarterly[quarterly["period"] == quarter].set_index("group")[METRIC_COLUMNS]
        pd.testing.assert_frame_equal(got, want)
    quiet = monthly[monthly["period"] == "2026-05"].set_index("group")
    assert (quiet["start_arr"] == quiet["end_arr"]).all()
    assert quiet.loc[ENT, "grr"] == 1.0
    assert quiet.loc[ENT, "nrr"] == 1.0


def test_states_and_groups_are_asked_once_per_date() -> None:
    asked: list[date] = []
    grouped: list[date] = []
    states = states_from(STATES)

    def counting_states(d: date) -> pd.DataFrame:
        asked.append(d)
        return states(d)

    def counting_groups(d: date, state: pd.DataFrame) -> pd.DataFrame:
        grouped.append(d)
        return tier_groups(d, state)

    outcomes_by_period(counting_states, counting_groups, periods_for_snapshots(STATES, "quarter"))
    assert asked == [S0, S1, S2, S3, S4]
    assert grouped == [S0, S1, S2, S3, S4]


def test_no_periods_gives_an_empty_long_frame() -> None:
    got = outcomes_by_period(states_from(STATES), tier_groups, [])
    assert got.empty
    assert list(got.columns) == PERIOD_COLUMNS


# --- small cases -----------------------------------------------------------------------------


def state(**accounts: tuple[float, bool, float, float]) -> pd.DataFrame:
    """key=(arr, churned, health, nps) -> STATE frame (tier "T")."""
    keys = list(accounts)
    return pd.DataFrame(
        {
            "name": keys,
            "tier": ["T"] * len(keys),
            "lifecycle_stage": ["Established"] * len(keys),
            "arr": [accounts[k][0] for k in keys],
            "health_score": [accounts[k][2] for k in keys],
            "nps": [accounts[k][3] for k in keys],
            "churned": [accounts[k][1] for k in keys],
        },
        index=pd.Index(keys, dtype=str),
    )


def everyone(frame: pd.DataFrame, name: str = "All") -> pd.DataFrame:
    return pd.DataFrame({name: True}, index=frame.index)


NAN = np.nan


def test_grr_and_nrr_are_null_when_nothing_started() -> None:
    start = state(a=(NAN, False, 50, NAN))  # a blank ARR is $0: not a paying logo
    end = state(a=(NAN, False, 50, NAN), b=(1_000.0, False, 70, NAN))
    got = outcome_metrics(start, end, everyone(start), everyone(end), total=None)
    assert got.index.tolist() == ["All"]
    r = got.loc["All"]
    assert (r["start_arr"], r["new_arr"], r["end_arr"], r["start_logos"]) == (0, 1_000, 1_000, 0)
    assert np.isnan(r["grr"]) and np.isnan(r["nrr"])
    assert np.isnan(r["logo_churn_rate"])  # nobody was paying at the opening
    assert np.isnan(r["nps"])  # nobody has a score
    empty = state()
    got = outcome_metrics(empty, empty, everyone(empty), everyone(empty))
    assert got.loc[PORTFOLIO, "start_logos"] == 0
    assert got.loc[PORTFOLIO, ["grr", "nrr", "logo_churn_rate", "avg_health"]].isna().all()


@pytest.mark.parametrize(
    ("scores", "points"),
    [
        ([10, 9, 8, 7, 6, 0, NAN], 0.0),  # 2 promoters, 2 detractors of 6 scored
        ([10, 10, 10, 0], 50.0),
        ([9, 9], 100.0),
        ([6, 0, 5], -100.0),
        ([7, 8], 0.0),
        ([10, 8, 8, 8, 8], 20.0),
    ],
)
def test_nps_in_points_over_accounts_with_a_score(scores: list[float], points: float) -> None:
    frame = state(**{f"a{i}": (100.0, False, 50.0, s) for i, s in enumerate(scores)})
    got = outcome_metrics(frame, frame, everyone(frame), everyone(frame))
    assert got.loc[PORTFOLIO, "nps"] == pytest.approx(points)


def test_arr_to_zero_or_blank_without_churn_is_contraction_not_churn() -> None:
    start = state(a=(1_000.0, False, 50, 9), b=(2_000.0, False, 50, 9), c=(500.0, False, 50, 9))
    end = state(a=(0.0, False, 50, 9), b=(NAN, False, 50, 9), c=(500.0, True, 50, 9))
    r = outcome_metrics(start, end, everyone(start), everyone(end)).loc["All"]
    assert (r["contraction_arr"], r["churned_arr"], r["churned_logos"]) == (3_000.0, 500.0, 1)
    assert r["end_arr"] == 0.0
    assert r["grr"] == 0.0


def test_win_back_and_churned_cohort() -> None:
    start = state(a=(1_000.0, True, 50, NAN), b=(1_000.0, False, 50, NAN))
    end = state(a=(1_500.0, False, 50, NAN), b=(1_000.0, False, 50, NAN))
    r = outcome_metrics(start, end, everyone(start), everyone(end)).loc["All"]
    assert (r["start_arr"], r["new_arr"], r["start_logos"], r["new_logos"]) == (1_000, 1_500, 1, 1)
    assert r["nrr"] == 1.0  # a win-back lifts ARR, not NRR


def test_overlapping_groups_late_groups_and_the_total_row() -> None:
    start = state(a=(100.0, False, 40, 10), b=(200.0, False, 80, 0), c=(300.0, False, 60, 9))
    end = state(a=(150.0, False, 40, 10), b=(0.0, True, 80, 0), c=(300.0, False, 60, 9))
    start_groups = pd.DataFrame(
        {"Risk": [True, True, False], "Big": [False, True, True]}, index=start.index
    )
    end_groups = pd.DataFrame({"Big": [False, False, True], "Fresh": [True, False, False]})
    end_groups.index = end.index
    got = outcome_metrics(start, end, start_groups, end_groups)
    assert got.index.tolist() == ["Risk", "Big", "Fresh", PORTFOLIO]
    assert got.index.name == "group"
    assert list(got.columns) == METRIC_COLUMNS
    assert got.loc["Risk", MONEY].tolist() == [300, 0, 50, 0, 200, 150]
    assert got.loc["Big", MONEY].tolist() == [500, 0, 0, 0, 200, 300]
    assert got.loc["Fresh", MONEY].tolist() == [0, 0, 0, 0, 0, 0]  # born in the period, no cohort
    assert got.loc[PORTFOLIO, MONEY].tolist() == [600, 0, 50, 0, 200, 450]  # not Risk + Big
    assert got.loc["Risk", "avg_health"] == 40.0  # b churned: only a is left at the close
    with pytest.raises(ValueError, match="total"):
        outcome_metrics(start, end, everyone(start, PORTFOLIO), everyone(end, PORTFOLIO))
    assert PORTFOLIO not in outcome_metrics(start, end, start_groups, end_groups, total=None).index


def test_groups_frames_may_miss_accounts_and_hold_blanks() -> None:
    start = state(a=(100.0, False, 50, NAN), b=(200.0, False, 50, NAN))
    groups = pd.DataFrame({"G": pd.array([True], dtype="boolean")}, index=pd.Index(["a"]))
    blanks = pd.DataFrame({"G": pd.array([pd.NA, True], dtype="boolean")}, index=start.index)
    assert outcome_metrics(start, start, groups, groups).loc["G", "start_arr"] == 100.0
    assert outcome_metrics(start, start, blanks, blanks).loc["G", "start_arr"] == 200.0


def test_an_account_missing_from_the_closing_state_is_carried_forward() -> None:
    start = state(a=(100.0, False, 50, NAN), b=(200.0, False, 50, NAN))
    end = state(a=(150.0, False, 50, NAN))
    r = outcome_metrics(start, end, everyone(start), everyone(end)).loc[PORTFOLIO]
    assert (r["churned_logos"], r["end_arr"]) == (0, 350.0)
    assert carry_forward(start, end).index.tolist() == ["a", "b"]


def test_cents_are_exact_after_many_small_amounts() -> None:
    n = 1_000
    start = state(**{f"a{i}": (0.10, False, 50, NAN) for i in range(n)})
    end = state(**{f"a{i}": (0.30, False, 50, NAN) for i in range(n)})
    r = outcome_metrics(start, end, everyone(start), everyone(end)).loc[PORTFOLIO]
    assert (r["start_arr"], r["expansion_arr"], r["end_arr"]) == (100.0, 200.0, 300.0)
    assert r["contraction_arr"] == 0.0 and not np.signbit(r["contraction_arr"])


def test_one_hot_orders_columns_and_leaves_blanks_out() -> None:
    labels = pd.Series(["SMB", None, "Zeta", "Enterprise", "Alpha"], index=list("abcde"))
    got = one_hot(labels, TIERS)
    assert got.columns.tolist() == [*TIERS, "Alpha", "Zeta"]
    assert got.dtypes.eq(bool).all()
    assert got.index.tolist() == list("abcde")
    assert not got.loc["b"].any()
    assert got.sum().tolist() == [1, 0, 1, 0, 1, 1]
    assert one_hot(pd.Series([], dtype=str)).shape == (0, 0)


def reference(
    start: pd.DataFrame, end: pd.DataFrame, sg: pd.DataFrame, eg: pd.DataFrame
) -> dict[str, dict[str, float]]:
    """A plain loop over accounts, written straight from the definitions."""
    out = {}
    for g in sg.columns:
        m = dict.fromkeys(MONEY + LOGOS, 0.0)
        health, scores = [], []
        for k in end.index:
            live_end = not end.loc[k, "churned"]
            a1 = 0.0 if np.isnan(end.loc[k, "arr"]) else end.loc[k, "arr"]
            a0 = (
                0.0
                if k not in start.index or np.isnan(start.loc[k, "arr"])
                else start.loc[k, "arr"]
            )
            in_cohort = k in start.index and not start.loc[k, "churned"] and a0 > 0
            if in_cohort and sg.loc[k, g]:
                m["start_arr"] += a0
                m["start_logos"] += 1
                if not live_end:
                    m["churned_arr"] += a0
                    m["churned_logos"] += 1
                    continue
                m["expansion_arr"] += max(a1 - a0, 0)
                m["contraction_arr"] += max(a0 - a1, 0)
            elif not in_cohort and live_end and a1 > 0 and eg.loc[k, g]:
                m["new_arr"] += a1
                m["new_logos"] += 1
            else:
                continue
            m["end_arr"] += a1
            health.append(end.loc[k, "health_score"])
            scores.append(end.loc[k, "nps"])
        h = [x for x in health if not np.isnan(x)]
        s = [x for x in scores if not np.isnan(x)]
        m["avg_health"] = sum(h) / len(h) if h else np.nan
        m["nps"] = 100 * (sum(x >= 9 for x in s) - sum(x <= 6 for x in s)) / len(s) if s else np.nan
        out[g] = m
    return out


def test_matches_a_plain_loop_on_random_portfolios() -> None:
    rng = np.random.default_rng(7)
    n = 400
    keys = [f"k{i:03d}" for i in range(n)]
    present0 = rng.random(n) < 0.8
    arr0 = np.round(rng.uniform(0, 50_000, n), 2)
    arr0[rng.random(n) < 0.05] = np.nan
    arr1 = np.where(rng.random(n) < 0.6, arr0, np.round(rng.uniform(0, 60_000, n), 2))
    arr1[rng.random(n) < 0.05] = np.nan

    def frame(arr: np.ndarray, mask: np.ndarray, churn: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "arr": arr[mask],
                "churned": (rng.random(n) < churn)[mask],
                "health_score": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 100, n))[mask],
                "nps": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 11, n))[mask],
            },
            index=pd.Index(np.array(keys)[mask], dtype=str),
        )

    start = frame(arr0, present0, 0.1)
    end = frame(arr1, np.ones(n, dtype=bool), 0.15)
    sg = pd.DataFrame(rng.random((n, 4)) < 0.4, index=keys, columns=list("ABCD")).loc[start.index]
    eg = pd.DataFrame(rng.random((n, 4)) < 0.4, index=keys, columns=list("ABCD"))
    got = outcome_metrics(start, end, sg, eg, total=None)
    want = reference(start, end, sg, eg.reindex(end.index))
    for g, m in want.items():
        for c in MONEY:
            assert got.loc[g, c] == round(m[c], 2), (g, c)
        for c in LOGOS:
            assert got.loc[g, c] == m[c], (g, c)
        assert got.loc[g, "avg_health"] == pytest.approx(m["avg_health"])
        assert got.loc[g, "nps"] == pytest.approx(m["nps"])
