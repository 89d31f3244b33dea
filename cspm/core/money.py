"""Money as text, one formatter for the whole app: "$1,250,000" (full) and "$1.3M" (compact).

Every screen, command, task reason and report that shows an amount goes through here, so the
portfolio currency (code, symbol, placement, separators) is honoured everywhere at once and a
strange value can break no screen.

Why it is written this way:
- Any float is shown, never raised on: NaN is the `missing` text, +-inf is "$∞"/"-$∞", -0.0 and
  amounts that round to zero carry no minus sign, and amounts of 1e18 and above are shown in
  scientific form ("$1e+308") instead of 300 digits. No value is ever turned into an index
  (the old digit-group tables indexed with `cents // 100 ...`, which overflowed int64 at ~9.2e16
  and raised IndexError on every command after such an import).
- Vectorised the way that is fastest for real portfolios: each *distinct* amount is formatted
  once by Python's own number formatting, then spread back to every row. A 100,000-account
  portfolio costs tens of milliseconds, the same as the old table look-ups.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # numpy and pandas load with the first vectorised call: `cspm --help`
    import numpy as np  # imports this module through the command-line formatting

Placement = Literal["symbol_before", "symbol_after", "code_before", "code_after"]
Separators = Literal["1,234.56", "1.234,56", "1 234,56"]
Cents = Literal["never", "auto", "always"]

PLACEMENTS: tuple[Placement, ...] = ("symbol_before", "symbol_after", "code_before", "code_after")
SEPARATORS: tuple[Separators, ...] = ("1,234.56", "1.234,56", "1 234,56")

SCIENTIFIC_FROM = 1e18
"""Full form switches to "$1.2e+18" here: no one reads 19 digits, and a 1e308 stays short."""
COMPACT_STEPS: tuple[tuple[float, str], ...] = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
COMPACT_SCIENTIFIC_FROM = 1e15
"""Compact form beyond 999.9T: "$1.0e+17"."""


@dataclass(frozen=True)
class MoneyFormat:
    """How the portfolio currency is written.

    code: ISO 4217 code ("USD"); symbol: what precedes or follows the digits ("$", "€", "CHF");
    placement: symbol or code, before or after the digits ("$1,234", "1,234 €", "USD 1,234");
    separators: thousands and decimal marks as written in the example.
    """

    code: str = "USD"
    symbol: str = "$"
    placement: Placement = "symbol_before"
    separators: Separators = "1,234.56"

    @property
    def mark(self) -> str:
        """The symbol or the code, whichever the placement shows."""
        return self.code if self.placement.startswith("code") else self.symbol

    def place(self, digits: str, negative: bool) -> str:
        """Digits (already separated) with the sign and the currency mark in place."""
        sign = "-" if negative else ""
        if self.placement == "symbol_before":
            return f"{sign}{self.symbol}{digits}"
        if self.placement == "code_before":
            return f"{sign}{self.code} {digits}"
        return f"{sign}{digits} {self.mark}"

    def separate(self, text: str) -> str:
        """Python's "1,234.56" rewritten with this format's separators."""
        if self.separators == "1,234.56":
            return text
        thousands = "." if self.separators == "1.234,56" else "\u202f"
        return text.replace(",", "\0").replace(".", ",").replace("\0", thousands)


USD = MoneyFormat()


def _sign_and_digits(value: float, digits: str) -> tuple[bool, str]:
    # A value that rounds to zero ("-0", "-0.00") or is -0.0 carries no minus sign.
    nonzero = any(c not in "0.,e+" for c in digits)
    return (value < 0 and nonzero), digits


def full_one(
    value: float | None, fmt: MoneyFormat = USD, *, cents: Cents = "never", missing: str = ""
) -> str:
    """One amount in full: "$1,250,000"; cents "auto" shows them only when there are some."""
    if value is None:
        return missing
    v = float(value)
    if math.isnan(v):
        return missing
    a = abs(v)
    if math.isinf(v):
        return fmt.place("∞", v < 0)
    if a >= SCIENTIFIC_FROM:
        text = f"{a:.3g}"
    elif cents == "never":
        text = fmt.separate(f"{a:,.0f}")
    else:
        text = f"{a:,.2f}"
        if cents == "auto" and text.endswith(".00"):
            text = text[:-3]
        text = fmt.separate(text)
    negative, text = _sign_and_digits(v, text)
    return fmt.place(text, negative)


def compact_one(value: float | None, fmt: MoneyFormat = USD, *, missing: str = "") -> str:
    """One amount, short: "$950", "$12.5K", "$1.3M", "$3B", "$1.2T", "$1.0e+17"."""
    if value is None:
        return missing
    v = float(value)
    if math.isnan(v):
        return missing
    if math.isinf(v):
        return fmt.place("∞", v < 0)
    a = abs(v)
    if a >= COMPACT_SCIENTIFIC_FROM:
        text = f"{a:.1e}"
    elif round(a) < 1000:
        text = f"{a:.0f}"
    else:
        text = f"{a:,.0f}"
        for limit, suffix in COMPACT_STEPS:  # largest first
            # A step is used from its limit, or earlier when the step below would say "1000".
            below = round(a / (limit / 1000), 1 if limit > 1e3 else 0)
            if a >= limit or below >= 1000:
                text = f"{a / limit:.1f}".removesuffix(".0") + suffix
                break
        text = fmt.separate(text)
    negative, text = _sign_and_digits(v, text)
    return fmt.place(text, negative)


def _per_distinct(values: Iterable[float] | np.ndarray, one: Callable[[float], str]) -> np.ndarray:
    """`one` applied once per distinct value, spread back: an object array of str."""
    import numpy as np
    import pandas as pd

    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 0:
        return np.empty(0, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    texts = np.array([one(u) for u in uniques.tolist()], dtype=object)
    return texts[codes]


def money_full(
    values: Iterable[float] | np.ndarray,
    fmt: MoneyFormat = USD,
    *,
    cents: Cents = "never",
    missing: str = "",
) -> np.ndarray:
    """`full_one` for a whole column (object array of str, same length)."""
    import numpy as np
    import pandas as pd

    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size == 0:
        return np.empty(0, dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    texts = np.array(_full_many(uniques.tolist(), fmt, cents, missing), dtype=object)
    return texts[codes]


def _full_many(values: list[float], fmt: MoneyFormat, cents: Cents, missing: str) -> list[str]:
    """`full_one` of each value, the same texts, in one tight loop: ARR with cents is nearly
    all distinct, so a portfolio formats ~100,000 amounts on every analysis, and `full_one`'s
    own calls per amount cost more than the formatting. Ordinary amounts (finite, below
    `SCIENTIFIC_FROM`) take `full_one`'s steps inline; the others go to `full_one`."""
    spec = ",.0f" if cents == "never" else ",.2f"
    auto = cents == "auto"
    same_separators = fmt.separators == "1,234.56"
    symbol_before = fmt.placement == "symbol_before"
    plus, minus = fmt.symbol, "-" + fmt.symbol
    out: list[str] = []
    for v in values:
        if not -SCIENTIFIC_FROM < v < SCIENTIFIC_FROM:  # NaN, inf, huge
            out.append(full_one(v, fmt, cents=cents, missing=missing))
            continue
        text = format(abs(v), spec)
        if auto and text.endswith(".00"):
            text = text[:-3]
        if not same_separators:
            text = fmt.separate(text)
        # as `_sign_and_digits`: no minus on an amount that shows as zero ("0", "0.00")
        negative = v < 0 and text.strip("0.,e+") != ""
        if symbol_before:
            out.append((minus if negative else plus) + text)
        else:
            out.append(fmt.place(text, negative))
    return out


