"""HubSpot API and warehouse syncs write timestamps as epoch milliseconds ("1731312000000")
as well as ISO text; both are dates (they used to be warnings and the dates were lost)."""

from __future__ import annotations

import pandas as pd

from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv, write_xlsx

HEAD = [
    "property_hs_object_id",
    "property_name",
    "property_notes_last_contacted",
    "property_createdate",
    "_fivetran_synced",
]


def test_epoch_milliseconds_are_dates(ctx, tmp_path) -> None:
    rows = [
        HEAD,
        ["7000", "WH Co 0", "2026-11-01T08:00:00.123Z", "1706774400000", "2026-11-20T00:00:00Z"],
        ["7001", "WH Co 1", "1762848000000", "2024-02-01T08:00:00.000Z", "2026-11-20T00:00:00Z"],
    ]
    result = import_file(ctx, write_csv(tmp_path / "companies.csv", rows))
    assert not [p.sentence() for p in result.problems if p.severity != "info"]
    f = load_portfolio(ctx).frame.set_index("name")
    assert f.loc["WH Co 1", "last_interaction"] == pd.Timestamp("2025-11-11")
    assert f.loc["WH Co 0", "last_interaction"] == pd.Timestamp("2026-11-01")


def test_epoch_milliseconds_as_numbers_in_a_workbook(ctx, tmp_path) -> None:
    rows = [
        ["Record ID", "Company name", "Last Activity Date"],
        [1, "Alpha", 1762848000000],
        [2, "Beta", 46000],  # an Excel serial day stays one
    ]
    import_file(ctx, write_xlsx(tmp_path / "companies.xlsx", rows))
    f = load_portfolio(ctx).frame.set_index("name")
    assert f.loc["Alpha", "last_interaction"] == pd.Timestamp("2025-11-11")
    assert f.loc["Beta", "last_interaction"] == pd.Timestamp("2025-12-09")
