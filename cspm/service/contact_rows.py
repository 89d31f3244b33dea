"""The contacts in force as a contact table (`core.related.contact_table`), read once per data
revision and day and shared by the Contacts view, `cspm contacts` and contact-level segments.

Kept apart from `contacts` (the use case) so the portfolio can evaluate contact segments from
it without importing the use case that itself reads the portfolio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cspm.core.related.contact_table import contact_table
from cspm.core.related.kinds import CONTACTS
from cspm.core.rules.contact_count import uses_contacts
from cspm.storage import related_repo, revision

if TYPE_CHECKING:
    from .context import AppContext


def contacts_table(ctx: AppContext) -> pd.DataFrame:
    """Every contact in force (linked or not) with its derived columns on `ctx.today`.

    Cached in the context by (data revision, today): an import or undo bumps the revision, so a
    held table is never stale; filters and segments never re-read 100,000 rows."""
    with ctx.db.session() as s:
        rev = revision.current(s)
        with ctx.cache.lock:
            held = ctx.cache.contacts
        if held is not None and held[0] == (rev, ctx.today):
            table: pd.DataFrame = held[1]
            return table
        raw = related_repo.load_in_force(s, CONTACTS)
    table = contact_table(raw, ctx.today)
    with ctx.cache.lock:
        ctx.cache.contacts = ((rev, ctx.today), table)
    return table


def contacts_for_rule(ctx: AppContext, rule: object) -> pd.DataFrame | None:
    """The contact table when rule JSON counts contacts (else None: nothing to read)."""
    return contacts_table(ctx) if uses_contacts(rule) else None
