"""Churn of every account at one date, from churn events and subscription starts.

At d an account is churned when its latest churn event on or before d is not a reactivation and
no subscription of the account starts after that churn date and on or before d (a new contract
is a reactivation even when no event says so). Then `churn_date` is that event's date;
otherwise the account is explicitly not churned (`churn_flag` False, `churn_date` missing), so
a snapshot after a reactivation clears the earlier churn. Two events on one day: the
reactivation counts as the later one. An event whose reactivation flag is missing is a churn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .day_arrays import NO_DAY, account_day_keys, days, group_ends, to_datetimes


class ChurnFigures:
    """Churn events and subscription starts of linked accounts, sorted once."""

    def __init__(
        self,
        events: pd.DataFrame,
        event_codes: np.ndarray,
        subs: pd.DataFrame,
        sub_codes: np.ndarray,
        n: int,
    ) -> None:
        self.n = n
        day = days(events["churn_date"])
        react = events["is_reactivation"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        keep = day != NO_DAY
        day, react, codes = day[keep], react[keep], event_codes[keep]
        order = np.lexsort((react, day, codes))
        self.codes, self.day, self.react = codes[order], day[order], react[order]
        start = days(subs["start_date"]) if len(subs) else np.zeros(0, np.int64)
        has = start != NO_DAY
        self.start_keys = np.sort(account_day_keys(sub_codes[has], start[has]))

    def at(self, day: int) -> dict[str, np.ndarray]:
        upto = np.flatnonzero(self.day <= day)
        last = upto[group_ends(self.codes[upto])]
        codes, churn_day = self.codes[last], self.day[last]
        keys = self.start_keys
        after = np.searchsorted(keys, account_day_keys(codes, churn_day), side="right")
        upto_d = np.searchsorted(keys, account_day_keys(codes, np.full_like(codes, day)), "right")
        churned = ~self.react[last] & (upto_d == after)
        flag = np.zeros(self.n, dtype=bool)
        flag[codes[churned]] = True
        when = np.full(self.n, NO_DAY, dtype=np.int64)
        when[codes[churned]] = churn_day[churned]
        return {"churn_date": to_datetimes(when), "churn_flag": flag}
