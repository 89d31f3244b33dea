"""Contact figures of every account at one date: how many contacts, how many logged in within
the last 10, 14 and 30 days (d-N < last_login <= d), the share inactive for 10 days, the
latest login and the latest login of an admin or executive.

A contacts file is a picture of "now" (each contact's latest login), not a history: at dates
before the picture (`pictures_from`) these figures are unknown, and the caller blanks them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .day_arrays import NO_DAY, count_by, days, max_day_by, to_datetimes
from .normalise import on_uniques, text

EXEC_ROLE_WORDS: tuple[str, ...] = (
    "admin",
    "administrator",
    "executive",
    "exec",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "cio",
    "chief",
    "vp",
    "vice president",
    "president",
    "founder",
    "owner",
    "director",
    "sponsor",
)
"""Role words (whole words, any case) that make a contact an admin or executive."""

ACTIVE_WINDOWS: tuple[int, ...] = (10, 14, 30)


def role_matches(roles: pd.Series, words: Sequence[str]) -> pd.Series:
    """True where the role contains one of `words` as whole words, any case ("VP Sales", "Chief
    Executive Officer", "Account Owner"; not "Directory Manager")."""
    if not words:
        return pd.Series(False, index=roles.index)
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in w.split()) for w in words if w.strip()
    )
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)

    def matches(values: pd.Series) -> pd.Series:
        return values.map(lambda v: v is not None and bool(pattern.search(str(v)))).astype(object)

    return on_uniques(text(roles), matches).fillna(False).astype(bool)


class ContactFigures:
    """Contacts of linked accounts, with their login day and whether they are executives."""

    def __init__(
        self, contacts: pd.DataFrame, codes: np.ndarray, n: int, exec_roles: Sequence[str]
    ) -> None:
        self.n, self.codes = n, codes
        self.login = days(contacts["last_login"])
        self.is_exec = role_matches(contacts["role"], exec_roles).to_numpy(bool)
        self.total = count_by(codes, n)

    def at(self, day: int) -> dict[str, np.ndarray]:
        n, codes = self.n, self.codes
        seen = (self.login != NO_DAY) & (self.login <= day)
        out: dict[str, np.ndarray] = {"contacts_total": self.total}
        for window in ACTIVE_WINDOWS:
            out[f"contacts_active_{window}d"] = count_by(
                codes, n, seen & (self.login > day - window)
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            out["contacts_inactive_share_10d"] = np.where(
                self.total > 0, 1.0 - out["contacts_active_10d"] / self.total, np.nan
            )
        out["exec_last_login"] = to_datetimes(max_day_by(codes, self.login, n, seen & self.is_exec))
        out["last_login"] = to_datetimes(max_day_by(codes, self.login, n, seen))
        return out
