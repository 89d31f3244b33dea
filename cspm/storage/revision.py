"""A data revision number, bumped by every mutation that changes what the analysis shows.

Caches of computed results (segment membership, tasks) key on (revision, today), which is
cheaper and more reliable than comparing timestamps of several tables.

Every bump also draws a random token. The number alone cannot key a cache that outlives the
process: a copied database file (a backup restored, a colleague's copy) can reach the same
number with different data, while a token is drawn once per change and names one state only.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .models import SettingRow

KEY = "data_revision"
TOKEN_KEY = "data_revision_token"


def current(session: Session) -> int:
    row = session.get(SettingRow, KEY)
    return int(row.value) if row else 0


def bump(session: Session) -> int:
    row = session.get(SettingRow, KEY)
    if row is None:
        row = SettingRow(key=KEY, value=1)
        session.add(row)
    else:
        row.value = int(row.value) + 1
    token = session.get(SettingRow, TOKEN_KEY)
    if token is None:
        session.add(SettingRow(key=TOKEN_KEY, value=uuid.uuid4().hex))
    else:
        token.value = uuid.uuid4().hex
    session.flush()
    return int(row.value)


def token(session: Session) -> str | None:
    """The random token of the current data state (None before the first change)."""
    row = session.get(SettingRow, TOKEN_KEY)
    return str(row.value) if row else None
