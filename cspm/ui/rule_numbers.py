"""How the UI reads and writes numbers: typed amounts in, thousands separators and $1.2M out.

Kept apart from the widgets because the parsing rules are easiest to test without Qt. Money is
written by `cspm.core.money` (`compact_one`, `full_one`), the one formatter of the window, the
command line and the reports.
"""

from __future__ import annotations

from cspm.core.field_labels import percent_text
from cspm.core.money import USD, MoneyFormat, compact_one


def parse_number(text: str) -> float | None:
    """'1,200,000', '$1.2M', '250k', '12%' -> a number; None when it is not one."""
    s = text.strip().replace(",", "").replace("%", "").replace(" ", "")
    s = s.strip("$€£¥₹").strip()
    scale = 1.0
    if s[-1:].lower() in ("k", "m", "b"):
        scale = {"k": 1e3, "m": 1e6, "b": 1e9}[s[-1].lower()]
        s = s[:-1]
    try:
        value = float(s) * scale
    except ValueError:
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def parse_fraction(text: str) -> float | None:
    """What a CSM types for a share or a trend, as the stored fraction: '30%' -> 0.3, '0.3' ->
    0.3, '-35.5%' -> -0.355; a bare number beyond ±1 is read as a percent ('30' -> 0.3), since
    a share of 30 (3,000%) is never what was meant. None when it is not a number."""
    s = text.strip()
    value = parse_number(s)
    if value is None:
        return None
    if s.endswith("%") or abs(value) > 1:
        value = round(value / 100, 12)
    return int(value) if float(value).is_integer() else value


def format_fraction(value: float) -> str:
    """0.3 -> '30%': how a share or a trend is shown in the rule builder."""
    return percent_text(value)


def format_number(value: float) -> str:
    """Thousands separators, no trailing zeros: what a CSM would type, tidied."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def count_text(count: int, arr: float, money: MoneyFormat = USD) -> str:
    """The live count line: '2 accounts · $165K ARR'."""
    return f"{count:,} account{'' if count == 1 else 's'} · {compact_one(arr, money)} ARR"
