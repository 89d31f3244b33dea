"""Before an import is written: raw cells beside parsed values, and the big changes against
the stored accounts (ARR over 50%, tier/stage, accounts not in the file), from real files."""

from __future__ import annotations

from pathlib import Path

from cspm.service.import_preview import big_changes, value_preview
from cspm.service.imports import ImportOptions, import_file, prepare_import
from tests.files import write_xlsx

HEADER = ["Account ID", "Account Name", "ARR", "Contract Start", "Reference", "Owner"]
FIRST = [
    ["A1", "Acme Corp", 157800, "2022-01-10", "yes", "Ann"],
    ["B2", "Bolt Ltd", 40000, "2022-03-01", "no", "Bob"],
    ["C3", "Cobalt Inc", 60000, "2022-05-01", "", "Cy"],
]


def _first_import(ctx, tmp_path: Path) -> None:
    assert import_file(ctx, write_xlsx(tmp_path / "first.xlsx", [HEADER, *FIRST])).status == (
        "imported"
    )


def test_an_arr_drop_and_its_tier_move_and_a_missing_account(ctx, tmp_path: Path) -> None:
    _first_import(ctx, tmp_path)
    second = [
        ["A1", "Acme Corp", "$1,250", "2022-01-10", "yes", "Ann"],  # Enterprise -> SMB
        ["B2", "Bolt Ltd", "$41k", "2022-03-01", "no", "Bob"],  # +2.5%: not big
    ]  # C3 is not in this file
    prepared = prepare_import(
        ctx, write_xlsx(tmp_path / "second.xlsx", [HEADER, *second]), ImportOptions()
    )
    changes = big_changes(ctx, prepared)
    lines = changes.lines()
    assert "Acme Corp: ARR $157,800 -> $1,250" in lines
    assert "Acme Corp: tier Enterprise -> SMB" in lines
    assert "Cobalt Inc: not in this file (kept as it is)" in lines
    assert not any(line.startswith("Bolt Ltd") for line in lines)
    assert changes.summary() == (
        "3 big changes: 1 ARR change over 50%, 1 tier change, 1 account not in this file"
    )


def test_the_same_file_again_has_no_big_changes(ctx, tmp_path: Path) -> None:
    _first_import(ctx, tmp_path)
    prepared = prepare_import(
        ctx, write_xlsx(tmp_path / "again.xlsx", [HEADER, *FIRST]), ImportOptions()
    )
    changes = big_changes(ctx, prepared)
    assert changes.empty and changes.summary() == "No big changes"


def test_a_first_import_has_no_big_changes(ctx, tmp_path: Path) -> None:
    prepared = prepare_import(
        ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *FIRST]), ImportOptions()
    )
    assert big_changes(ctx, prepared).empty


def test_raw_cells_beside_parsed_values(ctx, tmp_path: Path) -> None:
    rows = [
        ["A1", "Acme Corp", "$157.8k", "2022-01-10", "yes", "Ann"],
        ["B2", "Bolt Ltd", 40000, "2022-03-01", "", "Bob"],
    ]
    prepared = prepare_import(
        ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]), ImportOptions()
    )
    preview = value_preview(ctx, prepared)
    cell = preview.set_index(["row", "column"])
    assert cell.loc[(2, "ARR"), ["raw", "parsed"]].tolist() == ["$157.8k", "157,800 USD"]
    assert cell.loc[(2, "Reference"), ["raw", "parsed", "field"]].tolist() == [
        "yes", "Yes", "Reference",
    ]  # fmt: skip
    assert cell.loc[(3, "Reference"), ["raw", "parsed"]].tolist() == ["", ""]  # blank stays
    assert cell.loc[(3, "ARR"), ["raw", "parsed"]].tolist() == ["40000", "40,000 USD"]
