"""Hand-kept sheets put the scale or unit in the header: "Health (0-10)", "ARR (USD)".

Such a header is the field it names; the parenthesised scale or currency is not part of the
name (it used to make "Health (0-10)" a custom column, so every health score was lost).
"""

from __future__ import annotations

from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv


def test_scale_and_unit_in_parentheses_still_name_the_field(ctx, tmp_path) -> None:
    rows = [
        ["Customer", "CSM", "ARR (USD)", "Health (0-10)", "Seats Used (#)", "Annual Revenue ($)"],
        ["Acme", "Ann", "$120,000", 8, 80, "$50,000,000"],
        ["Gamma", "Bob", "45k", 3, 5, ""],
    ]
    result = import_file(ctx, write_csv(tmp_path / "hand.csv", rows))
    assert result.mapping["ARR (USD)"] == "arr"
    assert result.mapping["Health (0-10)"] == "health_score"
    assert result.mapping["Annual Revenue ($)"] == "company_revenue"
    f = load_portfolio(ctx).frame.set_index("name")
    assert f.loc["Acme", "health_score"] == 80  # read on 0-10, stored on 0-100
    assert f.loc["Gamma", "health_score"] == 30
    assert f.loc["Acme", "arr"] == 120_000
    assert f.loc["Acme", "tier"] == "Enterprise"


def test_a_word_in_parentheses_is_part_of_the_name(ctx, tmp_path) -> None:
    """'Annual Revenue (ARR)' says which revenue it is: not stripped to company revenue."""
    rows = [["Account Name", "Annual Revenue (ARR)"], ["Acme", "$120,000"]]
    result = import_file(ctx, write_csv(tmp_path / "arr.csv", rows))
    assert result.mapping["Annual Revenue (ARR)"] != "company_revenue"


def test_an_id_in_parentheses_does_not_claim_the_account_id(ctx, tmp_path) -> None:
    rows = [["Account ID", "Account Name", "Parent Account (ID)"], ["A1", "Acme", "P9"]]
    result = import_file(ctx, write_csv(tmp_path / "ids.csv", rows))
    assert result.mapping["Account ID"] == "external_id"
    assert result.mapping["Parent Account (ID)"].startswith("custom")
