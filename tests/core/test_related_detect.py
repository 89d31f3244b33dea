"""The kind of a real export is detected from its headers and shape; accounts lists stay
accounts lists; an unrecognised file with many rows per account is still refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.core.file_kind import refuse_shape
from cspm.core.header import Table, extract_table
from cspm.core.mapping import auto_map
from cspm.core.reading import read_raw
from cspm.core.related.detect import KindGuess, detect_kind
from cspm.core.related.kinds import RELATED_KINDS
from tests import crm_exports as crm
from tests import related_exports as rel


def guess_file(path: Path) -> KindGuess:
    table = extract_table(read_raw(path, None), None)
    return detect_kind(table, auto_map(table.headers))


def guess(headers: list[str], rows: list[list[object]]) -> KindGuess:
    data = pd.DataFrame(rows, columns=headers, dtype=object)
    table = Table(headers, data, np.arange(2, len(rows) + 2), 1, [])
    return detect_kind(table, auto_map(headers))


@pytest.mark.parametrize(
    "writer,name,kind,evidence",
    [
        (rel.stripe_subscriptions, "subscriptions.csv", "subscriptions", "Current Period"),
        (crm.salesforce_opportunity_report, "Opportunities.xlsx", "subscriptions", "Stage"),
        (crm.salesforce_opportunity_data_export, "Opportunity.csv", "subscriptions", "StageName"),
        (rel.zendesk_tickets, "tickets.csv", "tickets", "Requester email"),
        (rel.salesforce_cases_report, "Cases.xlsx", "tickets", "Case Number"),
        (rel.hubspot_contacts, "contacts.xlsx", "contacts", "First Name"),
        (rel.mixpanel_events, "events.csv", "usage", "Distinct ID"),
        (rel.churn_sheet, "churn.xlsx", "churn_events", "Reactivation"),
    ],
)
def test_real_exports_are_read_as_their_kind(
    tmp_path: Path, writer, name: str, kind: str, evidence: str
) -> None:
    found = guess_file(writer(tmp_path / name))
    assert found.kind == kind
    assert any(evidence in h for h in found.evidence), found.evidence
    assert found.describe().startswith(RELATED_KINDS[kind].noun)


def test_opportunities_are_named_as_the_source(tmp_path: Path) -> None:
    found = guess_file(crm.salesforce_opportunity_report(tmp_path / "Opportunities.xlsx"))
    assert found.from_opportunities
    assert "closed-won opportunities" in found.describe()
    assert found.shape.rows == 36 and found.shape.accounts == 12


@pytest.mark.parametrize(
    "writer,name",
    [
        (crm.salesforce_data_export, "Account.csv"),
        (crm.hubspot_ui_export, "hubspot-crm-exports-all-companies.xlsx"),
        (crm.pipedrive_organizations, "organizations.csv"),
    ],
)
def test_accounts_exports_stay_accounts(tmp_path: Path, writer, name: str) -> None:
    assert guess_file(writer(tmp_path / name)).kind == "accounts"


def test_accounts_list_with_arr_and_contact_names_stays_accounts() -> None:
    headers = ["Account ID", "Account Name", "ARR", "First Name", "Last Name", "Email"]
    found = guess(headers, [["A1", "Acme", 1000, "Dana", "Scully", "dana@acme.com"]])
    assert found.kind == "accounts" and not found.is_related


def test_repeated_key_with_a_start_end_pair_is_subscriptions_by_shape() -> None:
    rows = [
        [f"Account {n % 12}", f"2024-{1 + n // 12:02d}-01", f"2025-{1 + n // 12:02d}-01", 1000]
        for n in range(36)
    ]
    found = guess(["Account Name", "Start Date", "End Date", "MRR"], rows)
    assert found.kind == "subscriptions"
    assert found.evidence[:2] == ("Start Date", "End Date")


def test_repeated_key_of_unknown_kind_is_refused_with_todays_sentence() -> None:
    rows = [[f"Account {n % 12}", f"2026-{1 + n // 12:02d}", n] for n in range(36)]
    found = guess(["Account Name", "Month", "Logins"], rows)
    assert found.kind == "accounts"
    with pytest.raises(BadInputError) as err:
        refuse_shape(found.shape, "export.csv")
    assert str(err.value).startswith("'export.csv' has several rows per account: 36 rows")


def test_a_history_of_arr_by_date_is_not_taken_for_churn_events() -> None:
    rows = [[f"Account {n % 12}", f"2026-{1 + n // 12:02d}-01", 1000 + n] for n in range(36)]
    assert guess(["Account Name", "Date", "ARR"], rows).kind == "accounts"
