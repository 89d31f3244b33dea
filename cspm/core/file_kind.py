"""Knowing what a file is before creating accounts from it.

cspm imports lists of accounts, one row per account. A CRM also exports opportunities,
contacts, support tickets, subscriptions and product usage, each with many rows per account and
an "Account Name" column that maps perfectly well: imported as accounts, a 36-row opportunities
export becomes 36 accounts. So before planning, the headers and the key column are checked:

- a kind is recognised from its headers: two *defining* headers (ones an accounts list does not
  have: "Opportunity Name", "StageName", "Probability (%)", "Ticket ID", "First Name"...), or
  one defining header with two *supporting* ones ("Amount", "Close Date", "Stage"), or one
  defining header in a file whose key repeats; but headers alone never outvote an accounts
  list's own columns: a file that maps ARR, MRR, a renewal date, a health score, seats or a
  tier and has no repeated key is an accounts list (with, say, its main contact's first and
  last name);
- a file whose key column repeats a lot is "many rows per account" even when its kind is not
  recognised: at least `MIN_REPEATED_ROWS` rows repeat an account seen above them and they are
  at least `REPEATED_SHARE` of the keyed rows (1.5 rows per account or more). An accounts list
  with a few duplicate rows stays an accounts list: its duplicates are rejected rows, as before.

A recognised kind is imported as what it is (`cspm.core.related.detect` names it and the related
import takes it); a file with many rows per account whose kind is not recognised is refused with
one sentence naming the counts (`refuse_other_kinds`), so no accounts are made from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import BadInputError
from .fields import normalise_header
from .header import Table
from .mapping import ColumnMapping

MIN_REPEATED_ROWS = 10
REPEATED_SHARE = 1 / 3
ACCOUNT_ONLY_FIELDS = frozenset(
    {"arr", "mrr", "renewal_date", "health_score", "seats_purchased", "tier", "is_reference"}
)
"""Fields only an accounts list carries: with one of them and no repeated key, it is one."""


@dataclass(frozen=True)
class Kind:
    """One kind of related export, recognised by compact normalised header texts."""

    name: str  # "an opportunities export"
    defining: frozenset[str]
    supporting: frozenset[str]


def _keys(*headers: str) -> frozenset[str]:
    return frozenset(normalise_header(h).replace(" ", "") for h in headers)


KINDS: tuple[Kind, ...] = (
    Kind(
        "an opportunities export",
        _keys(
            "Opportunity Name",
            "Opportunity ID",
            "Opportunity",
            "Opportunity Owner",
            "Opportunity Stage",
            "StageName",
            "Deal Name",
            "Deal Stage",
            "Deal ID",
            "Deal owner",
            "Probability",
            "Probability (%)",
            "IsClosed",
            "IsWon",
            "Forecast Category",
            "ForecastCategoryName",
            "Expected Revenue",
        ),
        _keys("Stage", "Amount", "Close Date", "Next Step", "Lead Source", "Pipeline", "Type"),
    ),
    Kind(
        "a support tickets export",
        _keys(
            "Ticket ID",
            "Ticket Number",
            "Ticket name",
            "Ticket subject",
            "Ticket status",
            "Ticket priority",
            "Case Number",
            "Case ID",
            "Case Subject",
            "Case Status",
            "Case Origin",
            "IsEscalated",
            "Requester",
            "Requester email",
            "Assignee",
            "Solved at",
            "Satisfaction",
            "Satisfaction Rating",
            "First response time",
        ),
        _keys(
            "Subject",
            "Priority",
            "Created at",
            "Closed Date",
            "Closed at",
            "Group",
            "Channel",
            "Tags",
            "Description",
        ),
    ),
    Kind(
        "a contacts export",
        _keys(
            "First Name",
            "Last Name",
            "Contact ID",
            "Contact owner",
            "Salutation",
            "Mailing City",
            "Mailing Country",
            "Mailing Street",
        ),
        _keys(
            "Email",
            "Email Address",
            "Title",
            "Job Title",
            "Contact Name",
            "Phone",
            "Mobile Phone",
            "Department",
        ),
    ),
    Kind(
        "a subscriptions export",
        _keys(
            "Subscription ID",
            "Subscription Item ID",
            "Current Period Start",
            "Current Period End",
            "Current Period Start (UTC)",
            "Current Period End (UTC)",
            "Cancel At Period End",
            "Canceled At",
            "Cancelled At",
            "Canceled At (UTC)",
            "Ended At",
            "Ended At (UTC)",
            "Trial Start",
            "Trial End",
            "Trial Start (UTC)",
            "Trial End (UTC)",
            "Interval",
            "Plan Interval",
            "Billing Interval",
            "Billing Period",
            "Next Billing Date",
            "Next Billing At",
            "Current Term Start",
            "Current Term End",
        ),
        _keys("Quantity", "Plan Name", "Start", "Start (UTC)", "Created (UTC)", "Amount"),
    ),
    Kind(
        "a churn events export",
        _keys(
            "Is Reactivation",
            "IsReactivation",
            "Reactivation",
            "Reactivated",
            "Reactivation Date",
            "Win Back",
            "Winback",
            "Churn Event ID",
        ),
        _keys(
            "Churn Date",
            "Churned Date",
            "Churn Reason",
            "Cancellation Date",
            "Cancellation Reason",
            "Reason",
            "Reason Code",
            "Event Date",
        ),
    ),
    Kind(
        "a product usage export",
        _keys(
            "Event",
            "Event Name",
            "Event Type",
            "Event Time",
            "Distinct ID",
            "Visitor ID",
            "Session ID",
            "Feature Name",
        ),
        _keys(
            "Date",
            "Day",
            "Timestamp",
            "Time",
            "User ID",
            "Email",
            "Events",
            "Event Count",
            "Sessions",
            "Minutes",
            "Page Views",
        ),
    ),
)

# Headers that name the account a related row belongs to (for "36 rows, 12 accounts").
_ACCOUNT_REFS = _keys(
    "AccountId",
    "Account ID",
    "Account Name",
    "Account",
    "Associated Company",
    "Company",
    "Company name",
    "Organization",
    "Organisation",
    "Organization Name",
    "Customer ID",
    "Customer",
    "Customer Name",
)


@dataclass(frozen=True)
class FileShape:
    """What the headers and the key column say about a file."""

    kind: Kind | None
    evidence: tuple[str, ...]  # the headers that gave the kind away
    rows: int
    accounts: int | None  # distinct accounts named, when a column names them
    account_column: str | None
    repeated: int  # rows whose account appeared on an earlier row

    @property
    def many_rows_per_account(self) -> bool:
        keyed = self.repeated + (self.accounts or 0)
        return self.repeated >= MIN_REPEATED_ROWS and self.repeated >= REPEATED_SHARE * keyed


def _compact(header: str) -> str:
    return normalise_header(header).replace(" ", "")


def _account_column(table: Table, mapping: ColumnMapping) -> str | None:
    """The column naming each row's account: a reference header, else the mapped key."""
    for header in table.headers:
        if _compact(header) in _ACCOUNT_REFS:
            return header
    fields = mapping.field_columns()
    return fields.get("external_id") or fields.get("name")


