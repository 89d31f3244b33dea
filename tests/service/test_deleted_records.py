"""CRM exports can carry deleted records: Salesforce's Data Export / Data Loader "Export All"
rows with IsDeleted = true (the recycle bin), warehouse syncs' `_fivetran_deleted` = true.
They are not customers: not imported, and said so (they used to become live accounts whose
ARR counted)."""

from __future__ import annotations

from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv


def notes(result) -> list[str]:
    return [p.sentence() for p in result.problems if p.severity == "info"]


def test_salesforce_deleted_records_are_not_accounts(ctx, tmp_path) -> None:
    rows = [
        ["Id", "IsDeleted", "Name", "OwnerId", "ARR__c"],
        ["0015g00000AbCdE001", "false", "Live Co", "0055g00000XyZ0001A", 50_000],
        ["0015g00000AbCdE002", "true", "Deleted Co", "0055g00000XyZ0001A", 90_000],
        ["0015g00000AbCdE003", "", "Unknown Co", "0055g00000XyZ0001A", 10_000],
    ]
    result = import_file(ctx, write_csv(tmp_path / "Account.csv", rows))
    assert result.new == 2
    assert "Column 'IsDeleted': 1 row is a record deleted in the CRM: not imported" in notes(result)
    f = load_portfolio(ctx).frame.set_index("name")
    assert sorted(f.index) == ["Live Co", "Unknown Co"]
    assert f["arr"].sum() == 60_000


def test_warehouse_sync_deleted_rows_are_not_accounts(ctx, tmp_path) -> None:
    rows = [
        ["property_hs_object_id", "property_name", "_fivetran_deleted", "_fivetran_synced"],
        ["7000", "WH Co 0", "false", "2026-11-20T00:00:00Z"],
        ["7001", "WH Co 1", "true", "2026-11-20T00:00:00Z"],
        ["7002", "WH Co 2", "TRUE", "2026-11-20T00:00:00Z"],
    ]
    result = import_file(ctx, write_csv(tmp_path / "companies.csv", rows))
    assert result.new == 1
    assert any("2 rows are records deleted in the CRM" in n for n in notes(result))
