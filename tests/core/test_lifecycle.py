"""Lifecycle stages: every rule, their order, inclusive window edges, missing values, reasons."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cspm.core.lifecycle import assign_stages
from cspm.core.settings import LIFECYCLE_STAGES, LifecycleWindows, Settings

TODAY = datetime.date(2026, 11, 23)
SETTINGS = Settings()
DATE_FIELDS = ("churn_date", "contract_start", "renewal_date")


def days(offset: int) -> pd.Timestamp:
    """TODAY + offset days (negative: in the past)."""
    return pd.Timestamp(TODAY) + pd.Timedelta(days=offset)


def frame_of(*rows: dict[str, Any]) -> pd.DataFrame:
    """A typed portfolio frame: dates datetime64[ns], numbers float, flags "boolean"."""
    frame = pd.DataFrame(list(rows))
    for name in DATE_FIELDS:
        if name in frame.columns:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    for name in ("nps", "health_score"):
        if name in frame.columns:
            frame[name] = frame[name].astype(float)
    if "is_reference" in frame.columns:
        frame["is_reference"] = frame["is_reference"].astype("boolean")
    for name in ("status", "lifecycle_stage"):
        if name in frame.columns:
            frame[name] = frame[name].astype("str")
    return frame


def stage_of(settings: Settings = SETTINGS, **fields: Any) -> tuple[str, str]:
    out = assign_stages(frame_of(fields), TODAY, settings)
    return out["lifecycle_stage"].iloc[0], out["stage_reason"].iloc[0]


# --- rule 1: churned -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Churned", " churned ", "CANCELLED", "Canceled", "lost"])
def test_churned_by_status(status: str) -> None:
    stage, reason = stage_of(status=status, contract_start=days(-400))
    assert stage == "Churned"
    assert reason == f"status '{status.strip()}' is a churned status"


@pytest.mark.parametrize(("offset", "churned"), [(0, True), (-1, True), (-500, True), (1, False)])
def test_churned_by_churn_date_inclusive_of_today(offset: int, churned: bool) -> None:
    stage, reason = stage_of(churn_date=days(offset), contract_start=days(-1000))
    assert (stage == "Churned") is churned
    if offset == 0:
        assert reason == "churn_date 2026-11-23 has passed (today)"
    if offset == -1:
        assert reason == "churn_date 2026-11-22 has passed (1 day ago)"


def test_custom_churned_statuses() -> None:
    settings = replace(SETTINGS, churned_statuses=("Gone",))
    assert stage_of(settings, status="gone", contract_start=days(-1000))[0] == "Churned"
    assert stage_of(settings, status="Churned", contract_start=days(-1000))[0] == "Established"


# --- rule 2: imported stage ----------------------------------------------------------------------


def test_imported_stage_case_insensitive_configured_spelling() -> None:
    stage, reason = stage_of(lifecycle_stage=" onboarding ", contract_start=days(-1000))
    assert stage == "Onboarding"
    assert reason == "imported lifecycle_stage 'onboarding'"


@pytest.mark.parametrize("value", ["Unknown", "Expansion", "", None])
def test_imported_stage_that_names_no_stage_is_ignored(value: str | None) -> None:
    stage, _ = stage_of(lifecycle_stage=value, contract_start=days(-1000))
    assert stage == "Established"


# --- rule 3: trial -------------------------------------------------------------------------------


def test_trial_by_status() -> None:
    stage, reason = stage_of(status="Trial", contract_start=days(-1000))
    assert (stage, reason) == ("Trial", "status 'Trial' is a trial status")


def test_trial_by_future_contract_start() -> None:
    assert stage_of(contract_start=days(1)) == (
        "Trial",
        "contract_start 2026-11-24 is after today (in 1 day)",
    )
    assert stage_of(contract_start=days(30))[1].endswith("(in 30 days)")


# --- rule 4: onboarding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "stage"),
    [(0, "Onboarding"), (-1, "Onboarding"), (-90, "Onboarding"), (-91, "Adoption")],
)
def test_onboarding_window_edges(offset: int, stage: str) -> None:
    assert stage_of(contract_start=days(offset))[0] == stage


def test_onboarding_reason() -> None:
    assert stage_of(contract_start=days(-90))[1] == (
        "contract_start 2026-08-25 is within the last 90 days (90 days ago)"
    )
    assert stage_of(contract_start=days(0))[1] == (
        "contract_start 2026-11-23 is within the last 90 days (today)"
    )


# --- rule 5: renewal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "stage"),
    [(0, "Renewal"), (1, "Renewal"), (90, "Renewal"), (91, "Established"), (-1, "Renewal")],
)
def test_renewal_window_edges(offset: int, stage: str) -> None:
    assert stage_of(contract_start=days(-1000), renewal_date=days(offset))[0] == stage


def test_renewal_reasons() -> None:
    assert stage_of(contract_start=days(-1000), renewal_date=days(48))[1] == (
        "renewal_date 2027-01-10 is within the next 90 days (48 days)"
    )
    assert stage_of(contract_start=days(-1000), renewal_date=days(0))[1] == (
        "renewal_date 2026-11-23 is within the next 90 days (today)"
    )
    assert stage_of(contract_start=days(-1000), renewal_date=days(-30))[1] == (
        "renewal_date 2026-10-24 has passed (30 days ago) and the account is not churned"
    )


def test_renewal_without_contract_start() -> None:
    assert stage_of(renewal_date=days(10))[0] == "Renewal"


def test_passed_renewal_of_churned_account_is_churned() -> None:
    assert stage_of(status="Churned", renewal_date=days(-5))[0] == "Churned"


# --- rule 6: advocate ----------------------------------------------------------------------------


def test_advocate_by_reference() -> None:
    stage, reason = stage_of(is_reference=True, contract_start=days(-1000))
    assert (stage, reason) == ("Advocate", "is_reference is true")


@pytest.mark.parametrize(
    ("nps", "health", "advocate"),
    [
        (9, 80, True),  # both edges inclusive
        (10, 100, True),
        (8.9, 95, False),
        (10, 79.9, False),
        (np.nan, 95, False),
        (10, np.nan, False),
    ],
)
def test_advocate_by_scores(nps: float, health: float, advocate: bool) -> None:
    stage, reason = stage_of(nps=nps, health_score=health, contract_start=days(-1000))
    assert (stage == "Advocate") is advocate
    if (nps, health) == (9, 80):
        assert reason == "nps 9 >= 9 and health_score 80 >= 80"


@pytest.mark.parametrize("flag", [False, None])
def test_reference_false_or_missing_is_not_advocate(flag: bool | None) -> None:
    assert stage_of(is_reference=flag, contract_start=days(-1000))[0] == "Established"


def test_custom_advocate_thresholds() -> None:
    settings = replace(SETTINGS, lifecycle=LifecycleWindows(advocate_nps=50, advocate_health=70.5))
    stage, reason = stage_of(settings, nps=50, health_score=70.5, contract_start=days(-1000))
    assert (stage, reason) == ("Advocate", "nps 50 >= 50 and health_score 70.5 >= 70.5")


# --- rules 7 and 8: adoption, established, unknown -----------------------------------------------


@pytest.mark.parametrize(
    ("offset", "stage"), [(-91, "Adoption"), (-365, "Adoption"), (-366, "Established")]
)
def test_adoption_window_edges(offset: int, stage: str) -> None:
    assert stage_of(contract_start=days(offset))[0] == stage


def test_adoption_and_established_reasons() -> None:
    assert stage_of(contract_start=days(-200))[1] == (
        "contract_start 2026-05-07 is within the last 365 days (200 days ago)"
    )
    assert stage_of(contract_start=days(-366))[1] == (
        "contract_start 2025-11-22 is more than 365 days ago (366 days ago)"
    )


def test_unknown_when_nothing_is_known() -> None:
    assert stage_of(status="Active") == ("Unknown", "no contract_start and no other rule matched")


def test_custom_windows() -> None:
    windows = LifecycleWindows(onboarding_days=30, renewal_days=60, adoption_days=180)
    settings = replace(SETTINGS, lifecycle=windows)
    assert stage_of(settings, contract_start=days(-30))[0] == "Onboarding"
    assert stage_of(settings, contract_start=days(-31))[0] == "Adoption"
    assert stage_of(settings, contract_start=days(-180))[0] == "Adoption"
    assert stage_of(settings, contract_start=days(-181))[0] == "Established"
    assert stage_of(settings, contract_start=days(-999), renewal_date=days(60))[0] == "Renewal"
    assert stage_of(settings, contract_start=days(-999), renewal_date=days(61))[0] == "Established"


# --- order: an account matching two rules gets the earlier one -----------------------------------


@pytest.mark.parametrize(
    ("fields", "stage"),
    [
        ({"status": "Churned", "lifecycle_stage": "Adoption"}, "Churned"),  # 1 over 2
        ({"churn_date": days(-1), "status": "Trial"}, "Churned"),  # 1 over 3
        ({"status": "Trial", "lifecycle_stage": "Advocate"}, "Advocate"),  # 2 over 3
        ({"lifecycle_stage": "Established", "contract_start": days(-10)}, "Established"),
        ({"status": "Trial", "contract_start": days(-10)}, "Trial"),  # 3 over 4
        ({"contract_start": days(5), "renewal_date": days(10)}, "Trial"),  # 3 over 5
        ({"contract_start": days(-10), "renewal_date": days(10)}, "Onboarding"),  # 4 over 5
        ({"contract_start": days(-10), "is_reference": True}, "Onboarding"),  # 4 over 6
        ({"renewal_date": days(10), "is_reference": True}, "Renewal"),  # 5 over 6
        ({"contract_start": days(-200), "renewal_date": days(-3)}, "Renewal"),  # 5 over 7
        ({"contract_start": days(-200), "nps": 10, "health_score": 90}, "Advocate"),  # 6 over 7
        ({"churn_date": days(0), "is_reference": True}, "Churned"),
    ],
)
def test_earlier_rule_wins(fields: dict[str, Any], stage: str) -> None:
    assert stage_of(**fields)[0] == stage


def test_churn_date_in_future_does_not_churn_yet() -> None:
    stage, _ = stage_of(churn_date=days(30), contract_start=days(-1000), renewal_date=days(30))
    assert stage == "Renewal"


# --- frame handling ------------------------------------------------------------------------------


def test_output_index_types_and_stage_names() -> None:
    frame = frame_of(
        {"status": "Churned"}, {"contract_start": days(-3)}, {"contract_start": days(-900)}
    )
    frame.index = pd.Index(["x", "y", "z"])
    out = assign_stages(frame, TODAY, SETTINGS)
    assert list(out.columns) == ["lifecycle_stage", "stage_reason"]
    assert out.index.equals(frame.index)
    assert out["lifecycle_stage"].dtype == "str"
    assert out["stage_reason"].dtype == "str"
    assert out["lifecycle_stage"].tolist() == ["Churned", "Onboarding", "Established"]


def test_absent_columns_and_empty_frames() -> None:
    out = assign_stages(pd.DataFrame(index=[4, 5]), TODAY, SETTINGS)
    assert out["lifecycle_stage"].tolist() == ["Unknown", "Unknown"]
    empty = assign_stages(pd.DataFrame({"status": pd.Series([], dtype="str")}), TODAY, SETTINGS)
    assert empty.empty
    assert list(empty.columns) == ["lifecycle_stage", "stage_reason"]


def test_all_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "status": pd.Series([None], dtype="str"),
            "lifecycle_stage": pd.Series([np.nan], dtype=object),
            "contract_start": pd.Series([pd.NaT], dtype="datetime64[ns]"),
            "renewal_date": pd.Series([pd.NaT], dtype="datetime64[ns]"),
            "churn_date": pd.Series([pd.NaT], dtype="datetime64[ns]"),
            "nps": [np.nan],
            "health_score": [np.nan],
            "is_reference": pd.array([None], dtype="boolean"),
        }
    )
    assert assign_stages(frame, TODAY, SETTINGS)["lifecycle_stage"].tolist() == ["Unknown"]


def test_other_date_units_time_zones_and_today_types() -> None:
    frame = pd.DataFrame(
        {
            "contract_start": pd.Series([days(-90)], dtype="datetime64[us]"),
            "renewal_date": pd.Series([days(10)]).dt.tz_localize("Europe/Berlin"),
        }
    )
    for today in (TODAY, datetime.datetime(2026, 11, 23, 18, 30), pd.Timestamp("2026-11-23")):
        assert assign_stages(frame, today, SETTINGS)["lifecycle_stage"].tolist() == ["Onboarding"]


def test_dates_with_a_time_of_day_count_by_calendar_day() -> None:
    frame = pd.DataFrame({"contract_start": [pd.Timestamp("2026-08-25 23:59")]})  # 90 days
    assert assign_stages(frame, TODAY, SETTINGS)["lifecycle_stage"].tolist() == ["Onboarding"]


def by_hand(row: dict[str, Any], s: Settings) -> str:
    """The rules read one account at a time, straight from their wording."""
    w = s.lifecycle

    def ago(d: Any) -> float:
        return np.nan if pd.isna(d) else (pd.Timestamp(TODAY) - d).days

    status = None if pd.isna(row["status"]) else row["status"].strip().casefold()
    stages = {x.casefold(): x for x in LIFECYCLE_STAGES if x != "Unknown"}
    imported = None if pd.isna(row["lifecycle_stage"]) else row["lifecycle_stage"].casefold()
    start, renew, churn = (
        ago(row["contract_start"]),
        ago(row["renewal_date"]),
        ago(row["churn_date"]),
    )
    if status in {c.casefold() for c in s.churned_statuses} or churn >= 0:
        return "Churned"
    if imported in stages:
        return stages[imported]
    if status in {t.casefold() for t in s.trial_statuses} or start < 0:
        return "Trial"
    if 0 <= start <= w.onboarding_days:
        return "Onboarding"
    if -renew <= w.renewal_days:
        return "Renewal"
    if row["is_reference"] is True or (
        row["nps"] >= w.advocate_nps and row["health_score"] >= w.advocate_health
    ):
        return "Advocate"
    if 0 <= start <= w.adoption_days:
        return "Adoption"
    return "Established" if not np.isnan(start) else "Unknown"


def test_whole_portfolio_matches_a_row_by_row_reading() -> None:
    rng = np.random.default_rng(5)
    n = 4_000

    def maybe_dates(low: int, high: int, missing: float) -> pd.Series:
        values = pd.Series([days(int(d)) for d in rng.integers(low, high, n)])
        return values.mask(rng.random(n) < missing).astype("datetime64[ns]")

    frame = pd.DataFrame(
        {
            "status": pd.Series(
                rng.choice(
                    np.array(["Active", " trial", "CHURNED", "lost", None], dtype=object), n
                ),
                dtype="str",
            ),
            "lifecycle_stage": pd.Series(
                rng.choice(
                    np.array([None] * 12 + ["adoption", "Renewal", "Unknown"], dtype=object), n
                ),
                dtype="str",
            ),
            "contract_start": maybe_dates(-800, 30, 0.1),
            "renewal_date": maybe_dates(-30, 400, 0.2),
            "churn_date": maybe_dates(-300, 60, 0.9),
            "nps": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 11, n)),
            "health_score": np.where(rng.random(n) < 0.1, np.nan, rng.integers(40, 101, n)),
            "is_reference": pd.array(
                rng.choice(np.array([True, False, None], dtype=object), n, p=[0.05, 0.8, 0.15]),
                dtype="boolean",
            ),
        }
    )
    out = assign_stages(frame, TODAY, SETTINGS)["lifecycle_stage"].tolist()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for r in records:
        r.update({k: np.nan for k in ("nps", "health_score") if r[k] is None})
        r.update({k: pd.NaT for k in DATE_FIELDS if r[k] is None})
    assert out == [by_hand(r, SETTINGS) for r in records]
    assert set(out) == set(LIFECYCLE_STAGES)  # the sample reaches every rule


# --- churn recognition: the churn column and the file's own Churned stage -----------------------


@pytest.mark.parametrize(("flag", "churned"), [(True, True), (False, False), (pd.NA, False)])
def test_churn_flag_true_is_churned_unknown_is_not(flag: Any, churned: bool) -> None:
    frame = frame_of({"churn_flag": flag, "contract_start": days(-400)})
    frame["churn_flag"] = frame["churn_flag"].astype("boolean")
    out = assign_stages(frame, TODAY, SETTINGS)
    assert (out["lifecycle_stage"].iloc[0] == "Churned") is churned
    if churned:
        assert out["stage_reason"].iloc[0] == "the churn column says churned"


def test_imported_churned_stage_counts_as_churned_for_tiering() -> None:
    from cspm.core.lifecycle import churned_mask

    frame = frame_of({"lifecycle_stage": "Churned", "contract_start": days(-400)})
    assert churned_mask(frame, TODAY, SETTINGS).tolist() == [True]
    stage, reason = stage_of(lifecycle_stage="churned", contract_start=days(-400))
    assert (stage, reason) == ("Churned", "imported lifecycle_stage 'churned'")


@pytest.mark.parametrize("status", ["In_Trial", "in  trial", "TRIALING"])
def test_trial_words_compare_like_the_import_does(status: str) -> None:
    assert stage_of(status=status, contract_start=days(-400))[0] == "Trial"
