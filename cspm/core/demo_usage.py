"""The demo's contacts (a HubSpot contacts export) and product usage events (an analytics
export), told from the demo's CRM exports like `demo_related`.

Each account has a handful of contacts (more with more seats): an admin, an executive sponsor
on larger accounts, users. One of them logged in on the account's "Last Login" of the final
export; the others earlier, some long ago, so "more than 30% of users inactive 10 days" and
"executive sponsor inactive" have members. Usage covers the last 90 days: events of the account's
subscription (API and scheduled jobs, named by subscription ID) at the rate of its monthly active
users, so an account whose MAU fell in the last month shows usage down about as much; and each
contact's own events (named by e-mail) on days up to their last login, never after it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.demo_related import DemoHistory, as_day, day_text

CONTACT_COLUMNS = (
    "Email", "First Name", "Last Name", "Associated Company ID", "Associated Company", "Role",
    "Last Login",
)  # fmt: skip
USAGE_COLUMNS = (
    "usage_id", "subscription_id", "user_email", "usage_date", "feature_name", "usage_count",
)  # fmt: skip
FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Maria", "Wei", "Aisha", "Lars", "Sofia", "Kenji", "Noah", "Emma", "Liam", "Olivia", "Mateo",
    "Ines", "Ravi", "Hana", "Omar", "Freya", "Diego", "Yuki", "Zara", "Felix",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Garcia", "Müller", "Rossi", "Kim", "Patel", "Nguyen", "Johansson", "Dubois",
    "Tanaka", "Silva", "Kowalski", "Okafor", "Murphy", "Schmidt", "Lopez", "Cohen", "Haddad",
    "Novak", "Berg", "Costa", "Ahmed", "Walsh", "Fischer", "Moreau",
)  # fmt: skip
EXECUTIVE_TITLES = ("VP Operations", "Chief Operating Officer", "Director of IT", "CFO")
USER_ROLES = ("User", "User", "User", "Analyst", "Manager", "Team Lead")
FEATURES = ("Dashboards", "Reports", "Workflows", "Integrations", "Exports", "Admin console")
USAGE_DAYS = 90


def _domains(names: pd.Series) -> pd.Series:
    """'Lumen Capital plc' -> 'lumencapital.com' (company suffixes dropped), unique."""
    base = (
        names.str.lower()
        .str.replace(r"\s+(inc\.|llc|ltd|gmbh|ag|sa|bv|plc|ab)$", "", regex=True)
        .str.replace(r"[^a-z0-9]+", "", regex=True)
    )
    clash = base.groupby(base).cumcount()
    return base + np.where(clash > 0, clash.astype(str), "") + ".com"


def contacts_export(history: DemoHistory, rng: np.random.Generator) -> pd.DataFrame:
    """A HubSpot-like contacts export (CONTACT_COLUMNS), every contact with its company."""
    r = history.rows
    by_account = r.groupby("Account ID", sort=True)
    final = by_account.last()
    seats = by_account["Seats Purchased"].max().to_numpy(dtype=np.float64)
    n = np.clip(np.round(1.2 * np.sqrt(np.nan_to_num(seats, nan=6.0))), 2, 20).astype(np.int64)
    account = np.repeat(final.index.to_numpy(dtype=object), n)
    k = np.arange(len(account)) - np.repeat(np.cumsum(n) - n, n)
    size = np.repeat(n, n)
    first = np.asarray(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), len(k))]
    last = np.asarray(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), len(k))]
    domain = np.repeat(_domains(final["Account Name"].astype(str)).to_numpy(dtype=object), n)
    local = pd.Series(first + "." + last).str.lower().str.replace("ü", "ue")
    clash = local.groupby([local, pd.Series(account)]).cumcount()
    email = local + np.where(clash > 0, clash.astype(str), "") + "@" + domain

    role = np.asarray(USER_ROLES, dtype=object)[rng.integers(0, len(USER_ROLES), len(k))]
    role[k == 0] = "Admin"
    sponsor = (k == 1) & (size >= 3)
    titles = np.asarray(EXECUTIVE_TITLES, dtype=object)
    role[sponsor] = titles[rng.integers(0, len(titles), len(k))][sponsor]

    # One contact logged in on the account's last login; the others before, at a pace that
    # differs per account (and slower for sponsors).
    login = np.repeat(as_day(final["Last Login"]), n)
    latest = np.repeat(np.floor(rng.random(len(n)) * n).astype(np.int64), n)
    pace = np.repeat(rng.choice([1.0, 2.0, 4.0, 15.0], len(n), p=[0.4, 0.3, 0.2, 0.1]), n)
    gap = np.round(rng.exponential(1.0, len(k)) * pace * np.where(sponsor, 2.5, 1.0))
    login = login - np.where(k == latest, 0.0, gap)
    return pd.DataFrame(
        {
            "Email": email.to_numpy(dtype=object),
            "First Name": first,
            "Last Name": last,
            "Associated Company ID": account,
            "Associated Company": np.repeat(final["Account Name"].to_numpy(dtype=object), n),
            "Role": role,
            "Last Login": day_text(login),
        }
    )[list(CONTACT_COLUMNS)]


def usage_export(
    history: DemoHistory,
    contacts: pd.DataFrame,
    subscription_of: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Usage events of the last USAGE_DAYS days (USAGE_COLUMNS), oldest first."""
    today = history.today
    window = np.arange(today - USAGE_DAYS + 1, today + 1)
    r = history.rows
    by_account = r.groupby("Account ID", sort=True)
    final = by_account.last()
    prev = r[r["_s"] == len(history.days) - 2].set_index("Account ID")["MAU"]
    mau_now = final["MAU"].to_numpy(dtype=np.float64)
    mau_before = prev.reindex(final.index).to_numpy(dtype=np.float64)
    mau_before = np.where(np.isnan(mau_before), mau_now, mau_before)
    churn = as_day(final["Churn Date"])
    sub = subscription_of.reindex(final.index).to_numpy(dtype=object)

    # The subscription's own events: one row per account and day with any.
    a = np.repeat(np.arange(len(final)), len(window))
    day = np.tile(window, len(final)).astype(np.float64)
    recent = day > today - 30
    rate = np.where(recent, mau_now[a], mau_before[a]) * 0.6
    weekday = ((day.astype(np.int64) + 3) % 7) < 5  # 1970-01-01 was a Thursday
    rate = np.nan_to_num(rate) * np.where(weekday, 1.0, 0.25)
    count = rng.poisson(rate)
    keep = (count > 0) & pd.notna(sub[a]) & ~(day > churn[a])
    system = pd.DataFrame(
        {
            "subscription_id": sub[a][keep],
            "user_email": "",
            "usage_date": day[keep],
            "feature_name": "API",
            "usage_count": count[keep],
        }
    )

    # Each contact's events: their last login day, and days in the 45 before it.
    login = as_day(contacts["Last Login"])
    c = np.repeat(np.arange(len(contacts)), 45)
    back = np.tile(np.arange(45), len(contacts))
    cday = login[c] - back
    pick = (cday > today - USAGE_DAYS) & ((back == 0) | (rng.random(len(c)) < 0.12))
    pick &= ~np.isnan(cday)
    people = pd.DataFrame(
        {
            "subscription_id": "",
            "user_email": contacts["Email"].to_numpy(dtype=object)[c][pick],
            "usage_date": cday[pick],
            "feature_name": np.asarray(FEATURES, dtype=object)[
                rng.integers(0, len(FEATURES), int(pick.sum()))
            ],
            "usage_count": 1 + rng.poisson(2.0, int(pick.sum())),
        }
    )
    events = pd.concat([system, people], ignore_index=True)
    events = events.sort_values(["usage_date", "user_email"], kind="stable").reset_index(drop=True)
    events["usage_date"] = day_text(events["usage_date"].to_numpy(dtype=np.float64))
    events.insert(
        0, "usage_id", np.char.add("evt_", np.char.zfill(np.arange(len(events)).astype(str), 7))
    )
    return events[list(USAGE_COLUMNS)]
