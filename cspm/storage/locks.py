"""Named write locks that hold across processes and machines, for check-then-write work.

SQLite serialises writers itself once a transaction has taken the write lock at its start
(`Database.begin_immediate_next`). PostgreSQL's READ COMMITTED lets two transactions both
read "not there yet" and both write (two first opens seeding the built-in segments: one failed
on the unique name; two imports at once both added the same new account). `hold` takes a
transaction-level advisory lock named for the work, so the second waits for the first's
commit and then reads what it wrote; it is released at commit or rollback, never left behind
by a crash.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

WRITES = "writes"
"""The lock every change and every task regeneration holds on PostgreSQL: one writer at a
time, as on SQLite (two regenerations updating the same tasks in different orders deadlocked)."""


def hold(session: Session, name: str) -> None:
    """Hold the lock `name` until `session`'s transaction ends (PostgreSQL; a no-op elsewhere,
    where the caller's write transaction already excludes other writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"cspm:{name}"}
        )
