"""Who a write transaction acts for: the name rows it creates or changes are stamped with.

`service.changes.perform` opens every mutation's session and knows the user (the chosen name,
else the login); it puts the name on the session here, and the repositories that create an
import, a touchpoint, a tier override or a segment stamp their row with it. Work outside a
mutation (task regeneration: the data acting) has no user, and its rows say so with NULL.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

_KEY = "cspm.user"


def act_as(session: Session, user: str) -> None:
    """Rows this session writes from now on are `user`'s."""
    session.info[_KEY] = user


def acting_user(session: Session) -> str | None:
    """The user this session acts for, or None (the data, a migration, a test's raw write)."""
    user = session.info.get(_KEY)
    return user if isinstance(user, str) else None
