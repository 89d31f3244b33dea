"""The customer pack's plain words: health as "good / fair / low", its trend as a sentence,
usage as a sentence, dates as "4 February 2027".

Pure functions on plain values, no Qt: the customer reads sentences, not scores against
thresholds, band colours or day counts ("overdue by 64 days" is a CSM's worry, not theirs).
"""

from __future__ import annotations

import datetime
import math

import numpy as np
import pandas as pd

HEALTH_WORDS = {"green": "good", "yellow": "fair", "red": "low"}
TREND_MONTHS = 6
"""The health and usage sentences compare now with the snapshot about this many months ago."""


def long_date(day: datetime.date | None) -> str:
    """ "4 February 2027" (unambiguous in every country, unlike 02/04/2027)."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def health_word(score: float | None, red_below: float = 50, green_from: float = 75) -> str:
    """ "good", "fair", "low"; "" when there is no score."""
    if score is None or not math.isfinite(score):
        return ""
    band = "red" if score < red_below else ("green" if score >= green_from else "yellow")
    return HEALTH_WORDS[band]


def _since(history: pd.DataFrame, column: str) -> tuple[str, float, float] | None:
    """(the start point's month in words, value then, value now) over the last TREND_MONTHS
    months; the month carries its year when that is not the latest snapshot's year."""
    if history is None or column not in history.columns or "as_of" not in history.columns:
        return None
    values = pd.to_numeric(history[column], errors="coerce")
    when = pd.to_datetime(history["as_of"])
    ok = values.notna().to_numpy() & when.notna().to_numpy()
    if ok.sum() < 2:
        return None
    values, when = values[ok], when[ok]
    order = np.argsort(when.to_numpy(), kind="stable")
    values, when = values.iloc[order], when.iloc[order]
    latest = when.iloc[-1]
    window = when >= latest - pd.DateOffset(months=TREND_MONTHS)
    start = int(np.argmax(window.to_numpy()))
    if start == len(when) - 1:
        return None
    first = when.iloc[start]
    month = f"{first:%B}" if first.year == latest.year else f"{first:%B %Y}"
    return month, float(values.iloc[start]), float(values.iloc[-1])


def health_sentence(
    history: pd.DataFrame, score: float | None, red_below: float = 50, green_from: float = 75
) -> str:
    """ "Health has improved from fair to good since June." and its kin; "" without a score."""
    now = health_word(score, red_below, green_from)
    if not now:
        return ""
    trend = _since(history, "health_score")
    if trend is None:
        return f"Health is {now}."
    month, then_score, _ = trend
    then = health_word(then_score, red_below, green_from)
    rank = {"low": 0, "fair": 1, "good": 2}
    if then == now:
        return f"Health has been {now} since {month}."
    verb = "improved" if rank[now] > rank[then] else "moved"
    return f"Health has {verb} from {then} to {now} since {month}."


def usage_sentence(history: pd.DataFrame) -> str:
    """ "Monthly active users grew from 310 to 356 (+15%) since June." or ""."""
    trend = _since(history, "mau")
    if trend is None:
        return ""
    month, then, now = trend
    if then <= 0:
        return f"Monthly active users: {now:,.0f}."
    change = (now - then) / then
    if abs(change) < 0.02:
        return f"Monthly active users have held steady at about {now:,.0f} since {month}."
    verb = "grew" if change > 0 else "went"
    return (
        f"Monthly active users {verb} from {then:,.0f} to {now:,.0f} ({change:+.0%}) since {month}."
    )