def _distinct_and_repeated(values: pd.Series) -> tuple[int, int]:
    """(distinct accounts, rows repeating one) of a key column, compared trimmed and casefolded.

    Only the distinct raw values are normalised: on 100,000 unique keys that is the cost of one
    hash pass, not of 100,000 string operations.
    """
    present = values.dropna()
    raw = pd.Series(pd.unique(present.to_numpy(dtype=object)), dtype=object)
    keys = raw.astype("str").str.strip().str.casefold()
    blank = (keys == "").to_numpy()
    rows = len(present)
    if blank.any():
        rows -= int(present.isin(raw[blank].tolist()).sum())
    distinct = int(keys[~blank].nunique())
    return distinct, rows - distinct


def file_shape(table: Table, mapping: ColumnMapping) -> FileShape:
    """The kind the headers point to (if any) and how often the key column repeats."""
    column = _account_column(table, mapping)
    accounts: int | None = None
    repeated = 0
    if column is not None and column in table.data.columns:
        accounts, repeated = _distinct_and_repeated(table.data[column])
    rows = len(table.data)
    keyed_repeats = repeated >= 2 and repeated >= REPEATED_SHARE * (repeated + (accounts or 0))
    if not keyed_repeats and ACCOUNT_ONLY_FIELDS.intersection(mapping.field_columns()):
        return FileShape(None, (), rows, accounts, column, repeated)
    for kind in KINDS:
        defining = [h for h in table.headers if _compact(h) in kind.defining]
        supporting = [h for h in table.headers if _compact(h) in kind.supporting]
        if (
            len(defining) >= 2
            or (defining and len(supporting) >= 2)
            or (defining and keyed_repeats)
        ):
            evidence = tuple([*defining, *supporting][:3])
            return FileShape(kind, evidence, rows, accounts, column, repeated)
    return FileShape(None, (), rows, accounts, column, repeated)


def _counts(shape: FileShape) -> str:
    rows = f"{shape.rows:,} row{'' if shape.rows == 1 else 's'}"
    if shape.accounts is None:
        return rows
    return f"{rows}, {shape.accounts:,} account{'' if shape.accounts == 1 else 's'}"


def counts_text(shape: FileShape) -> str:
    """The counts a refusal names: "36 rows, 12 accounts" (or just "36 rows")."""
    return _counts(shape)


def refuse_other_kinds(table: Table, mapping: ColumnMapping, file_name: str) -> None:
    """Raise BadInputError when the file has many rows per account and no recognised kind.

    A recognised kind is not refused here: it is imported as that kind (see module docstring).
    """
    shape = file_shape(table, mapping)
    refuse_shape(shape, file_name)


def refuse_shape(shape: FileShape, file_name: str) -> None:
    """`refuse_other_kinds` for a shape already computed."""
    if shape.kind is None and shape.many_rows_per_account:
        raise BadInputError(
            f"'{file_name}' has several rows per account: {_counts(shape)} (column "
            f"'{shape.account_column}' repeats), so it looks like a history or related-records "
            "export, not a list of accounts; no accounts were created from it (remove the "
            "repeated rows, or map a column that identifies each account to external_id)."
        )
