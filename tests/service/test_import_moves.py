"""The import summary's "changed tier" lines agree with the portfolio the CSM then sees.

A churned account exported with ARR 0 keeps the band of its last positive ARR (so the matrix
shows which tier the lost customer came from); the summary used to report it as moving to the
lowest band ("Two: Mid-Market -> SMB") while every list showed it in Mid-Market.
"""

from __future__ import annotations

import datetime as dt

from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio
from tests.files import write_csv

HEAD = ["Account ID", "Account Name", "ARR", "Status"]


def test_a_churned_account_keeps_its_tier_in_the_summary(ctx, tmp_path) -> None:
    first = [HEAD, ["S1", "One", 150_000, "Active"], ["S2", "Two", 40_000, "Active"]]
    import_file(
        ctx, write_csv(tmp_path / "q1.csv", first), ImportOptions(as_of=dt.date(2026, 7, 1))
    )
    later = [HEAD, ["S1", "One", 20_000, "Active"], ["S2", "Two", 0, "Churned"]]
    result = import_file(
        ctx, write_csv(tmp_path / "q3.csv", later), ImportOptions(as_of=dt.date(2026, 10, 1))
    )
    tiers = {m.name: (m.before, m.after) for m in result.moves if m.what == "tier"}
    shown = load_portfolio(ctx).frame.set_index("name")["tier"]
    assert shown["Two"] == "Mid-Market"
    assert "Two" not in tiers  # it did not move
    assert tiers["One"] == ("Enterprise", "SMB") and shown["One"] == "SMB"
    stages = {m.name: (m.before, m.after) for m in result.moves if m.what == "lifecycle_stage"}
    assert stages["Two"][1] == "Churned"
