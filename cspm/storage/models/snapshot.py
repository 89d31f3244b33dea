"""One row per account per import: every value the file carried, as of the import's date.

This is the history that trends, outcome metrics and "dropped by" rules read, and the source the
current state is derived from (so undoing an import or re-dating it re-derives state exactly).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .fields_mixin import AccountFieldsMixin


class AccountSnapshot(AccountFieldsMixin, Base):
    __tablename__ = "account_snapshots"
    __table_args__ = (
        Index("ix_account_snapshots_account_asof", "account_id", "as_of"),
        Index("ix_account_snapshots_import", "import_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Copied from the import so history queries need no join.
    as_of: Mapped[dt.date] = mapped_column(Date)
    # Sheet row the values came from, so a problem can be traced back to the file.
    source_row: Mapped[int | None] = mapped_column(Integer)
