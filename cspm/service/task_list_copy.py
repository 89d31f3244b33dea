"""A disk copy of the head of the ranked task list, so `cspm tasks --limit 20` after the first
one on unchanged data shows it without ranking 170,000 tasks again.

A CSM runs `cspm tasks --limit 20` several times a day. At 100,000 accounts each run loaded
the analysed portfolio (a third of a second from its own disk copy), read the ranking columns of
every open task and scored them all to show twenty. The ranking depends only on what a change
record follows (imports, undo, task actions, touchpoints, settings: every user mutation stores
one), on the day and on the task settings and code, so the head computed once is the answer
until one of those moves.

The copy is keyed like the task-inputs digest (`task_scope`): the newest change record, today,
the statuses listed, the task settings and a fingerprint of the task code, per database. It
holds the first `HEAD` rows of the presented list (the shape `list_tasks` returns) and how many
tasks were ranked, so any `--limit` up to `HEAD` is served from it; filtered lists (owner,
segment, tier, due window, accounts) are never copied. It is a cache: unreadable or missing only
costs a full ranking. Small portfolios are not copied (`frame_cache.MIN_ACCOUNTS`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cspm.core.tasks import TaskSettings
from cspm.storage import changes_repo

from . import frame_cache
from .task_scope import code_fingerprint

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session


HEAD = 200
"""Rows kept: any `--limit` up to this is served from the copy."""
SUFFIX = ".taskhead"
FORMAT = 1


def _prefix(db_url: str) -> str:
    return "taskhead-" + frame_cache.database_key(db_url)


def copy_path(
    db_url: str,
    s: Session,
    today: dt.date,
    statuses: Sequence[str],
    settings: TaskSettings,
) -> Path:
    """Where the head of the list for the database's present state and these inputs lives."""
    key = json.dumps(
        [
            FORMAT,
            changes_repo.latest_id(s),
            today.isoformat(),
            sorted(statuses),
            settings.to_dict(),
            code_fingerprint(),
        ],
        default=str,
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:20]
    return frame_cache.cache_dir() / f"{_prefix(db_url)}-{digest}{SUFFIX}"


def load(path: Path, limit: int) -> pd.DataFrame | None:
    """The first `limit` rows of the list kept at `path`, when it holds them."""
    kept = frame_cache.load_pickled(path, "task-list copy", _is_head)
    if kept is None:
        return None
    head, ranked = kept
    if limit > len(head) and len(head) < ranked:
        return None  # more rows asked for than kept
    return head.head(limit).reset_index(drop=True)


def _is_head(obj: Any) -> bool:
    return (
        isinstance(obj, tuple)
        and len(obj) == 2
        and isinstance(obj[0], pd.DataFrame)
        and isinstance(obj[1], int)
    )


def keep(path: Path, head: pd.DataFrame, ranked: int, accounts: int) -> None:
    """Keep the first `HEAD` rows of a list of `ranked` tasks; replaces the database's older."""
    if accounts < frame_cache.MIN_ACCOUNTS:
        return
    if frame_cache.dump_atomically(path, (head.head(HEAD), ranked), "task list"):
        frame_cache.replace_older(path, path.name.rsplit("-", 1)[0] + f"-*{SUFFIX}")
