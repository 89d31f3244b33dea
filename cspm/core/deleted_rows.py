"""Records the CRM itself marks deleted are not accounts.

Salesforce's Data Export and Data Loader "Export All" include records in the recycle bin with
`IsDeleted` = true; warehouse syncs (Fivetran) keep deleted rows with `_fivetran_deleted` =
true. Imported, they would be live customers whose ARR counts in every total. Such rows are
left out of the table (as skipped rows, like footers), and the import says how many.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .fields import normalise_header
from .header import Table

# Compact normalised headers of "this record is deleted" flags.
_DELETED_FLAGS = frozenset({"isdeleted", "fivetrandeleted", "propertyisdeleted"})
_TRUE = ["true", "1", "1.0", "yes", "y", "t"]  # as text: True, 1 and 1.0 cells too


def _is_flag(header: str) -> bool:
    return normalise_header(header).replace(" ", "") in _DELETED_FLAGS


def drop_deleted_rows(table: Table) -> tuple[Table, str | None, int]:
    """(the table without deleted records, the flag column's header, how many were dropped)."""
    flag = next((h for h in table.headers if _is_flag(h)), None)
    if flag is None:
        return table, None, 0
    text = table.data[flag].astype("string").str.strip().str.casefold()
    deleted = text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
    if not deleted.any():
        return table, flag, 0
    keep = ~deleted
    skipped = [
        *table.skipped_rows,
        *((int(r), "deleted in the CRM") for r in table.row_numbers[deleted]),
    ]
    kept = dataclasses.replace(
        table,
        data=pd.DataFrame(table.data.to_numpy(dtype=object)[keep], columns=table.data.columns),
        row_numbers=table.row_numbers[keep],
        skipped_rows=sorted(skipped),
    )
    return kept, flag, int(deleted.sum())
