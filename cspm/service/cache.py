"""What a context keeps in memory between calls, as typed fields behind one lock.

Worker threads of the window read and fill it at once, so every access goes through the lock.
Entries also carry the data revision they were computed at (checked on read, which catches
another process's change); a change made through this context clears what it touched at once
(`invalidate`, called by `cspm.service.changes.perform` and nowhere else).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .frame_cache import StoredFrames

if TYPE_CHECKING:
    from .portfolio import Portfolio

READ_BY_ANALYSIS = frozenset(
    {"accounts", "overrides", "settings", "segments", "touchpoints", "imports"}
)
"""What the analysed portfolio and the outcomes history are computed from (the data revision
counts changes to these)."""


@dataclass
class ContextCache:
    stored: tuple[str | None, StoredFrames] | None = None
    """(accounts token, frames) of the stored accounts and snapshots held in memory."""
    unsaved: tuple[str | None, StoredFrames] | None = None
    """The same, read from the database and not yet copied to disk (written on close)."""
    portfolio: Portfolio | None = None
    history: Any = None
    """Outcomes' loaded history (`cspm.service.outcomes._History`)."""
    book_index: tuple[Any, Any] | None = None
    """(portfolio, its `core.book.BookIndex`): owner-filter codes, rebuilt per portfolio."""
    outcome_states: tuple[int, dict[Any, Any]] | None = None
    """(revision, {day: (frame, membership)}): outcomes' analysed past states
    (`cspm.service.outcome_states`)."""
    contacts: tuple[Any, Any] | None = None
    """((revision, today), contact table) of the contacts in force (`service.contact_rows`)."""
    analysed_unsaved: tuple[str, Any] | None = None
    """(key, analysis) a read computed, to be copied to disk on close (`analysed_copy`)."""
    verified: str | None = None
    """The file fingerprint this context last found sound (meaningful when `checked`)."""
    checked: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def invalidate(self, touches: frozenset[str]) -> None:
        """Forget what a change touching `touches` made stale."""
        with self.lock:
            if touches & READ_BY_ANALYSIS:
                self.analysed_unsaved = None  # made for inputs that are gone: never read back
                self.portfolio = None
                self.history = None
                self.outcome_states = None
                self.book_index = None
                self.contacts = None
            if touches & {"accounts", "imports"}:
                self.stored = None

    def mark_verified(self, fingerprint: str | None) -> None:
        with self.lock:
            self.verified, self.checked = fingerprint, True

    def take_unsaved(self) -> tuple[str | None, StoredFrames] | None:
        with self.lock:
            pending, self.unsaved = self.unsaved, None
            return pending

    def clear(self) -> None:
        """Forget everything (the verified fingerprint too): the next use reads and checks."""
        with self.lock:
            self.stored = self.unsaved = self.portfolio = self.history = self.outcome_states = None
            self.contacts = self.analysed_unsaved = None
            self.verified, self.checked = None, False
