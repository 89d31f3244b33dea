"""A Salesforce report grouped by a field (here Account Owner), exported formatted: the group's
value sits on its first row only, a "Subtotal" line closes each group. Every account of the
group has that value (Beta is Dana Scully's); it used to have none."""

from __future__ import annotations

import pandas as pd

from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_xlsx

ROWS = [
    ["Accounts by Owner"],
    ["Filtered By: Type equals Customer"],
    [],
    ["Account Owner", "Account Name", "ARR", "Renewal Date"],
    ["Dana Scully", "Alpha", 120_000, "3/15/2027"],
    [None, "Beta", 30_000, "4/1/2027"],
    [None, "Delta", None, "4/2/2027"],
    ["Subtotal", None, 150_000, None],
    ["Fox Mulder", "Gamma", 9_000, "5/20/2027"],
    ["Subtotal", None, 9_000, None],
    [],
    ["Grand Totals (4 records)", None, 159_000, None],
    ["Confidential Information - Do Not Distribute"],
]


def test_group_values_apply_to_every_row_of_the_group(ctx, tmp_path) -> None:
    result = import_file(ctx, write_xlsx(tmp_path / "by_owner.xlsx", ROWS))
    assert result.new == 4
    f = load_portfolio(ctx).frame.set_index("name")
    assert f["owner"].to_dict() == {
        "Alpha": "Dana Scully",
        "Beta": "Dana Scully",
        "Delta": "Dana Scully",
        "Gamma": "Fox Mulder",
    }
    assert f["arr"].isna().sum() == 1  # only grouping columns are filled down


def test_a_sheet_without_subtotals_keeps_its_blanks(ctx, tmp_path) -> None:
    rows = [["Account Name", "CSM", "ARR"], ["Alpha", "Ann", 5], ["Beta", None, 6]]
    import_file(ctx, write_xlsx(tmp_path / "hand.xlsx", rows))
    f = load_portfolio(ctx).frame.set_index("name")
    assert pd.isna(f.loc["Beta", "owner"])
