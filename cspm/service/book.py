"""My book: the accounts of one owner (or matching a search, a tier, a stage, a segment) and
what they add up to, for the window's owner filter and the command line alike.

"Me" is a personal setting (`personal.my_owner()`); this module only answers for a given owner,
so a caller resolves "Me" first. Everything is computed on the cached analysed portfolio with
`cspm.core.book` (vectorised), so a filter costs milliseconds once the portfolio is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspm.core.book import UNASSIGNED, BookFilter, BookIndex
from cspm.core.currency import unconverted_mask
from cspm.core.errors import BadInputError
from cspm.storage import imports_repo

from .personal import ME, current_user, my_owner, set_personal
from .portfolio import Portfolio, load_portfolio
from .summary import PortfolioSummary

if TYPE_CHECKING:
    from .context import AppContext

__all__ = ["UNASSIGNED", "BookFilter", "BookIndex", "OwnerCount", "book_index", "book_summary",
           "filter_accounts", "me_in", "my_owner_in", "owner_keys", "owners", "owners_of",
           "portfolio_book_index", "resolve_owner", "set_me"]  # fmt: skip


@dataclass(frozen=True)
class OwnerCount:
    name: str  # as shown; UNASSIGNED for the accounts without one
    accounts: int


def portfolio_book_index(p: Portfolio, search: np.ndarray | None = None) -> BookIndex:
    """The book codes of an analysed portfolio (its frame's row order)."""
    return BookIndex.build(p.frame, list(p.settings.tier_names), p.membership, search)


def book_index(ctx: AppContext, search: np.ndarray | None = None) -> BookIndex:
    """The current portfolio's book codes, built once per portfolio computation (`search`:
    the search texts when the caller has them already, see `BookIndex.build`)."""
    p = load_portfolio(ctx)
    with ctx.cache.lock:
        held = ctx.cache.book_index
    if held is not None and held[0] is p:
        return held[1]
    index = portfolio_book_index(p, search)
    with ctx.cache.lock:
        ctx.cache.book_index = (p, index)
    return index


def owners(ctx: AppContext) -> list[OwnerCount]:
    """Every owner in the data with their number of accounts, sorted by name ignoring case;
    then UNASSIGNED when some accounts have no owner."""
    return owners_of(book_index(ctx))


def owners_of(index: BookIndex) -> list[OwnerCount]:
    """`owners` of an index the caller holds (the window's, built with its table)."""
    counts, unassigned = index.owner_counts()
    out = [OwnerCount(n, c) for n, c in zip(index.owners, counts, strict=True)]
    if unassigned:
        out.append(OwnerCount(UNASSIGNED, unassigned))
    return out


def me_in(ctx: AppContext) -> str | None:
    """The "I am" owner as spelled in the data (`my_owner_in`), or None (not chosen and no
    owner has the user's name, or no such owner in this database)."""
    me = my_owner_in(ctx)
    return book_index(ctx).owner_name(me) if me else None


def my_owner_in(ctx: AppContext) -> str | None:
    """The owner chosen as "I am"; else, by default, the owner in this database whose name is
    the user's (the name changes are recorded under, else the login), so a colleague whose
    login or recorded name is their owner name has "Me" without choosing; else None."""
    chosen = my_owner()
    if chosen is not None:
        return chosen
    spelled = book_index(ctx).owner_name(current_user())
    return None if spelled in (None, UNASSIGNED) else spelled


def resolve_owner(ctx: AppContext, owner: str | None) -> str | None:
    """An --owner as typed on the command line: "me" is the owner chosen as "I am"."""
    if owner is None or owner.strip().casefold() != "me":
        return owner
    me = my_owner_in(ctx)
    if me is None:
        names = ", ".join(o.name for o in owners(ctx) if o.name != UNASSIGNED) or "none"
        raise BadInputError(
            f"You have not said who you are: run `cspm me NAME` first (owners: {names})."
        )
    return book_index(ctx).owner_name(me) or me


def set_me(ctx: AppContext, name: str | None) -> str | None:
    """Save "I am" (None clears it); the name must be an owner in the data, as spelled there."""
    if name is None:
        set_personal(ME, None)
        return None
    spelled = book_index(ctx).owner_name(name)
    if spelled is None or spelled == UNASSIGNED:
        names = ", ".join(o.name for o in owners(ctx) if o.name != UNASSIGNED) or "none"
        raise BadInputError(f"No account owner named '{name.strip()}' (owners: {names}).")
    set_personal(ME, spelled)
    return spelled


def _checked(index: BookIndex, f: BookFilter) -> BookFilter:
    """Names as listed (any case accepted); an unknown tier, stage or segment is refused."""
    if f.tier is not None and f.tier not in index.tiers:
        hit = next((t for t in index.tiers if t.casefold() == f.tier.strip().casefold()), None)
        if hit is None:
            raise BadInputError(f"Unknown tier '{f.tier}'; tiers are {', '.join(index.tiers)}.")
        f = BookFilter(f.owner, f.search, hit, f.stage, f.segment)
    if f.segment is not None and f.segment not in index.segments:
        fold = f.segment.strip().casefold()
        hit = next((s for s in index.segments if s.casefold() == fold), None)
        if hit is None:
            raise BadInputError(f"Unknown segment '{f.segment}' (or its rule is invalid).")
        f = BookFilter(f.owner, f.search, f.tier, f.stage, hit)
    return f


def filter_accounts(ctx: AppContext, f: BookFilter) -> pd.DataFrame:
    """The accounts `f` keeps, in display order (name, then ID)."""
    p = load_portfolio(ctx)
    index = book_index(ctx)
    return p.in_display_order(index.mask(_checked(index, f)))


def owner_keys(ctx: AppContext, owner: str | None) -> pd.Index | None:
    """Keys of the accounts of `owner` (UNASSIGNED: those with none); None for everyone."""
    if owner is None:
        return None
    index = book_index(ctx)
    mask = index.owner_mask(owner)
    return pd.Index(index.keys if mask is None else index.keys[mask], dtype=object)


def book_summary(ctx: AppContext, f: BookFilter) -> PortfolioSummary:
    """The portfolio summary (matrix, totals) of the accounts `f` keeps."""
    p = load_portfolio(ctx)
    index = book_index(ctx)
    mask = index.mask(_checked(index, f))
    totals = index.totals(mask)
    with ctx.db.session() as s:
        last = imports_repo.latest_as_of(s)
    frame = p.frame if mask is None else p.frame[mask]
    return PortfolioSummary(
        accounts=totals.accounts,
        total_arr=totals.arr,
        last_import=last,
        matrix=index.matrix(mask),
        money=p.settings.money,
        unconverted=int(unconverted_mask(frame).sum()),
    )
