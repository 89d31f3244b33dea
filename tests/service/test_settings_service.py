"""Settings change what the user sees: tier bands, lifecycle windows, date order, health."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import health_config, set_tier_bands, set_value
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "ARR",
    "Contract Start Date",
    "Health Score",
    "Seats Purchased",
    "Active Seats",
]
ROWS = [
    ["A", "Alpha", "30000", "2026-09-01", "", "10", "2"],
    ["B", "Beta", "120000", "2025-01-01", "90", "10", "10"],
]


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    return ctx


def test_tier_bands_and_lifecycle_windows(loaded) -> None:
    frame = load_portfolio(loaded).frame
    assert (frame.loc["A", "tier"], frame.loc["A", "lifecycle_stage"]) == (
        "Mid-Market",
        "Onboarding",
    )
    set_tier_bands(loaded, [("Strategic", 100_000), ("Core", 0)])
    set_value(loaded, "lifecycle.onboarding_days", "30")
    frame = load_portfolio(loaded).frame
    assert (frame.loc["A", "tier"], frame.loc["A", "lifecycle_stage"]) == ("Core", "Adoption")
    assert frame.loc["B", "tier"] == "Strategic"
    with pytest.raises(BadInputError, match="same name"):
        set_tier_bands(loaded, [("X", 1), ("x", 0)])


def test_health_settings_are_stored_and_used(loaded) -> None:
    assert load_portfolio(loaded).frame.loc["B", "health_score"] == 90  # imported wins
    set_value(loaded, "health.min_signals", "1")  # seat use is the file's only signal
    set_value(loaded, "health.prefer_imported", "false")
    frame = load_portfolio(loaded).frame
    assert frame.loc["B", "health_source"] == "computed"
    assert frame.loc["B", "health_score"] != 90
    set_value(loaded, "health.weights.seat_utilization", "0")
    assert health_config(loaded).weights.seat_utilization == 0
    with pytest.raises(BadInputError, match="bands"):
        set_value(loaded, "health.red_below", "90")


def test_date_order_setting_reads_ambiguous_dates(capsys, db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [["Account ID", "Renewal Date"], ["X", "03/04/2027"]])
    assert main(["--db", db_url, "settings", "set", "date_order", "day_first"]) == 0
    assert main(["--db", db_url, "import", str(path), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "accounts", "--format", "json"]) == 0
    assert '"renewal_date": "2027-04-03"' in capsys.readouterr().out
    assert main(["--db", db_url, "settings", "set", "date_order", "sideways"]) == 2
