"""The analysed portfolio at past dates, kept for the outcomes of the same data, in memory and
on disk.

Outcomes analyse the whole portfolio as of every period boundary (seconds at 100,000 accounts,
most of it reading and re-deriving 600,000 snapshot rows). Which accounts are counted
(everyone, one owner's book, a list of keys) and how they are grouped does not change those
states, so switching the owner filter, the grouping or the period in Trends must not analyse
them again: they are kept here per day, slimmed to the columns outcome metrics and groupings
read (about 5 MB per date at 100,000 accounts).

In memory they are keyed by the data revision. On disk (large portfolios only, beside the
frame cache, one file per database) they are keyed by what they are computed from: the
accounts token (stored accounts and snapshots), a hash of the other analysis inputs (settings,
pinned tiers, logged touchpoints, the health model, the segment definitions) and a fingerprint
of the code, so a copy is only ever read back for the exact inputs it was made from; any
problem reading or writing it is logged and ignored. Segment membership is computed only when
asked for (grouping by segment, or the portfolio already analysed), and a state without it is
analysed again when segments are wanted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

import cspm

from . import frame_cache

if TYPE_CHECKING:
    from .context import AppContext

log = logging.getLogger(__name__)

COLUMNS = ("arr", "churned", "health_score", "nps", "tier", "lifecycle_stage", "owner")
"""What `core.outcomes.outcome_metrics` and the groupings (tier, stage, owner) read."""
MIN_ACCOUNTS = frame_cache.MIN_ACCOUNTS
MIN_SNAPSHOTS = 100_000
"""Portfolios smaller than both are analysed again each time (fast enough); no files for them.
A derived monthly history (related imports) is slow with few accounts: its snapshot rows count."""
FORMAT = 1

Signed = tuple[int, str, tuple[str, ...]]
"""A committed import as past states depend on it: (id, as-of date ISO, carried fields)."""

State = tuple[pd.DataFrame, pd.DataFrame | None]
"""(slim frame indexed by key, segment membership or None when not computed)."""


@dataclass
class Held:
    """The states of one data revision: `inputs` is the disk key (None: not known yet)."""

    revision: int
    dates: list[dt.date] | None = None  # every snapshot date, oldest first
    tiers: list[str] = field(default_factory=list)  # tier names, in the settings' order
    inputs: str | None = None
    rules: list[str] | None = None  # segment names, in order, when membership was computed
    states: dict[dt.date, State] = field(default_factory=dict)
    on_disk: bool = False  # the file holds every state in `states`
    large: bool = False  # worth a disk copy (MIN_ACCOUNTS, MIN_SNAPSHOTS)
    knobs: str | None = None  # `knobs_key`: the inputs but the stored accounts and snapshots
    imports: list[Signed] | None = None  # committed imports; None: a related kind among them
    kind: str = "outcomes"  # what the states are kept for: the disk file's name
    memo: dict[Any, Any] = field(default_factory=dict)  # what users derive from the states
    todo: list[dt.date] = field(default_factory=list)  # the days `states_at` computes now


def held(ctx: AppContext, revision: int, kind: str = "outcomes") -> Held:
    """This revision's states of one kind (a fresh, empty set when the data changed)."""
    with ctx.cache.lock:
        cached = ctx.cache.outcome_states
        if cached is None or cached[0] != revision:
            cached = (revision, {})
            ctx.cache.outcome_states = cached
        keep: Held = cached[1].setdefault(kind, Held(revision, kind=kind))
    return keep


def _frame_hash(frame: pd.DataFrame) -> bytes:
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return repr(list(frame.columns)).encode() + values.tobytes()


def inputs_key(token: str, knobs: Any) -> str:
    """A name for everything a past state is computed from (see module docstring)."""
    return _key(token, knobs)


def knobs_key(knobs: Any) -> str:
    """Everything a past state is computed from but the stored accounts and snapshots."""
    return _key("", knobs)


def _key(token: str, knobs: Any) -> str:
    h = hashlib.sha1()
    h.update(f"{FORMAT}|{token}|{_code_fingerprint()}".encode())
    h.update(repr(knobs.settings).encode())
    h.update(repr(knobs.health).encode())
    h.update(_frame_hash(knobs.overrides))
    h.update(_frame_hash(knobs.touchpoints.astype(object)))
    h.update(repr([(d.name, d.rule_json) for d in knobs.segments]).encode())
    return h.hexdigest()[:24]


def _code_fingerprint() -> str:
    """Package and pandas version and the sizes and times of every module: an upgrade or a
    change of the analysis never reads a state computed the old way."""
    package = Path(cspm.__file__).resolve().parent
    parts = [cspm.__version__, pd.__version__]
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _path(db_url: str, inputs: str, kind: str = "outcomes") -> Path:
    prefix = frame_cache.database_key(db_url)
    return frame_cache.cache_dir() / f"{kind}-{prefix}-{inputs}.pkl"


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categories (fast to write and read back)."""
    return frame.assign(
        **{c: frame[c].astype("category") for c in frame.columns if frame[c].dtype == object}
    )


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories back to object columns of str and None, as the analysis made them."""
    out = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            lookup = np.empty(len(values.cat.categories) + 1, dtype=object)
            lookup[:-1] = values.cat.categories.to_numpy(dtype=object)
            out[col] = pd.Series(lookup[values.cat.codes.to_numpy()], index=frame.index)
    return out


