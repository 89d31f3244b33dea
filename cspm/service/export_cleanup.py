"""Start-up sweep of files an interrupted export left behind.

Its own module so that every command can run it without importing the export use cases
(reports, charts, the whole portfolio service: 0.7 s of imports a `cspm tasks` never needs).
"""

from __future__ import annotations


def clean_up_interrupted_exports() -> int:
    """Remove temporary files that exports killed mid-write left behind; called at start-up.

    How many were removed; never raises (see `cspm.reports.export_temps`).
    """
    from cspm.reports.safe_write import sweep_leftover_exports

    return sweep_leftover_exports()
