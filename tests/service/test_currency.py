"""Issue 11 item 9: money in the portfolio's currency.

Accounts exported with their own currency (Salesforce `CurrencyIsoCode`, a "Currency" column)
are converted at the rate dated on or before the import's as-of date; the original amount is
kept for the account detail; a currency without a rate is a warning, its ARR is shown in its
own currency and left out of every total.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cspm.core.errors import BadInputError
from cspm.service.accounts import account_detail
from cspm.service.context import AppContext
from cspm.service.export import export, workbook_data
from cspm.service.imports import ImportOptions, import_file, undo_latest_import
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import get_settings, remove_rates, set_rates, set_value
from cspm.service.summary import portfolio_summary
from cspm.service.tasks import list_tasks
from tests.files import write_csv, write_xlsx

AS_OF = dt.date(2026, 11, 1)

# A Salesforce Data Export (API names) of a multi-currency org ("Company Revenue" stands for
# AnnualRevenue, whose synonym another branch adds).
SALESFORCE = [
    ["Id", "Name", "ARR", "MRR", "Company Revenue", "CurrencyIsoCode", "Health Score"],
    ["001A", "Alpha GmbH", "45000", "", "2000000", "EUR", "70"],
    ["001B", "Beta Inc", "100000", "", "", "USD", "60"],
    ["001C", "Gamma Ltd", "30000", "2500", "", "GBP", "50"],
    ["001D", "Delta Corp", "20000", "", "", "", "80"],
]


def _eur_rates(ctx: AppContext) -> None:
    set_rates(ctx, [("EUR", 1.05)], dt.date(2026, 1, 1))
    set_rates(ctx, [("EUR", 1.08)], dt.date(2026, 10, 1))
    set_rates(ctx, [("EUR", 1.20)], dt.date(2026, 12, 1))  # after the as-of date: not used


def _import(ctx: AppContext, path: Path, as_of: dt.date = AS_OF):  # type: ignore[no-untyped-def]
    return import_file(ctx, path, ImportOptions(as_of=as_of))


def test_amounts_convert_at_the_rate_in_effect_on_the_as_of_date(
    ctx: AppContext, tmp_path: Path
) -> None:
    _eur_rates(ctx)
    result = _import(ctx, write_csv(tmp_path / "sf.csv", SALESFORCE))
    assert result.status == "imported"
    frame = load_portfolio(ctx).frame.set_index("external_id")
    assert frame.at["001A", "arr"] == pytest.approx(48_600)  # 45,000 EUR x 1.08
    assert frame.at["001A", "company_revenue"] == pytest.approx(2_160_000)
    assert frame.at["001B", "arr"] == 100_000
    assert frame.at["001D", "arr"] == 20_000  # a blank currency cell is the portfolio's
    notes = [p.sentence() for p in result.problems if p.severity == "info"]
    assert any("in EUR converted to USD at 1.08 (rate from 2026-10-01)" in n for n in notes)

    detail = account_detail(ctx, "001A")
    assert detail.money_notes["arr"] == "€45,000 (converted at 1.08)"
    assert detail.money_notes["company_revenue"] == "€2,000,000 (converted at 1.08)"
    assert "arr" not in account_detail(ctx, "001B").money_notes


def test_a_currency_without_a_rate_is_never_summed_with_the_others(
    ctx: AppContext, tmp_path: Path
) -> None:
    _eur_rates(ctx)
    result = _import(ctx, write_csv(tmp_path / "sf.csv", SALESFORCE))
    warnings = [p.sentence() for p in result.problems if p.severity == "warning"]
    assert len(warnings) == 1
    assert "no GBP rate on or before 2026-11-01 (rows 4)" in warnings[0]
    assert "CurrencyIsoCode" in warnings[0] or "currencyisocode" in warnings[0]

    frame = load_portfolio(ctx).frame.set_index("external_id")
    assert frame.at["001C", "arr_unconverted"] == 30_000
    assert frame["arr"].isna().loc["001C"]  # and so in no total, band or percentile
    assert frame.at["001C", "tier"] == "Unassigned"
    assert frame.at["001C", "tier_reason"] == "no ARR in USD: its GBP amounts have no exchange rate"
    summary = portfolio_summary(ctx)
    assert summary.total_arr == pytest.approx(48_600 + 100_000 + 20_000)
    assert summary.unconverted == 1
    assert "1 account in other currencies left out (no rate)" in summary.arr_text()
    assert account_detail(ctx, "001C").money_notes["arr"] == (
        "£30,000 (GBP: no rate, not in totals)"
    )
    data = workbook_data(ctx)
    assert data.left_out == 1
    notes = dict(zip(data.accounts["external_id"], data.accounts["arr_note"], strict=True))
    assert notes == {
        "001A": "€45,000 (converted at 1.08)",
        "001B": "",
        "001C": "£30,000 (GBP: no rate, not in totals)",
        "001D": "",
    }
    from openpyxl import load_workbook

    sheet = load_workbook(export(ctx, tmp_path / "report.xlsx"))["Accounts"]
    header = [c.value for c in sheet[1]]
    assert header[header.index("ARR") + 1] == "ARR as in the file"
    reasons = "; ".join("; ".join(r) for r in list_tasks(ctx)["reasons"])
    assert "30,000" not in reasons


def test_adding_the_rate_and_importing_again_converts_and_a_plain_file_clears_the_flag(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "sf.csv", SALESFORCE)
    _import(ctx, path)
    set_rates(ctx, [("GBP", 1.25), ("EUR", 1.1)], dt.date(2026, 1, 1))
    _import(ctx, path, dt.date(2026, 11, 2))
    frame = load_portfolio(ctx).frame.set_index("external_id")
    assert frame.at["001C", "arr"] == pytest.approx(37_500)
    assert frame.at["001C", "mrr"] == pytest.approx(3_125)
    assert frame["arr_unconverted"].isna().all()

    plain = write_csv(
        tmp_path / "plain.csv", [["Id", "Name", "ARR"], ["001A", "Alpha GmbH", "50000"]]
    )
    _import(ctx, plain, dt.date(2026, 11, 3))
    assert load_portfolio(ctx).frame.set_index("external_id").at["001A", "arr"] == 50_000
    assert "arr" not in account_detail(ctx, "001A").money_notes  # amounts of the newest file

    undo_latest_import(ctx)
    assert account_detail(ctx, "001A").money_notes["arr"] == "€45,000 (converted at 1.1)"


def test_the_portfolio_currency_is_how_every_amount_is_written(
    ctx: AppContext, tmp_path: Path
) -> None:
    set_value(ctx, "currency.code", "EUR")
    settings = get_settings(ctx)
    assert (settings.currency.code, settings.currency.symbol) == ("EUR", "€")
    set_value(ctx, "currency.format", "symbol_after")
    set_value(ctx, "currency.separators", "1.234,56")
    set_rates(ctx, [("USD", 0.9)], dt.date(2026, 1, 1))
    rows = [["Account ID", "Account Name", "ARR", "Currency"], ["A1", "Alpha", "240000", "EUR"]]
    _import(ctx, write_xlsx(tmp_path / "a.xlsx", rows))
    frame = load_portfolio(ctx).frame
    assert frame["tier_reason"].iloc[0] == "ARR 240.000 € >= 100.000 € (Enterprise band)"
    reasons = list_tasks(ctx)["reasons"]
    assert any("ARR 240.000 €" in r for rs in reasons for r in rs)
    target = export(ctx, tmp_path / "report.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(target)["Accounts"]
    header = [c.value for c in ws[1]]
    arr_cell = ws.cell(row=2, column=header.index("ARR") + 1)
    assert arr_cell.number_format == '#,##0" ""€";-#,##0" ""€"'


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("currency.code", "EURO", "'EURO' is not a currency code"),
        ("currency.symbol", "", "1 to 5 characters"),
        ("currency.format", "left", "must be one of symbol_before"),
        ("currency.rounding", "2", "Unknown currency setting"),
    ],
)
def test_bad_currency_settings_are_one_sentence(
    ctx: AppContext, key: str, value: str, message: str
) -> None:
    with pytest.raises(BadInputError, match=message):
        set_value(ctx, key, value)


def test_the_portfolio_currency_cannot_also_have_a_rate(ctx: AppContext) -> None:
    set_rates(ctx, [("EUR", 1.08)], AS_OF)
    with pytest.raises(BadInputError, match="remove them first"):
        set_value(ctx, "currency.code", "EUR")
    assert get_settings(ctx).currency.code == "USD"


def test_rates_are_checked_and_removable(ctx: AppContext) -> None:
    with pytest.raises(BadInputError, match="USD is the portfolio currency"):
        set_rates(ctx, [("USD", 1.0)], AS_OF)
    with pytest.raises(BadInputError, match="above 0"):
        set_rates(ctx, [("EUR", 0.0)], AS_OF)
    set_rates(ctx, [("EUR", 1.08)], AS_OF)
    set_rates(ctx, [("EUR", 1.09)], AS_OF)  # same date: replaced, not duplicated
    assert [(r.currency, r.rate) for r in get_settings(ctx).currency.rates] == [("EUR", 1.09)]
    remove_rates(ctx, "eur")
    assert get_settings(ctx).currency.rates == ()
    with pytest.raises(BadInputError, match="no EUR rate"):
        remove_rates(ctx, "EUR")


def test_a_later_file_without_arr_keeps_the_no_rate_flag(ctx: AppContext, tmp_path: Path) -> None:
    _import(ctx, write_csv(tmp_path / "sf.csv", SALESFORCE))
    invoices = [
        ["Id", "Name", "Unpaid Invoices", "CurrencyIsoCode"],
        ["001C", "Gamma Ltd", "900", "GBP"],
    ]
    _import(ctx, write_csv(tmp_path / "invoices.csv", invoices), dt.date(2026, 11, 2))
    frame = load_portfolio(ctx).frame.set_index("external_id")
    assert frame.at["001C", "arr_unconverted"] == 30_000
    assert frame.at["001C", "unpaid_invoices"] != frame.at["001C", "unpaid_invoices"]  # missing
    assert portfolio_summary(ctx).unconverted == 2  # Gamma (GBP) and Alpha (EUR): no rates here


def test_conversion_fields_are_not_offered_as_mapping_targets() -> None:
    from cspm.service.imports import mapping_targets

    names = {name for name, _label in mapping_targets()}
    assert "currency" in names
    assert not names & {"fx_rate", "arr_unconverted"}
