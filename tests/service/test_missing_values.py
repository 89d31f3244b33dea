"""Missing stays missing: a blank or absent value never becomes one (booleans included)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv


def test_a_file_without_the_reference_column_makes_no_advocates(ctx, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "first.csv",
        [
            ["Account ID", "Account Name", "ARR", "Contract Start", "Reference"],
            ["A1", "Alpha", "50000", "2024-01-01", "yes"],
        ],
    )
    second = write_csv(
        tmp_path / "second.csv",
        [
            ["Account ID", "Account Name", "ARR", "Contract Start"],
            ["B1", "Beta", "60000", "2024-01-01"],
            ["B2", "Gamma", "70000", "2023-01-01"],
        ],
    )
    import_file(ctx, first)
    import_file(ctx, second)
    frame = load_portfolio(ctx).frame
    assert frame.loc["A1", "lifecycle_stage"] == "Advocate"
    assert frame.loc["A1", "is_reference"] == True  # noqa: E712 - a pandas boolean
    assert pd.isna(frame.loc["B1", "is_reference"])
    assert pd.isna(frame.loc["B2", "is_reference"])
    assert frame.loc["B1", "lifecycle_stage"] == "Established"
    assert frame.loc["B2", "lifecycle_stage"] == "Established"


def test_a_blank_reference_cell_is_unknown_not_true(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "refs.csv",
        [
            ["Account ID", "Account Name", "ARR", "Contract Start", "Reference"],
            ["A1", "Alpha", "50000", "2024-01-01", "yes"],
            ["A2", "Beta", "50000", "2024-01-01", ""],
            ["A3", "Gamma", "50000", "2024-01-01", "n/a"],
            ["A4", "Delta", "50000", "2024-01-01", "no"],
        ],
    )
    import_file(ctx, path)
    frame = load_portfolio(ctx).frame
    assert frame.loc["A1", "is_reference"] == True  # noqa: E712
    assert pd.isna(frame.loc["A2", "is_reference"])
    assert pd.isna(frame.loc["A3", "is_reference"])
    assert frame.loc["A4", "is_reference"] == False  # noqa: E712
    assert list(frame.loc[["A2", "A3", "A4"], "lifecycle_stage"]) == ["Established"] * 3
