"""A disk copy of the stored accounts and snapshots, so a large portfolio opens fast.

Reading 100,000 accounts through the database driver and typing them column by column takes
seconds; the same frames unpickled take a tenth of that. The copy is keyed by the accounts
token (`cspm.storage.revision.accounts_token`), which every change to the stored accounts draws
afresh, so a copy can only ever be read back for the exact data it was made from; a changed
database simply misses.
The file name also carries a fingerprint of the code that types the frames (package version,
pandas version, sizes and times of the storage modules and migrations), so an upgrade never
reads a frame typed the old way.

Only the stored data is kept (with the custom-field dicts already expanded into typed
columns, which depends on nothing else), never analysis results: tiers, stages, health and
segments depend on settings and on today, and are always computed fresh from these frames.
Repetitive text columns (owner, region, plan...) are written as categories and turned back
into the exact same Python strings and Nones on reading: that makes the file several times
faster to read than a pickle of 100,000 separate strings per column.

Small portfolios read from the database in milliseconds, so they are never cached (no files
appear for the usual book of a few hundred accounts). The cache lives in the user cache folder
(`CSPM_CACHE_DIR` overrides it), holds one file per database, and any problem reading or
writing it is logged and ignored: the database stays the truth. Pickle is read only from the
user's own cache folder, which is no more exposed than the database file itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

import cspm
from cspm.core.analysis import expand_custom
from cspm.core.fields import FieldType
from cspm.storage.db import without_password

from .personal import DISK_COPIES, get_personal

log = logging.getLogger(__name__)

FORMAT = 3
"""Bumped whenever the frames' shape changes (3: history's key is categorical)."""
STALE_DAYS = 30
MIN_ACCOUNTS = 20_000
"""Portfolios smaller than this are read from the database every time (fast enough)."""


@dataclass(frozen=True)
class StoredFrames:
    """Stored accounts and snapshots, as one unit.

    state: `accounts_repo.load_accounts` without its `custom` column; custom: those dicts as
    typed columns (`cspm.core.analysis.expand_custom`) and their types; history:
    `accounts_repo.load_history`.
    """

    state: pd.DataFrame
    custom: pd.DataFrame
    custom_types: dict[str, FieldType]
    history: pd.DataFrame

    @classmethod
    def of(cls, accounts: pd.DataFrame, history: pd.DataFrame) -> StoredFrames:
        """The frames of `accounts` as `load_accounts` reads them (custom fields as dicts)
        and their `history`: what a read forms, and what an undo forms without reading."""
        custom, custom_types = expand_custom(accounts["custom"])
        return cls(accounts.drop(columns=["custom"]), custom, custom_types, history)


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with few distinct values as categories (for writing)."""
    out = frame.copy(deep=False)  # copy-on-write: columns replaced below, none copied
    for col in frame.columns:
        values = frame[col]
        if (
            values.dtype == object
            and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
            and values.nunique(dropna=True) <= max(len(values) // 4, 1)
        ):
            out[col] = values.astype("category")
    return out


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories back to object columns of str and None, exactly as read from the database."""
    out = frame.copy(deep=False)  # copy-on-write: columns replaced below, none copied
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            categories = values.cat.categories.to_numpy(dtype=object)
            lookup = np.empty(len(categories) + 1, dtype=object)  # code -1 (missing) -> None
            lookup[:-1] = categories
            out[col] = pd.Series(lookup[values.cat.codes.to_numpy()], index=frame.index)
    return out


DISK_COPIES_ENV = "CSPM_DISK_COPIES"


def copies_allowed() -> bool:
    """Whether cspm may keep disk copies of portfolios on this computer: the personal
    setting (Settings > Database; on unless switched off), which CSPM_DISK_COPIES=off
    overrides for a command line. Off, nothing of a team's portfolio is written to the cache
    folder, and every start reads the database (slower at 100,000 accounts and more)."""
    forced = os.environ.get(DISK_COPIES_ENV, "").strip().lower()
    if forced in ("0", "off", "no", "false"):
        return False
    return get_personal(DISK_COPIES, True) is not False


def forget_copies(db_url: str) -> int:
    """Remove every disk copy of this database's data (all kinds); how many files went."""
    key = database_key(db_url)
    gone = 0
    folder = cache_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if key in path.name:
                path.unlink(missing_ok=True)
                gone += 1
    return gone


def cache_dir() -> Path:
    override = os.environ.get("CSPM_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("cspm", False))


def _code_fingerprint() -> str:
    storage = Path(__file__).resolve().parent.parent / "storage"
    parts = [str(FORMAT), cspm.__version__, pd.__version__]
    for path in sorted(storage.rglob("*.py")):  # migrations included
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def database_key(db_url: str) -> str:
    """What names a database's cache files: a hash of its URL without the password, so a
    password never shapes a file name and a changed password keeps the copies."""
    try:
        plain = without_password(make_url(db_url)).render_as_string(hide_password=False)
    except ArgumentError:  # a bare path: nothing secret in it
        plain = db_url
    return hashlib.sha1(plain.encode()).hexdigest()[:16]


def _prefix(db_url: str) -> str:
    return database_key(db_url)


def _path(db_url: str, token: str) -> Path:
    return cache_dir() / f"{_prefix(db_url)}-{token}-{_code_fingerprint()}.pkl"


def load(db_url: str, token: str | None) -> StoredFrames | None:
    """The frames stored for exactly this data state, or None (no copy, or unreadable)."""
    if not token or not copies_allowed():
        return None
    path = _path(db_url, token)
    if not path.exists():
        return None
    try:
        with path.open("rb") as f:
            frames = pickle.load(f)
        if not isinstance(frames, StoredFrames):
            raise TypeError(f"unexpected {type(frames).__name__}")
        os.utime(path)  # in use: not stale (see _remove_old_copies)
        return StoredFrames(
            _restore(frames.state), _restore(frames.custom), frames.custom_types, frames.history
        )
    except Exception:
        log.warning("Ignoring an unreadable portfolio cache %s", path, exc_info=True)
        path.unlink(missing_ok=True)
        return None


def _remove_old_copies(folder: Path, db_url: str, kept: Path) -> None:
    """This database's older copies, and any copy unused for STALE_DAYS (a database deleted or
    moved long ago), so the folder never grows past one file per database in use."""
    stale_before = time.time() - STALE_DAYS * 86_400
    for old in folder.glob("*.pkl"):
        if old == kept:
            continue
        if old.name.startswith(_prefix(db_url) + "-") or old.stat().st_mtime < stale_before:
            old.unlink(missing_ok=True)
    for partial in folder.glob(".writing-*.tmp"):  # left by a process killed mid-write
        if partial.stat().st_mtime < time.time() - 3_600:
            partial.unlink(missing_ok=True)


def load_pickled(path: Path, what: str, valid: Callable[[Any], bool]) -> Any | None:
    """What `dump_atomically` wrote at `path`, or None: no file, or one that does not unpickle
    into something `valid` accepts (then it is logged as `what` and removed, so the next
    writer replaces it). Every copy in the cache folder is only a cache."""
    if not copies_allowed():
        return None
    try:
        with path.open("rb") as f:
            obj = pickle.load(f)
        if not valid(obj):
            raise TypeError(f"unexpected {type(obj).__name__}")
    except FileNotFoundError:
        return None
    except Exception:
        log.warning("Ignoring an unreadable %s %s", what, path, exc_info=True)
        path.unlink(missing_ok=True)
        return None
    return obj


def replace_older(path: Path, older: str) -> None:
    """After `path` is written: remove the copies the glob `older` names in its folder (the
    same database's copies for earlier inputs) other than `path` itself; one that another
    process removed first is fine."""
    try:
        for old in path.parent.glob(older):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def dump_atomically(path: Path, obj: object, what: str) -> bool:
    """Pickle `obj` to `path` whole or not at all: into a temporary file in the same folder,
    then renamed over `path`, so a reader never meets half a copy (a process killed mid-write
    leaves a `.writing-*.tmp` that `_remove_old_copies` sweeps). False, logged, when the
    folder cannot take it (or disk copies are switched off, `copies_allowed`): every copy in
    the cache folder is only a cache."""
    if not copies_allowed():
        return False
    folder = path.parent
    tmp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".tmp")
        tmp = Path(name)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except OSError:
        log.warning("Could not write the %s in %s", what, folder, exc_info=True)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False


def store(db_url: str, token: str | None, frames: StoredFrames) -> Path | None:
    """Keep a copy for the next start (large portfolios only); replaces older copies."""
    if not token or len(frames.state) < MIN_ACCOUNTS:
        return None
    path = _path(db_url, token)
    compact = StoredFrames(
        _compact(frames.state), _compact(frames.custom), frames.custom_types, frames.history
    )
    if not dump_atomically(path, compact, "portfolio cache"):
        return None
    _remove_old_copies(path.parent, db_url, path)
    return path
