"""Usage figures of every account at one date: events, active users and active days in the
last 30 days (d-30 < day <= d), and the trend against the 30 days before.

A usage row with no count is one event. The trend is (events in the last 30 days - events in
the 30 before) / events in the 30 before: -0.3 means usage dropped 30%; missing when the
earlier window has no events (no baseline, not "infinitely up"). Users are distinct
casefolded e-mails; rows without a user count as events but not as users.

The rows are reduced once to one row per (account, day) and per (account, user, day), sorted
by day, so a window is a slice found by `searchsorted` and each date costs the rows in its
windows only, not the whole file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .day_arrays import NO_DAY, days, numbers
from .normalise import email

WINDOW_DAYS = 30


def _user_codes(emails: pd.Series) -> np.ndarray:
    """One int per distinct casefolded address (-1 for none), normalising the uniques only."""
    codes, uniques = pd.factorize(emails, use_na_sentinel=True)
    norm_codes, _ = pd.factorize(email(pd.Series(uniques, dtype=object)), use_na_sentinel=True)
    norm_codes = np.append(norm_codes, -1)  # codes of -1 (missing) pick the appended -1
    return norm_codes[codes].astype(np.int64)


class UsageFigures:
    """Usage rows of linked accounts, reduced and sorted by day once."""

    def __init__(self, usage: pd.DataFrame, codes: np.ndarray, n: int) -> None:
        self.n = n
        day = days(usage["usage_date"])
        keep = day != NO_DAY
        day, codes = day[keep], codes[keep]
        count = numbers(usage["count"])[keep]
        count = np.where(np.isnan(count), 1.0, count)
        low = int(day.min()) if len(day) else 0
        span = int(day.max()) - low + 1 if len(day) else 1
        offset = day - low

        # one row per (account, day): the day's events
        inverse, daily = pd.factorize(codes * span + offset)  # hashing: faster than np.unique
        totals = np.bincount(inverse, weights=count, minlength=len(daily))
        order = np.argsort(daily % span, kind="stable")
        self.daily_day = (daily % span + low)[order]
        self.daily_code = (daily // span)[order]
        self.daily_count = totals[order]

        # one row per (account, user, day): who was active when
        user = _user_codes(usage["user_email"][keep])
        n_users = int(user.max()) + 1 if len(user) else 1
        has = user >= 0
        pair_id, pairs = pd.factorize(codes[has] * n_users + user[has])
        seen = pd.unique(pair_id.astype(np.int64) * span + offset[has])
        order = np.argsort(seen % span, kind="stable")
        self.user_day = (seen % span + low)[order]
        self.user_pair = (seen // span)[order]
        self.pair_code = pairs // n_users

    def _slice(self, sorted_days: np.ndarray, after: int, upto: int) -> slice:
        """Rows with after < day <= upto."""
        lo, hi = np.searchsorted(sorted_days, [after, upto], side="right")
        return slice(int(lo), int(hi))

    def _events(self, after: int, upto: int) -> np.ndarray:
        s = self._slice(self.daily_day, after, upto)
        return np.bincount(self.daily_code[s], weights=self.daily_count[s], minlength=self.n)

    def at(self, day: int) -> dict[str, np.ndarray]:
        n = self.n
        now = self._events(day - WINDOW_DAYS, day)
        before = self._events(day - 2 * WINDOW_DAYS, day - WINDOW_DAYS)
        with np.errstate(divide="ignore", invalid="ignore"):
            trend = np.where(before > 0, (now - before) / before, np.nan)
        s = self._slice(self.daily_day, day - WINDOW_DAYS, day)
        active_days = np.bincount(self.daily_code[s], minlength=n).astype(np.float64)
        s = self._slice(self.user_day, day - WINDOW_DAYS, day)
        active = np.zeros(len(self.pair_code), dtype=bool)
        active[self.user_pair[s]] = True
        users = np.bincount(self.pair_code[active], minlength=n).astype(np.float64)
        return {
            "usage_events_30d": now,
            "usage_active_users_30d": users,
            "usage_active_days_30d": active_days,
            "usage_trend_30d": trend,
        }
