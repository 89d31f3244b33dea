"""Writers of related exports in the shapes their tools write: a Stripe subscriptions export,
Zendesk and Salesforce Case tickets, HubSpot contacts, a Mixpanel-style event export and a
hand-kept churn events sheet. (Opportunities: `tests.crm_exports`.)"""

from __future__ import annotations

from pathlib import Path

from tests.files import salesforce_rows, write_csv, write_xlsx

STRIPE_HEADER = [
    "id", "Customer ID", "Customer Description", "Customer Email", "Plan", "Product",
    "Quantity", "Currency", "Interval", "Amount", "Status", "Created (UTC)", "Start (UTC)",
    "Current Period Start (UTC)", "Current Period End (UTC)", "Trial Start (UTC)",
    "Trial End (UTC)", "Application Fee Percent", "Coupon", "Tax Percent",
    "Canceled At (UTC)", "Cancel At Period End", "Ended At (UTC)",
]  # fmt: skip


def stripe_subscriptions(path: Path) -> Path:
    """subscriptions.csv from the Stripe dashboard: 12 subscriptions of 5 customers, monthly
    and yearly prices per seat, two ended."""
    rows = []
    for n in range(12):
        customer = f"cus_N{n % 5:03d}"
        yearly = n % 4 == 3
        ended = n in (2, 7)
        rows.append([
            f"sub_1Nq{n:04d}", customer, f"Customer {n % 5}", f"billing{n % 5}@example{n % 5}.com",
            "price_annual" if yearly else "price_monthly", "Pro", 1 + n, "usd",
            "year" if yearly else "month", "1200.00" if yearly else "49.00",
            "canceled" if ended else "active", f"2024-{1 + n % 9:02d}-05 10:12",
            f"2024-{1 + n % 9:02d}-05 10:12", "2024-11-05 10:12", "2024-12-05 10:12", "", "", "",
            "", "", "2024-10-01 08:00" if ended else "", "false",
            "2024-10-01 08:00" if ended else "",
        ])  # fmt: skip
    return write_csv(path, [STRIPE_HEADER, *rows])


def zendesk_tickets(path: Path) -> Path:
    """A Zendesk tickets export (.csv): 30 tickets of 6 organisations, satisfaction words."""
    header = ["Summation column", "Id", "Requester", "Requester email", "Requester domain",
              "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via",
              "Ticket type", "Created at", "Updated at", "Organization", "Solved at",
              "Satisfaction Score", "Reopens", "Replies"]  # fmt: skip
    sat = ["Good", "Bad", "Offered", "Unoffered", "Good"]
    rows = [
        [1, 1000 + n, f"User {n}", f"User{n}@Org{n % 6}.com", f"org{n % 6}.com", "Agent",
         "Support", f"Problem {n}", "", "Solved" if n % 3 else "Open",
         ["Low", "Normal", "High", "Urgent"][n % 4], "Mail", "Incident",
         f"2024-{1 + n % 12:02d}-{1 + n % 27:02d} 09:30:00", "2024-12-01 10:00:00",
         f"Org {n % 6}", f"2024-{1 + n % 12:02d}-28 17:00:00" if n % 3 else "",
         sat[n % 5], 0, 2]
        for n in range(30)
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


def salesforce_cases_report(path: Path) -> Path:
    """A Salesforce Cases report (.xlsx) with title lines and Escalated TRUE/FALSE."""
    header = ["Case Number", "Account Name", "Subject", "Status", "Priority",
              "Date/Time Opened", "Date/Time Closed", "Escalated"]  # fmt: skip
    data = [
        [f"{1026 + n:08d}", f"Account {n % 4:02d}", f"Case {n}", "Closed" if n % 2 else "New",
         "High" if n % 3 == 0 else "Medium", f"3/{1 + n}/2026 9:15 AM",
         f"3/{2 + n}/2026 4:00 PM" if n % 2 else "", "TRUE" if n % 5 == 0 else "FALSE"]
        for n in range(16)
    ]  # fmt: skip
    return write_xlsx(path, salesforce_rows(data, header), sheet="Cases")


def hubspot_contacts(path: Path) -> Path:
    """A HubSpot contacts export (.xlsx): labels, first/last name, an associated company."""
    header = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner",
              "Job Title", "Associated Company", "Last Login", "Lifecycle Stage",
              "Create Date"]  # fmt: skip
    roles = ["CEO", "Admin", "Analyst", "VP Customer Success"]
    rows = [
        [51000 + n, f"First{n}", f"Last{n}", f"First{n}.Last{n}@Company{n % 5}.com",
         "+1 555 0100", "Dana Scully", roles[n % 4], f"Company {n % 5}",
         f"2024-11-{1 + n % 28:02d}" if n % 6 else "", "Customer", "2023-05-01"]
        for n in range(20)
    ]  # fmt: skip
    return write_xlsx(path, [header, *rows], sheet="Contacts")


def mixpanel_events(path: Path) -> Path:
    """A product-usage event export (.csv): event, timestamp, distinct ID, account ID."""
    header = ["Event", "Time", "Distinct ID", "Insert ID", "Account ID", "Feature", "Plan Tier",
              "$browser"]  # fmt: skip
    rows = [
        ["Report Viewed", f"2024-11-{1 + n % 28:02d}T{n % 24:02d}:15:00Z", f"user{n % 7}@acme.com",
         f"ins-{n:05d}", f"A{n % 3}", ["Reports", "Dashboards", "Exports"][n % 3], "Pro",
         "Chrome"]
        for n in range(40)
    ]  # fmt: skip
    return write_csv(path, [header, *rows])


def churn_sheet(path: Path) -> Path:
    """A hand-kept churn events sheet (.xlsx): churns, a win-back, Yes/No reactivation."""
    header = ["Account ID", "Account Name", "Churn Date", "Reason", "Reactivation"]
    rows = [
        ["A1", "Acme", "2024-03-31", "Budget", "No"],
        ["A1", "Acme", "2024-07-01", "", "Yes"],
        ["A2", "Beta", "31/05/2024", "Moved to competitor", "No"],
        ["A3", "Gamma", "2024-09-30", "Product gaps", "no"],
    ]
    return write_xlsx(path, [header, *rows], sheet="Churn")
