"""A data revision number, bumped by every mutation that changes what the analysis shows.

Caches of computed results (segment membership, tasks) key on (revision, today), which is
cheaper and more reliable than comparing timestamps of several tables.

A bump that may have changed the stored accounts or snapshots (imports, undo, re-dating) also
draws a random accounts token, which keys the disk copy of those frames
(`cspm.service.frame_cache`). The number alone cannot key a cache that outlives the process: a
copied database file (a backup restored, a colleague's copy) can reach the same number with
different data, while a token is drawn once per change and names one state only. Changes that
leave accounts alone (settings, segments, tasks, overrides) say so with `accounts=False` and
keep the token, so they do not force a re-read of 100,000 rows; forgetting to say so only costs
that re-read, never a stale portfolio.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .models import SettingRow

KEY = "data_revision"
ACCOUNTS_TOKEN_KEY = "accounts_token"


def current(session: Session) -> int:
    row = session.get(SettingRow, KEY)
    return int(row.value) if row else 0


def bump(session: Session, *, accounts: bool = True) -> int:
    """Count a change; `accounts=False` when stored accounts and snapshots are untouched."""
    row = session.get(SettingRow, KEY)
    if row is None:
        row = SettingRow(key=KEY, value=1)
        session.add(row)
    else:
        row.value = int(row.value) + 1
    token = session.get(SettingRow, ACCOUNTS_TOKEN_KEY)
    if token is None:
        session.add(SettingRow(key=ACCOUNTS_TOKEN_KEY, value=uuid.uuid4().hex))
    elif accounts:
        token.value = uuid.uuid4().hex
    session.flush()
    return int(row.value)


def accounts_token(session: Session) -> str | None:
    """The random token of the stored accounts and snapshots (None before the first change)."""
    row = session.get(SettingRow, ACCOUNTS_TOKEN_KEY)
    return str(row.value) if row else None
