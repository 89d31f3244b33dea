"""`prepare_any` reads a file as its kind (detected, forced or the profile's) up to a
PreparedRelated, writing nothing; profiles remember their kind and apply only to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cspm.core.errors import BadInputError
from cspm.core.profiles import ProfileDocument
from cspm.core.related.detect import RelatedFileError
from cspm.service.imports import (
    ImportOptions,
    PreparedImport,
    PreparedRelated,
    prepare_any,
    prepare_cells,
    read_cells,
)
from cspm.storage import settings_repo
from cspm.storage.models import ImportRecord
from tests import crm_exports as crm
from tests import related_exports as rel
from tests.files import write_csv


def imports_stored(ctx) -> int:
    with ctx.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ImportRecord)) or 0)


@pytest.mark.parametrize(
    "writer,name,kind,rows",
    [
        (rel.stripe_subscriptions, "subscriptions.csv", "subscriptions", 12),
        (rel.zendesk_tickets, "tickets.csv", "tickets", 30),
        (rel.hubspot_contacts, "contacts.xlsx", "contacts", 20),
        (rel.mixpanel_events, "events.csv", "usage", 40),
        (rel.churn_sheet, "churn.xlsx", "churn_events", 4),
    ],
)
def test_each_kind_is_prepared_as_itself(
    ctx, tmp_path: Path, writer, name: str, kind: str, rows: int
) -> None:
    prepared = prepare_any(ctx, writer(tmp_path / name), ImportOptions())
    assert isinstance(prepared, PreparedRelated)
    assert prepared.kind == prepared.detected_kind == kind
    assert prepared.evidence and all(h in prepared.table.headers for h in prepared.evidence)
    assert len(prepared.plan.frame) == rows and prepared.plan.errors == []
    assert prepared.sha256 and prepared.path.name == name
    assert imports_stored(ctx) == 0


def test_accounts_file_is_prepared_as_accounts(ctx, tmp_path: Path) -> None:
    prepared = prepare_any(
        ctx, crm.salesforce_data_export(tmp_path / "Account.csv"), ImportOptions()
    )
    assert isinstance(prepared, PreparedImport)


def test_forced_kind_wins_over_detection_and_is_remembered_beside_it(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "logins.csv",
        [["Account ID", "User Email", "Date"], ["A1", "dana@acme.com", "2024-11-01"]],
    )
    assert isinstance(prepare_any(ctx, path, ImportOptions()), PreparedImport)
    prepared = prepare_any(ctx, path, ImportOptions(kind="usage"))
    assert isinstance(prepared, PreparedRelated)
    assert (prepared.kind, prepared.detected_kind) == ("usage", "accounts")
    assert prepared.plan.frame.loc[0, "user_email"] == "dana@acme.com"


def test_wizard_cells_of_a_related_file_are_refused_as_accounts_naming_the_kind(
    ctx, tmp_path: Path
) -> None:
    cells = read_cells(rel.zendesk_tickets(tmp_path / "tickets.csv"))
    with pytest.raises(RelatedFileError) as err:
        prepare_cells(ctx, cells, ImportOptions())
    assert err.value.guess.kind == "tickets"
    assert "so it is imported as a support tickets file" in str(err.value)
    prepared = prepare_any(ctx, cells, ImportOptions())  # the same cells, as their kind
    assert isinstance(prepared, PreparedRelated) and prepared.kind == "tickets"


def test_user_mapping_and_value_maps_of_a_related_kind(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            ["Case Number", "Account Name", "Opened", "Hot"],
            ["1", "Acme", "2024-01-02", "Escalated"],
            ["2", "Acme", "2024-01-03", "Calm"],
        ],
    )
    options = ImportOptions(
        kind="tickets", mapping={"hot": "escalated"}, value_maps={"Hot": {"Calm": "no"}}
    )
    prepared = prepare_any(ctx, path, options)
    assert isinstance(prepared, PreparedRelated)
    assert prepared.plan.frame["escalated"].tolist() == [True, False]
    assert prepared.plan.value_maps == {"hot": {"calm": "false"}}
    with pytest.raises(BadInputError, match="'start_date' is not a field of tickets files"):
        prepare_any(ctx, path, ImportOptions(kind="tickets", mapping={"Opened": "start_date"}))


def test_profiles_remember_their_kind_and_apply_only_to_it(ctx, tmp_path: Path) -> None:
    headers = ["Acct", "Began", "Monthly"]
    path = write_csv(
        tmp_path / "subs.csv",
        [headers, ["A1", "2024-01-01", "100"], ["A1", "2024-06-01", "50"]],
    )
    columns = {"acct": "account_id", "began": "start_date", "monthly": "mrr"}
    with ctx.db.session() as s:
        settings_repo.save_profile(s, "billing", columns, kind="subscriptions")
    with ctx.db.session() as s:
        doc = settings_repo.load_profile_documents(s)["billing"]
    assert doc == ProfileDocument(columns, {}, {}, "subscriptions")
    assert ProfileDocument.from_stored({"acct": "external_id"}).kind == "accounts"  # old form

    prepared = prepare_any(ctx, path, ImportOptions(profile="billing"))  # the profile's kind
    assert isinstance(prepared, PreparedRelated) and prepared.profile_name == "billing"
    assert prepared.plan.frame["mrr"].tolist() == [100, 50]
    auto = prepare_any(ctx, path, ImportOptions(kind="subscriptions"))  # fits: auto-applied
    assert isinstance(auto, PreparedRelated) and auto.profile_name == "billing"
    # An accounts import of the same headers does not apply a subscriptions profile ...
    accounts = prepare_any(ctx, path, ImportOptions(kind="accounts", mapping={"Acct": "name"}))
    assert isinstance(accounts, PreparedImport) and accounts.profile_name is None
    # ... and refuses one named for it, saying what it maps.
    with pytest.raises(BadInputError, match="'billing' maps subscriptions files"):
        prepare_any(ctx, path, ImportOptions(kind="accounts", profile="billing"))
