"""Segments counted over contacts: rows are contacts, members are accounts. Defined, listed,
explained and previewed through the segments service on a real database with contact rows in
force; refused in one sentence when the contacts condition is malformed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cspm.core.errors import BadInputError
from cspm.service.accounts import account_detail
from cspm.service.context import AppContext
from cspm.service.portfolio import list_accounts
from cspm.service.segments import (
    add_segment,
    list_segments,
    preview_rule,
    segment_members,
    why,
)
from tests.contact_data import add_contacts, contacts_portfolio, import_accounts

INACTIVE_EXEC = {
    "over": "contacts",
    "where": {
        "all": [
            {"field": "is_exec", "op": "=", "value": True},
            {"field": "last_login", "op": "older_than_days", "value": 15},
        ]
    },
    "at_least": 1,
}
MOSTLY_INACTIVE = {
    "over": "contacts",
    "where": {"field": "last_login", "op": "older_than_days", "value": 10},
    "at_least_pct": 50,
}


def summary(ctx: AppContext, name: str):
    return next(s for s in list_segments(ctx) if s.name == name)


def test_at_least_one_inactive_admin_or_executive(ctx: AppContext, tmp_path: Path) -> None:
    keys = contacts_portfolio(ctx, tmp_path)
    added = add_segment(ctx, "Exec sponsor gone quiet", INACTIVE_EXEC)
    # Acme: Cy (System Administrator) never logged in; Globex: Eve (VP) 53 days ago.
    # Initech's engineers are not executives; Umbrella has no contacts; the unlinked Admin
    # counts for nobody.
    assert added.count == 2 and added.arr == 168000
    assert "at least 1 contact with" in added.text and "older than 15 days" in added.text
    members = segment_members(ctx, "Exec sponsor gone quiet")
    assert list(members["name"]) == ["Acme Corp", "Globex"]
    acme_why = members.loc[keys["HS-1"], "why"]
    assert acme_why.startswith("1 of 4 contacts (25%) match")
    assert acme_why.endswith("(needs at least 1 contact): cy@acme.com")
    assert set(list_accounts(ctx, segment="exec sponsor gone quiet").index) == {
        keys["HS-1"],
        keys["HS-2"],
    }
    _, _, lines = why(ctx, "Exec sponsor gone quiet", "Initech")
    assert lines == []
    detail = account_detail(ctx, "Globex")
    assert ("Exec sponsor gone quiet", [members.loc[keys["HS-2"], "why"]]) in detail.segments


def test_a_share_of_contacts_counts_never_logged_in_and_needs_contacts(
    ctx: AppContext, tmp_path: Path
) -> None:
    keys = contacts_portfolio(ctx, tmp_path)
    add_segment(ctx, "Mostly inactive contacts", MOSTLY_INACTIVE)
    members = segment_members(ctx, "Mostly inactive contacts")
    # Acme 2 of 4 (bob 22 days, cy never) = 50%: in; Globex 1 of 2 (eve) = 50%: in;
    # Initech 1 of 2 (hal 13 days) = 50%: in; Umbrella has no contacts: no share, not in.
    assert list(members["name"]) == ["Acme Corp", "Globex", "Initech"]
    assert members.loc[keys["HS-3"], "why"].startswith("1 of 2 contacts (50%) match")
    stricter = dict(MOSTLY_INACTIVE, at_least_pct=60)
    assert preview_rule(ctx, stricter) == (0, 0.0)
    assert preview_rule(ctx, dict(MOSTLY_INACTIVE, at_least_pct=25)) == (3, 198000.0)


def test_combined_with_account_conditions_and_a_domain(ctx: AppContext, tmp_path: Path) -> None:
    contacts_portfolio(ctx, tmp_path)
    rule = {
        "all": [
            {"field": "arr", "op": ">=", "value": 40000},
            {
                "over": "contacts",
                "where": {"field": "email_domain", "op": "=", "value": "GLOBEX.IO"},
                "at_least": 2,
            },
        ]
    }
    assert preview_rule(ctx, rule) == (1, 48000.0)
    everyone = {"over": "contacts", "at_least": 3}  # no `where`: every contact counts
    assert preview_rule(ctx, everyone) == (1, 120000.0)  # Acme's 4 contacts
    added = add_segment(ctx, "Well covered", everyone)
    assert added.text == "at least 3 contacts"


def test_new_contacts_change_membership(ctx: AppContext, tmp_path: Path) -> None:
    keys = import_accounts(ctx, tmp_path)
    add_segment(ctx, "Exec sponsor gone quiet", INACTIVE_EXEC)
    assert summary(ctx, "Exec sponsor gone quiet").count == 0  # no contacts yet: nobody
    add_contacts(ctx, keys)
    assert summary(ctx, "Exec sponsor gone quiet").count == 2
    # a later export shows Eve logged in yesterday: Globex leaves the segment
    add_contacts(
        ctx,
        keys,
        [("eve@globex.io", "HS-2", "Eve Polastri", "VP Operations", dt.date(2026, 11, 22))],
    )
    assert list(segment_members(ctx, "Exec sponsor gone quiet")["name"]) == ["Acme Corp"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"over": "contacts", "where": {"field": "role", "op": "contains", "value": "x"}},
         "needs exactly one of 'at_least'"),
        ({"over": "contacts", "at_least": 1, "at_least_pct": 20}, "needs exactly one"),
        ({"over": "contacts", "at_least": 0}, "'at_least' needs a whole number of contacts >= 1"),
        ({"over": "contacts", "at_least_pct": 120}, "up to 100"),
        ({"over": "users", "at_least": 1}, "'over' can only be \"contacts\""),
        ({"over": "contacts", "at_least": 1, "where": {"field": "arr", "op": ">", "value": 1}},
         "unknown field 'arr' (at where)"),
        ({"over": "contacts", "at_least": 1,
          "where": {"field": "days_since_login", "op": "rose_by", "value": 5}},
         "cannot use history operators"),
        ({"over": "contacts", "at_least": 1, "when": 3}, "unknown key 'when'"),
    ],
)  # fmt: skip
def test_malformed_contact_rules_are_refused_in_one_sentence(
    ctx: AppContext, tmp_path: Path, rule: dict, message: str
) -> None:
    import_accounts(ctx, tmp_path)
    with pytest.raises(BadInputError, match=re.escape(message)) as err:
        add_segment(ctx, "Bad", rule)
    assert "\n" not in str(err.value)
    assert all(s.name != "Bad" for s in list_segments(ctx))
