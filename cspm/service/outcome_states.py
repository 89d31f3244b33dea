"""The analysed portfolio at past dates, kept for the outcomes of the same data state.

Outcomes analyse the whole portfolio as of every period boundary (seconds at 100,000
accounts, most of it reading 600,000 snapshot rows). Which accounts are counted (everyone, one
owner's book, a list of keys) and how they are grouped does not change those states, so
switching the owner filter, the grouping or the period in Trends must not analyse them again:
they are kept here per (data state, day), slimmed to the columns outcome metrics and groupings
read (about 5 MB per date at 100,000 accounts).

For a large portfolio they are also written to the user cache folder (beside the frame cache,
`frame_cache.cache_dir`), so the next `cspm outcomes` or window start reads them back instead
of re-deriving them. The data state is `data_identity`: the accounts token every change to the
stored accounts redraws, the revision every other change bumps, and a digest of everything
else a past state depends on (settings, tier pins, touchpoints, health model, segment rules),
plus a fingerprint of the code that computes them; a state can only be read back for exactly
the data and code it was computed from. Any problem reading or writing the copy is logged and
ignored: the states are then computed as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import cspm

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

COLUMNS = ("arr", "churned", "health_score", "nps", "tier", "lifecycle_stage", "owner")
"""What `core.outcomes.outcome_metrics` and the groupings (tier, stage, owner) read."""
MIN_ACCOUNTS = 20_000
"""Smaller portfolios compute their past states in well under a second: nothing on disk."""

State = tuple[pd.DataFrame, pd.DataFrame]


def data_identity(token: str | None, revision: int, knobs: Any, rules: dict[str, Any]) -> str:
    """A digest of everything a past state depends on besides the snapshots (which the accounts
    token stands for) and the code."""
    digest = hashlib.sha1()
    digest.update(f"{token}|{revision}|{_code_fingerprint()}".encode())
    digest.update(repr(knobs.settings).encode())
    digest.update(repr(knobs.health).encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in rules.items())).encode())
    for frame in (knobs.overrides, knobs.touchpoints):
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        digest.update(hashed.tobytes())
        digest.update(repr(list(frame.columns)).encode())
    return digest.hexdigest()[:20]


def _code_fingerprint() -> str:
    """The package version and the core modules' sizes and times: an upgrade never reads a
    state computed by other code."""
    core = Path(__file__).resolve().parent.parent / "core"
    parts = [cspm.__version__, pd.__version__, str(Path(__file__).stat().st_mtime_ns)]
    for path in sorted(core.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def state_at(
    ctx: AppContext, identity: str, day: dt.date, compute: Callable[[dt.date], State]
) -> State:
    """(frame, membership) as of `day`, computed once per data state."""
    with ctx.cache.lock:
        held = ctx.cache.outcome_states
        if held is None or held[0] != identity:
            held = (identity, {})
            ctx.cache.outcome_states = held
    states: dict[dt.date, State] = held[1]
    if day not in states:
        state = _read(ctx, identity, day)
        if state is None:
            frame, membership = compute(day)
            state = (frame[[c for c in COLUMNS if c in frame.columns]].copy(), membership)
            if len(frame) >= MIN_ACCOUNTS:
                _write(ctx, identity, day, state)
        with ctx.cache.lock:
            states[day] = state
    return states[day]


def _folder(ctx: AppContext) -> Path:
    from .frame_cache import cache_dir

    prefix = hashlib.sha1(ctx.db.url.encode()).hexdigest()[:16]
    return cache_dir() / f"outcomes-{prefix}"


def _read(ctx: AppContext, identity: str, day: dt.date) -> State | None:
    path = _folder(ctx) / f"{identity}-{day.isoformat()}.pkl"
    if not path.exists():
        return None
    try:
        with path.open("rb") as f:
            state = pickle.load(f)
        if not (isinstance(state, tuple) and len(state) == 2):
            raise TypeError(f"unexpected {type(state).__name__}")
        return state[0], state[1]
    except Exception:
        log.warning("Ignoring an unreadable outcomes cache %s", path, exc_info=True)
        path.unlink(missing_ok=True)
        return None


def _write(ctx: AppContext, identity: str, day: dt.date, state: State) -> None:
    folder = _folder(ctx)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.pkl"):  # states of an older data state never come back
            if not old.name.startswith(identity):
                old.unlink(missing_ok=True)
        temp = folder / f".{identity}-{day.isoformat()}.tmp"
        with temp.open("wb") as f:
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        temp.replace(folder / f"{identity}-{day.isoformat()}.pkl")
    except Exception:
        log.warning("Could not keep the outcomes cache in %s", folder, exc_info=True)
