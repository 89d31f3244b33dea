"""Contacts as a CSM works with them: each contact row in force plus what is derived from it on
a date (days since the last login, active in the last 10/14/30 days, admin or executive, e-mail
domain). The Contacts view, `cspm contacts` and contact-level segments all read this one shape,
so "inactive 15 days" means the same in each.

The windows are the aggregates' (relcore's `contact_figures`): active in the last N days means
a login on a day d-N < login <= d, i.e. 0 <= days since login < N; inactive N days is the rest:
no login in the last N days, or never logged in (a missing last login is "never": contact
exports leave it blank for users who never signed in). A login dated after `today` (the clock
moved back with --today) is not a login "in the last N days" of that day: its days since login
are negative and it counts as inactive, as the aggregates count it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cspm.core.fields import FieldType

from .roles import is_exec_role

ACTIVE_WINDOWS: tuple[int, ...] = (10, 14, 30)

CONTACT_RULE_FIELDS: dict[str, FieldType] = {
    "email": FieldType.TEXT,
    "email_domain": FieldType.TEXT,
    "name": FieldType.TEXT,
    "role": FieldType.TEXT,
    "is_exec": FieldType.BOOL,
    "last_login": FieldType.DATE,
    "days_since_login": FieldType.NUMBER,
}
"""The contact fields a contact-level segment's rule may use (its own catalogue)."""

CONTACT_FIELD_LABELS: dict[str, str] = {
    "email": "E-mail",
    "email_domain": "E-mail domain",
    "name": "Name",
    "role": "Role",
    "is_exec": "Admin or executive",
    "last_login": "Last login",
    "days_since_login": "Days since login",
}


def days_since(last_login: pd.Series, today: dt.date) -> np.ndarray:
    """Whole days from the last login to `today` (negative after today; NaN for never)."""
    logins = pd.to_datetime(last_login, errors="coerce").to_numpy(dtype="datetime64[ns]")
    days = (np.datetime64(pd.Timestamp(today), "ns") - logins) / np.timedelta64(1, "D")
    return np.floor(days)


def email_domains(emails: pd.Series) -> pd.Series:
    """The part after the last '@', trimmed and lower-case (None without one).

    A plain loop over the values: ten times faster than pandas' string accessor here."""
    out = [
        (e.rpartition("@")[2].strip().casefold() or None)
        if isinstance(e, str) and "@" in e
        else None
        for e in emails.to_numpy(dtype=object)
    ]
    return pd.Series(out, index=emails.index, dtype=object)


def contact_table(contacts: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The contacts frame (core.related.frames contract) plus the derived columns:
    days_since_login, active_10d/14d/30d (bool), is_exec (bool), email_domain.

    Rows are ordered by contact name, then e-mail (ignoring case, blanks first), so a list
    needs only a stable sort by account afterwards (sorting 100,000 distinct names is the
    costly part, done once per data revision)."""
    order = np.lexsort([casefold_rank(contacts["email"]), casefold_rank(contacts["name"])])
    out = contacts.iloc[order].reset_index(drop=True)
    days = days_since(out["last_login"], today)
    out["days_since_login"] = days
    for n in ACTIVE_WINDOWS:
        out[f"active_{n}d"] = ~inactive_days(days, n)
    out["is_exec"] = is_exec_role(out["role"])
    out["email_domain"] = email_domains(out["email"])
    return out


def casefold_rank(values: pd.Series) -> np.ndarray:
    """Each value's place among the column's distinct values ignoring case (0 = missing)."""
    codes, uniques = pd.factorize(values.astype(object))
    folded = np.array([str(u).casefold() for u in uniques], dtype=object)
    ranks = np.zeros(len(uniques) + 1, dtype=np.int64)
    ranks[:-1] = np.argsort(np.argsort(folded, kind="stable"), kind="stable") + 1
    return ranks[codes]  # code -1 (missing) lands on the trailing 0


def inactive_days(since: np.ndarray, days: int) -> np.ndarray:
    """No login in the last `days` days (0 <= since < days), or never logged in."""
    with np.errstate(invalid="ignore"):
        active = (since >= 0) & (since < days)  # NaN (never) compares False
    return ~active


def inactive_mask(table: pd.DataFrame, days: int) -> np.ndarray:
    """Contacts with no login in the last `days` days, or never logged in."""
    return inactive_days(table["days_since_login"].to_numpy(dtype=float), days)
