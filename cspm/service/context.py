"""The application context: built once at start-up and handed to windows and commands.

It holds the open database and the clock ("today", which `--today` moves without touching data).
Services are plain functions taking the context, so there is no global state to reach for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cspm.storage.db import Database, open_database, resolve_url

from .cache import ContextCache
from .serial_jobs import SerialExecutor


@dataclass
class AppContext:
    db: Database
    today: dt.date = field(default_factory=dt.date.today)
    # Computed results keyed by (data revision, today); cleared by each Change it touched.
    cache: ContextCache = field(default_factory=ContextCache)
    # Sentences about work after a commit that failed without failing the change (see
    # cspm.service.task_refresh); the CLI prints them, the window shows them where it runs it.
    notices: list[str] = field(default_factory=list)
    # Called with (ctx, Change) after each committed change (cspm.service.changes.perform).
    subscribers: list[Callable[[Any, Any], None]] = field(default_factory=list)
    # The window's database work, one job at a time (see serial_jobs); the CLI never starts it.
    jobs: SerialExecutor = field(default_factory=SerialExecutor)

    @classmethod
    def open(
        cls, db: str | None = None, *, demo: bool = False, today: dt.date | None = None
    ) -> AppContext:
        """Open (and migrate) the database named by --db / CSPM_DB / the default location.

        A damaged file is refused here (`store_guard.check_on_open`), before anything reads
        from or writes to it; the store's own lock wait comes from the `db` settings."""
        database = open_database(resolve_url(db, demo=demo))
        ctx = cls(database, today or dt.date.today())
        try:
            # The composition root: the only place that wires the service modules together.
            from .segments import ensure_builtin_segments
            from .settings import get_settings
            from .store_guard import check_on_open
            from .task_refresh import on_change, refresh_stale_tasks

            check_on_open(ctx)
            database.lock_wait = float(get_settings(ctx).db.lock_wait_seconds)
            ensure_builtin_segments(ctx)
            ctx.subscribers.append(on_change)
            refresh_stale_tasks(ctx)  # never raises: a failure stays a notice
        except BaseException:
            database.dispose()
            raise
        return ctx

    def close(self) -> None:
        """Close the database, first keeping a disk copy of a large portfolio read this
        session (see `frame_cache`), so the next start does not read it again."""
        pending = self.cache.take_unsaved()
        if pending is not None:
            from . import frame_cache

            frame_cache.store(self.db.url, *pending)
        from . import analysed_copy

        analysed_copy.store(self)
        self.db.dispose()
        from .store_guard import remember_sound

        remember_sound(self)