def read_disk(ctx: AppContext, keep: Held) -> None:
    """Fill `keep` from the disk copy made for its inputs, if there is one."""
    if keep.inputs is None or keep.on_disk or not frame_cache.copies_allowed():
        return
    path = _path(ctx.db.url, keep.inputs, keep.kind)
    exact = path.exists()
    if not exact:
        older = _older_copy(ctx.db.url, keep)
        if older is None:
            return
        path = older
    try:
        with path.open("rb") as f:
            doc = pickle.load(f)
        kept = doc["states"] if exact else _still_true(doc, keep)
        states = {day: (_restore(slim), members) for day, (slim, members) in kept.items()}
    except Exception:
        log.warning("Ignoring an unreadable outcomes cache %s", path, exc_info=True)
        path.unlink(missing_ok=True)
        return
    if not exact:  # what holds is adopted; the file for these inputs is written after
        with ctx.cache.lock:
            for day, state in states.items():
                keep.states.setdefault(day, state)
            if keep.rules is None and states:
                keep.rules = doc["rules"]
        return
    with ctx.cache.lock:
        for day, state in states.items():
            old = keep.states.get(day)
            if old is None or (old[1] is None and state[1] is not None):
                keep.states[day] = state
        if keep.rules is None:
            keep.rules = doc["rules"]
        keep.on_disk = True


def _older_copy(db_url: str, keep: Held) -> Path | None:
    """This database's copy from before its latest change, if its states may still hold."""
    if keep.knobs is None or keep.imports is None:
        return None
    prefix = _path(db_url, "", keep.kind).name.removesuffix(".pkl")
    copies = list(frame_cache.cache_dir().glob(prefix + "*.pkl"))
    return max(copies, key=lambda p: p.stat().st_mtime) if copies else None


def _still_true(doc: dict[str, Any], keep: Held) -> dict[dt.date, Any]:
    """The states of an older copy that the data has not changed since.

    A state as of a day is derived from the snapshots dated up to that day, which come from
    the committed imports dated up to that day (import rows are never edited: an undo removes
    an import, a re-dating changes its date); so while those imports are the same ones, with
    the same dates and fields, and nothing else it is computed from changed (`knobs_key`), the
    state is the same. The usual case: a new monthly file changes no earlier month's state.
    Related kinds derive snapshots across dates and re-derive them on later imports: with any
    among the imports, no older copy is used."""
    if doc.get("knobs") != keep.knobs or doc.get("imports") is None or keep.imports is None:
        return {}
    then: list[Signed] = [tuple(i) for i in doc["imports"]]  # type: ignore[misc]
    now = keep.imports

    def upto(signed: list[Signed], day: dt.date) -> list[Signed]:
        return sorted(i for i in signed if i[1] <= day.isoformat())

    return {day: st for day, st in doc["states"].items() if upto(then, day) == upto(now, day)}


def write_disk(ctx: AppContext, keep: Held) -> None:
    """Keep a copy of the states for the next process (large portfolios only)."""
    with ctx.cache.lock:
        states = dict(keep.states)
        rules = keep.rules
    if keep.inputs is None or not states or not keep.large:
        return
    path = _path(ctx.db.url, keep.inputs, keep.kind)
    doc = {
        "rules": rules,
        "states": {day: (_compact(slim), m) for day, (slim, m) in states.items()},
        "knobs": keep.knobs,
        "imports": keep.imports,
    }
    if not frame_cache.dump_atomically(path, doc, "outcomes cache"):
        return
    frame_cache.replace_older(path, path.name.rsplit("-", 1)[0] + "-*.pkl")  # older inputs
    keep.on_disk = True


def states_at(
    ctx: AppContext,
    keep: Held,
    days: Iterable[dt.date],
    segments: bool,
    compute: Callable[[dt.date, bool], tuple[pd.DataFrame, pd.DataFrame | None]],
    columns: Iterable[str] = COLUMNS,
) -> dict[dt.date, State]:
    """(slim frame, membership) as of each day, computed once per data revision (and kept on
    disk); `segments`: membership is needed; `columns`: what is kept of each analysed frame
    (the same for every call on one `keep`: its kind decides)."""
    kept = list(columns)
    days = list(dict.fromkeys(days))

    def missing() -> list[dt.date]:
        with ctx.cache.lock:
            have = dict(keep.states)
        return [d for d in days if d not in have or (segments and have[d][1] is None)]

    if missing():
        read_disk(ctx, keep)
    todo = missing()
    keep.todo = todo  # a computer may read differently for a few days than for many
    for day in todo:
        frame, membership = compute(day, segments)
        slim = frame[[c for c in kept if c in frame.columns]].copy()
        with ctx.cache.lock:
            keep.states[day] = (slim, membership)
    if todo:
        write_disk(ctx, keep)
    with ctx.cache.lock:
        return {d: keep.states[d] for d in days}
