"""Column mapping: synonyms, fuzzy matches, profiles, one column per field, custom fields."""

from __future__ import annotations

import pytest

from cspm.core.errors import BadInputError
from cspm.core.mapping import auto_map, custom_field_name, profile_fits


def targets(headers, **kw) -> dict[str, str]:
    return auto_map(headers, **kw).as_record()


@pytest.mark.parametrize(
    "header,field",
    [
        ("Account ID", "external_id"),
        ("Record ID", "external_id"),
        ("Acct #", "external_id"),
        ("Customer ID", "external_id"),
        ("Account Name", "name"),
        ("Company name", "name"),
        ("Customer", "name"),
        ("ARR", "arr"),
        ("Annual Recurring Revenue", "arr"),
        ("ARR (converted)", "arr"),
        ("MRR", "mrr"),
        ("Monthly Recurring Revenue", "mrr"),
        ("Renewal Date", "renewal_date"),
        ("Contract End Date", "renewal_date"),
        ("Subscription End", "renewal_date"),
        ("Account Owner", "owner"),
        ("CSM", "owner"),
        ("Health Score", "health_score"),
        ("NPS", "nps"),
        ("Last Activity Date", "last_interaction"),
        ("Last QBR", "last_qbr"),
        ("Seats Purchased", "seats_purchased"),
        ("Active Seats", "seats_active"),
        ("Reference Customer", "is_reference"),
        ("renewal_date", "renewal_date"),
        ("  ANNUAL recurring  revenue ", "arr"),
    ],
)
def test_synonyms(header: str, field: str) -> None:
    assert targets([header]) == {header: field}


def test_fuzzy_match_catches_small_typos() -> None:
    m = auto_map(["Renewl Date", "Acount Name"])
    assert m.as_record() == {"Renewl Date": "renewal_date", "Acount Name": "name"}
    assert {c.how for c in m.columns} == {"fuzzy"}


def test_each_field_taken_once_stronger_match_wins_loser_kept_as_custom() -> None:
    rec = targets(["Name", "Account Name", "Acount Name"])
    assert rec["Name"] == "name"  # both exact synonyms: leftmost wins
    assert rec["Account Name"] == "custom:account_name"
    assert rec["Acount Name"] == "custom:acount_name"
    rec = targets(["Acount Name", "Company"])
    assert rec == {"Acount Name": "custom:acount_name", "Company": "name"}  # exact beats fuzzy


def test_unknown_columns_become_custom_fields_with_unique_names() -> None:
    rec = targets(["Account ID", "Product Line", "Product-Line", "2025 Spend", "Tier Score"])
    assert rec["Product Line"] == "custom:product_line"
    assert rec["Product-Line"] == "custom:product_line_2"
    assert rec["2025 Spend"] == "custom:c_2025_spend"
    assert custom_field_name("ARR") == "custom_arr"


def test_profile_and_user_choices_take_precedence() -> None:
    profile = {"kundennummer": "external_id", "firma": "name", "notes": "ignore"}
    rec = targets(["Kundennummer", "Firma", "Notes", "ARR"], profile=profile, user={"ARR": "mrr"})
    assert rec == {"Kundennummer": "external_id", "Firma": "name", "Notes": "ignore", "ARR": "mrr"}


def test_profile_fits_only_when_it_names_every_header() -> None:
    profile = {"kundennummer": "external_id", "firma": "name"}
    assert profile_fits(profile, ["Kundennummer", "FIRMA"])
    assert not profile_fits(profile, ["Kundennummer", "Firma", "Extra"])


def test_unknown_target_is_refused() -> None:
    with pytest.raises(BadInputError, match="'revenue' is not a field"):
        auto_map(["X"], user={"X": "revenue"})
