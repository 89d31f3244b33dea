"""Changing the portfolio currency and the dated rate table, validated, from any front.

Kept apart from `settings` so the currency keys and their checks read in one place:
`cspm settings set currency.code EUR`, `cspm settings rates EUR=1.08 --from 2026-01-01` and the
window's Currency page all come through here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

from cspm.core.currency import check_code
from cspm.core.errors import BadInputError
from cspm.core.money import KNOWN_SYMBOLS
from cspm.core.settings import CurrencySettings, FxRate, Settings

MAX_RATE = 1e6
CURRENCY_KEYS_HELP = "currency.code, currency.symbol, currency.format, currency.separators"


def with_currency_value(settings: Settings, key: str, value: str) -> Settings:
    """`settings` with a new currency.code, which brings its usual symbol along (unless the
    symbol had been set to something of the user's own); the other currency keys are declared
    settings (`cspm.core.settings.CurrencySettings`) set like any other."""
    cur = settings.currency
    name = key.split(".", 1)[1] if "." in key else ""
    if name == "code":
        code = check_code(value)
        if any(r.currency == code for r in cur.rates):
            raise BadInputError(
                f"The rate table has {code} rates; remove them first (cspm settings rates "
                f"--remove {code}), since the portfolio currency has no rate."
            )
        own_symbol = cur.symbol not in (KNOWN_SYMBOLS.get(cur.code, cur.code), cur.code)
        symbol = cur.symbol if own_symbol else KNOWN_SYMBOLS.get(code, code)
        cur = dataclasses.replace(cur, code=code, symbol=symbol)
    else:
        raise BadInputError(f"Unknown currency setting '{key}'; use {CURRENCY_KEYS_HELP}.")
    return dataclasses.replace(settings, currency=cur)


def parse_rate(item: str) -> tuple[str, float]:
    """ "EUR=1.08" -> ("EUR", 1.08): one unit of EUR is 1.08 portfolio-currency units."""
    code, sep, text = item.partition("=")
    if not sep:
        raise BadInputError(f"'{item}' is not CODE=RATE (e.g. EUR=1.08).")
    try:
        rate = float(text.replace(",", ".").strip())
    except ValueError:
        raise BadInputError(f"'{item}' is not CODE=RATE (e.g. EUR=1.08).") from None
    return check_code(code), rate


def with_rates(
    settings: Settings, rates: Sequence[tuple[str, float]], effective: dt.date
) -> Settings:
    """`settings` with these rates effective from `effective` (replacing a rate of the same
    currency and date)."""
    cur = settings.currency
    table = list(cur.rates)
    for code, rate in rates:
        code = check_code(code)
        if code == cur.code:
            raise BadInputError(f"{code} is the portfolio currency; it needs no rate.")
        if not (math.isfinite(rate) and 0 < rate <= MAX_RATE):
            raise BadInputError(f"The {code} rate must be a number above 0, got {rate:g}.")
        iso = effective.isoformat()
        table = [r for r in table if not (r.currency == code and r.effective == iso)]
        table.append(FxRate(code, float(rate), iso))
    return _with_table(settings, table)


def without_rates(settings: Settings, code: str, effective: dt.date | None) -> Settings:
    """`settings` without `code`'s rates (only the one from `effective` when given)."""
    code = check_code(code)
    table = [
        r
        for r in settings.currency.rates
        if not (r.currency == code and (effective is None or r.effective == effective.isoformat()))
    ]
    if len(table) == len(settings.currency.rates):
        raise BadInputError(f"There is no {code} rate to remove.")
    return _with_table(settings, table)


def _with_table(settings: Settings, table: list[FxRate]) -> Settings:
    ordered = tuple(sorted(table, key=lambda r: (r.currency, r.effective)))
    return dataclasses.replace(
        settings, currency=dataclasses.replace(settings.currency, rates=ordered)
    )


def validate_currency(currency: CurrencySettings) -> None:
    """The checks every save runs (the window edits the whole table at once)."""
    check_code(currency.code)  # the symbol, format and separators: see check_all (declared)
    seen: set[tuple[str, str]] = set()
    for r in currency.rates:
        check_code(r.currency)
        if r.currency == currency.code:
            raise BadInputError(f"{r.currency} is the portfolio currency; it needs no rate.")
        if not (math.isfinite(r.rate) and 0 < r.rate <= MAX_RATE):
            raise BadInputError(f"The {r.currency} rate must be a number above 0.")
        try:
            dt.date.fromisoformat(r.effective)
        except ValueError:
            raise BadInputError(f"'{r.effective}' is not a date (YYYY-MM-DD).") from None
        if (r.currency, r.effective) in seen:
            raise BadInputError(f"Two {r.currency} rates start on {r.effective}.")
        seen.add((r.currency, r.effective))
