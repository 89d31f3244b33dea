"""The canonical account fields cspm understands, their value types and header synonyms.

Everything that reads, parses, stores, filters or shows account data agrees on this one list,
so adding a field is a change here (plus a migration), not a hunt through the code.
"""

from __future__ import annotations

from .field_spec import B, D, M, N, S, T
from .field_spec import FieldSpec as FieldSpec
from .field_spec import FieldType as FieldType
from .field_spec import field_spec as _f
from .field_spec import normalise_header as normalise_header

CANONICAL_FIELDS: tuple[FieldSpec, ...] = (
    _f(
        "external_id",
        T,
        "Account ID",
        "Record ID",
        "Acct #",
        "Acct ID",
        "Account #",
        "Account Number",
        "Customer ID",
        "Company ID",
        "Client ID",
        "ID",
        "Salesforce ID",
        "SFDC ID",
        "Account 18 Digit ID",
        "Account ID 18",
        "CRM ID",
        "HubSpot ID",
        "Customer Number",
        "Customer #",
        "hs_object_id",  # HubSpot internal name of "Record ID"
        "(Do Not Modify) Account",  # Dynamics 365 Excel export: the account's GUID
        "Organization ID",
        "Organisation ID",
    ),
    _f(
        "name",
        T,
        "Account Name",
        "Company name",
        "Company",
        "Customer",
        "Customer Name",
        "Account",
        "Client",
        "Client Name",
        "Organization",
        "Organisation",
        "Organization Name",
        "Name",
    ),
    _f(
        "owner",
        T,
        "Owner",
        "Account Owner",
        "CSM",
        "Customer Success Manager",
        "CS Owner",
        "CSM Name",
        "Account Manager",
        "Assigned CSM",
        "Company owner",
        "Owner Name",  # also Salesforce "Owner.Name"
        "Account Owner Name",
    ),
    # A user ID where a person's name is usually shown (Salesforce OwnerId "005...", HubSpot
    # hubspot_owner_id, Dynamics ownerid GUIDs): kept, never shown as an owner's name.
    _f(
        "owner_id",
        T,
        "Owner ID",
        "Account Owner ID",
        "CSM ID",
        "hubspot_owner_id",
        "HubSpot Owner ID",
        "Owner User ID",
    ),
    _f("industry", T, "Industry", "Vertical", "Sector"),
    _f("region", T, "Region", "Territory", "Geo", "Sales Region"),
    _f(
        "country",
        T,
        "Country",
        "Billing Country",
        "Country/Region",
        "Shipping Country",
        "Address 1: Country/Region",
        "address1_country",
    ),
    _f("plan", T, "Plan", "Product", "Edition", "Package", "Subscription Plan", "Pricing Plan"),
    _f(
        "arr",
        M,
        "ARR",
        "Annual Recurring Revenue",
        "ARR (converted)",
        "Contract Value",
        "ACV",
        "Annual Contract Value",
        "Total ARR",
        "Current ARR",
    ),
    _f("mrr", M, "MRR", "Monthly Recurring Revenue", "MRR (converted)"),
    _f(
        "potential_arr",
        M,
        "Potential ARR",
        "Expansion ARR",
        "Upsell Potential",
        "Expansion Potential",
        "Whitespace",
        "Potential Revenue",
    ),
    # The customer company's own revenue (Salesforce/HubSpot/Dynamics "Annual Revenue"): a
    # firmographic, never what the customer pays us.
    _f(
        "company_revenue",
        M,
        "Company Revenue",
        "Company Annual Revenue",
        "Annual Revenue",  # also AnnualRevenue, annualrevenue (matched without spaces)
        "Annual Revenue (converted)",
        "Revenue",  # Dynamics 365 API name
        "Annual Sales",
    ),
    _f(
        "currency",
        T,
        "Currency",
        "Currency Code",
        "Account Currency",
        "CurrencyIsoCode",
        "Currency ISO Code",
    ),
    # Written by the import's currency conversion (cspm.core.currency), not read from files:
    # the rate applied to this account's amounts, and its ARR when its currency had no rate.
    _f("fx_rate", N, "Rate to Portfolio Currency"),
    _f("arr_unconverted", N, "ARR Unconverted (No Rate)"),
    _f(
        "seats_purchased",
        N,
        "Seats Purchased",
        "Licenses",
        "Licences",
        "Seats",
        "Licensed Seats",
        "Purchased Seats",
        "Total Seats",
        "Licenses Purchased",
    ),
    _f(
        "seats_active",
        N,
        "Active Seats",
        "Seats Active",
        "Active Users",
        "Seats Used",
        "Licenses Used",
        "Active Licenses",
        "Used Seats",
    ),
    _f("mau", N, "MAU", "Monthly Active Users", "Monthly Actives"),
    _f(
        "health_score",
        S,
        "Health Score",
        "Health",
        "Customer Health",
        "Health Status",
        "Account Health",
        "CS Health",
        "Overall Health",
    ),
    _f("nps", N, "NPS", "NPS Score", "Net Promoter Score", "Last NPS"),
    # An account-level NPS in points (-100..100), as opposed to one person's 0-10 answer.
    _f("nps_points", N, "Account NPS (points)", "NPS Points"),
    _f("csat", N, "CSAT", "CSAT Score", "Customer Satisfaction"),
    _f(
        "contract_start",
        D,
        "Contract Start",
        "Contract Start Date",
        "Start Date",
        "Customer Since",
        "Subscription Start",
        "Became a Customer Date",
        "hs_lifecyclestage_customer_date",
        "Go Live Date",
        "Onboarding Date",
    ),
    _f(
        "renewal_date",
        D,
        "Renewal Date",
        "Contract End Date",
        "Subscription End",
        "Contract End",
        "End Date",
        "Next Renewal",
        "Renewal",
        "Subscription End Date",
        "Expiration Date",
    ),
    _f(
        "churn_date",
        D,
        "Churn Date",
        "Churned Date",
        "Cancellation Date",
        "Cancelled Date",
        "Canceled Date",
        "Date Churned",
    ),
    _f(
        "last_interaction",
        D,
        "Last Interaction",
        "Last Activity",
        "Last Activity Date",
        "Last Contacted",
        "Last Touch",
        "Last Touchpoint",
        "Last Contact Date",
        "Last Engagement Date",
        "Last Meeting",
        "notes_last_contacted",  # HubSpot "Last Contacted"
        "notes_last_updated",  # HubSpot "Last Activity Date"
        "Last Activity Time",  # Zoho CRM
    ),
    _f("last_qbr", D, "Last QBR", "Last QBR Date", "Last Business Review", "Last EBR"),
    _f("last_login", D, "Last Login", "Last Login Date", "Last Seen", "Last Active"),
    _f(
        "open_tickets",
        N,
        "Open Tickets",
        "Open Cases",
        "Support Tickets",
        "Open Support Tickets",
        "Tickets",
    ),
    _f(
        "unpaid_invoices",
        M,
        "Unpaid Invoices",
        "Overdue Invoices",
        "Outstanding Invoices",
        "Past Due Invoices",
        "Unpaid Amount",
        "Overdue Amount",
        "AR Overdue",
    ),
    # Salesforce/Zoho "Type", Dynamics "Relationship Type" (Customer, Prospect, Partner...) say
    # whether an account is a customer at all: a status, but weaker than a real Status column.
    _f(
        "status",
        T,
        "Status",
        "Account Status",
        "Customer Status",
        weak=("Type", "Account Type", "Relationship Type", "Customer Type"),
    ),
    _f(
        "lifecycle_stage",
        T,
        "Lifecycle Stage",
        "Stage",
        "Customer Stage",
        "Journey Stage",
        "Lifecycle",
    ),
    # A CRM's own (marketing) lifecycle, e.g. HubSpot's subscriber/lead/customer/evangelist:
    # not the customer-success lifecycle cspm assigns.
    # A "Lifecycle Stage" column whose values are such stages is moved here by its values.
    _f("crm_lifecycle_stage", T, "CRM Lifecycle Stage", "HubSpot Lifecycle Stage"),
    # "Segment" in a CS sheet is SMB / Mid-Market / Enterprise: a tier (used only when the tier
    # source is the imported column); no CRM has a standard account field of that name.
    _f("tier", T, "Tier", "Segment", "Customer Tier", "Account Tier", "Account Segment"),
    _f(
        "is_reference",
        B,
        "Reference",
        "Is Reference",
        "Reference Customer",
        "Reference Account",
        "Referenceable",
    ),
    # A yes/no churn column ("Churn", "churn_flag", "Churned?"): true means churned.
    _f(
        "churn_flag",
        B,
        "Churned (yes/no)",
        "Churn Flag",
        "Is Churned",
        "Churn",
        "Churned",
        "Churned?",
        "Has Churned",
    ),
    # The account's web domain: related rows with only an e-mail address link by its domain.
    _f(
        "website",
        T,
        "Website",
        "Domain",
        "Company Domain Name",  # HubSpot label; internal name "domain"
        "Web Site",
        "Company Website",
        "URL",
    ),
    # ---- Aggregates derived from related rows (cspm.core.related), never typed by hand; an
    # accounts file may carry them too (per field, the latest as-of value wins).
    _f("subscriptions_active", N, "Active Subscriptions"),
    _f("usage_events_30d", N, "Usage Events (30 days)"),
    _f("usage_active_users_30d", N, "Active Users (30 days)"),
    _f("usage_active_days_30d", N, "Active Days (30 days)"),
    # Events in the last 30 days against the 30 days before, as a fraction (-0.3 = down 30%).
    _f("usage_trend_30d", N, "Usage Trend (30 days)", percent_scale=1.0),
    _f("tickets_opened_90d", N, "Tickets Opened (90 days)"),
    _f("tickets_escalated_90d", N, "Escalated Tickets (90 days)"),
    _f("ticket_satisfaction_90d", N, "Ticket Satisfaction (90 days)"),
    _f("contacts_total", N, "Contacts"),
    _f("contacts_active_10d", N, "Contacts Active (10 days)"),
    _f("contacts_active_14d", N, "Contacts Active (14 days)"),
    _f("contacts_active_30d", N, "Contacts Active (30 days)"),
    # Share of contacts with no login in the last 10 days, as a fraction (0.3 = 30%).
    _f("contacts_inactive_share_10d", N, "Contacts Inactive Share (10 days)", percent_scale=1.0),
    _f("exec_last_login", D, "Last Admin/Executive Login"),
)

FIELDS: dict[str, FieldSpec] = {f.name: f for f in CANONICAL_FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)

# Fields whose values are dates / numbers, in canonical order; storage builds typed columns
# from these lists, so they must stay in step with FIELDS.
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in CANONICAL_FIELDS if f.type == D)
NUMERIC_FIELDS: tuple[str, ...] = tuple(f.name for f in CANONICAL_FIELDS if f.type in (M, N, S))
BOOL_FIELDS: tuple[str, ...] = tuple(f.name for f in CANONICAL_FIELDS if f.type == B)
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in CANONICAL_FIELDS if f.type == T)

MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "n/a", "-", "--", "#n/a", "tbd", "none", "null", "nan", "#value!", "#ref!"}
)
"""Cell texts (casefolded, trimmed) that mean 'no value', never an error."""
