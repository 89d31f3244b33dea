"""Subscription figures of every account at one date: ARR, MRR, seats, plan, contract start,
renewal date and the number of active subscriptions.

A subscription is active on d when it started on or before d and has no end or ends after d
(a contract ending on the 31st no longer counts on the 31st). ARR is the sum of active ARR, an
MRR-only subscription counting MRR x 12 (and MRR is ARR / 12 where only ARR is given). With no
active subscription ARR and MRR are 0, not missing: the account pays nothing on that date. An
active subscription carrying neither figure leaves the sum missing when it is the only one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .day_arrays import NO_DAY, count_by, days, min_day_by, sum_by, to_datetimes
from .normalise import text


class SubscriptionFigures:
    """The subscriptions of linked accounts, prepared once (sorted, amounts completed) so each
    date costs a few array passes."""

    def __init__(self, subs: pd.DataFrame, codes: np.ndarray, n: int) -> None:
        self.n = n
        self.codes = codes
        self.start = days(subs["start_date"])
        self.end = days(subs["end_date"])
        arr = subs["arr"].to_numpy(dtype=np.float64)
        mrr = subs["mrr"].to_numpy(dtype=np.float64)
        self.arr = np.where(np.isnan(arr), mrr * 12.0, arr)
        self.mrr = np.where(np.isnan(mrr), arr / 12.0, mrr)
        self.seats = subs["seats"].to_numpy(dtype=np.float64)
        self.plan = text(subs["plan"]).to_numpy(dtype=object)
        self.has_start = self.start != NO_DAY
        self.first_start = min_day_by(codes, self.start, n, self.has_start)
        # Plan order: per account, highest ARR first (unknown ARR last), then latest start.
        arr_rank = np.where(np.isnan(self.arr), -np.inf, self.arr)
        self.plan_order = np.lexsort((-self.start, -arr_rank, codes))

    def at(self, day: int) -> dict[str, np.ndarray]:
        n, codes = self.n, self.codes
        active = self.has_start & (self.start <= day) & ((self.end == NO_DAY) | (self.end > day))
        n_active = count_by(codes, n, active)
        out: dict[str, np.ndarray] = {
            "arr": self._amount(self.arr, active, n_active),
            "mrr": self._amount(self.mrr, active, n_active),
            "seats_purchased": self._known_sum(self.seats, active),
            "plan": self._plan(active),
            "contract_start": to_datetimes(
                np.where(self.first_start <= day, self.first_start, NO_DAY)
            ),
            "renewal_date": to_datetimes(
                min_day_by(codes, self.end, n, active & (self.end != NO_DAY))
            ),
            "subscriptions_active": n_active,
        }
        return out

    def _known_sum(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sum of the known values under `mask`; NaN for an account with none known."""
        known = mask & ~np.isnan(values)
        total = sum_by(self.codes, values, self.n, known)
        return np.where(count_by(self.codes, self.n, known) > 0, total, np.nan)

    def _amount(self, values: np.ndarray, active: np.ndarray, n_active: np.ndarray) -> np.ndarray:
        """ARR/MRR: 0 with nothing active, the known sum otherwise."""
        return np.where(n_active == 0, 0.0, self._known_sum(values, active))

    def _plan(self, active: np.ndarray) -> np.ndarray:
        """The plan of each account's highest-ARR active subscription that names a plan."""
        order = self.plan_order
        picked = order[(active & (self.plan != None))[order]]  # noqa: E711 (element-wise)
        codes = self.codes[picked]
        first = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, bool)
        out = np.full(self.n, None, dtype=object)
        out[codes[first]] = self.plan[picked[first]]
        return out
