"""Aggregate rules for the awkward rows real exports carry: same-day churn and reactivation, a
missing reactivation flag, blank plans, subscriptions with no amount, rows without dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cspm.core.related.aggregates import aggregates_at
from cspm.core.related.frames import RelatedFrames
from cspm.core.related.kinds import CHURN_EVENTS, SUBSCRIPTIONS, TICKETS, USAGE

from .dataset import frame_of

D = date(2024, 6, 30)


def _at(day: date = D, **frames: list[dict[str, Any]]) -> pd.DataFrame:
    kinds = {
        k: frame_of(k, [{"account_key": "K", **r} for r in rows]) for k, rows in frames.items()
    }
    got = aggregates_at(RelatedFrames.empty().replace(**kinds), [day])
    return got.set_index("account_key")


def test_a_churn_and_a_reactivation_on_one_day_leave_the_account_active() -> None:
    events = [
        {"churn_date": pd.Timestamp("2024-06-01"), "is_reactivation": True},
        {"churn_date": pd.Timestamp("2024-06-01"), "is_reactivation": False},
    ]
    got = _at(**{CHURN_EVENTS: events})
    assert bool(got.loc["K", "churn_flag"]) is False
    assert pd.isna(got.loc["K", "churn_date"])


def test_an_event_with_no_reactivation_flag_is_a_churn() -> None:
    got = _at(**{CHURN_EVENTS: [{"churn_date": pd.Timestamp("2024-06-01")}]})
    assert bool(got.loc["K", "churn_flag"]) is True
    assert got.loc["K", "churn_date"] == pd.Timestamp("2024-06-01")


def test_a_churn_after_the_date_is_not_yet_a_churn() -> None:
    got = _at(**{CHURN_EVENTS: [{"churn_date": pd.Timestamp("2024-07-01")}]})
    assert got.empty  # the account's first related date is after D: no row at D
    got = _at(
        **{
            CHURN_EVENTS: [{"churn_date": pd.Timestamp("2024-07-01")}],
            SUBSCRIPTIONS: [{"subscription_id": "S", "start_date": pd.Timestamp("2024-01-01")}],
        }
    )
    assert bool(got.loc["K", "churn_flag"]) is False


def test_a_blank_plan_does_not_hide_the_plan_of_another_active_subscription() -> None:
    subs = [
        {"subscription_id": "big", "start_date": pd.Timestamp("2024-01-01"), "arr": 50000.0},
        {
            "subscription_id": "small",
            "start_date": pd.Timestamp("2024-01-01"),
            "arr": 1000.0,
            "plan": "Lite",
        },
    ]
    got = _at(**{SUBSCRIPTIONS: subs})
    assert got.loc["K", "plan"] == "Lite"
    assert got.loc["K", "arr"] == 51000.0


def test_an_active_subscription_without_any_amount_leaves_arr_unknown() -> None:
    subs = [{"subscription_id": "S", "start_date": pd.Timestamp("2024-01-01"), "seats": 4.0}]
    got = _at(**{SUBSCRIPTIONS: subs})
    assert pd.isna(got.loc["K", "arr"]) and pd.isna(got.loc["K", "mrr"])
    assert got.loc["K", "subscriptions_active"] == 1.0
    assert got.loc["K", "seats_purchased"] == 4.0


def test_usage_rows_without_a_date_or_user_count_only_where_they_can() -> None:
    rows = [
        {"usage_date": pd.Timestamp("2024-06-30"), "count": 2.0},  # no user: an event, no user
        {"usage_date": None, "count": 5.0, "user_email": "a@k.com"},  # no date: in no window
        {"usage_date": pd.Timestamp("2024-06-01"), "count": 0.0, "user_email": "b@k.com"},
    ]
    got = _at(**{USAGE: rows})
    assert got.loc["K", "usage_events_30d"] == 2.0
    assert got.loc["K", "usage_active_users_30d"] == 1.0  # b, even with a count of 0
    assert got.loc["K", "usage_active_days_30d"] == 2.0


def test_a_closed_status_without_a_close_date_is_not_open() -> None:
    rows = [
        {"ticket_id": "1", "opened_at": pd.Timestamp("2024-06-01"), "status": "Closed"},
        {"ticket_id": "2", "opened_at": pd.Timestamp("2024-06-01"), "status": "Pending"},
        {"ticket_id": "3", "opened_at": pd.Timestamp("2024-06-01"), "status": "Resolved"},
    ]
    got = _at(**{TICKETS: rows})
    assert got.loc["K", "open_tickets"] == 1.0
    assert got.loc["K", "tickets_opened_90d"] == 3.0


def test_columns_that_lost_their_dtype_in_a_concat_still_count() -> None:
    """Stored rows concatenated with a new import's rows can arrive as object columns."""
    subs = frame_of(
        SUBSCRIPTIONS,
        [{"account_key": "K", "subscription_id": "S", "start_date": pd.Timestamp("2024-01-01")}],
    ).astype(object)
    subs.loc[0, "arr"] = 1200.0
    got = aggregates_at(RelatedFrames.empty().replace(subscriptions=subs), [D])
    assert got["arr"].tolist() == [1200.0]
    assert got["contract_start"].tolist() == [pd.Timestamp("2024-01-01")]
