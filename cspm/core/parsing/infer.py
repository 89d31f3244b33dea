"""Guess the type of a column no canonical field claims (a custom column)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.fields import FieldType
from cspm.core.parsing.booleans import parse_bools
from cspm.core.parsing.cells import Cells, Kind
from cspm.core.parsing.dates import parse_dates
from cspm.core.parsing.numbers import parse_numbers

PARSE_SHARE = 0.9  # a type wins when this share of the non-missing cells reads as it
SAMPLE_CELLS = 5_000  # evenly spread rows are plenty to judge a share
_LEADING_ZERO = r"\s*0\d"  # "00123": an identifier, whose zeros a number would lose


def _share(cells: Cells, readable: np.ndarray, present: int) -> float:
    return cells.weight(np.flatnonzero(readable)) / present


def infer_type(raw: pd.Series) -> FieldType:
    """BOOL, DATE, MONEY, NUMBER or TEXT, the first that reads >= 90% of non-missing cells.

    BOOL needs a real bool or a word (a column of only 1/0 is NUMBER); DATE ignores bare numbers
    (amounts near 45,000 are not Excel dates here); MONEY needs a currency symbol or code
    somewhere; a text with a leading zero ("00123") keeps the column TEXT.
    """
    if len(raw) > SAMPLE_CELLS:
        raw = raw.iloc[np.linspace(0, len(raw) - 1, SAMPLE_CELLS).astype(np.intp)]
    cells = Cells.of(raw)
    live = ~cells.missing
    present = cells.weight(np.flatnonzero(live))
    if not present:
        return FieldType.TEXT

    b = parse_bools(cells)
    if b.word_seen and _share(cells, b.known & live, present) >= PARSE_SHARE:
        return FieldType.BOOL
    d = parse_dates(cells, numeric=False)
    if _share(cells, ~np.isnat(d.values) & live, present) >= PARSE_SHARE:
        return FieldType.DATE
    texts = cells.of_kind(Kind.STR)
    if len(texts) and pd.Series(cells.values[texts], dtype=object).str.match(_LEADING_ZERO).any():
        return FieldType.TEXT
    n = parse_numbers(cells, currency=True, percent_scale=100.0, money=True)
    if _share(cells, ~np.isnan(n.values) & live, present) >= PARSE_SHARE:
        return FieldType.MONEY if n.currency_seen else FieldType.NUMBER
    return FieldType.TEXT
