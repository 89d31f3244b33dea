"""Real-shaped CRM exports, one writer per system, as the systems write them.

Headers, value styles and quirks follow /work/shared/crm-exports.md: Salesforce Data Export
API names and 18-character IDs, report labels with title and footer lines, HubSpot UI labels and
warehouse-sync `property_` names with numeric owner IDs, Dynamics 365 view exports with their
three "(Do Not Modify)" columns and API exports with GUIDs and a BOM, Zoho CRM and Pipedrive
organisation exports, and a Salesforce opportunities export (many rows per account).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.files import salesforce_rows, write_csv, write_xlsx

D = dt.datetime


def salesforce_data_export(path: Path) -> Path:
    """Account.csv from Data Export: API names, `001`/`005` IDs, `__c` custom fields."""
    header = [
        "Id",
        "IsDeleted",
        "Name",
        "Type",
        "ParentId",
        "BillingCity",
        "BillingCountry",
        "Phone",
        "Website",
        "Industry",
        "AnnualRevenue",
        "NumberOfEmployees",
        "Rating",
        "OwnerId",
        "CreatedDate",
        "LastActivityDate",
        "ARR__c",
        "CSM__c",
        "Renewal_Date__c",
    ]
    rows = [
        ["0015e00000AbCdEAAV", "false", "Acme Corp", "Customer - Direct", "", "San Francisco",
         "United States", "(415) 555-0100", "acme.com", "Technology", "350000000", "1200",
         "Hot", "0055e000001XyZaAAK", "2021-03-15T17:04:11.000Z", "2026-10-02", "120000",
         "Dana Scully", "2027-01-10"],
        ["0015e00000AbCdFAAV", "false", "Globex", "Customer - Channel", "", "Springfield",
         "United States", "(555) 555-0199", "globex.com", "Energy", "5600000000", "48000",
         "Warm", "0055e000001XyZbAAK", "2022-07-01T09:30:00.000Z", "2026-11-01", "45000",
         "Fox Mulder", "2027-06-30"],
        ["0015e00000AbCdGAAV", "false", "Initech", "Prospect", "", "Austin",
         "United States", "(512) 555-0142", "initech.com", "Technology", "30000000", "180",
         "Cold", "0055e000001XyZaAAK", "2023-05-05T12:00:00.000Z", "", "12500",
         "Dana Scully", "2026-12-15"],
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


def salesforce_report_without_arr(path: Path) -> Path:
    """An accounts report (.xlsx) with labels, "Annual Revenue" and no ARR column."""
    header = [
        "Account Name",
        "Account Owner",
        "Type",
        "Annual Revenue",
        "Billing Country",
        "Created Date",
        "Last Activity",
    ]
    data = [
        ["Acme Corp", "Dana Scully", "Customer - Direct", 350_000_000, "United States",
         D(2021, 3, 15), D(2026, 10, 2)],
        ["Globex", "Fox Mulder", "Customer - Channel", 5_600_000_000, "United States",
         D(2022, 7, 1), D(2026, 11, 1)],
        ["Initech", "Dana Scully", "Prospect", 30_000_000, "United States",
         D(2023, 5, 5), None],
    ]  # fmt: skip
    return write_xlsx(path, salesforce_rows(data, header))


def hubspot_ui_export(path: Path) -> Path:
    """A HubSpot companies export (.xlsx): UI labels, "Annual Revenue" (the company's own
    revenue) next to a custom "Annual recurring revenue" property."""
    header = [
        "Record ID",
        "Company name",
        "Company owner",
        "Create Date",
        "Industry",
        "Annual Revenue",
        "Number of Employees",
        "Lifecycle Stage",
        "Last Activity Date",
        "Country/Region",
        "Annual recurring revenue",
        "Renewal date",
        "Customer status",
    ]
    rows = [
        [18234567001, "Acme Corp", "Dana Scully", D(2021, 3, 15, 17, 4), "COMPUTER_SOFTWARE",
         350_000_000, 1200, "Customer", D(2026, 10, 2, 9, 0), "United States", 120_000,
         D(2027, 1, 10), "Active"],
        [18234567002, "Globex", "Fox Mulder", D(2022, 7, 1, 9, 30), "UTILITIES",
         5_600_000_000, 48000, "Evangelist", D(2026, 11, 1, 14, 0), "United States", 45_000,
         D(2027, 6, 30), "Active"],
        [18234567003, "Initech", "Dana Scully", D(2023, 5, 5, 12, 0), "COMPUTER_SOFTWARE",
         30_000_000, 180, "Customer", None, "United States", 12_500, D(2026, 12, 15),
         "Active"],
    ]  # fmt: skip
    return write_xlsx(path, [header, *rows], sheet="Companies")


def hubspot_warehouse_sync(path: Path) -> Path:
    """A HubSpot companies table as a warehouse sync writes it: `property_` internal names,
    numeric owner IDs, lowercase lifecycle codes, ISO timestamps with milliseconds."""
    header = [
        "property_hs_object_id",
        "property_name",
        "property_domain",
        "property_hubspot_owner_id",
        "property_annualrevenue",
        "property_numberofemployees",
        "property_lifecyclestage",
        "property_createdate",
        "property_notes_last_contacted",
        "property_hs_lastmodifieddate",
        "_fivetran_synced",
    ]
    rows = [
        ["18234567001", "Acme Corp", "acme.com", "52437654", "350000000", "1200", "customer",
         "2021-03-15T17:04:11.123Z", "2026-10-02T09:00:00.000Z", "2026-11-20T08:00:00.000Z",
         "2026-11-22T03:00:00.000Z"],
        ["18234567002", "Globex", "globex.com", "52437655", "5600000000", "48000",
         "evangelist", "2022-07-01T09:30:00.000Z", "2026-11-01T14:00:00.000Z",
         "2026-11-21T08:00:00.000Z", "2026-11-22T03:00:00.000Z"],
        ["18234567003", "Initech", "initech.com", "52437654", "30000000", "180",
         "marketingqualifiedlead", "2023-05-05T12:00:00.000Z", "", "2026-11-19T08:00:00.000Z",
         "2026-11-22T03:00:00.000Z"],
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


DYNAMICS_REVENUES = [30_000_000, 420_000_000, 5_600_000_000]


def dynamics_view_export(path: Path) -> Path:
    """ "Export to Excel" from a Dynamics 365 accounts view: three hidden "(Do Not Modify)"
    columns first, labels, "Annual Revenue" from $30M to $5.6B and no ARR column."""
    header = [
        "(Do Not Modify) Account",
        "(Do Not Modify) Row Checksum",
        "(Do Not Modify) Modified On",
        "Account Name",
        "Main Phone",
        "Address 1: City",
        "Primary Contact",
        "Annual Revenue",
        "Owner",
        "Relationship Type",
        "Status",
        "Created On",
    ]
    guids = [
        "0f3b7a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
        "2b3c4d5e-6f7a-4b9c-8d1e-2f3a4b5c6d7e",
    ]
    names = ["Fourth Coffee", "Contoso Pharmaceuticals", "Adventure Works"]
    rows = [
        [guid, "aGVsbG8=", D(2026, 11, 20, 8), name, "555-0150", "Redmond", "Yvonne McKay",
         revenue, "Dana Scully", "Customer", "Active", D(2022, 1, 4, 10)]
        for guid, name, revenue in zip(guids, names, DYNAMICS_REVENUES, strict=True)
    ]  # fmt: skip
    return write_xlsx(path, [header, *rows], sheet="My Active Accounts")


def dynamics_api_export(path: Path) -> Path:
    """Accounts through the Dynamics 365 Web API, saved as CSV with a BOM: GUID IDs."""
    header = ["accountid", "name", "revenue", "numberofemployees", "ownerid", "statecode",
              "createdon"]  # fmt: skip
    rows = [
        ["0f3b7a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "Fourth Coffee", "30000000", "250",
         "7d2c1b0a-9f8e-4d7c-6b5a-4f3e2d1c0b9a", "0", "2022-01-04T10:00:00Z"],
        ["1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "Contoso Pharmaceuticals", "5600000000",
         "48000", "7d2c1b0a-9f8e-4d7c-6b5a-4f3e2d1c0b9b", "0", "2021-06-01T10:00:00Z"],
    ]  # fmt: skip
    return write_csv(path, [header, *rows], encoding="utf-8-sig")


def zoho_accounts(path: Path) -> Path:
    """A Zoho CRM Accounts export (.csv)."""
    header = ["Record Id", "Account Name", "Account Owner", "Annual Revenue", "Account Type",
              "Industry", "Employees", "Created Time", "Last Activity Time"]  # fmt: skip
    rows = [
        ["zcrm_5725767000000433001", "Acme Corp", "Dana Scully", "350000000", "Customer",
         "Technology", "1200", "2021-03-15 17:04:11", "2026-10-02 09:00:00"],
        ["zcrm_5725767000000433002", "Globex", "Fox Mulder", "5600000000", "Customer",
         "Energy", "48000", "2022-07-01 09:30:00", "2026-11-01 14:00:00"],
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


def pipedrive_organizations(path: Path) -> Path:
    """A Pipedrive organisations export: every header prefixed with its entity."""
    header = ["Organization - ID", "Organization - Name", "Organization - Owner",
              "Organization - Closed deals", "Organization - Won deals",
              "Organization - Open deals", "Organization - Last activity date",
              "Organization - Next activity date"]  # fmt: skip
    rows = [
        ["101", "Acme Corp", "Dana Scully", "4", "3", "1", "2026-10-02", "2026-12-01"],
        ["102", "Globex", "Fox Mulder", "2", "2", "0", "2026-11-01", ""],
    ]
    return write_csv(path, [header, *rows])


OPPORTUNITY_ACCOUNTS = [f"Account {n:02d}" for n in range(1, 13)]


def salesforce_opportunity_report(path: Path) -> Path:
    """An opportunities report (.xlsx): 36 opportunities over 12 accounts."""
    header = ["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
              "Probability (%)", "Type"]  # fmt: skip
    stages = [("Closed Won", 100, "New Business"), ("Prospecting", 10, "Upsell"),
              ("Closed Lost", 0, "Renewal")]  # fmt: skip
    data = [
        [f"{account} - {kind}", account, stage, 25_000 + 1_000 * n, D(2026, 1 + n % 12, 15),
         probability, kind]
        for n, account in enumerate(OPPORTUNITY_ACCOUNTS)
        for stage, probability, kind in stages
    ]  # fmt: skip
    return write_xlsx(path, salesforce_rows(data, header))


def salesforce_opportunity_data_export(path: Path) -> Path:
    """Opportunity.csv from Data Export: API names, many rows per AccountId."""
    header = ["Id", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate",
              "Type", "IsClosed", "IsWon"]  # fmt: skip
    rows = [
        [f"0065e00000Op{n:04d}AAA", f"0015e00000Ac{n % 12:04d}AAA", f"Deal {n}",
         "Closed Won" if n % 3 == 0 else "Prospecting", str(10_000 + n), "100", "2026-03-31",
         "Renewal", "true" if n % 3 == 0 else "false", "true" if n % 3 == 0 else "false"]
        for n in range(36)
    ]  # fmt: skip
    return write_csv(path, [header, *rows])
