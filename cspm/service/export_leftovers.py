"""Start-up's sweep of files an export killed mid-write left behind, apart from the export
use cases so that every command (and `cspm --help`'s neighbours) can run it without loading
pandas, the report writers and the portfolio code."""

from __future__ import annotations


def clean_up_interrupted_exports() -> int:
    """Remove temporary files that exports killed mid-write left behind; called at start-up.

    How many were removed; never raises (see `cspm.reports.export_temps`).
    """
    from cspm.reports.safe_write import sweep_leftover_exports

    return sweep_leftover_exports()
