"""What an import's analysis needs: the health its snapshot stores, and which accounts changed
tier or lifecycle stage with it, as the portfolio shows them.

Both go through `cspm.core.pipeline` with the frames, settings, pins and touchpoints the import
already holds, so they agree with every list the CSM sees (a churned account at ARR 0 keeps the
band of its last positive ARR here too). The import analyses once inside its transaction (the
health of the file's rows, only when the file has no health column) and once after it: the
portfolio after the import, which gives the moves' "after" side and which task regeneration
then reuses from the context. The "before" side is the portfolio the context already holds;
a context that holds none (a fresh command) classifies just the changed accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspm.core.pipeline import analyse_portfolio
from cspm.core.state import overlay_newest

from .frame_cache import StoredFrames
from .import_frames import frames_after_import
from .import_results import Move, emptied
from .portfolio import Knobs, Portfolio, adopt_frames, cached_portfolio, load_portfolio

if TYPE_CHECKING:
    from .context import AppContext


@dataclass
class Written:
    """What an import wrote, for the work after its commit: the changed existing accounts
    before and after it (indexed by id; key, name and the canonical fields; same rows in the
    same order), the new accounts, its snapshot rows shaped like the stored history, and the
    inputs it analysed with. Handed over, not shared: `portfolio_after` lets go of the new
    accounts and custom dicts once the frames after the import hold them."""

    before: pd.DataFrame
    after: pd.DataFrame
    added: pd.DataFrame
    new_history: pd.DataFrame
    stored: StoredFrames  # the frames before the import
    knobs: Knobs
    revision: int  # the data revision before the import
    token_after: str | None  # the accounts token the import drew
    newest: bool  # the snapshot is the newest (state = old state with carried fields replaced)
    carries_custom: bool
    held: Portfolio | None = None  # the portfolio the context held before the import
    # every account's custom dict after the import (import_frames.custom_after), when needed
    custom: pd.Series | None = None


def effective_health(
    existing: pd.DataFrame,
    incoming: pd.DataFrame,
    carried: list[str],
    stored: StoredFrames,
    knobs: Knobs,
    as_of: dt.date,
) -> np.ndarray:
    """The health score of each file row as of the file's date, for its snapshot.

    When the file carries no health column, the snapshot keeps the computed score, so "health
    dropped by 15 since 30 days ago" compares like with like. Derivation of current state
    ignores it (health_score is not among the carried fields). `existing`: the stored state
    indexed by account id; `incoming`: the file's rows (key, fields, custom, account_id).
    """
    by_key = existing.set_index("key", drop=False) if len(existing) else existing
    file_state = incoming.set_index("key", drop=False)
    if len(by_key):
        before = by_key.reindex(incoming["key"].to_numpy())
        file_state = overlay_newest(before, file_state.drop(columns=["account_id"]), carried)
        file_state["key"] = file_state.index
    history = stored.history
    history = history[history["as_of"] <= pd.Timestamp(as_of)] if len(history) else None
    return _analysed(file_state, history, knobs, as_of)["health_score"].to_numpy(dtype=float)


def classify_tiers_and_stages(
    state: pd.DataFrame, history: pd.DataFrame, knobs: Knobs, today: dt.date
) -> pd.DataFrame:
    """Tier and stage of some accounts (no segments: the moves do not need them)."""
    return _analysed(state, history, knobs, today)[["tier", "lifecycle_stage"]]


def _analysed(
    state: pd.DataFrame, history: pd.DataFrame | None, knobs: Knobs, day: dt.date
) -> pd.DataFrame:
    """Some accounts analysed on `day` with the import's inputs (no segments: neither the
    snapshot's health nor the moves need them)."""
    analysed = analyse_portfolio(
        state.reset_index(drop=True),
        history,
        day,
        settings=knobs.settings,
        overrides=knobs.overrides,
        touchpoints=knobs.touchpoints,
        health=knobs.health,
    )
    return analysed.frame


def portfolio_after(ctx: AppContext, given: Written) -> Portfolio:
    """The portfolio after a committed import: the frames formed from what it wrote when that
    is the simple case (else read), analysed with the inputs it already read."""
    frames = frames_after_import(
        given.stored,
        given.after,
        given.added,
        given.new_history,
        newest=given.newest,
        carries_custom=given.carries_custom,
        custom=given.custom,
    )
    # What the frames now hold is let go before the analysis: a first import of 1,000,000
    # accounts held its new rows and their custom dicts twice through it (~400 MB).
    given.added, given.custom = emptied(given.added), None
    if frames is not None:
        adopt_frames(ctx, given.token_after, frames)
    return load_portfolio(ctx, knobs=given.knobs)


def tier_and_stage_moves(ctx: AppContext, given: Written, *, committed: bool) -> list[Move]:
    """The moves of the changed accounts: before from the portfolio the context holds (else
    classified), after from the portfolio after the commit (a dry run classifies them)."""
    after = portfolio_after(ctx, given) if committed else None
    if given.before.empty:
        return []
    keys = given.after["key"].to_numpy()
    held = given.held if given.held is not None else cached_portfolio(ctx, given.revision)
    if held is not None:
        b = held.frame.loc[keys, ["tier", "lifecycle_stage"]]
    else:
        b = classify_tiers_and_stages(given.before, given.stored.history, given.knobs, ctx.today)
    if after is not None:
        a = after.frame.loc[keys, ["tier", "lifecycle_stage"]]
    else:
        history = pd.concat([given.stored.history, given.new_history], ignore_index=True)
        a = classify_tiers_and_stages(given.after, history, given.knobs, ctx.today)
    moves: list[Move] = []
    names = given.after["name"].to_numpy()
    for what in ("tier", "lifecycle_stage"):
        x, y = b[what].to_numpy(), a[what].to_numpy()
        diff = x != y
        for key, name, old, new in zip(keys[diff], names[diff], x[diff], y[diff], strict=True):
            moves.append(Move(str(key), name, what, str(old), str(new)))
    return moves
