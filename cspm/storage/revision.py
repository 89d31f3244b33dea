"""A data revision number, bumped by every mutation that changes what the analysis shows.

Caches of computed results (segment membership, tasks) key on (revision, today), which is
cheaper and more reliable than comparing timestamps of several tables.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import SettingRow

KEY = "data_revision"


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
    session.flush()
    return int(row.value)
