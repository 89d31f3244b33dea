"""Capacity: figures per owner and touch model on a crafted portfolio, totals and warnings."""

from __future__ import annotations

import pandas as pd
import pytest

from cspm.core.tasks import (
    CapacitySettings,
    EngagementModel,
    TaskSettings,
    capacity_summary,
    hours_per_account,
)
from cspm.core.tasks.playbooks import CHECK_IN

MONTH = 365.25 / 12
# Default cadences x default task hours, per account per month.
ENTERPRISE = MONTH / 14 * 0.5 + MONTH / 90 * 3.0 + MONTH / 180 * 1.0
MID_MARKET = MONTH / 30 * 0.5 + MONTH / 180 * 2.0


def book(*groups: tuple[object, str, int]) -> pd.DataFrame:
    owners: list[object] = []
    tiers: list[str] = []
    for owner, tier, n in groups:
        owners += [owner] * n
        tiers += [tier] * n
    return pd.DataFrame(
        {"owner": owners, "tier": tiers},
        index=pd.Index([f"k{i}" for i in range(len(owners))], name="key"),
    )


PORTFOLIO = book(
    ("Dana Scully", "Enterprise", 41),
    ("Fox Mulder", "Enterprise", 20),
    ("Fox Mulder", "Mid-Market", 40),
    ("Walter Skinner", "SMB", 100),
    ("Walter Skinner", "Mid-Market", 10),
    (None, "Mid-Market", 3),
    ("  ", "Mid-Market", 1),
)


