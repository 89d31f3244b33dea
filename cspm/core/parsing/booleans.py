"""Yes/no cells: only the spellings CRMs really use, so a stray value is flagged, not guessed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.parsing.cells import Cells, Kind

TRUE_TEXTS = frozenset({"true", "yes", "y", "1", "1.0", "x"})  # "x": a ticked checkbox column
FALSE_TEXTS = frozenset({"false", "no", "n", "0", "0.0"})


@dataclass
class BoolResult:
    """Per distinct value: the bool, whether there is one, and whether it was unreadable."""

    values: np.ndarray
    known: np.ndarray
    invalid: np.ndarray
    word_seen: bool  # a bool cell or word (not just 1/0) was present, for type inference


def parse_bools(cells: Cells) -> BoolResult:
    """TRUE/FALSE, Yes/No, Y/N, 1/0, 1.0/0.0 and "x" (any case, trimmed), and real bools."""
    n = len(cells.values)
    values = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    bools = cells.of_kind(Kind.BOOL)
    values[bools] = np.asarray(list(cells.values[bools]), dtype=bool)
    known[bools] = True
    word_seen = bool(len(bools))

    nums = cells.of_kind(Kind.NUM)
    if len(nums):
        f = np.asarray(list(cells.values[nums]), dtype=np.float64)
        values[nums] = f == 1
        known[nums] = (f == 1) | (f == 0)

    texts = cells.of_kind(Kind.STR)
    if len(texts):
        t = pd.Series(cells.values[texts], dtype=object).str.strip().str.casefold()
        is_true = t.isin(TRUE_TEXTS).to_numpy(dtype=bool)
        is_false = t.isin(FALSE_TEXTS).to_numpy(dtype=bool)
        values[texts] = is_true
        known[texts] = is_true | is_false
        word_seen |= bool((~t[is_true | is_false].isin({"1", "1.0", "0", "0.0"})).any())

    invalid = ~known & ~cells.missing
    return BoolResult(values, known, invalid, word_seen)
