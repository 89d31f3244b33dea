"""`parse_column`: one raw column in, typed values plus what could not be read out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cspm.core.fields import FieldType
from cspm.core.parsing.booleans import parse_bools
from cspm.core.parsing.cells import Cells, Kind
from cspm.core.parsing.dates import MONTH_FIRST, parse_dates
from cspm.core.parsing.numbers import parse_numbers
from cspm.core.parsing.text import parse_texts

HEALTH_WORDS = {"green": 80.0, "yellow": 50.0, "amber": 50.0, "red": 20.0}
SCORE_RANGE = (0.0, 100.0)


@dataclass
class ParsedColumn:
    """A parsed column, aligned with the raw one.

    values: MONEY/NUMBER/SCORE float64 (NaN missing); DATE datetime64[ns] at midnight (NaT);
        BOOL pandas "boolean" (<NA>); TEXT object of str or None.
    invalid: True where a cell held a value that could not be read (it became missing).
    notes: column-level decisions the user should know about (decimal comma, date order).
    """

    values: pd.Series
    invalid: pd.Series
    notes: list[str] = field(default_factory=list)


def parse_column(
    raw: pd.Series,
    ftype: FieldType,
    *,
    percent_scale: float = 100.0,
    date_order: str = MONTH_FIRST,
) -> ParsedColumn:
    """Parse every cell of `raw` as `ftype`; missing cells are never invalid.

    percent_scale: what "100%" means in a NUMBER column ("85%" -> 85 * percent_scale / 100).
    date_order: "month_first" or "day_first", used only when a column's dates cannot tell.

    Column-level decisions come from the column's own evidence: the decimal mark of numbers
    (rule in `cspm.core.parsing.numbers`) and the day/month order of dates (rule in
    `cspm.core.parsing.dates`); `notes` tells the user when one was needed.
    """
    cells = Cells.of(raw)
    index = raw.index
    ftype = FieldType(ftype)
    if ftype == FieldType.TEXT:
        values = pd.Series(cells.spread(parse_texts(cells), None), index=index, dtype=object)
        return ParsedColumn(values, pd.Series(False, index=index, dtype=bool), [])
    if ftype == FieldType.BOOL:
        b = parse_bools(cells)
        data = pd.arrays.BooleanArray(cells.spread(b.values, False), ~cells.spread(b.known, False))
        return _result(cells, pd.Series(data, index=index), b.invalid, [])
    if ftype == FieldType.DATE:
        d = parse_dates(cells, date_order=date_order)
        dates = cells.spread(d.values, np.datetime64("NaT", "ns"))
        return _result(
            cells, pd.Series(dates, index=index, dtype="datetime64[ns]"), d.invalid, d.notes
        )
    if ftype == FieldType.MONEY:
        r = parse_numbers(cells, currency=True, percent_scale=None, money=True)
        return _numbers(cells, r.values, r.invalid, r.notes)
    if ftype == FieldType.NUMBER:
        r = parse_numbers(cells, currency=False, percent_scale=percent_scale)
        return _numbers(cells, r.values, r.invalid, r.notes)
    if ftype == FieldType.SCORE:
        return _score(cells)
    raise ValueError(f"no parser for field type {ftype!r}")


def _score(cells: Cells) -> ParsedColumn:
    """0-100 numbers; "85%" is 85 (a score's own scale); Green/Yellow/Amber/Red words."""
    r = parse_numbers(cells, currency=False, multipliers=False, percent_scale=100.0)
    values, invalid = r.values, r.invalid
    texts = cells.of_kind(Kind.STR)
    if len(texts):
        words = pd.Series(cells.values[texts], dtype=object).str.strip().str.casefold()
        scores = words.map(HEALTH_WORDS).to_numpy(dtype=np.float64)
        is_word = ~np.isnan(scores)
        values[texts[is_word]] = scores[is_word]
        invalid[texts[is_word]] = False
    low, high = SCORE_RANGE
    outside = (values < low) | (values > high)
    values[outside] = np.nan
    invalid |= outside
    return _numbers(cells, values, invalid, r.notes)


def _numbers(
    cells: Cells, values: np.ndarray, invalid: np.ndarray, notes: list[str]
) -> ParsedColumn:
    series = pd.Series(cells.spread(values, np.nan), index=cells.index, dtype=np.float64)
    return _result(cells, series, invalid, notes)


def _result(cells: Cells, values: pd.Series, invalid: np.ndarray, notes: list[str]) -> ParsedColumn:
    flags = pd.Series(cells.spread(invalid & ~cells.missing, False), index=cells.index, dtype=bool)
    return ParsedColumn(values, flags, notes)
