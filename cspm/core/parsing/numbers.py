"""Money, plain numbers and percentages, read per column from messy CRM text.

A value is read from its digit-shape (see `cells`): "$1,250.00" has shape "$9,999.99", and one
regex per distinct shape finds the sign, currency, multiplier ("k", "M", "bn"), percent sign and
the body with its separators; the digits of every cell of that shape are then read at fixed
positions with numpy. Values are computed as an exact integer scaled by a power of ten, so
"1.1k" is 1100.0, not 1100.0000000000002.

Decimal mark, decided per column from the evidence (the rule the docstrings elsewhere refer to):

* A value whose separators fit only one convention is read that way and is *evidence* for it:
  "1,250.50", "1,250,000", "12.5", "1 250.50" show a decimal point; "45.000,00", "1.250.000",
  "1,5", "2,25", "1,2345", "1 250,50" show a decimal comma. Space and apostrophe ("1'250.00")
  are always thousands separators. Plain digits ("45000") are evidence of nothing.
* Ambiguous values are a single "," or "." followed by exactly three digits ("1,250", "1.200"):
  they follow the convention with more evidence, counted in cells.
* With no evidence either way (or a tie) a "," before three digits is a thousands separator
  (the US/UK habit of the CRMs we import), and so is a "." before three digits in a MONEY
  column (amounts are never written with three decimals); in other columns "1.200" is 1.2.
* A column with evidence for both conventions keeps each unambiguous value's own reading and
  gets a note; a column read with decimal commas gets a note too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cspm.core.parsing.cells import Cells, Kind, digits_value

# Currency symbols and ISO codes seen in CRM exports; matched on the shape, case-insensitively.
_CODES = (
    "USD|EUR|GBP|JPY|CHF|CAD|AUD|NZD|CNY|RMB|HKD|SGD|INR|KRW|BRL|MXN|SEK|NOK|DKK|PLN|CZK|"
    "HUF|ZAR|TRY|RUB|ILS|AED|SAR|THB|IDR|MYR|PHP|TWD|RON|BGN|ISK|CLP|COP|ARS|PEN"
)
_CURRENCY = (
    rf"(?:(?:US|CA|C|AU|A|NZ|HK|SG|S|R|MX)\$|[$€£¥₹₩₽₺₪฿₫₴₦₱¢]|(?:{_CODES})(?![a-z])"
    r"|Fr\.|kr\.?|zł|Rs\.?)"
)
_GAPS = " '\u00a0\u202f\u2009\u2019"  # thousands gaps: space, NBSP, thin spaces, apostrophes
_MINUS = "-\u2212"  # ASCII hyphen-minus and the Unicode minus sign
_MULTIPLIERS = {"k": 3, "m": 6, "mm": 6, "mn": 6, "mio": 6, "b": 9, "bn": 9}
_SHAPE = re.compile(
    rf"""\s*(?:'(?=[-+=@]))?             # apostrophe our exports put before a sign
    (?P<open>\(\s*)?
    (?P<sign>[{_MINUS}+]\s*)?
    (?:(?P<cur>{_CURRENCY})\s*)?
    (?P<sign2>[{_MINUS}+]\s*)?
    (?P<open2>\(\s*)?
    (?P<body>[.,]?9(?:[9.,{_GAPS}]*9)?(?:e[-+]?9+)?)
    (?:\s*(?P<mult>mio|mm|mn|bn|k|m|b)(?![a-z]))?   # each "\s*" is inside its group:
    (?:\s*(?P<pct>%))?                             # runs of "\s*?" side by side would
    (?:\s*(?P<cur2>{_CURRENCY}))?                  # backtrack exponentially on spaces
    (?:\s*(?P<close>\)))?
    (?:\s*(?P<trail>[{_MINUS}]))?\s*""",
    re.IGNORECASE | re.VERBOSE,
)
# Body styles, tried in order on the body's shape.
_AMBIGUOUS_COMMA = re.compile(r"9{1,3},999")
_AMBIGUOUS_POINT = re.compile(r"9{1,3}\.999")
_POINT_STYLE = re.compile(r"(?:9{1,3}(?:,999)+|9{1,2}(?:,99)+,999|9+)(?:\.9+)?|\.9+")
_COMMA_STYLE = re.compile(r"(?:9{1,3}(?:\.999)+|9+)(?:,9+)?|,9+")
_GROUPED = re.compile(rf"9{{1,3}}(?:[{_GAPS}]999)+(?:[.,]9+)?")
_SCIENTIFIC = re.compile(r"(?:9+(?:\.9*)?|\.9+)e[-+]?9+", re.IGNORECASE)
LONGEST_SHAPE = 64  # longer texts are no number (and would make the regex slow)
_EXACT_DIGITS = 15  # up to here an int64 mantissa over a power of ten is exact

POINT, COMMA = ".", ","


@dataclass(frozen=True)
class _Recipe:
    """How to read every cell of one shape."""

    readings: dict[str, tuple[list[int], list[int]]]  # decimal mark -> (int, fraction) columns
    evidence: str | None  # POINT or COMMA when the shape fits only that convention
    ambiguous: str | None  # "," or "." when the shape is the ambiguous "9,999" / "9.999"
    negative: bool
    exponent: int  # power of ten from a multiplier: "k" -> 3
    percent: bool
    currency: bool
    scientific: tuple[int, int] | None  # body span to hand to float() as is


def _columns(body: str, start: int, mark: str | None) -> tuple[list[int], list[int]]:
    """Digit positions before and after the decimal mark (the last `mark` in the body)."""
    cut = body.rfind(mark) if mark else -1
    cut = len(body) if cut < 0 else cut
    digits = [i for i, ch in enumerate(body) if ch == "9"]
    return [start + i for i in digits if i < cut], [start + i for i in digits if i > cut]


@lru_cache(maxsize=4096)
def _recipe(shape: str) -> _Recipe | None:
    """Read one digit-shape; None when no number has this shape."""
    m = _SHAPE.fullmatch(shape) if len(shape) <= LONGEST_SHAPE else None
    if m is None:
        return None
    opened = bool(m["open"]) + bool(m["open2"])
    if opened != bool(m["close"]) or opened > 1:
        return None
    signs = [s.strip() for s in (m["sign"], m["sign2"], m["trail"]) if s]
    if len(signs) > 1 or (signs and opened):
        return None
    if m["pct"] and m["mult"]:
        return None
    body, start = m["body"], m.start("body")
    readings: dict[str, tuple[list[int], list[int]]] = {}
    evidence = ambiguous = None
    scientific = None
    if _AMBIGUOUS_COMMA.fullmatch(body) or _AMBIGUOUS_POINT.fullmatch(body):
        ambiguous = POINT if "." in body else COMMA
        readings[POINT] = _columns(body, start, "." if ambiguous == POINT else None)
        readings[COMMA] = _columns(body, start, "," if ambiguous == COMMA else None)
    elif _POINT_STYLE.fullmatch(body):
        readings[POINT] = _columns(body, start, ".")
        evidence = POINT if ("." in body or "," in body) else None
    elif _COMMA_STYLE.fullmatch(body):
        readings[COMMA] = _columns(body, start, ",")
        evidence = COMMA
    elif _GROUPED.fullmatch(body):
        mark = "," if "," in body else "."
        readings[COMMA if mark == "," else POINT] = _columns(body, start, mark)
        evidence = (COMMA if mark == "," else POINT) if ("," in body or "." in body) else None
    elif _SCIENTIFIC.fullmatch(body) and not opened:
        scientific = (start, m.end("body"))
    else:
        return None
    return _Recipe(
        readings=readings,
        evidence=evidence,
        ambiguous=ambiguous,
        negative=bool(opened) or (bool(signs) and signs[0] in _MINUS),
        exponent=_MULTIPLIERS[m["mult"].lower()] if m["mult"] else 0,
        percent=bool(m["pct"]),
        currency=bool(m["cur"] or m["cur2"]),
        scientific=scientific,
    )


@dataclass
class NumberResult:
    """Per distinct value: the number (NaN when none), whether it was unreadable, notes."""

    values: np.ndarray
    invalid: np.ndarray
    notes: list[str]
    currency_seen: bool = False


def _scaled(mantissa: np.ndarray, exponent: int) -> np.ndarray:
    """mantissa * 10**exponent with a single correctly rounded operation."""
    m = mantissa.astype(np.float64)
    return m * 10.0**exponent if exponent >= 0 else m / 10.0 ** (-exponent)


def _read_group(
    cells: Cells, shape: str, group: np.ndarray, recipe: _Recipe, mark: str, percent_exponent: int
) -> np.ndarray:
    """The values of the texts at `group`, all of `shape`, read with decimal `mark`."""
    matrix = cells.char_matrix(group, len(shape))
    exponent = recipe.exponent + (percent_exponent if recipe.percent else 0)
    if recipe.scientific:
        a, b = recipe.scientific
        text = np.ascontiguousarray(matrix[:, a:b]).view(f"<U{b - a}").ravel()
        values = text.astype(np.float64) * 10.0**exponent
    else:
        int_cols, frac_cols = recipe.readings.get(mark) or next(iter(recipe.readings.values()))
        if len(int_cols) + len(frac_cols) <= _EXACT_DIGITS:
            mantissa = digits_value(matrix, int_cols + frac_cols)
            values = _scaled(mantissa, exponent - len(frac_cols))
        else:  # too many digits for an exact int64 mantissa: let float() round the text
            cols = [*int_cols, *frac_cols]
            digits = np.ascontiguousarray(matrix[:, cols]).view(f"<U{len(cols)}").ravel()
            values = digits.astype(np.float64) / 10.0 ** len(frac_cols) * 10.0**exponent
    return 0.0 - values if recipe.negative else values  # 0.0 - x: "(0)" is 0, not -0


def parse_numbers(
    cells: Cells,
    *,
    currency: bool,
    multipliers: bool = True,
    percent_scale: float | None = 100.0,
    money: bool = False,
) -> NumberResult:
    """Numbers for every distinct value of `cells`.

    currency: whether currency symbols/codes are allowed (MONEY) or make a value invalid.
    percent_scale: what "100%" reads as; None makes "85%" invalid (amounts are not percents).
    money: changes only the no-evidence reading of "1.200" (thousands; see module docstring).
    """
    n = len(cells.values)
    values = np.full(n, np.nan)
    invalid = np.zeros(n, dtype=bool)
    nums = cells.of_kind(Kind.NUM)
    if len(nums):
        values[nums] = np.asarray(list(cells.values[nums]), dtype=np.float64)
    for kind in (Kind.BOOL, Kind.DATETIME, Kind.DATE, Kind.TIME, Kind.OTHER):
        invalid[cells.of_kind(kind)] = True  # bools are not numbers, nor are dates

    percent_exponent, percent_factor = 0, 1.0
    if percent_scale is not None:  # a power of ten folds into the exact decimal exponent
        ratio = percent_scale / 100
        power = round(math.log10(ratio)) if ratio > 0 else None
        if power is not None and 10.0**power == ratio:
            percent_exponent = power
        else:
            percent_factor = ratio

    plans: list[tuple[str, np.ndarray, _Recipe]] = []
    weight = {POINT: 0, COMMA: 0}
    ambiguous = {POINT: 0, COMMA: 0}
    currency_seen = False
    for shape, group in cells.shape_groups():
        recipe = _recipe(shape)
        if recipe is not None and (
            (recipe.currency and not currency)
            or (recipe.percent and percent_scale is None)
            or (recipe.exponent and not multipliers)
        ):
            recipe = None
        if recipe is None:
            invalid[group] = True
            continue
        currency_seen |= recipe.currency
        if recipe.evidence:
            weight[recipe.evidence] += cells.weight(group)
        if recipe.ambiguous:
            ambiguous[recipe.ambiguous] += cells.weight(group)
        plans.append((shape, group, recipe))

    decided, notes = _decide(weight, ambiguous, money=money)
    for shape, group, recipe in plans:
        if recipe.ambiguous:
            if decided:
                mark = decided
            elif recipe.ambiguous == COMMA:
                mark = POINT  # "1,250" with no evidence: thousands
            else:
                mark = COMMA if money else POINT  # "1.200": thousands only in amounts
        else:
            mark = next(iter(recipe.readings), POINT)
        read = _read_group(cells, shape, group, recipe, mark, percent_exponent)
        if recipe.percent and percent_factor != 1.0:
            read = read * percent_factor
        values[group] = read
    bad = ~np.isfinite(values) & ~np.isnan(values)
    values[bad] = np.nan
    invalid |= bad
    return NumberResult(values, invalid, notes, currency_seen)


def _decide(
    weight: dict[str, int], ambiguous: dict[str, int], *, money: bool
) -> tuple[str | None, list[str]]:
    """The column's decimal mark from the evidence, or None when there is none either way."""
    notes: list[str] = []
    point, comma = weight[POINT], weight[COMMA]
    decided = COMMA if comma > point else POINT if point > comma else None
    if point and comma:
        reading: dict[str | None, str] = {
            COMMA: "1.25 (the majority style)",
            POINT: "1250 (the majority style)",
            None: "1250 (no majority)",
        }
        notes.append(
            f"number styles are mixed: {comma} value(s) use a decimal comma and {point} a "
            f"decimal point; each was read in its own style, and ambiguous ones like '1,250' "
            f"as {reading[decided]}"
        )
    elif decided == COMMA:
        notes.append(
            "decimal comma detected (values like '1.250,50'): ',' read as the decimal mark and "
            "'.' as the thousands separator"
        )
    if decided is None and money and ambiguous[POINT]:
        notes.append(
            "values like '1.200' have no other decimal evidence in this column; '.' read as a "
            "thousands separator (amounts are not written with three decimals)"
        )
    return decided, notes
