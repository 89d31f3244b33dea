"""Each CRM's own export, imported for real: right fields, right tiers and stages, said why.

"Annual Revenue" (Salesforce AnnualRevenue, HubSpot annualrevenue, Dynamics revenue) is the
customer company's own revenue: it must never become ARR and never decide a tier.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from cspm.core.errors import BadInputError
from cspm.service.imports import (
    ImportOptions,
    PreparedRelated,
    import_file,
    prepare_any,
    prepare_import,
)
from cspm.service.portfolio import load_portfolio
from cspm.storage.models import AccountSnapshot, ImportRecord
from tests import crm_exports as crm
from tests.files import write_csv


def portfolio(ctx) -> pd.DataFrame:
    return load_portfolio(ctx).frame.sort_index()


def notes(result) -> list[str]:
    """The summary's notes as "Column 'X': message" (the column name in its own case)."""
    return [f"Column '{p.column}': {p.message}" for p in result.problems if p.severity == "info"]


def stored_rows(ctx) -> tuple[int, int]:
    with ctx.db.session() as s:
        return (
            int(s.scalar(select(func.count()).select_from(ImportRecord)) or 0),
            int(s.scalar(select(func.count()).select_from(AccountSnapshot)) or 0),
        )


def test_salesforce_data_export_keeps_annual_revenue_apart_from_arr(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.salesforce_data_export(tmp_path / "Account.csv"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["AnnualRevenue"] == "company_revenue"
    assert m["ARR__c"] == "arr"
    assert m["CSM__c"] == "owner"
    assert m["OwnerId"] == "owner_id"
    assert m["Id"] == "external_id"
    assert m["Name"] == "name"
    assert m["BillingCountry"] == "country"
    assert m["LastActivityDate"] == "last_interaction"
    assert m["Renewal_Date__c"] == "renewal_date"
    assert m["Type"] == "status"
    assert m["NumberOfEmployees"] == "custom:number_of_employees"
    assert m["CreatedDate"] == "custom:created_date"
    frame = portfolio(ctx)
    acme = frame.loc["0015e00000AbCdEAAV"]
    assert acme["arr"] == 120_000 and acme["company_revenue"] == 350_000_000
    assert acme["owner"] == "Dana Scully" and acme["owner_id"] == "0055e000001XyZaAAK"
    assert list(frame["tier"]) == ["Enterprise", "Mid-Market", "SMB"]  # Globex: revenue $5.6B
    assert list(frame["lifecycle_stage"]) == ["Renewal", "Unknown", "Renewal"]
    assert any("'OwnerId'" in n and "user IDs" in n for n in notes(result))


def test_salesforce_report_with_annual_revenue_only_leaves_tiers_unassigned(
    ctx, tmp_path: Path
) -> None:
    result = import_file(ctx, crm.salesforce_report_without_arr(tmp_path / "accounts.xlsx"))
    assert result.status == "imported", result.problems
    assert result.mapping["Annual Revenue"] == "company_revenue"
    assert result.mapping["Created Date"] == "custom:created_date"
    frame = portfolio(ctx)
    assert set(frame["tier"]) == {"Unassigned"}
    assert frame["arr"].isna().all()
    assert frame["company_revenue"].max() == 5_600_000_000
    assert frame.loc["acme corp", "owner"] == "Dana Scully"


def test_hubspot_export_with_both_revenues_takes_recurring_revenue_as_arr(
    ctx, tmp_path: Path
) -> None:
    result = import_file(ctx, crm.hubspot_ui_export(tmp_path / "hubspot-companies.xlsx"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["Annual recurring revenue"] == "arr"
    assert m["Annual Revenue"] == "company_revenue"
    assert m["Record ID"] == "external_id"
    assert m["Company owner"] == "owner"
    assert m["Lifecycle Stage"] == "crm_lifecycle_stage"
    assert m["Number of Employees"] == "custom:number_of_employees"
    frame = portfolio(ctx)
    assert list(frame["tier"]) == ["Enterprise", "Mid-Market", "SMB"]
    assert list(frame["crm_lifecycle_stage"]) == ["Customer", "Evangelist", "Customer"]
    # cspm's own rules decide the stage: renewals within 90 days, else no contract start known
    assert list(frame["lifecycle_stage"]) == ["Renewal", "Unknown", "Renewal"]
    assert any("'Lifecycle Stage'" in n and "marketing stages" in n for n in notes(result))


def test_hubspot_warehouse_sync_reads_property_names_and_owner_ids(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.hubspot_warehouse_sync(tmp_path / "companies.csv"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["property_hs_object_id"] == "external_id"
    assert m["property_name"] == "name"
    assert m["property_hubspot_owner_id"] == "owner_id"
    assert m["property_annualrevenue"] == "company_revenue"
    assert m["property_lifecyclestage"] == "crm_lifecycle_stage"
    assert m["property_notes_last_contacted"] == "last_interaction"
    assert m["property_createdate"] == "custom:created_date"
    assert m["property_hs_lastmodifieddate"] == "custom:last_modified_date"
    assert m["property_numberofemployees"] == "custom:number_of_employees"
    assert m["property_domain"] == "custom:domain"
    assert m["_fivetran_synced"] == "ignore"
    assert "fivetran_synced" not in portfolio(ctx).columns
    assert "Column '_fivetran_synced': is the sync tool's or CRM's own bookkeeping, not " in (
        "\n".join(notes(result))
    )
    frame = portfolio(ctx)
    assert set(frame["tier"]) == {"Unassigned"}
    assert frame["owner"].isna().all()
    assert frame.loc["18234567001", "owner_id"] == "52437654"
    assert frame.loc["18234567003", "crm_lifecycle_stage"] == "marketingqualifiedlead"


def test_dynamics_export_annual_revenue_is_not_arr_accounts_unassigned(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.dynamics_view_export(tmp_path / "My Active Accounts.xlsx"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["Annual Revenue"] == "company_revenue"
    assert m["(Do Not Modify) Account"] == "external_id"
    assert m["Account Name"] == "name"
    assert m["Owner"] == "owner"
    assert m["Status"] == "status"
    assert m["Primary Contact"] == "custom:primary_contact"
    assert m["Created On"] == "custom:created_date"
    assert m["(Do Not Modify) Row Checksum"] == "ignore"
    assert m["(Do Not Modify) Modified On"] == "custom:last_modified_date"
    frame = portfolio(ctx)
    assert len(frame) == 3
    assert set(frame["tier"]) == {"Unassigned"}
    assert frame["arr"].isna().all()
    assert sorted(frame["company_revenue"]) == crm.DYNAMICS_REVENUES
    assert set(frame["owner"]) == {"Dana Scully"}
    assert set(frame["lifecycle_stage"]) == {"Unknown"}  # "Created On" is not a contract start
    # "Relationship Type" is a status only when there is no real Status column; it is kept,
    # and the summary says which column won.
    assert m["Relationship Type"] == "custom:relationship_type"
    assert (
        "Column 'Relationship Type': also looked like Status; kept as custom field "
        "relationship_type (column 'Status' is used)"
    ) in notes(result)


def test_dynamics_api_export_owner_guids_are_owner_ids(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.dynamics_api_export(tmp_path / "accounts.csv"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert (m["accountid"], m["name"], m["revenue"], m["ownerid"]) == (
        "external_id",
        "name",
        "company_revenue",
        "owner_id",
    )
    frame = portfolio(ctx)
    assert set(frame["tier"]) == {"Unassigned"}
    assert frame["owner"].isna().all()


def test_zoho_accounts_export(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.zoho_accounts(tmp_path / "Accounts_2026_11_23.csv"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["Record Id"] == "external_id"
    assert m["Account Owner"] == "owner"
    assert m["Annual Revenue"] == "company_revenue"
    assert m["Account Type"] == "status"
    assert m["Last Activity Time"] == "last_interaction"
    assert m["Created Time"] == "custom:created_date"
    assert set(portfolio(ctx)["tier"]) == {"Unassigned"}


def test_pipedrive_organizations_export(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.pipedrive_organizations(tmp_path / "organizations.csv"))
    assert result.status == "imported", result.problems
    m = result.mapping
    assert m["Organization - ID"] == "external_id"
    assert m["Organization - Name"] == "name"
    assert m["Organization - Owner"] == "owner"
    assert m["Organization - Last activity date"] == "last_interaction"
    # the next planned activity is not the last one: no fuzzy match across next/last
    assert m["Organization - Next activity date"] == "custom:next_activity_date"
    assert m["Organization - Won deals"] == "custom:won_deals"
    frame = portfolio(ctx)
    assert frame.loc["101", "owner"] == "Dana Scully"


def test_owner_column_holding_ids_becomes_owner_id(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "accounts.csv",
        [
            ["Account ID", "Account Name", "Account Owner", "ARR"],
            ["A1", "Acme", "0055e000001XyZaAAK", "50000"],
            ["A2", "Globex", "0055e000001XyZbAAK", "20000"],
        ],
    )
    result = import_file(ctx, path)
    assert result.mapping["Account Owner"] == "owner_id"
    frame = portfolio(ctx)
    assert frame["owner"].isna().all()
    assert frame.loc["A1", "owner_id"] == "0055e000001XyZaAAK"
    assert any("'Account Owner'" in n and "user IDs" in n for n in notes(result))


def test_column_that_lost_a_field_is_named_in_the_summary(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "accounts.csv",
        [
            ["Account ID", "Account Name", "Anual Recurring Revenue", "ARR"],
            ["A1", "Acme", "90000", "50000"],
        ],
    )
    result = import_file(ctx, path)
    assert result.mapping["ARR"] == "arr"  # the exact synonym beats the fuzzy one
    assert result.mapping["Anual Recurring Revenue"] == "custom:anual_recurring_revenue"
    assert (
        "Column 'Anual Recurring Revenue': also looked like ARR; kept as custom field "
        "anual_recurring_revenue (column 'ARR' is used)"
    ) in notes(result)
    assert portfolio(ctx).loc["A1", "arr"] == 50_000


@pytest.mark.parametrize(
    "writer,file_name",
    [
        (crm.salesforce_opportunity_report, "Opportunities report.xlsx"),
        (crm.salesforce_opportunity_data_export, "Opportunity.csv"),
    ],
)
def test_opportunities_export_is_read_as_subscriptions_not_accounts(
    ctx, tmp_path: Path, writer, file_name: str
) -> None:
    path = writer(tmp_path / file_name)
    prepared = prepare_any(ctx, path, ImportOptions())
    assert isinstance(prepared, PreparedRelated)
    assert prepared.kind == prepared.detected_kind == "subscriptions"
    assert prepared.described == "a subscriptions file (closed-won opportunities)"
    assert len(prepared.plan.frame) == 12 and prepared.plan.skipped == 24
    # The accounts path never makes accounts of it: one sentence naming the kind and counts.
    with pytest.raises(BadInputError) as err:
        prepare_import(ctx, path, ImportOptions())
    assert "looks like an opportunities export: 36 rows, 12 accounts" in str(err.value)
    assert "imported as a subscriptions file" in str(err.value)
    assert stored_rows(ctx) == (0, 0)
    assert load_portfolio(ctx).frame.empty


def test_opportunities_forced_to_accounts_are_read_as_accounts(ctx, tmp_path: Path) -> None:
    path = crm.salesforce_opportunity_report(tmp_path / "opps.xlsx")
    result = import_file(ctx, path, ImportOptions(kind="accounts", dry_run=True))
    assert result.status == "refused" and result.rejected == 24  # 12 accounts, 3 rows each
    assert stored_rows(ctx) == (0, 0)


def test_summary_says_annual_revenue_is_not_arr(ctx, tmp_path: Path) -> None:
    result = import_file(ctx, crm.dynamics_view_export(tmp_path / "accounts.xlsx"))
    assert (
        "Column 'Annual Revenue': is the customer company's own revenue: kept as Company "
        "Revenue, never used as ARR; no column holds ARR, so no account gets an ARR tier"
    ) in notes(result)
