"""The stored frames after an import is undone, formed from what the undo already holds.

Undoing an import re-derives every account it touched (`state_rederive.rederive`), which
reads every account to compare; the task regeneration after the commit then read every
account and all 550,000 snapshots of the history again (2.7 s of a 12 s undo at 100,000
accounts). The accounts after the undo are the ones the re-derivation wrote, and the history
after it is the history before it without the undone import's rows, so the undo hands them
to the cache (`portfolio.adopt_frames`), as an import hands over the frames it formed.

The hand-over passes through the write session (`note`, under `KEY` in `Session.info`)
because the undo's work runs inside `changes.perform` without the context; `handing_over`
wraps that work and adopts the frames after the commit. When the frames before the undo are
neither held nor on disk, nothing is handed over and the next read reads the database.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from cspm.storage import revision

from . import frame_cache
from .changes import Outcome
from .portfolio import StoredFrames, adopt_frames

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

KEY = "cspm.frames_after_undo"
T = TypeVar("T")


@dataclass(frozen=True)
class Handed:
    """What an undo leaves for the cache: every account after it (as `load_accounts` reads
    them, custom fields as dicts), the accounts token before it, the imports it removed."""

    accounts: pd.DataFrame
    token_before: str | None
    removed_imports: frozenset[int]


def note(s: Session, handed: Handed) -> None:
    """Leave `handed` in the write session for `handing_over` to adopt after the commit."""
    s.info[KEY] = handed


def handing_over(
    ctx: AppContext, work: Callable[[Session], Outcome[T]]
) -> Callable[[Session], Outcome[T]]:
    """`work` whose committed outcome also adopts the frames it noted (if any)."""
    with ctx.cache.lock:
        held = ctx.cache.stored  # cleared by the commit: kept here, as it was before

    def wrapped(s: Session) -> Outcome[T]:
        outcome = work(s)
        handed = s.info.pop(KEY, None)
        if handed is None or not outcome.changed:
            return outcome
        after = outcome.then

        def then() -> None:
            _adopt(ctx, handed, held)
            if after is not None:
                after()

        return dataclasses.replace(outcome, then=then)

    return wrapped


def _adopt(ctx: AppContext, handed: Handed, held: tuple[str | None, StoredFrames] | None) -> None:
    before = held[1] if held is not None and held[0] == handed.token_before else None
    if before is None:
        before = frame_cache.load(ctx.db.url, handed.token_before)
    if before is None:
        return
    with ctx.db.session() as s:
        token = revision.accounts_token(s)
    history = before.history
    history = history[~history["import_id"].isin(list(handed.removed_imports))]
    adopt_frames(ctx, token, StoredFrames.of(handed.accounts, history.reset_index(drop=True)))
    log.info("Undo: the stored frames after it formed from the ones before (%s)", token)
