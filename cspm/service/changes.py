"""Change records: every user mutation runs through `perform` and returns one `Change`.

`perform` is the one place that writes a mutation: it opens the write transaction, runs the
work, bumps the data revision from what the change touches (tasks alone change nothing the
analysis reads, so they keep the revision and the cached portfolio), stores the change record
(with its inverse: how to take it back), commits, then clears the context's cache from the
record and runs the context's subscribers (task regeneration, see `task_refresh`). No other
code bumps
the revision or triggers regeneration, so nothing can be forgotten at one call site.

The work is a function of the open session returning an `Outcome`: its result, its inverse
(a registered operation of `cspm.service.inverses` with a JSON payload, or None when the change
cannot be undone) and whether anything was written at all (a dry run or a repeated import
writes nothing: rolled back, no record, no revision). `RowWatch` builds the commonest inverse,
"put these rows back as they were".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.storage import changes_repo, locks, revision, row_state
from cspm.storage.actor import act_as

from .cache import READ_BY_ANALYSIS
from .personal import current_user
from .store_guard import guard_write

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

TOUCHES = frozenset(
    {"accounts", "overrides", "settings", "segments", "tasks", "touchpoints", "imports", "forecast"}
)
"""What a change can touch; views and caches refresh from these words."""

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """What one mutation did: shown as "Undo <action>", stored in the change log as `id`."""

    id: int | None  # the stored record; None when nothing was written
    action: str  # "Complete 'Renewal plan' for Lumen Capital"
    touches: frozenset[str]
    user: str
    at: dt.datetime  # UTC
    undoable: bool
    result: Any = None  # the call's own return value (an account key, an ImportResult...)
    undo_of: int | None = None  # the record this change reverted (an undo or a redo)
    verb: str = "saved"  # for notices: "saved", "imported", "undone", "re-dated"
    live: bool = True  # False: it describes the past only (a back-filled import)
    notices: tuple[str, ...] = ()  # what subscribers said failed (the change stands)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What the work of a mutation returns to `perform`."""

    result: T
    inverse: dict[str, Any] | None = None  # {"op": name, ...payload}; None: cannot be undone
    changed: bool = True  # False: nothing written; rolled back, no record, no revision bump
    live: bool = True
    action: str | None = None  # the action's name when the work found it out (a task's title)
    then: Callable[[], None] | None = None
    """Work after the commit and the cache clearing, before the subscribers (an import forms
    the portfolio after it once, which task regeneration then reuses); its failure is
    contained like a subscriber's."""


Subscriber = Callable[["AppContext", Change], None]


@dataclass
class RowWatch:
    """Remembers rows before the work writes them, and makes the "rows" inverse after.

    `watch(table, key)` before writing an existing row (or one that may appear), `added(table,
    key)` for a row the work inserted. `inverse()` reads each row as the work left it.
    """

    session: Session
    before: dict[tuple[str, Any], dict[str, Any] | None] = field(default_factory=dict)

    def watch(self, table: str, key: Any) -> None:
        if (table, key) not in self.before:
            self.before[(table, key)] = row_state.read(self.session, table, key)

    def watch_all(self, table: str) -> None:
        for key in row_state.keys(self.session, table):
            self.watch(table, key)

    def added(self, table: str, key: Any) -> None:
        self.before.setdefault((table, key), None)

    def inverse(self) -> dict[str, Any] | None:
        self.session.flush()
        rows = []
        for (table, key), before in self.before.items():
            after = row_state.read(self.session, table, key)
            if before != after:
                rows.append({"table": table, "key": key, "before": before, "after": after})
        return {"op": "rows", "rows": rows} if rows else None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def perform(
    ctx: AppContext,
    action: str,
    touches: Iterable[str],
    work: Callable[[Session], Outcome[T]],
    *,
    guard: str | None = None,
    verb: str = "saved",
    undo_of: int | None = None,
    exclusive: bool = False,
) -> Change:
    """Run one mutation in one write transaction and record it; see the module docstring.

    guard: the write's name for `store_guard.guard_write` (damaged-file check, rolling backup,
    write lock taken at the start), or None to skip it. undo_of: the record this change reverts
    (undo/redo); refused when another change reverted it first. exclusive: the work reads
    then writes what another process may be writing at the same moment (seeding): on SQLite
    it takes the write lock at its first statement, not its first write.

    On PostgreSQL every change runs under one advisory lock (`storage.locks.WRITES`),
    as every SQLite write runs under the file's write lock: two colleagues' imports at once
    each planned the same new account and one failed on the unique key after the other
    committed. Readers do not wait.
    """
    touched = frozenset(touches)
    unknown = touched - TOUCHES
    if unknown:
        raise ValueError(f"unknown touches {sorted(unknown)}")
    user, at = current_user(), utc_now()
    if guard is not None:
        guard_write(ctx, guard)
    if exclusive:
        ctx.db.begin_immediate_next()
    with ctx.db.sessions() as s:
        act_as(s, user)
        try:
            locks.hold(s, locks.WRITES)
            outcome = work(s)
            if not outcome.changed:
                s.rollback()
                return Change(None, action, frozenset(), user, at, False, outcome.result)
            action = outcome.action or action
            if touched & READ_BY_ANALYSIS:
                revision.bump(s, accounts=bool(touched & {"accounts", "imports"}))
            record = changes_repo.add(
                s,
                at=at,
                user=user,
                action=action,
                touches=touched,
                inverse=outcome.inverse,
                undo_of=undo_of,
            )
            if undo_of is not None and not changes_repo.mark_undone(s, undo_of, record):
                raise BadInputError("That change was already taken back; nothing was changed.")
            s.commit()
        except BaseException:
            s.rollback()
            raise
    change = Change(
        record,
        action,
        touched,
        user,
        at,
        outcome.inverse is not None,
        outcome.result,
        undo_of,
        verb,
        outcome.live,
    )
    return after_commit(ctx, change, outcome.then)


def after_commit(ctx: AppContext, change: Change, then: Callable[[], None] | None = None) -> Change:
    """Clear the cache from the record, then run the subscribers; returns the change with the
    notices they added. A subscriber must contain its own failures (the change stands); one
    that raises anyway is logged and named in a notice, never raised."""
    ctx.cache.invalidate(change.touches)
    first = len(ctx.notices)
    steps: list[Subscriber] = [lambda _c, _ch: then()] if then is not None else []
    for subscriber in [*steps, *ctx.subscribers]:
        try:
            subscriber(ctx, change)
        except Exception as exc:
            log.warning("A subscriber failed after a committed change", exc_info=True)
            ctx.notices.append(f"{change.verb}; a follow-up step failed ({type(exc).__name__})")
    return dataclasses.replace(change, notices=tuple(ctx.notices[first:]))


def from_record(record: changes_repo.StoredChange, result: Any = None) -> Change:
    """A stored record as a Change (for the history list and undo labels)."""
    return Change(
        record.id,
        record.action,
        record.touches,
        record.user,
        record.at,
        record.inverse is not None,
        result,
        record.undo_of,
    )
