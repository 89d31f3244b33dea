"""Which cells mean "no value": never an error, whatever the column's type."""

from __future__ import annotations

import pandas as pd

from cspm.core.parsing.cells import Cells


def is_missing(raw: pd.Series) -> pd.Series:
    """True where a cell is None/NaN/NaT/NA, blank or whitespace, or a MISSING_TOKENS text.

    Tokens match trimmed and case-insensitively ("N/A", " tbd ", "#N/A"); an apostrophe our own
    exports put before "-" is ignored, so "'-" is as missing as "-".
    """
    cells = Cells.of(raw)
    return pd.Series(cells.spread(cells.missing, True), index=raw.index, dtype=bool)
