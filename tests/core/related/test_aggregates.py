"""Every aggregate of the hand-built dataset (tests/core/related/dataset.py) at three dates,
to the cent and the day, worked out on paper from the rows:

D1 2024-06-30, D2 2024-09-30, D3 2024-12-31 (windows: usage (d-30, d] against (d-60, d-30],
tickets (d-90, d]; contacts are a picture as of D3, unknown before it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cspm.core.related.aggregates import aggregates_at
from cspm.core.related.carried import derived_fields
from cspm.core.related.linking import link

from . import dataset as ds
from .dataset import ACME, D1, D2, D3, GLOBEX, INITECH, UMBRELLA

NaT = pd.NaT
nan = np.nan


def T(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


SUBSCRIPTIONS: dict[tuple[str, date], tuple[Any, ...]] = {
    # arr, mrr, seats, plan, contract_start, renewal_date, active
    # D1: S1 (12,000) and S2 (MRR 500 only -> 6,000); Pro has the highest ARR
    (ACME, D1): (18000.0, 1500.0, 15.0, "Pro", T("2024-01-15"), T("2025-01-15"), 2.0),
    # D2: + S3 (12,000, ties S1; the later start wins the plan; it renews first)
    (ACME, D2): (30000.0, 2500.0, 18.0, "Business", T("2024-01-15"), T("2024-12-01"), 3.0),
    # D3: S3 ended 2024-12-01
    (ACME, D3): (18000.0, 1500.0, 15.0, "Pro", T("2024-01-15"), T("2025-01-15"), 2.0),
    # Globex: S4 has no seats; it ends on D2, so it is not active on D2
    (GLOBEX, D1): (24000.0, 2000.0, nan, "Team", T("2024-02-01"), T("2024-09-30"), 1.0),
    (GLOBEX, D2): (0.0, 0.0, nan, None, T("2024-02-01"), NaT, 0.0),
    (GLOBEX, D3): (18000.0, 1500.0, nan, "Team", T("2024-02-01"), NaT, 1.0),
    # Initech: S6 (both MRR and ARR given) ended 2024-06-15
    (INITECH, D1): (0.0, 0.0, nan, None, T("2024-03-01"), NaT, 0.0),
    (INITECH, D2): (0.0, 0.0, nan, None, T("2024-03-01"), NaT, 0.0),
    (INITECH, D3): (0.0, 0.0, nan, None, T("2024-03-01"), NaT, 0.0),
    # Umbrella has usage only: no subscription, so nothing active
    (UMBRELLA, D2): (0.0, 0.0, nan, None, NaT, NaT, 0.0),
    (UMBRELLA, D3): (0.0, 0.0, nan, None, NaT, NaT, 0.0),
}

CHURN: dict[tuple[str, date], tuple[Any, ...]] = {
    # churn_date, churn_flag
    (ACME, D1): (NaT, False),
    (ACME, D3): (NaT, False),
    # Globex churned 2024-09-30 (the day S4 ended), came back with S5 on 2024-11-01
    (GLOBEX, D1): (NaT, False),
    (GLOBEX, D2): (T("2024-09-30"), True),
    (GLOBEX, D3): (NaT, False),
    # Initech churned 2024-06-15, reactivation event 2024-08-20 clears it
    (INITECH, D1): (T("2024-06-15"), True),
    (INITECH, D2): (NaT, False),
    (INITECH, D3): (NaT, False),
    (UMBRELLA, D2): (NaT, False),
}

USAGE: dict[tuple[str, date], tuple[float, ...]] = {
    # events, users, days, trend
    # D1: (05-31, 06-30]: 06-01 a x3, 06-30 b x1 (no count), 06-30 A@Acme x5 (= a);
    #     (05-01, 05-31]: 05-10 x4, 05-31 x2 -> (9 - 6) / 6
    (ACME, D1): (9.0, 2.0, 2.0, 0.5),
    # D2: 09-15 x10 against 08-31 x5
    (ACME, D2): (10.0, 1.0, 1.0, 1.0),
    # D3: 12-15 x1 (linked by account ID) against 12-01 x8
    (ACME, D3): (1.0, 1.0, 1.0, -0.875),
    (GLOBEX, D1): (0.0, 0.0, 0.0, nan),
    (GLOBEX, D2): (7.0, 1.0, 1.0, nan),
    (INITECH, D1): (2.0, 1.0, 1.0, nan),  # through Dave's contact e-mail
    (INITECH, D2): (0.0, 0.0, 0.0, nan),
    (UMBRELLA, D2): (2.0, 1.0, 1.0, nan),  # two rows, one user, one day, by domain
    (UMBRELLA, D3): (0.0, 0.0, 0.0, nan),
}

TICKETS: dict[tuple[str, date], tuple[float, ...]] = {
    # open, opened_90d, escalated_90d, satisfaction_90d
    # D1: T1 and T5 open (T2 closed on D1); only T1 opened in (04-01, 06-30] (T2 on 04-01 is
    #     out); T2 (5) closed in the window
    (ACME, D1): (2.0, 1.0, 1.0, 5.0),
    # D2: T3 (opened on D2) and T5 open; T4 "Solved" with no close date is closed on its
    #     opening day; T3, T4 opened; none escalated; T1 (4) and T4 (2) closed in the window
    (ACME, D2): (2.0, 2.0, 0.0, 3.0),
    # D3: T3 still open; T5 (1) closed 10-15
    (ACME, D3): (1.0, 0.0, 0.0, 1.0),
    (INITECH, D3): (1.0, 1.0, 0.0, nan),  # T6 through Dave's e-mail
    (GLOBEX, D3): (0.0, 0.0, 0.0, nan),
}

CONTACTS: dict[tuple[str, date], tuple[Any, ...]] = {
    # total, active 10/14/30 days, inactive share 10d, exec_last_login, last_login
    # a (VP) 12-25, b (Engineer) 12-30, c (Account Owner, by domain) 11-15
    (ACME, D3): (3.0, 2.0, 2.0, 2.0, 1.0 / 3.0, T("2024-12-25"), T("2024-12-30")),
    (GLOBEX, D3): (1.0, 1.0, 1.0, 1.0, 0.0, T("2024-12-31"), T("2024-12-31")),
    # a "Directory Manager" is no director
    (INITECH, D3): (1.0, 0.0, 0.0, 1.0, 1.0, NaT, T("2024-12-10")),
    (UMBRELLA, D3): (0.0, 0.0, 0.0, 0.0, nan, NaT, NaT),
}

COLUMNS = {
    "subscriptions": (
        "arr",
        "mrr",
        "seats_purchased",
        "plan",
        "contract_start",
        "renewal_date",
        "subscriptions_active",
    ),
    "churn": ("churn_date", "churn_flag"),
    "usage": (
        "usage_events_30d",
        "usage_active_users_30d",
        "usage_active_days_30d",
        "usage_trend_30d",
    ),
    "tickets": (
        "open_tickets",
        "tickets_opened_90d",
        "tickets_escalated_90d",
        "ticket_satisfaction_90d",
    ),
    "contacts": (
        "contacts_total",
        "contacts_active_10d",
        "contacts_active_14d",
        "contacts_active_30d",
        "contacts_inactive_share_10d",
        "exec_last_login",
        "last_login",
    ),
}
EXPECTED = {
    "subscriptions": SUBSCRIPTIONS,
    "churn": CHURN,
    "usage": USAGE,
    "tickets": TICKETS,
    "contacts": CONTACTS,
}


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    frames = link(ds.frames(), ds.accounts())
    return aggregates_at(frames, [D3, D1, D2, D1], pictures_from={"contacts": ds.CONTACTS_AS_OF})


def _same(got: object, want: object) -> bool:
    if want is None:
        return got is None
    if want is NaT or (isinstance(want, float) and np.isnan(want)):
        return bool(pd.isna(got))
    if isinstance(want, float):
        return got == pytest.approx(want, abs=1e-9)
    return bool(got == want)


@pytest.mark.parametrize("group", list(EXPECTED))
def test_every_aggregate_at_three_dates(result: pd.DataFrame, group: str) -> None:
    rows = result.set_index(["account_key", "as_of"])
    cols = COLUMNS[group]
    wrong = []
    for (account, day), want in EXPECTED[group].items():
        row = rows.loc[(account, pd.Timestamp(day))]
        for col, w in zip(cols, want, strict=True):
            if not _same(row[col], w):
                wrong.append(f"{account} {day} {col}: got {row[col]!r}, want {w!r}")
    assert not wrong, "\n".join(wrong)


def test_rows_start_at_each_accounts_first_related_date(result: pd.DataFrame) -> None:
    at = result.groupby("as_of")["account_key"].apply(list).to_dict()
    # Umbrella's first row is its usage on 2024-09-10; accounts without linked rows never
    # appear (Hooli: ambiguous domain; Freemail Co: free-mail website)
    assert at[pd.Timestamp(D1)] == [ACME, GLOBEX, INITECH]
    assert at[pd.Timestamp(D2)] == [ACME, GLOBEX, UMBRELLA, INITECH]
    assert at[pd.Timestamp(D3)] == [ACME, GLOBEX, UMBRELLA, INITECH]
    assert len(result) == 11  # D1 given twice counts once


def test_contacts_are_unknown_before_their_picture(result: pd.DataFrame) -> None:
    before = result[result["as_of"] < pd.Timestamp(ds.CONTACTS_AS_OF)]
    assert before[list(COLUMNS["contacts"])].isna().all().all()
    assert before["open_tickets"].notna().all()  # other kinds are not blanked


def test_columns_and_dtypes_follow_the_account_fields(result: pd.DataFrame) -> None:
    present = ("subscriptions", "usage", "tickets", "contacts", "churn_events")
    assert list(result.columns) == ["account_key", "as_of", *derived_fields(present)]
    assert result["as_of"].dtype == "datetime64[ns]"
    assert result["arr"].dtype == "float64"
    assert result["renewal_date"].dtype == "datetime64[ns]"
    assert result["plan"].dtype == object
    assert result["churn_flag"].dtype == "boolean"
    assert result["account_key"].dtype == object


def test_contacts_without_a_picture_date_count_at_every_date() -> None:
    frames = link(ds.frames(), ds.accounts())
    got = aggregates_at(frames, [date(2024, 12, 20)]).set_index("account_key")
    # a (12-25) and b (12-30) log in after 12-20: only c (11-15) has logged in by then
    assert got.loc[ACME, "contacts_total"] == 3.0
    assert got.loc[ACME, "contacts_active_30d"] == 0.0  # 11-15 is before (11-20, 12-20]
    assert got.loc[ACME, "last_login"] == T("2024-11-15")
    assert got.loc[ACME, "exec_last_login"] == T("2024-11-15")  # c is an "Account Owner"
    # Dave logged in 12-10: not within (12-10, 12-20], within (12-06, 12-20]
    assert got.loc[INITECH, "contacts_active_10d"] == 0.0
    assert got.loc[INITECH, "contacts_active_14d"] == 1.0
    assert got.loc[INITECH, "contacts_inactive_share_10d"] == 1.0


def test_exec_roles_can_be_chosen() -> None:
    frames = link(ds.frames(), ds.accounts())
    got = aggregates_at(frames, [D3], exec_roles=("engineer",)).set_index("account_key")
    assert got.loc[ACME, "exec_last_login"] == T("2024-12-30")  # b, the engineer
    assert pd.isna(got.loc[GLOBEX, "exec_last_login"])  # a CEO is not an engineer


def test_only_the_kinds_present_are_derived() -> None:
    frames = link(ds.frames(), ds.accounts())
    subs_only = frames.replace(
        usage=frames.usage.iloc[0:0],
        tickets=frames.tickets.iloc[0:0],
        contacts=frames.contacts.iloc[0:0],
        churn_events=frames.churn_events.iloc[0:0],
    )
    got = aggregates_at(subs_only, [D1, D2])
    assert list(got.columns) == ["account_key", "as_of", *COLUMNS["subscriptions"]]
    # without churn events, a subscription ending marks nobody churned: Globex at D2 has 0 ARR
    assert got.set_index(["account_key", "as_of"]).loc[(GLOBEX, T("2024-09-30")), "arr"] == 0.0


def test_a_subscription_starting_after_a_churn_reactivates_only_once_it_has_started() -> None:
    frames = link(ds.frames(), ds.accounts())
    got = aggregates_at(frames, [date(2024, 10, 31), date(2024, 11, 1)])
    globex = got[got["account_key"] == GLOBEX].set_index("as_of")
    assert bool(globex.loc[T("2024-10-31"), "churn_flag"]) is True  # S5 starts 11-01
    assert bool(globex.loc[T("2024-11-01"), "churn_flag"]) is False


def test_nothing_linked_gives_an_empty_frame_with_the_columns() -> None:
    got = aggregates_at(link(ds.frames(), ds.accounts().iloc[0:0]), [D1, D2])
    assert got.empty
    assert "arr" in got.columns and "churn_flag" in got.columns
    assert got["churn_flag"].dtype == "boolean"
    assert got["as_of"].dtype == "datetime64[ns]"
