"""Preparing an import from cells already read (`read_cells` + `prepare_cells`).

The wizard reads a sheet once and re-plans from those cells on every mapping change; these tests
pin that the plan is the one `prepare_import` makes from the file, and that the file is not read
again (it is deleted or overwritten between the read and the plans).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.service.imports import (
    ImportOptions,
    PreparedImport,
    apply_prepared,
    prepare_cells,
    prepare_import,
    read_cells,
)
from cspm.service.imports_list import list_imports
from cspm.service.portfolio import list_accounts
from tests.files import HEADER, salesforce_rows, write_xlsx

D = dt.datetime
COLUMNS = [*HEADER, "Market Sector Code"]  # not a known synonym: a custom field by default
ROWS = [
    [
        "ACC-001",
        "Acme Corp",
        "Dana",
        "$120,000.00",
        D(2027, 1, 10),
        82,
        D(2024, 3, 1),
        "Active",
        "R",
    ],
    ["ACC-002", "Globex", "Dana", "45,000", D(2027, 6, 30), "n/a", D(2025, 9, 1), "Active", "E"],
    [None, None, "Fox", "9,000", None, None, None, "Active", "R"],  # rejected: no ID, no name
]
OPTIONS = [
    ImportOptions(),
    ImportOptions(mapping={"Market Sector Code": "industry"}),
    ImportOptions(mapping={"Account Owner": "ignore", "Health Score": "custom"}),
    ImportOptions(header_index=4, mapping={"Account ID": "ignore"}),
]


def report(path: Path, rows: list[list[object]] = ROWS) -> Path:
    return write_xlsx(path, salesforce_rows(rows, COLUMNS))


def assert_same_plan(got: PreparedImport, want: PreparedImport) -> None:
    """Everything the wizard shows and the apply step writes is equal."""
    pd.testing.assert_frame_equal(got.plan.frame, want.plan.frame)
    assert got.plan.problems == want.plan.problems
    assert got.plan.rejected_rows == want.plan.rejected_rows
    assert got.plan.carried == want.plan.carried
    assert got.plan.custom_types == want.plan.custom_types
    assert got.plan.rows_total == want.plan.rows_total
    assert got.mapping.as_record() == want.mapping.as_record()
    assert [c.how for c in got.mapping.columns] == [c.how for c in want.mapping.columns]
    assert got.table.header_row == want.table.header_row
    assert got.table.skipped_rows == want.table.skipped_rows
    assert got.profile_name == want.profile_name
    assert (got.path, got.raw.sheet, got.sha256) == (want.path, want.raw.sheet, want.sha256)


@pytest.mark.parametrize("options", OPTIONS, ids=["auto", "user", "ignore+custom", "header"])
def test_cells_give_the_plan_the_file_gives(ctx, tmp_path: Path, options) -> None:
    path = report(tmp_path / "q4.xlsx")
    assert_same_plan(
        prepare_cells(ctx, read_cells(path), options), prepare_import(ctx, path, options)
    )


def test_mapping_changes_after_the_file_is_gone_use_the_cells(ctx, tmp_path: Path) -> None:
    path = report(tmp_path / "q4.xlsx")
    wanted = [prepare_import(ctx, path, o) for o in OPTIONS]
    cells = read_cells(path)
    path.unlink()
    # every mapping change, in any order and repeated, still plans from the first read
    for options, want in [*zip(OPTIONS, wanted, strict=True), (OPTIONS[0], wanted[0])]:
        assert_same_plan(prepare_cells(ctx, cells, options), want)
    with pytest.raises(BadInputError):  # the file really is gone for anyone who reads it
        prepare_import(ctx, path, OPTIONS[0])


def test_an_overwritten_file_does_not_leak_into_the_plan(ctx, tmp_path: Path) -> None:
    path = report(tmp_path / "q4.xlsx")
    cells = read_cells(path)
    first = prepare_cells(ctx, cells, OPTIONS[0])
    other = [["ACC-009", "Umbrella", "Fox", "1,000", None, 10, None, "Active", "X"]]
    report(path, other)
    again = prepare_cells(ctx, cells, OPTIONS[1])
    assert list(again.plan.frame["key"]) == ["ACC-001", "ACC-002"]
    assert again.sha256 == first.sha256 != prepare_import(ctx, path, OPTIONS[1]).sha256


def test_applying_a_plan_from_cells_records_the_file_name(ctx, tmp_path: Path) -> None:
    path = report(tmp_path / "renewals-q4.xlsx")
    cells = read_cells(path)
    path.unlink()
    options = ImportOptions(mapping={"Market Sector Code": "industry"}, skip_invalid=True)
    result = apply_prepared(ctx, prepare_cells(ctx, cells, options), options)
    assert result.status == "imported" and result.file == "renewals-q4.xlsx"
    assert (result.new, result.rejected) == (2, 1)
    assert list_imports(ctx)[0].file_name == "renewals-q4.xlsx"
    accounts = list_accounts(ctx)
    assert dict(zip(accounts["name"], accounts["industry"], strict=True)) == {
        "Acme Corp": "R",
        "Globex": "E",
    }
