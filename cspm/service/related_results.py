"""What a related import reports beside the counts every import has: the kind it was read
as (and the columns that say so), how many of its rows linked to an account, the first rows
that did not and where all of them were written, and which source each account field
derived from the rows came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RelatedSummary:
    kind: str  # "subscriptions"
    noun: str  # "a subscriptions file"
    columns: list[str] = field(default_factory=list)  # the headers naming the kind's key fields
    rows: int = 0  # rows of this file written (valid rows)
    linked: int = 0
    unlinked: int = 0
    # The first unlinked rows: {"row": sheet row, "account_id"..., "why": sentence}.
    unlinked_examples: list[dict[str, Any]] = field(default_factory=list)
    unlinked_csv: str | None = None  # where every unlinked row was written
    relinked: int = 0  # rows imported earlier whose link changed (waiting rows now linked)
    accounts: int = 0  # accounts with a history derived from related rows
    snapshots: int = 0
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    period: str = "month"
    # account field -> where its values come from ("subscriptions", or a note that a newer
    # accounts file's values win).
    sources: dict[str, str] = field(default_factory=dict)

    def read_as(self) -> str:
        """'read as a subscriptions file (columns 'Subscription ID', 'Current Period Start')'"""
        cols = ", ".join(f"'{c}'" for c in self.columns)
        return f"read as {self.noun}" + (f" (columns {cols})" if cols else "")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("first_date", "last_date"):
            out[k] = out[k].isoformat() if out[k] else None
        return out
