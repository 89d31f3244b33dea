"""`account_related`: one account's related rows in force, as the detail reads them (status of
each subscription and the next renewal, inactive contacts, open tickets, usage per week, the
files behind them), from a real SQLite store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cspm.service.account_related import account_related
from cspm.service.context import AppContext
from tests.conftest import TODAY, drain_workers
from tests.related_rows import GLOBEX, NORTHWIND, import_accounts, insert_related, sample_related
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


@pytest.fixture
def store(ctx, tmp_path: Path):
    import_accounts(ctx, tmp_path)
    sample_related(ctx, NORTHWIND, TODAY)
    return ctx


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_subscriptions_status_arr_and_next_renewal(store) -> None:
    r = account_related(store, NORTHWIND)
    subs = r.subscriptions.set_index("subscription_id")
    assert subs["status"].to_dict() == {
        "SUB-1187": "active",
        "SUB-1342": "active",
        "SUB-1001": "ended",
    }
    assert list(r.subscriptions["subscription_id"]) == ["SUB-1187", "SUB-1342", "SUB-1001"]
    assert r.next_renewal == _d("2027-01-31")
    assert subs["next_renewal"].to_dict() == {
        "SUB-1187": True,
        "SUB-1342": False,
        "SUB-1001": False,
    }
    # MRR only -> ARR 12 x MRR (flagged); ARR only -> MRR / 12 (flagged)
    assert subs.at["SUB-1342", "arr"] == 24000.0 and subs.at["SUB-1342", "arr_from_mrr"]
    assert subs.at["SUB-1187", "mrr"] == 8000.0 and subs.at["SUB-1187", "mrr_from_arr"]
    # a day later than the next renewal, the add-on renews next
    later = account_related(store, NORTHWIND, today=_d("2027-02-01"))
    assert later.next_renewal == _d("2027-08-31")


def test_contacts_days_since_and_inactive_including_never_logged_in(store) -> None:
    r = account_related(store, NORTHWIND)
    people = r.contacts.set_index("name")
    assert people.at["Chloe Wu", "days_since"] == 75
    assert bool(people.at["Chloe Wu", "inactive"]) is True
    assert bool(people.at["Dev Patel", "inactive"]) is False
    # no login on record: never logged in, so inactive (as the Contacts view reads it)
    assert bool(people.at["Femi Ade", "inactive"]) and bool(people.at["Femi Ade", "never"])
    assert pd.isna(people.at["Femi Ade", "days_since"])
    assert list(r.contacts["name"])[-1] == "Femi Ade"
    assert r.contacts_summary == "6 contacts · 2 inactive over 30 days (1 never logged in)"
    # a stricter threshold marks more
    strict = account_related(store, NORTHWIND, inactive_days=14).contacts
    assert set(strict.loc[strict["inactive"], "name"]) == {"Chloe Wu", "Dev Patel", "Femi Ade"}


def test_open_tickets_and_closed_in_90_days(store) -> None:
    r = account_related(store, NORTHWIND)
    assert list(r.open_tickets["ticket_id"]) == ["ZD-5012", "ZD-5120"]
    assert list(r.open_tickets["age_days"]) == [52.0, 5.0]
    assert r.tickets_total == 4 and r.tickets_closed_90d == 1
    # before ZD-4870 was closed, it was open too
    earlier = account_related(store, NORTHWIND, today=_d("2026-09-10"))
    assert list(earlier.open_tickets["ticket_id"]) == ["ZD-4870"]


def test_a_ticket_marked_solved_without_a_closed_date_is_not_open(store) -> None:
    insert_related(
        store,
        "tickets",
        [
            {
                "account_key": GLOBEX,
                "ticket_id": "T-1",
                "opened_at": _d("2026-11-01"),
                "status": "Closed - Solved",
            },
            {
                "account_key": GLOBEX,
                "ticket_id": "T-2",
                "opened_at": _d("2026-11-02"),
                "status": "New",
            },
        ],
        file_name="tickets.csv",
        as_of=TODAY,
        key_field="ticket_id",
    )
    r = account_related(store, GLOBEX)
    assert list(r.open_tickets["ticket_id"]) == ["T-2"]
    assert r.tickets_closed_90d == 1  # taken as closed on the day it was opened
    assert r.has_any and r.subscriptions.empty and r.usage_rows == 0


def test_usage_weeks_stop_at_the_export_date_not_today(store) -> None:
    rows = [
        {"account_key": GLOBEX, "usage_id": f"G-{i}", "usage_date": _d("2026-09-01")
         + dt.timedelta(days=i), "count": 10.0, "user_email": "a@globex.com"}
        for i in range(60)
    ]  # fmt: skip
    insert_related(
        store, "usage", rows, file_name="usage.csv", as_of=_d("2026-10-30"), key_field="usage_id"
    )
    r = account_related(store, GLOBEX)
    assert r.usage_period == "week"
    weeks = r.usage["period"].dt.date.tolist()
    assert weeks[0] == _d("2026-09-01") - dt.timedelta(days=1)  # the Monday of Sep 1
    assert weeks[-1] == _d("2026-10-26")  # the export's week, not November's empty weeks
    assert r.usage["events"].sum() == 600.0
    assert bool(r.usage["partial"].iloc[-1])  # 2026-10-30 is a Friday


def test_a_short_usage_span_is_shown_per_day(store) -> None:
    rows = [
        {"account_key": GLOBEX, "usage_id": f"D-{i}", "usage_date": TODAY - dt.timedelta(days=i),
         "count": None, "user_email": None}
        for i in range(10)
    ]  # fmt: skip
    insert_related(store, "usage", rows, file_name="u.csv", as_of=TODAY, key_field="usage_id")
    r = account_related(store, GLOBEX)
    assert r.usage_period == "day"
    assert len(r.usage) == 10 and r.usage["events"].tolist() == [1.0] * 10  # a row is an event


def test_only_rows_in_force_count_and_the_sources_say_which_files(store) -> None:
    # a newer export of the same subscription wins; an undone import counts for nothing
    newer = {
        "account_key": NORTHWIND, "subscription_id": "SUB-1342", "plan": "Analytics Plus",
        "start_date": _d("2025-09-01"), "end_date": _d("2027-08-31"), "arr": 30000.0,
    }  # fmt: skip
    insert_related(
        store, "subscriptions", [newer], file_name="C:\\exports\\renewals.xlsx",
        as_of=_d("2026-11-20"), key_field="subscription_id",
    )  # fmt: skip
    undone = dict(newer, subscription_id="SUB-9999", plan="Never happened")
    insert_related(
        store, "subscriptions", [undone], file_name="mistake.csv", as_of=TODAY,
        key_field="subscription_id", status="undone",
    )  # fmt: skip
    r = account_related(store, NORTHWIND)
    subs = r.subscriptions.set_index("subscription_id")
    assert subs.at["SUB-1342", "plan"] == "Analytics Plus"
    assert "SUB-9999" not in subs.index and len(subs) == 3
    kinds = [(s.kind, s.file_name, s.rows) for s in r.sources]
    assert kinds[:2] == [
        ("subscriptions", "Stripe subscriptions.csv", 2),
        ("subscriptions", "renewals.xlsx", 1),
    ]
    assert "mistake.csv" not in r.sources_text
    assert r.sources_text.startswith("Data from: subscriptions Stripe subscriptions.csv")


def test_an_account_without_related_rows_has_none(store) -> None:
    r = account_related(store, GLOBEX)
    assert not r.has_any and r.sources == () and r.sources_text == ""
    assert r.next_renewal is None


def test_a_row_whose_latest_version_links_elsewhere_leaves_this_account(store) -> None:
    # the contacts export of a week later moves Chloe to Globex (she changed company)
    moved = {"account_key": GLOBEX, "email": "chloe.wu@northwind.com", "name": "Chloe Wu",
             "role": "Analyst", "last_login": _d("2026-11-21")}  # fmt: skip
    insert_related(
        store, "contacts", [moved], file_name="contacts week 48.csv", as_of=TODAY,
        key_field="email",
    )  # fmt: skip
    north = account_related(store, NORTHWIND).contacts
    assert "Chloe Wu" not in set(north["name"]) and len(north) == 5
    globex = account_related(store, GLOBEX).contacts
    assert list(globex["name"]) == ["Chloe Wu"] and not bool(globex["inactive"].iloc[0])


def test_the_same_account_on_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    ctx = AppContext.open(pg_url, today=TODAY)
    try:
        import_accounts(ctx, tmp_path)
        sample_related(ctx, NORTHWIND, TODAY)
        test_a_row_whose_latest_version_links_elsewhere_leaves_this_account(ctx)
        r = account_related(ctx, NORTHWIND)
        assert r.next_renewal == _d("2027-01-31")
        assert list(r.open_tickets["ticket_id"]) == ["ZD-5012", "ZD-5120"]
        assert len(r.usage) == 27 and r.usage["events"].sum() > 0
        # the week-48 contacts file moved Chloe away: it feeds Globex, not this account
        assert [s.kind for s in r.sources] == ["subscriptions", "usage", "tickets", "contacts"]
        assert not account_related(ctx, GLOBEX).subscriptions.shape[0]
    finally:
        drain_workers()
        ctx.close()
