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

from .day_arrays import NO_DAY, days
from .normalise import email, on_uniques

WINDOW_DAYS = 30


class UsageFigures:
    """Usage rows of linked accounts, reduced and sorted by day once."""

    def __init__(self, usage: pd.DataFrame, codes: np.ndarray, n: int) -> None:
        self.n = n
        day = days(usage["usage_date"])
        keep = day != NO_DAY
        count = usage["count"].to_numpy(dtype=np.float64)[keep]
        frame = pd.DataFrame(
            {"code": codes[keep], "day": day[keep], "count": np.where(np.isnan(count), 1.0, count)}
        )
        daily = frame.groupby(["day", "code"], sort=True)["count"].sum()
        self.daily_day = daily.index.get_level_values("day").to_numpy(np.int64)
        self.daily_code = daily.index.get_level_values("code").to_numpy(np.int64)
        self.daily_count = daily.to_numpy(np.float64)

        user = on_uniques(usage["user_email"][keep], email)
        has_user = user.notna().to_numpy()
        pairs = pd.DataFrame({"code": frame["code"][has_user], "user": user[has_user].to_numpy()})
        pair_id, pair_uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
        seen = pd.DataFrame({"pair": pair_id, "day": frame["day"][has_user].to_numpy()})
        seen = seen.drop_duplicates().sort_values("day", kind="stable")
        self.user_day = seen["day"].to_numpy(np.int64)
        self.user_pair = seen["pair"].to_numpy(np.int64)
        self.pair_code = np.asarray(pair_uniques.get_level_values(0), dtype=np.int64)

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
