"""A disk copy of the analysed portfolio (tiers, stages, health, segment membership), so a
command after the first one on unchanged data does not analyse 100,000 accounts again.

`cspm accounts --format json` at 100,000 accounts spent about half a second analysing what the
previous command had analysed already; reading the analysed frame back takes a third of that.
The copy is keyed by everything the analysis is computed from, as outcomes' past states are
(`outcome_states.inputs_key`: the accounts token, the settings, pinned tiers, logged
touchpoints, the health model, the segment definitions and a fingerprint of the code) plus the
day, so it is only ever read back for the exact inputs it was made from. Portfolios whose
segments count contacts are never copied (the contact table is not in the key), nor small
ones (`frame_cache.MIN_ACCOUNTS`: analysed in milliseconds).

It is written when the context closes, and only for a portfolio a read analysed (an import
analyses with the inputs it just wrote and is not slowed by a copy). One file per database
beside the frames' copy (`analysed-*.pickle`); any problem reading or writing it is logged
and ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import frame_cache
from .outcome_states import inputs_key

if TYPE_CHECKING:
    from .context import AppContext
    from .portfolio import Portfolio


FORMAT = 2
"""Bumped whenever the copy's content changes (2: the display rank is kept too)."""
Analysed = tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], np.ndarray]
"""(analysed frame, segment membership, custom field types, each row's place in display
order: `portfolio.display_rank`, a sort of 100,000 names a listing need not repeat)."""


def copy_key(token: str | None, knobs: Any, today: dt.date) -> str | None:
    """The name of the analysis of these inputs on `today`, or None when it is not copied
    (small portfolios are not either: the caller knows their size once it has read them)."""
    if not token:
        return None
    from cspm.core.rules.contact_count import uses_contacts

    if any(uses_contacts(d.rule_json) for d in knobs.segments):
        return None
    name = f"{FORMAT}|{inputs_key(token, knobs)}|{today.isoformat()}"
    return hashlib.sha1(name.encode()).hexdigest()[:24]


def _path(db_url: str, key: str) -> Path:
    prefix = frame_cache.database_key(db_url)
    return frame_cache.cache_dir() / f"analysed-{prefix}-{key}.pickle"


def load(db_url: str, key: str | None) -> Analysed | None:
    """The analysis kept for exactly these inputs, or None."""
    if key is None:
        return None
    path = _path(db_url, key)
    kept = frame_cache.load_pickled(path, "analysed-portfolio cache", _is_analysed)
    if kept is None:
        return None
    os.utime(path)  # in use: not stale
    frame, membership, custom_types, rank = kept
    return frame, membership, dict(custom_types), rank


def _is_analysed(obj: Any) -> bool:
    return (
        isinstance(obj, tuple)
        and len(obj) == 4
        and isinstance(obj[0], pd.DataFrame)
        and isinstance(obj[1], pd.DataFrame)
        and isinstance(obj[3], np.ndarray)
        and obj[3].shape == (len(obj[0]),)
    )


def remember(ctx: AppContext, key: str | None, portfolio: Portfolio) -> None:
    """Keep this analysis to be written when the context closes (shallow copies: with
    copy-on-write, a later change to the live frame never reaches them; the display rank
    is taken then, so a command that listed accounts does not sort them twice)."""
    if key is None:
        return
    with ctx.cache.lock:
        ctx.cache.analysed_unsaved = (
            key,
            (
                portfolio.frame.copy(deep=False),
                portfolio.membership.copy(deep=False),
                dict(portfolio.custom_types),
                portfolio,
            ),
        )


def store(ctx: AppContext) -> Path | None:
    """Write the analysis `remember` kept (replacing this database's older copies)."""
    with ctx.cache.lock:
        pending, ctx.cache.analysed_unsaved = ctx.cache.analysed_unsaved, None
    if pending is None:
        return None
    key, (frame, membership, custom_types, portfolio) = pending
    analysed = (frame, membership, custom_types, portfolio.display_rank)
    path = _path(ctx.db.url, key)
    if not frame_cache.dump_atomically(path, analysed, "analysed-portfolio cache"):
        return None
    prefix = path.name.rsplit("-", 1)[0] + "-"
    stale_before = time.time() - frame_cache.STALE_DAYS * 86_400
    try:
        for old in path.parent.glob("analysed-*.pickle"):  # this database's older inputs, and
            if old != path and (  # any copy unused for a month (a database deleted long ago)
                old.name.startswith(prefix) or old.stat().st_mtime < stale_before
            ):
                old.unlink(missing_ok=True)
    except OSError:  # another process swept it first: the copy written stands
        pass
    return path
