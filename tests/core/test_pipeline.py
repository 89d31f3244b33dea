"""core.pipeline: touchpoints as of the day, pinned tiers, segment rules checked per portfolio."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cspm.core.pipeline import Analysed, analyse_portfolio, health_change
from cspm.core.rules import BUILTIN_SEGMENTS
from cspm.core.settings import Settings

NO_QBR = "No QBR in 120 days"
TODAY = dt.date(2026, 10, 15)


def _state() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": ["E1", "E2"],
            "name": ["Eagle", "Egret"],
            "arr": [250_000.0, 300_000.0],
            "contract_start": pd.to_datetime(["2022-01-01", "2022-01-01"]),
            "last_qbr": pd.to_datetime(["2025-01-15", "2025-01-15"]),
        }
    )


def _touches(day: str) -> pd.DataFrame:
    return pd.DataFrame({"account_key": ["E1"], "kind": ["qbr"], "date": pd.to_datetime([day])})


NO_PINS = pd.DataFrame(columns=["tier", "reason"])


def _run(touches: pd.DataFrame, today: dt.date = TODAY, pins: pd.DataFrame = NO_PINS) -> Analysed:
    return analyse_portfolio(
        _state(),
        None,
        today,
        settings=Settings(),
        overrides=pins,
        touchpoints=touches,
        health=None,
        segments={name: rule for name, _d, rule in BUILTIN_SEGMENTS},
    )


def test_a_logged_qbr_takes_the_account_out_of_no_qbr() -> None:
    out = _run(_touches("2026-09-20"))
    assert not out.membership.loc["E1", NO_QBR]
    assert out.membership.loc["E2", NO_QBR]
    assert NO_QBR not in out.frame.loc["E1", "segments"]
    assert out.frame.loc["E1", "last_qbr"] == pd.Timestamp("2026-09-20")


def test_a_touchpoint_after_the_day_is_not_known_on_that_day() -> None:
    out = _run(_touches("2026-09-20"), today=dt.date(2026, 9, 1))
    assert out.membership.loc["E1", NO_QBR]


def test_a_pinned_tier_wins_with_its_reason() -> None:
    pins = pd.DataFrame({"tier": ["SMB"], "reason": ["pilot"]}, index=pd.Index(["E2"], name="key"))
    out = _run(_touches("2026-09-20"), pins=pins)
    assert out.frame.loc["E2", "tier"] == "SMB"
    assert out.frame.loc["E1", "tier"] == "Enterprise"


def test_a_rule_that_does_not_fit_is_reported_not_fatal() -> None:
    out = analyse_portfolio(
        _state(),
        None,
        TODAY,
        settings=Settings(),
        overrides=NO_PINS,
        touchpoints=_touches("2026-09-20"),
        health=None,
        segments={"Odd": {"field": "no_such_field", "op": ">", "value": 1}},
    )
    assert "Odd" in out.rule_errors and "Odd" not in out.rules
    assert list(out.membership.columns) == []


def test_health_change_is_now_minus_the_previous_import() -> None:
    frame = pd.DataFrame({"health_score": [60.0, 50.0]}, index=pd.Index(["E1", "E2"]))
    history = pd.DataFrame(
        {
            "key": ["E1", "E1", "E2"],
            "as_of": pd.to_datetime(["2026-08-31", "2026-09-30", "2026-09-30"]),
            "import_id": [1, 2, 2],
            "health_score": [75.0, 60.0, 50.0],
        }
    )
    change = health_change(frame, history, TODAY)
    assert change["E1"] == -15.0
    assert pd.isna(change["E2"])
