"""The analysed portfolio at past dates, kept for the outcomes of the same data revision.

Outcomes analyse the whole portfolio as of every period boundary (seconds at 100,000
accounts). Which accounts are counted (everyone, one owner's book, a list of keys) and how they
are grouped does not change those states, so switching the owner filter, the grouping or the
period in Trends must not analyse them again: they are kept here per (revision, day), slimmed to
the columns outcome metrics and groupings read (about 5 MB per date at 100,000 accounts), and
dropped as soon as the data changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .context import AppContext


COLUMNS = ("arr", "churned", "health_score", "nps", "tier", "lifecycle_stage", "owner")
"""What `core.outcomes.outcome_metrics` and the groupings (tier, stage, owner) read."""

State = tuple[pd.DataFrame, pd.DataFrame]


def state_at(
    ctx: AppContext, revision: int, day: dt.date, compute: Callable[[dt.date], State]
) -> State:
    """(frame, membership) as of `day`, computed once per data revision."""
    with ctx.cache.lock:
        held = ctx.cache.outcome_states
        if held is None or held[0] != revision:
            held = (revision, {})
            ctx.cache.outcome_states = held
    states: dict[dt.date, State] = held[1]
    if day not in states:
        frame, membership = compute(day)
        slim = frame[[c for c in COLUMNS if c in frame.columns]].copy()
        with ctx.cache.lock:
            states[day] = (slim, membership)
    return states[day]
