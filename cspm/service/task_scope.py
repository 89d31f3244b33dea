"""Which accounts a task regeneration plans: every account, or only those whose trigger inputs
changed since the last run (issue 16: task work proportional to change).

After every successful regeneration the per-account digest of the trigger inputs
(`cspm.core.tasks.inputs`) is kept on disk, keyed by everything else the generator reads:

- the newest change record when the run finished: every user mutation (a completed task, a
  logged touchpoint, a settings save, an undo) stores one, so a key that still matches means
  the stored tasks and touchpoints are exactly as that run left them;
- today (cadences fall due and playbook steps pass their horizon with the clock);
- the task settings (playbooks, engagement models) and the task code itself.

The next regeneration after an import looks the key up with the change record *before* the
import's own: found, the stored tasks are the generator's answer for the inputs in the digest,
so planning only the accounts whose digest differs (plus new and removed accounts) gives
exactly the plan of a full run (tests/service/test_task_incremental.py checks this over random
changes). Not found (a new day, another machine, a failed run, anything in between): a full run.
The copy is a cache: unreadable or missing only costs a full run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

import cspm
from cspm.core.tasks import TaskSettings
from cspm.storage import changes_repo

from .frame_cache import cache_dir, database_key, dump_atomically, load_pickled, replace_older

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from .context import AppContext


SUFFIX = ".taskdigest"
INCREMENTAL_TOUCHES = frozenset({"accounts", "imports", "overrides", "segments"})
"""A change touching only these reaches task generation through the portfolio rows alone (the
digest sees it); one touching tasks, touchpoints or settings needs a full run."""


def code_fingerprint() -> str:
    """The task code's version: the task generator and ranking (`core/tasks`) and the
    service that presents them, by size and time of change (an edit invalidates copies)."""
    here = Path(__file__).resolve().parent
    files = [*sorted((here.parent / "core" / "tasks").glob("*.py")), here / "tasks.py"]
    parts = [cspm.__version__, pd.__version__]
    for path in files:
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _prefix(db_url: str) -> str:
    return "tasks-" + database_key(db_url)


def _path(db_url: str, change_id: int | None, today: dt.date, settings: TaskSettings) -> Path:
    key = json.dumps(
        [change_id, today.isoformat(), settings.to_dict(), code_fingerprint()], default=str
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:20]
    return cache_dir() / f"{_prefix(db_url)}-{digest}{SUFFIX}"


def previous_digest(
    ctx: AppContext, s: Session, since: int, settings: TaskSettings
) -> pd.Series | None:
    """The digest the last run kept, if nothing but change `since` happened after it."""
    path = _path(ctx.db.url, changes_repo.latest_id(s, before=since), ctx.today, settings)
    digest: pd.Series | None = load_pickled(
        path, "task-inputs copy", lambda obj: isinstance(obj, pd.Series)
    )
    return digest


def keep_digest(
    ctx: AppContext, change_id: int | None, settings: TaskSettings, digest: pd.Series
) -> None:
    """Keep the digest of a committed run for the next one; replaces this database's older."""
    path = _path(ctx.db.url, change_id, ctx.today, settings)
    if dump_atomically(path, digest, "task inputs"):
        replace_older(path, f"{_prefix(ctx.db.url)}-*{SUFFIX}")
