"""Linking related rows to accounts: each rule, their precedence, and the rows that must not
link (an unknown account ID, free-mail addresses, a domain two accounts share)."""

from __future__ import annotations

import pandas as pd
import pytest

from cspm.core.related.domains import email_domains, website_domains
from cspm.core.related.frames import RelatedFrames
from cspm.core.related.kinds import CONTACTS, SUBSCRIPTIONS, TICKETS, USAGE
from cspm.core.related.linking import link, unlinked

from . import dataset as ds


@pytest.fixture(scope="module")
def linked() -> RelatedFrames:
    return link(ds.frames(), ds.accounts())


def _links(frame: pd.DataFrame, column: str) -> dict[str, tuple[str | None, str | None]]:
    return {
        str(r[column]): (r["account_key"], r["linked_by"])
        for r in frame.to_dict("records")
        if r[column] is not None
    }


def test_subscriptions_link_by_id_case_insensitively_and_by_name(linked: RelatedFrames) -> None:
    subs = _links(linked.subscriptions, "subscription_id")
    assert subs["S1"] == ("A-1", "account")
    assert subs["S2"] == ("A-1", "account")  # " a-1 ": trimmed, case-insensitive
    assert subs["S4"] == ("G-2", "account")  # account name "  GLOBEX " only
    assert subs["S6"] == ("initech", "account")  # "INITECH" is the name-keyed account's key


def test_an_unknown_account_id_does_not_fall_through_to_the_name(linked: RelatedFrames) -> None:
    # S7 says account "X-99" and name "Acme Corp": it waits for X-99, it is not Acme's
    assert _links(linked.subscriptions, "subscription_id")["S7"] == (None, None)


def test_usage_links_through_subscription_contact_and_domain(linked: RelatedFrames) -> None:
    usage = linked.usage
    by_user = {
        (r["user_email"], r["subscription_id"]): (r["account_key"], r["linked_by"])
        for r in usage.to_dict("records")
    }
    assert by_user[("a@acme.com", "S1")] == ("A-1", "subscription")
    assert by_user[("Dave@Initech-Mail.com", None)] == ("initech", "contact")
    assert by_user[("bob@umbrella.com", None)] == ("U-4", "domain")
    assert by_user[("carol@globex.io", None)] == ("G-2", "account")
    # the account ID wins over a subscription ID that belongs to another account
    assert by_user[("x@acme.com", "S4")] == ("A-1", "account")


def test_free_mail_unknown_subscription_and_shared_domain_do_not_link(
    linked: RelatedFrames,
) -> None:
    usage = linked.usage.set_index("row_key")
    left = usage[usage["account_key"].isna()]
    assert sorted(left["user_email"].fillna("-")) == ["-", "eve@gmail.com", "zed@hooli.com"]
    assert left["linked_by"].isna().all()
    contacts = _links(linked.contacts, "email")
    assert contacts["eve@gmail.com"] == (None, None)
    assert contacts["zed@hooli.com"] == (None, None)  # hooli.com is H-5's and H-6's
    assert contacts["c@acme.com"] == ("A-1", "domain")  # www.Acme.com/about -> acme.com
    assert contacts["dave@initech-mail.com"] == ("initech", "account")  # by name "initech"


def test_tickets_link_through_a_contact_email(linked: RelatedFrames) -> None:
    tickets = _links(linked.tickets, "ticket_id")
    assert tickets["T6"] == ("initech", "contact")
    assert tickets["T1"] == ("A-1", "account")
    assert tickets["T7"] == (None, None)


def test_churn_events_link_by_name_and_id(linked: RelatedFrames) -> None:
    churn = linked.churn_events
    assert list(churn["account_key"]) == ["G-2", "initech", "initech", None]


def test_unlinked_lists_the_rows_of_each_kind_that_link_nowhere(linked: RelatedFrames) -> None:
    left = unlinked(linked)
    assert {k: len(v) for k, v in left.items()} == {
        "subscriptions": 1,
        "usage": 3,
        "tickets": 1,
        "contacts": 2,
        "churn_events": 1,
    }
    assert list(left["subscriptions"]["account_id"]) == ["X-99"]


