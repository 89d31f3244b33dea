"""Knowing an accounts list from opportunities, tickets, contacts, subscriptions, usage and
churn events; refusing a file with many rows per account of no known kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.core.file_kind import file_shape, refuse_other_kinds
from cspm.core.header import Table
from cspm.core.mapping import auto_map


def table(headers: list[str], rows: list[list[object]]) -> Table:
    data = pd.DataFrame(rows, columns=headers, dtype=object)
    return Table(headers, data, np.arange(2, len(rows) + 2), 1, [])


def shape(headers: list[str], rows: list[list[object]]):
    t = table(headers, rows)
    return file_shape(t, auto_map(t.headers))


def refuse(headers: list[str], rows: list[list[object]]) -> str:
    t = table(headers, rows)
    with pytest.raises(BadInputError) as err:
        refuse_other_kinds(t, auto_map(t.headers), "export.csv")
    return str(err.value)


@pytest.mark.parametrize(
    "headers,row,kind",
    [
        (
            ["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date"],
            ["Acme - Renewal", "Acme", "Closed Won", 1000, "2026-01-01"],
            "an opportunities export",
        ),
        (
            ["Deal Name", "Deal Stage", "Amount", "Close Date", "Associated Company"],
            ["Acme renewal", "closedwon", 1000, "2026-01-01", "Acme"],
            "an opportunities export",
        ),
        (
            ["Ticket ID", "Subject", "Priority", "Status", "Organization", "Created at"],
            [101, "Login broken", "High", "Open", "Acme", "2026-01-01"],
            "a support tickets export",
        ),
        (
            ["AccountId", "CaseNumber", "Status", "Priority", "IsEscalated"],
            ["001A", "00001026", "New", "High", "false"],
            "a support tickets export",
        ),
        (
            ["Id", "AccountId", "FirstName", "LastName", "Email", "Title"],
            ["003A", "001A", "Dana", "Scully", "dana@acme.com", "CFO"],
            "a contacts export",
        ),
        (
            ["id", "Customer ID", "Plan", "Quantity", "Interval", "Status",
             "Current Period End (UTC)", "Canceled At (UTC)"],
            ["sub_1", "cus_1", "Pro", 10, "month", "active", "2026-12-01", ""],
            "a subscriptions export",
        ),
        (
            ["Visitor ID", "Account ID", "Day", "Events", "Minutes"],
            ["v1", "A1", "2026-11-01", 30, 12],
            "a product usage export",
        ),
    ],
)  # fmt: skip
def test_kinds_are_recognised_from_headers(headers, row, kind: str) -> None:
    found = shape(headers, [row]).kind
    assert found is not None and found.name == kind
    # A recognised kind is imported as that kind now (cspm.core.related.detect), not refused.
    t = table(headers, [row])
    refuse_other_kinds(t, auto_map(t.headers), "export.csv")


def test_accounts_list_with_its_main_contact_stays_an_accounts_list() -> None:
    headers = ["Account ID", "Account Name", "ARR", "First Name", "Last Name", "Email"]
    rows = [["A1", "Acme", 1000, "Dana", "Scully", "dana@acme.com"]]
    assert shape(headers, rows).kind is None


@pytest.mark.parametrize(
    "headers",
    [
        ["Account ID", "Account Name", "Status", "Type"],  # a Salesforce accounts report
        ["Record ID", "Company name", "Annual Revenue", "Lifecycle Stage", "Phone"],
        ["Name", "Owner", "Closed deals", "Won deals", "Open deals", "Next activity date"],
        ["Account Name", "Plan", "Subscription Status", "Customer ID", "MRR"],
    ],
)
def test_accounts_exports_are_not_taken_for_other_kinds(headers: list[str]) -> None:
    rows = [[f"{h}-{n}" for h in headers] for n in range(3)]
    assert shape(headers, rows).kind is None


def test_many_rows_per_account_without_a_kind_is_refused_with_counts() -> None:
    rows = [[f"Account {n % 12}", f"2026-{1 + n // 12:02d}", n] for n in range(36)]
    message = refuse(["Account Name", "Month", "Logins"], rows)
    assert message.startswith("'export.csv' has several rows per account: 36 rows, 12 accounts")
    assert "column 'Account Name' repeats" in message


def test_a_few_duplicate_rows_keep_an_accounts_list_an_accounts_list() -> None:
    rows = [[f"A{n}", f"Account {n}", 1000] for n in range(30)]
    rows += [["A1", "Account 1", 1000], ["A2", "Account 2", 1000]]
    s = shape(["Account ID", "Account Name", "ARR"], rows)
    assert s.kind is None and s.repeated == 2 and not s.many_rows_per_account


def test_threshold_is_ten_repeats_and_a_third_of_the_rows() -> None:
    def repeated(accounts: int, copies: int) -> bool:
        rows = [[f"A{n}", 1] for n in range(accounts) for _ in range(copies)]
        return shape(["Account ID", "Seats"], rows).many_rows_per_account

    assert not repeated(9, 2)  # 9 repeats: too few to be sure
    assert repeated(10, 2)  # every account twice
    assert not repeated(100, 1)
