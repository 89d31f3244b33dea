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


@pytest.mark.parametrize(
    "header,field",
    [
        # Salesforce Data Export API names and report labels
        ("Id", "external_id"),
        ("Name", "name"),
        ("OwnerId", "owner_id"),
        ("Owner.Name", "owner"),
        ("Account Owner", "owner"),
        ("AnnualRevenue", "company_revenue"),
        ("Annual Revenue", "company_revenue"),
        ("Annual Revenue (converted)", "company_revenue"),
        ("Industry", "industry"),
        ("BillingCountry", "country"),
        ("Billing Country", "country"),
        ("LastActivityDate", "last_interaction"),
        ("Last Activity", "last_interaction"),
        ("CurrencyIsoCode", "currency"),
        ("ARR__c", "arr"),
        ("Health_Score__c", "health_score"),
        ("CSM__c", "owner"),
        # HubSpot UI labels, internal names and warehouse-sync names
        ("Record ID", "external_id"),
        ("hs_object_id", "external_id"),
        ("Company name", "name"),
        ("Company owner", "owner"),
        ("hubspot_owner_id", "owner_id"),
        ("annualrevenue", "company_revenue"),
        ("property_annualrevenue", "company_revenue"),
        ("property_name", "name"),
        ("notes_last_contacted", "last_interaction"),
        ("notes_last_updated", "last_interaction"),
        ("Annual recurring revenue", "arr"),
        ("Country/Region", "country"),
        # Dynamics 365
        ("accountid", "external_id"),
        ("(Do Not Modify) Account", "external_id"),
        ("revenue", "company_revenue"),
        ("ownerid", "owner_id"),
        ("Relationship Type", "status"),
        # Zoho CRM, Pipedrive
        ("Account Type", "status"),
        ("Last Activity Time", "last_interaction"),
        ("Organization - Name", "name"),
        ("Organization - Owner", "owner"),
        ("Owner", "owner"),
        ("Last activity date", "last_interaction"),
        # churn flags
        ("Churn", "churn_flag"),
        ("Churned?", "churn_flag"),
        ("churn_flag", "churn_flag"),
        ("property_domain", "website"),  # HubSpot's company domain links e-mails to it
        ("Company Domain Name", "website"),
    ],
)
def test_crm_vocabularies(header: str, field: str) -> None:
    assert targets([header]) == {header: field}


@pytest.mark.parametrize(
    "header,custom",
    [
        ("NumberOfEmployees", "number_of_employees"),
        ("numberofemployees", "number_of_employees"),
        ("property_numberofemployees", "number_of_employees"),
        ("CreatedDate", "created_date"),
        ("Create Date", "created_date"),
        ("createdon", "created_date"),
        ("Created Time", "created_date"),
        ("hs_lastmodifieddate", "last_modified_date"),
        ("ParentId", "parent_id"),
        ("Segment_Name__c", "segment_name"),
        ("Close Date", "close_date"),  # an opportunity's date, not the contract start
        ("Monthly Revenue", "monthly_revenue"),  # not necessarily recurring
        ("Next activity date", "next_activity_date"),  # not "Last activity date"
        ("Primary Contact", "primary_contact"),
    ],
)
def test_crm_fields_without_a_canonical_field_stay_custom_with_plain_names(
    header: str, custom: str
) -> None:
    assert targets(["Account ID", header])[header] == f"custom:{custom}"


def test_annual_revenue_is_never_arr_and_recurring_revenue_wins_arr() -> None:
    rec = targets(["Record ID", "Annual Revenue", "Annual recurring revenue"])
    assert rec == {
        "Record ID": "external_id",
        "Annual Revenue": "company_revenue",
        "Annual recurring revenue": "arr",
    }


def test_weak_synonym_loses_to_a_real_status_column_whatever_the_order() -> None:
    m = auto_map(["Name", "Type", "Status"])
    assert m.as_record() == {"Name": "name", "Type": "custom:type", "Status": "status"}
    loser = m.columns[1]
    assert (loser.wanted, loser.lost_to) == ("status", "Status")


def test_loser_of_a_field_names_the_field_and_the_winner() -> None:
    m = auto_map(["Account ID", "Acount Name", "Company"])
    loser = m.columns[1]
    assert (loser.target, loser.how, loser.wanted, loser.lost_to) == (
        "custom",
        "fuzzy",
        "name",
        "Company",
    )


def test_no_compact_synonym_is_shared_by_two_fields() -> None:
    from cspm.core.fields import CANONICAL_FIELDS

    owners: dict[str, set[str]] = {}
    for spec in CANONICAL_FIELDS:
        for syn in (*spec.synonyms, *spec.weak_synonyms):
            owners.setdefault(syn.replace(" ", ""), set()).add(spec.name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_user_header_must_exist_and_the_error_names_the_closest() -> None:
    with pytest.raises(BadInputError, match=r"no column 'Renewl' to map \(closest: 'Renewal"):
        auto_map(["Account ID", "Renewal Date", "ARR"], user={"Renewl": "renewal_date"})
    with pytest.raises(BadInputError, match="the columns are 'Account ID', 'ARR'"):
        auto_map(["Account ID", "ARR"], user={"Zzz": "arr"})


def test_user_header_matching_two_columns_loosely_must_be_exact() -> None:
    with pytest.raises(BadInputError, match="Several columns match 'notes'"):
        auto_map(["Notes", "NOTES"], user={"notes": "custom"})
    assert targets(["Notes", "NOTES"], user={"NOTES": "ignore"})["NOTES"] == "ignore"


def test_user_targets_match_names_and_labels_in_any_case() -> None:
    rec = targets(
        ["Acct", "Fee", "Ends"], user={"acct": "EXTERNAL_ID", "Fee": "Arr", "Ends": "renewal date"}
    )
    assert rec == {"Acct": "external_id", "Fee": "arr", "Ends": "renewal_date"}


def test_unknown_user_target_lists_the_valid_fields() -> None:
    with pytest.raises(BadInputError) as err:
        auto_map(["X"], user={"X": "revenue_yearly"})
    assert "external_id, name, owner" in str(err.value)
    assert str(err.value).rstrip(".").endswith("lists them with labels and synonyms)")