def test_a_stored_account_key_is_recomputed_not_trusted() -> None:
    frames = ds.frames()
    subs = frames.subscriptions.copy()
    subs["account_key"] = "H-5"  # a stale link from an earlier accounts file
    out = link(frames.replace(subscriptions=subs), ds.accounts())
    assert out.subscriptions["account_key"].tolist()[:2] == ["A-1", "A-1"]
    assert out.subscriptions["account_key"].tolist()[-1] is None


def test_rows_link_once_their_account_arrives() -> None:
    """Related files before the accounts file: nothing links, then everything does."""
    no_accounts = ds.accounts().iloc[0:0]
    before = link(ds.frames(), no_accounts)
    assert all(before.of(k)["account_key"].isna().all() for k in before.present())
    after = link(before, ds.accounts())
    assert after.subscriptions["account_key"].notna().sum() == 6


def test_precedence_id_then_name_then_subscription_then_contact_then_domain() -> None:
    accounts = pd.DataFrame(
        {
            "key": ["K1", "K2", "K3", "K4"],
            "external_id": ["K1", "K2", "K3", "K4"],
            "name": ["One", "Two", "Three", "Four"],
            "website": ["one.com", "two.com", "three.com", "four.com"],
        }
    )
    contacts = ds.frame_of(CONTACTS, [{"email": "pat@one.com", "account_id": "K3"}])
    subs = ds.frame_of(SUBSCRIPTIONS, [{"subscription_id": "SX", "account_id": "K2"}])
    usage = ds.frame_of(
        USAGE,
        [
            # name beats subscription, contact and domain
            {"account_name": "FOUR", "subscription_id": "SX", "user_email": "pat@one.com"},
            # subscription beats contact and domain
            {"subscription_id": "SX", "user_email": "pat@one.com"},
            # contact (K3) beats the domain (one.com is K1's)
            {"user_email": "PAT@one.com "},
            # a name naming no account falls through (to the domain here)
            {"account_name": "Nobody", "user_email": "kim@one.com"},
            # free mail never links by domain, even when an account's website says gmail.com
            {"user_email": "kim@gmail.com"},
        ],
    )
    frames = RelatedFrames.empty().replace(contacts=contacts, subscriptions=subs, usage=usage)
    out = link(frames, accounts).usage
    assert list(zip(out["account_key"], out["linked_by"], strict=True)) == [
        ("K4", "account"),
        ("K2", "subscription"),
        ("K3", "contact"),
        ("K1", "domain"),
        (None, None),
    ]


def test_an_ambiguous_name_or_contact_email_links_nothing() -> None:
    accounts = pd.DataFrame(
        {"key": ["A", "B"], "external_id": ["A", "B"], "name": ["Same", "same "], "website": None}
    )
    contacts = ds.frame_of(
        CONTACTS,
        [{"email": "x@y.com", "account_id": "A"}, {"email": "X@y.com", "account_id": "B"}],
    )
    tickets = ds.frame_of(
        TICKETS,
        [{"ticket_id": "1", "account_name": "SAME"}, {"ticket_id": "2", "user_email": "x@y.com"}],
    )
    frames = RelatedFrames.empty().replace(contacts=contacts, tickets=tickets)
    out = link(frames, accounts)
    assert out.tickets["account_key"].isna().all()
    assert out.contacts["account_key"].tolist() == ["A", "B"]


def test_empty_frames_get_the_linked_by_column() -> None:
    out = link(RelatedFrames.empty(), ds.accounts())
    for kind in ("subscriptions", "usage", "tickets", "contacts", "churn_events"):
        assert list(out.of(kind).columns[-1:]) == ["linked_by"]
        assert out.of(kind).empty
    assert unlinked(out) == {}


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("acme.co.uk", "acme.co.uk"),
        ("http://shop.acme.com:8080/x?y", "shop.acme.com"),
        ("WWW.ACME.COM.", "acme.com"),
        ("gmail.com", None),
        ("https://yahoo.co.uk", None),
        ("not a site", None),
        (None, None),
    ],
)
def test_website_domains(website: str | None, domain: str | None) -> None:
    assert website_domains(pd.Series([website], dtype=object)).iloc[0] == domain


def test_email_domains() -> None:
    got = email_domains(pd.Series(["Jane@Acme.COM ", "x@hotmail.fr", "nobody", None], dtype=object))
    assert got.tolist() == ["acme.com", None, None, None]