def row(frame: pd.DataFrame, owner: str, model: str) -> pd.Series:
    sel = frame[(frame["owner"] == owner) & (frame["touch_model"] == model)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_hours_per_account_from_default_cadences() -> None:
    s = TaskSettings()
    assert hours_per_account(s.model_for("Enterprise"), s.capacity) == pytest.approx(ENTERPRISE)
    assert hours_per_account(s.model_for("Mid-Market"), s.capacity) == pytest.approx(MID_MARKET)
    assert hours_per_account(s.model_for("SMB"), s.capacity) == 0
    assert hours_per_account(s.model_for("No such tier"), s.capacity) == 0


def test_by_owner_figures() -> None:
    report = capacity_summary(PORTFOLIO, TaskSettings())
    by = report.by_owner
    assert list(by.columns) == [
        "owner",
        "touch_model",
        "accounts",
        "max_accounts",
        "load",
        "required_hours_month",
        "available_hours_month",
        "over_under_hours",
        "over_capacity",
    ]
    assert list(zip(by["owner"], by["touch_model"], strict=True)) == [
        ("Dana Scully", "high-touch"),
        ("Dana Scully", "all"),
        ("Fox Mulder", "high-touch"),
        ("Fox Mulder", "mid-touch"),
        ("Fox Mulder", "all"),
        ("Walter Skinner", "mid-touch"),
        ("Walter Skinner", "tech-touch"),
        ("Walter Skinner", "all"),
        ("(no owner)", "mid-touch"),
        ("(no owner)", "all"),
    ]

    dana = row(by, "Dana Scully", "high-touch")
    assert (dana["accounts"], dana["max_accounts"]) == (41, 30)
    assert dana["load"] == pytest.approx(41 / 30, abs=0.01)
    assert dana["required_hours_month"] == pytest.approx(41 * ENTERPRISE, abs=0.01)
    assert dana["available_hours_month"] == pytest.approx(70.0)
    assert dana["over_under_hours"] == pytest.approx(70 - 41 * ENTERPRISE, abs=0.01)
    assert dana["over_capacity"]

    # Fox: 20/30 + 40/75 = 120% of one CSM; the 70 hours are shared in that proportion.
    fox_hi, fox_mid = row(by, "Fox Mulder", "high-touch"), row(by, "Fox Mulder", "mid-touch")
    assert fox_hi["available_hours_month"] == pytest.approx(70 * (20 / 30) / 1.2, abs=0.01)
    assert fox_mid["available_hours_month"] == pytest.approx(70 * (40 / 75) / 1.2, abs=0.01)
    assert fox_mid["required_hours_month"] == pytest.approx(40 * MID_MARKET, abs=0.01)
    fox = row(by, "Fox Mulder", "all")
    assert (fox["accounts"], fox["available_hours_month"]) == (60, 70.0)
    assert fox["load"] == pytest.approx(1.2)
    assert fox["required_hours_month"] == pytest.approx(20 * ENTERPRISE + 40 * MID_MARKET, 0.01)
    assert fox["over_capacity"]

    # Walter: 10 mid-touch take 10/75 of his month; tech-touch gets the rest and needs none.
    w_mid, w_tech = row(by, "Walter Skinner", "mid-touch"), row(by, "Walter Skinner", "tech-touch")
    assert w_mid["available_hours_month"] == pytest.approx(70 * 10 / 75, abs=0.01)
    assert w_tech["available_hours_month"] == pytest.approx(70 * (1 - 10 / 75), abs=0.01)
    assert pd.isna(w_tech["max_accounts"]) and w_tech["required_hours_month"] == 0
    walter = row(by, "Walter Skinner", "all")
    assert walter["over_under_hours"] == pytest.approx(70 - 10 * MID_MARKET, abs=0.01)
    assert not walter["over_capacity"] and not w_mid["over_capacity"]

    nobody = row(by, "(no owner)", "all")
    assert (nobody["accounts"], nobody["available_hours_month"]) == (4, 0.0)
    assert nobody["over_capacity"]


def test_warnings_name_owners_and_numbers() -> None:
    warnings = capacity_summary(PORTFOLIO, TaskSettings()).warnings
    assert warnings == [
        "Dana Scully carries 41 high-touch accounts; the high-touch model allows 30.",
        f"Dana Scully's cadences need {41 * ENTERPRISE:.1f} hours a month; 70.0 are available.",
        f"Fox Mulder's cadences need {20 * ENTERPRISE + 40 * MID_MARKET:.1f} hours a month;"
        " 70.0 are available.",
        "Fox Mulder's book is 120% of one CSM's capacity.",
        f"4 accounts have no owner; their cadences need {4 * MID_MARKET:.1f} hours a month.",
    ]


def test_totals_per_touch_model() -> None:
    totals = capacity_summary(PORTFOLIO, TaskSettings()).totals.set_index("touch_model")
    assert totals.index.tolist() == ["high-touch", "mid-touch", "tech-touch", "all"]
    assert totals["accounts"].tolist() == [61, 54, 100, 215]
    assert totals["owners"].tolist() == [2, 2, 1, 3]
    assert totals.loc["high-touch", "csms_by_limit"] == pytest.approx(61 / 30, abs=0.01)
    assert totals.loc["mid-touch", "csms_by_limit"] == pytest.approx(54 / 75, abs=0.01)
    assert pd.isna(totals.loc["tech-touch", "csms_by_limit"])
    need = 61 * ENTERPRISE + 54 * MID_MARKET
    assert totals.loc["all", "required_hours_month"] == pytest.approx(need, abs=0.01)
    assert totals.loc["all", "csms_by_hours"] == pytest.approx(need / 70, abs=0.01)


def test_defaults_fit_a_full_book() -> None:
    report = capacity_summary(book(("Dana Scully", "Enterprise", 30)), TaskSettings())
    assert report.warnings == []
    assert not report.by_owner["over_capacity"].any()


def test_model_promising_more_than_a_month_holds_is_flagged() -> None:
    settings = TaskSettings(capacity=CapacitySettings(hours_per_month=50))
    warnings = capacity_summary(book(("Dana Scully", "Enterprise", 1)), settings).warnings
    assert warnings[0] == (
        f"The Enterprise engagement model (high-touch) needs {ENTERPRISE:.1f} hours per account"
        f" a month: 30 accounts, the high-touch limit, need {30 * ENTERPRISE:.1f} hours, more"
        " than the 50.0 a CSM has."
    )
    assert warnings[1].startswith("The Mid-Market engagement model (mid-touch)")
    assert len(warnings) == 2


def test_unlimited_model_with_cadences_is_flagged() -> None:
    engagement = {"SMB": EngagementModel("tech-touch", (CHECK_IN,))}
    report = capacity_summary(book(("A", "SMB", 3)), TaskSettings(engagement=engagement))
    assert len(report.warnings) == 1
    assert "tech-touch has no account limit" in report.warnings[0]
    # With no limited accounts, the whole month is left for the unlimited ones.
    tech = row(report.by_owner, "A", "tech-touch")
    assert tech["available_hours_month"] == 70.0
    assert tech["required_hours_month"] == pytest.approx(3 * MONTH / 14 * 0.5, abs=0.01)


def test_empty_portfolio() -> None:
    report = capacity_summary(book(), TaskSettings())
    assert len(report.by_owner) == 0
    assert report.totals["touch_model"].tolist() == ["all"]
    assert report.warnings == []


def test_missing_columns_mean_no_owner_and_default_model() -> None:
    frame = pd.DataFrame(index=pd.Index(["k0", "k1"], name="key"))
    report = capacity_summary(frame, TaskSettings())
    assert report.by_owner[["owner", "touch_model", "accounts"]].values.tolist() == [
        ["(no owner)", "tech-touch", 2],
        ["(no owner)", "all", 2],
    ]
