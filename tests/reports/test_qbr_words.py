"""Health and usage in the customer's words: bands as good / fair / low, the trend since the
snapshot about six months back, the month with its year only when the year differs."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cspm.reports.qbr_words import health_sentence, health_word, long_date, usage_sentence


def history(scores: list[float | None], mau: list[float] | None = None) -> pd.DataFrame:
    months = pd.date_range(end="2026-11-30", periods=len(scores), freq="ME")
    frame = pd.DataFrame({"as_of": months, "health_score": scores})
    if mau is not None:
        frame["mau"] = mau
    return frame


def test_health_words_follow_the_teams_bands() -> None:
    assert [health_word(s) for s in (20, 49.9, 50, 74.9, 75, None)] == [
        "low", "low", "fair", "fair", "good", ""
    ]  # fmt: skip
    assert health_word(60, red_below=65, green_from=80) == "low"


def test_health_trend_sentences() -> None:
    up = history([60, 62, 64, 66, 70, 72, 78, 80])
    assert health_sentence(up, 80) == "Health has improved from fair to good since May."
    down = history([80, 80, 79, 78, 70, 66, 64, 60])
    assert health_sentence(down, 60) == "Health has moved from good to fair since May."
    assert health_sentence(history([80] * 8), 80) == "Health has been good since May."
    assert health_sentence(history([None, None]), 80) == "Health is good."
    assert health_sentence(history([80] * 8), None) == ""


def test_month_names_its_year_across_new_year() -> None:
    frame = pd.DataFrame(
        {"as_of": pd.to_datetime(["2025-10-31", "2025-12-31", "2026-03-31"]),
         "health_score": [40, 60, 80]}
    )  # fmt: skip
    assert health_sentence(frame, 80) == "Health has improved from low to good since October 2025."


def test_usage_sentence() -> None:
    assert usage_sentence(history([70] * 8, [100, 100, 110, 120, 130, 140, 150, 115])) == (
        "Monthly active users grew from 100 to 115 (+15%) since May."
    )
    steady = history([70] * 8, [200] * 7 + [201])
    assert usage_sentence(steady) == "Monthly active users have held steady at about 201 since May."
    assert usage_sentence(history([70] * 3)) == ""  # no usage column


def test_long_date_is_unambiguous() -> None:
    assert long_date(dt.date(2027, 2, 4)) == "4 February 2027"
    assert long_date(None) == ""
