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
    """The part after the last '@', trimmed and lower-case (None without one)."""
    text = emails.astype(object).where(emails.notna(), None)
    domain = text.str.strip().str.rsplit("@", n=1).str[1].str.strip().str.casefold()
    return domain.where(domain.notna() & (domain != ""), None).astype(object)


def contact_table(contacts: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The contacts frame (core.related.frames contract) plus the derived columns:
    days_since_login, active_10d/14d/30d (bool), is_exec (bool), email_domain."""
    out = contacts.copy()
    days = days_since(out["last_login"], today)
    out["days_since_login"] = days
    for n in ACTIVE_WINDOWS:
        out[f"active_{n}d"] = ~inactive_days(days, n)
    out["is_exec"] = is_exec_role(out["role"])
    out["email_domain"] = email_domains(out["email"])
    return out


def inactive_days(since: np.ndarray, days: int) -> np.ndarray:
    """No login in the last `days` days (0 <= since < days), or never logged in."""
    with np.errstate(invalid="ignore"):
        active = (since >= 0) & (since < days)  # NaN (never) compares False
    return ~active


def inactive_mask(table: pd.DataFrame, days: int) -> np.ndarray:
    """Contacts with no login in the last `days` days, or never logged in."""
    return inactive_days(table["days_since_login"].to_numpy(dtype=float), days)
