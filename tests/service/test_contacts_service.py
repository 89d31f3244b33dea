"""The contacts use case: a CSM's contact list with its filters, on a real database with a real
accounts import and contact rows in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cspm.core.book import UNASSIGNED
from cspm.core.errors import BadInputError
from cspm.service.contacts import CONTACT_COLUMNS, list_contacts
from cspm.service.context import AppContext
from tests.contact_data import add_contacts, contacts_portfolio, import_accounts


def emails(frame: pd.DataFrame) -> list[str]:
    return list(frame["email"])


def test_lists_linked_contacts_with_their_account_and_login_age(
    ctx: AppContext, tmp_path: Path
) -> None:
    contacts_portfolio(ctx, tmp_path)
    got = list_contacts(ctx)
    assert got.imported and got.linked == 8 and got.unlinked == 1
    assert list(got.frame.columns) == list(CONTACT_COLUMNS)
    assert "ivy@nowhere.org" not in emails(got.frame)  # links to no account: counted, not shown
    # sorted by account name, then contact name
    assert emails(got.frame)[:4] == ["ada@acme.com", "bob@acme.com", "cy@acme.com", "dee@acme.com"]
    ada = got.frame.iloc[0]
    assert (ada["account_name"], ada["account_external_id"], ada["owner"]) == (
        "Acme Corp",
        "HS-1",
        "Dana Scully",
    )
    assert ada["days_since_login"] == 3 and bool(ada["active_10d"]) and bool(ada["is_exec"])
    cy = got.frame[got.frame["email"] == "cy@acme.com"].iloc[0]
    assert pd.isna(cy["last_login"]) and pd.isna(cy["days_since_login"])
    assert not cy["active_30d"] and cy["is_exec"]  # never logged in: not active, an admin
    assert got.roles[0] in ("Analyst", "Engineer")  # most common first
    assert set(got.roles) >= {"CEO", "System Administrator", "VP Operations"}


def test_inactive_days_counts_never_logged_in_and_no_login_in_the_window(
    ctx: AppContext, tmp_path: Path
) -> None:
    contacts_portfolio(ctx, tmp_path)
    inactive = emails(list_contacts(ctx, inactive_days=10).frame)
    assert inactive == ["bob@acme.com", "cy@acme.com", "eve@globex.io", "hal@initech.com"]
    # hal logged in 13 days ago: no login in the last 13 days, one in the last 14 (the
    # aggregates' window: d-N < login <= d)
    assert "hal@initech.com" in emails(list_contacts(ctx, inactive_days=13).frame)
    assert emails(list_contacts(ctx, inactive_days=14).frame) == [
        "bob@acme.com",
        "cy@acme.com",
        "eve@globex.io",
    ]
    with pytest.raises(BadInputError, match="0 or more"):
        list_contacts(ctx, inactive_days=-1)


def test_today_moves_the_login_age(ctx: AppContext, tmp_path: Path) -> None:
    contacts_portfolio(ctx, tmp_path)
    later = list_contacts(ctx, inactive_days=10, today=dt.date(2026, 12, 2))
    assert "ada@acme.com" in emails(later.frame)  # 12 days after her login
    assert "ada@acme.com" not in emails(list_contacts(ctx, inactive_days=10).frame)


def test_role_filter_contains_any_case_and_exec_means_admins_and_executives(
    ctx: AppContext, tmp_path: Path
) -> None:
    contacts_portfolio(ctx, tmp_path)
    assert emails(list_contacts(ctx, role="analyst").frame) == [
        "bob@acme.com",
        "dee@acme.com",
        "fay@globex.io",
    ]
    execs = ["ada@acme.com", "cy@acme.com", "eve@globex.io"]
    assert emails(list_contacts(ctx, role="exec").frame) == execs
    assert emails(list_contacts(ctx, role="Admins and executives").frame) == execs
    both = list_contacts(ctx, role="exec", inactive_days=15)
    assert emails(both.frame) == ["cy@acme.com", "eve@globex.io"]
    assert list_contacts(ctx, role="astronaut").frame.empty


def test_one_account_by_id_name_or_key_and_bad_references(ctx: AppContext, tmp_path: Path) -> None:
    keys = contacts_portfolio(ctx, tmp_path)
    by_id = emails(list_contacts(ctx, account="HS-2").frame)
    assert by_id == ["eve@globex.io", "fay@globex.io"]
    assert emails(list_contacts(ctx, account="  globex ").frame) == by_id
    assert emails(list_contacts(ctx, account=keys["HS-2"]).frame) == by_id
    assert list_contacts(ctx, account="Umbrella").frame.empty
    with pytest.raises(BadInputError, match="No account with ID or name 'Hooli'"):
        list_contacts(ctx, account="Hooli")


def test_an_ambiguous_account_name_is_refused_in_one_sentence(
    ctx: AppContext, tmp_path: Path
) -> None:
    from cspm.service.imports import ImportOptions, import_file
    from tests.files import write_csv

    path = write_csv(
        tmp_path / "twins.csv",
        [
            ["Account ID", "Account Name", "ARR"],
            ["T-1", "Twin Co", "100"],
            ["T-2", "twin co", "200"],
        ],
    )
    import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 11, 20)))
    with pytest.raises(BadInputError, match="names 2 accounts") as err:
        list_contacts(ctx, account="Twin Co")
    assert "\n" not in str(err.value)


def test_owner_and_search(ctx: AppContext, tmp_path: Path) -> None:
    contacts_portfolio(ctx, tmp_path)
    dana = list_contacts(ctx, owner="dana scully").frame
    assert set(dana["account_name"]) == {"Acme Corp", "Initech"}
    assert list_contacts(ctx, owner=UNASSIGNED).frame.empty
    assert emails(list_contacts(ctx, search="GLOBEX").frame) == ["eve@globex.io", "fay@globex.io"]
    assert emails(list_contacts(ctx, search="fring").frame) == ["gus@initech.com"]


def test_nothing_imported_says_so_and_a_new_import_is_seen(ctx: AppContext, tmp_path: Path) -> None:
    keys = import_accounts(ctx, tmp_path)
    empty = list_contacts(ctx)
    assert not empty.imported and empty.frame.empty and empty.roles == []
    add_contacts(ctx, keys)
    assert list_contacts(ctx).linked == 8  # the cached empty table is not reused
    # a later contacts import replaces a row by its key (the latest committed import wins)
    add_contacts(
        ctx, keys, [("bob@acme.com", "HS-1", "Bob Builder", "Admin", dt.date(2026, 11, 22))]
    )
    bob = list_contacts(ctx, account="HS-1", role="admin").frame
    assert emails(bob) == ["bob@acme.com", "cy@acme.com"]
    assert bob.iloc[0]["days_since_login"] == 1