def money_compact(
    values: Iterable[float] | np.ndarray, fmt: MoneyFormat = USD, *, missing: str = ""
) -> np.ndarray:
    """`compact_one` for a whole column (object array of str, same length)."""
    return _per_distinct(values, lambda v: compact_one(v, fmt, missing=missing))


def _excel_mark(fmt: MoneyFormat) -> str:
    return '"' + fmt.mark.replace('"', "") + '"'


def excel_format(fmt: MoneyFormat = USD, *, scale: Literal["", "k", "M"] = "") -> str:
    """An Excel number format for amounts: '"$"#,##0', '#,##0 "€"', '"$"#,##0.0,,"M"'.

    Excel writes the separators of the reader's locale, so only the mark and its place follow
    the setting here.
    """
    body = {"": "#,##0", "k": '#,##0,"K"', "M": '#,##0.0,,"M"'}[scale]
    mark = _excel_mark(fmt)
    before = fmt.placement in ("symbol_before", "code_before")
    space = "" if fmt.placement == "symbol_before" else " "
    positive = f"{mark}{space}{body}" if before else f'{body}" "{mark}'
    return f"{positive};-{positive}"


KNOWN_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "BRL": "R$",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "MXN": "MX$",
    "ILS": "₪",
    "PLN": "zł",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "CHF": "CHF",
    "ZAR": "R",
    "SGD": "S$",
    "HKD": "HK$",
}
"""Symbols of common currencies; any other code is written as its code."""


def format_for(code: str, like: MoneyFormat = USD) -> MoneyFormat:
    """The format of another currency, placed and separated like the portfolio's: how an
    account's own (unconverted or original) amounts are shown."""
    symbol = KNOWN_SYMBOLS.get(code, code)
    placement = like.placement
    if symbol == code and placement == "symbol_before":
        placement = "code_before"
    elif symbol == code and placement == "symbol_after":
        placement = "code_after"
    return MoneyFormat(code, symbol, placement, like.separators)
