"""The Portfolio view's book: which owner and segment it shows, and what that adds up to.

The matrix, the heading and the status bar all follow the same filter as the table: the owner
(toolbar), the segment (the view's filter bar) and the search box; the totals also follow the
tier/stage the user clicked in the matrix (the matrix itself keeps showing every cell, with the
clicked one selected, so the user can click another). Everything is computed on the GUI thread
from the loaded `BookIndex` with whole-array operations (a few milliseconds at 100,000 accounts);
nothing here asks the service.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.book import BookFilter, BookIndex, BookTotals, combine, describe, owner_label
from cspm.core.money import USD, MoneyFormat, compact_one, full_one


@dataclass(frozen=True)
class BookStatus:
    """What the status bar says: what is filtered, and the shown accounts' totals."""

    filter: BookFilter
    text: str  # "Dana Lee's book · search 'lumen' · 12 of 298 accounts"
    totals: BookTotals
    in_book: int  # accounts of the owner/segment before search and matrix filters
    money: MoneyFormat = USD

    @property
    def filtered(self) -> bool:
        f = self.filter
        return any((f.owner is not None, f.needle, f.tier, f.stage, f.segment))

    def arr_text(self) -> str:
        """ "Total ARR $1,250,000" for the whole portfolio, "ARR $1.2M" for a part."""
        if not self.filtered:
            return f"Total ARR {full_one(self.totals.arr, self.money)}"
        return f"ARR {compact_one(self.totals.arr, self.money)}"


def left_out(unconverted: int) -> str:
    """ " · 2 accounts in other currencies left out (no rate)", or "" (as the summary says)."""
    if not unconverted:
        return ""
    n = unconverted
    return f" · {n:,} account{'' if n == 1 else 's'} in other currencies left out (no rate)"


class PortfolioBook:
    """Owner and segment of the portfolio view, over the latest loaded index."""

    def __init__(self) -> None:
        self.index: BookIndex | None = None
        self.owner: str | None = None  # a name, UNASSIGNED or None (everyone)
        self.segment: str | None = None
        self.me: str | None = None  # "I am", as spelled in the data
        self.money: MoneyFormat = USD
        self._search: tuple[BookIndex, str, np.ndarray | None] | None = None  # the last one

    def search_mask(self, search: str) -> np.ndarray | None:
        """Rows matching the search text; the last answer is kept (the matrix and the heading
        ask for the same one on every keystroke)."""
        assert self.index is not None
        needle = search.strip().casefold()
        held = self._search
        if held is None or held[0] is not self.index or held[1] != needle:
            held = (self.index, needle, self.index.search_mask(needle))
            self._search = held
        return held[2]

    def scope(self) -> np.ndarray | None:
        """Rows of the owner's book in the chosen segment (None: every row)."""
        if self.index is None:
            return None
        segment = self.segment if self.segment in self.index.segments else None
        return self.index.mask(BookFilter(owner=self.owner, segment=segment))

    def matrix(self, search: str) -> pd.DataFrame:
        """The matrix of the book, narrowed by the search text."""
        assert self.index is not None  # only asked after a load
        return self.index.matrix(combine(self.scope(), self.search_mask(search)))

    def heading(self, search: str) -> str:
        """ "Dana Lee's book: 298 accounts · ARR $1.2M" (what the matrix counts)."""
        assert self.index is not None
        totals = self.index.totals(combine(self.scope(), self.search_mask(search)))
        arr = f"ARR {full_one(totals.arr, self.money)} ({compact_one(totals.arr, self.money)})"
        text = f"{totals.accounts:,} accounts · {arr}{left_out(totals.unconverted)}"
        narrowed = self.owner is not None or self.segment or search.strip()
        if not narrowed:
            return text
        what = [] if self.owner is None else [owner_label(self.owner, self.me)]
        if self.segment:
            what.append(self.segment)
        if search.strip():
            what.append(f"matching '{search.strip()}'")
        return f"{' · '.join(what)}: {text}"

    def status(
        self, rows: np.ndarray, search: str, tier: str | None, stage: str | None
    ) -> BookStatus:
        """The status of the table's visible `rows` (row numbers of the loaded data)."""
        assert self.index is not None
        scope = self.scope()
        in_book = self.index.rows if scope is None else int(scope.sum())
        f = BookFilter(self.owner, search, tier, stage, self.segment)
        totals = self.index.totals(rows)
        return BookStatus(
            f, describe(f, totals.accounts, in_book, self.me), totals, in_book, self.money
        )
