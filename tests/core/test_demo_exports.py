"""The demo's related exports agree with its CRM exports: the subscriptions active on every
export date add up to that export's ARR (seats and plan too), the tickets open on it are its
"Open Tickets", the latest contact login is its "Last Login", and usage never happens after a
contact's last login or an account's churn. Checked with plain pandas, date by date."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from cspm.core.demo import DemoSnapshot, generate_demo
from cspm.core.demo_exports import DemoExports, generate_exports

TODAY = datetime.date(2026, 5, 13)


@pytest.fixture(scope="module")
def demo() -> list[DemoSnapshot]:
    return generate_demo(300, TODAY)


@pytest.fixture(scope="module")
def exports(demo: list[DemoSnapshot]) -> DemoExports:
    return generate_exports(demo)


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None))


def test_active_subscriptions_add_up_to_every_exports_arr_seats_and_plan(
    demo: list[DemoSnapshot], exports: DemoExports
) -> None:
    subs = exports.subscriptions
    start, end = _dates(subs["Start Date"]), _dates(subs["Ended At"])
    arr = subs["ARR"].fillna(subs["MRR"] * 12)
    for snap in demo:
        day = pd.Timestamp(snap.as_of)
        active = subs[(start <= day) & (end.isna() | (end > day))]
        got = arr[active.index].groupby(active["Customer ID"]).sum().round(2)
        frame = snap.frame.set_index("Account ID")
        paying = frame["ARR"][frame["ARR"] > 0]
        assert got.sort_index().to_dict() == paying.sort_index().to_dict(), snap.as_of
        assert active["Customer ID"].is_unique  # one subscription at a time in the demo
        by_account = active.set_index("Customer ID")
        assert (by_account["Quantity"] == frame.loc[by_account.index, "Seats Purchased"]).all()
        assert (by_account["Plan"] == frame.loc[by_account.index, "Plan"]).all()


def test_subscriptions_look_like_a_billing_export(exports: DemoExports) -> None:
    subs = exports.subscriptions
    assert subs["Subscription ID"].is_unique
    assert subs["Subscription ID"].str.fullmatch(r"sub_1Q\d{6}").all()
    assert set(subs["Status"]) == {"active", "canceled"}
    assert subs["ARR"].isna().any()  # some subscriptions carry only MRR
    start, end = _dates(subs["Start Date"]), _dates(subs["Ended At"])
    assert (end.isna() | (end > start)).all()
    assert (start <= pd.Timestamp(TODAY)).all()


def test_tickets_open_on_every_export_date_are_its_open_tickets(
    demo: list[DemoSnapshot], exports: DemoExports
) -> None:
    tickets = exports.tickets
    opened = pd.to_datetime(tickets["Created at"]).dt.normalize()
    solved = pd.to_datetime(tickets["Solved at"].replace("", None)).dt.normalize()
    for snap in demo:
        day = pd.Timestamp(snap.as_of)
        open_now = tickets[(opened <= day) & (solved.isna() | (solved > day))]
        got = open_now.groupby("Organization").size()
        frame = snap.frame.set_index("Account Name")["Open Tickets"].fillna(0)
        want = frame[frame > 0].astype(int)
        assert got.sort_index().to_dict() == want.sort_index().to_dict(), snap.as_of
    assert (solved.dropna() <= pd.Timestamp(TODAY)).all()  # nothing solved in the future
    assert len(tickets) > sum(s.frame["Open Tickets"].fillna(0).sum() for s in demo[-1:])


def test_contacts_belong_to_accounts_and_their_latest_login_is_the_accounts(
    demo: list[DemoSnapshot], exports: DemoExports
) -> None:
    contacts = exports.contacts
    assert contacts["Email"].is_unique
    ids = set().union(*(s.frame["Account ID"] for s in demo))
    assert set(contacts["Associated Company ID"]) == ids
    admins = contacts[contacts["Role"] == "Admin"]["Associated Company ID"]
    assert admins.is_unique and set(admins) == ids
    last = pd.concat([s.frame for s in demo]).groupby("Account ID")["Last Login"].last()
    latest = _dates(contacts["Last Login"]).groupby(contacts["Associated Company ID"]).max()
    known = last.dropna()
    assert (latest[known.index] == known).all()
    assert latest[last[last.isna()].index].isna().all()


def test_usage_follows_logins_churn_and_the_falling_mau(
    demo: list[DemoSnapshot], exports: DemoExports
) -> None:
    usage, contacts = exports.usage, exports.contacts
    assert usage["usage_id"].is_unique
    day = pd.to_datetime(usage["usage_date"])
    assert day.max() <= pd.Timestamp(TODAY)
    by_person = usage[usage["user_email"] != ""]
    login = _dates(contacts.set_index("Email")["Last Login"])
    assert (day[by_person.index] <= by_person["user_email"].map(login)).all()
    subs = exports.subscriptions.set_index("Subscription ID")["Customer ID"]
    system = usage[usage["subscription_id"] != ""]
    account = system["subscription_id"].map(subs)
    assert account.notna().all()
    final = demo[-1].frame.set_index("Account ID")
    churn = pd.concat([s.frame for s in demo]).groupby("Account ID")["Churn Date"].max()
    assert not (day[system.index] > account.map(churn)).any()

    # An account whose MAU fell by a third or more in the last month uses the product less.
    before = demo[-2].frame.set_index("Account ID")["MAU"]
    drop = final["MAU"] / before.reindex(final.index)
    fallen = drop[(drop < 0.67) & (before.reindex(final.index) >= 20)].index
    assert len(fallen) > 0
    today = pd.Timestamp(TODAY)
    recent = system[day[system.index] > today - pd.Timedelta(days=30)]
    earlier = system[
        (day[system.index] <= today - pd.Timedelta(days=30))
        & (day[system.index] > today - pd.Timedelta(days=60))
    ]
    now = recent.groupby(account[recent.index])["usage_count"].sum()
    then = earlier.groupby(account[earlier.index])["usage_count"].sum()
    trend = (now.reindex(fallen) / then.reindex(fallen) - 1).dropna()
    assert (trend < -0.15).mean() > 0.8, trend


def test_the_same_seed_gives_the_same_exports(demo: list[DemoSnapshot]) -> None:
    a, b = generate_exports(demo), generate_exports(demo)
    for (_, _, x), (_, _, y) in zip(a.files(), b.files(), strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert not generate_exports(demo, seed=8).usage.equals(a.usage)


def test_a_large_demo_stays_vectorised() -> None:
    big = generate_demo(5_000, TODAY, months=13)
    exports = generate_exports(big)
    assert exports.subscriptions["Customer ID"].nunique() > 4_000
    assert np.isfinite(exports.usage["usage_count"].to_numpy(dtype=float)).all()


def test_the_active_subscription_ends_on_the_renewal_date_the_crm_shows(
    demo: list[DemoSnapshot], exports: DemoExports
) -> None:
    """One subscription per contract term: today's ends on the export's renewal date (an
    overdue renewal in the CRM is a running subscription with no end in billing)."""
    subs = exports.subscriptions
    start, end = _dates(subs["Start Date"]), _dates(subs["Ended At"])
    today = pd.Timestamp(TODAY)
    active = subs[(start <= today) & (end.isna() | (end > today))].set_index("Customer ID")
    renewal = demo[-1].frame.set_index("Account ID")["Renewal Date"].reindex(active.index)
    upcoming = renewal > today
    assert upcoming.sum() > 100
    ends = _dates(active["Ended At"])[upcoming]
    assert (ends == renewal[upcoming]).all()
    assert _dates(active["Ended At"])[~upcoming].isna().all()
    # The export reaches back a little over a year before the first CRM export, no further.
    assert start.min() >= pd.Timestamp(demo[0].as_of) - pd.Timedelta(days=400)
