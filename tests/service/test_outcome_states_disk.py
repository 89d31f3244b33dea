"""Past states written to the cache folder are read back only for the exact same data.

A large portfolio keeps the analysed states outcomes need (one per period boundary) on disk,
so the next command or window start does not re-derive them from every snapshot. Checked on
the demo portfolio with the size threshold lowered (a setting of the module, not a mock):
a new context gives the same figures from the copy, and after a change to the tier bands the
figures are the fresh ones (equal to a computation with no copy at all), not the kept ones.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cspm.core.settings import TierBand
from cspm.service import outcome_states
from cspm.service.context import AppContext
from cspm.service.frame_cache import cache_dir
from cspm.service.outcomes import outcomes
from cspm.service.settings import get_settings, save_settings
from tests.conftest import TODAY
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def _copies() -> list[Path]:
    return sorted(cache_dir().glob("outcomes-*/*.pkl"))


def test_kept_states_give_the_same_figures_and_never_outlive_a_change(
    demo: AppContext,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outcome_states, "MIN_ACCOUNTS", 1)
    url = demo.db.url
    first = outcomes(demo, by="tier", period="quarter")
    assert len(first) > 4 and _copies()
    demo.close()

    again = AppContext.open(url, today=TODAY)
    try:
        pd.testing.assert_frame_equal(outcomes(again, by="tier", period="quarter"), first)
        settings = get_settings(again)
        bands = tuple(TierBand(b.name, b.min_arr * 3) for b in settings.tier_bands)
        save_settings(again, replace(settings, tier_bands=bands))
        changed = outcomes(again, by="tier", period="quarter")
    finally:
        again.close()
    assert not changed.equals(first)  # the bands move accounts between tiers

    shutil.rmtree(cache_dir())  # no copy at all: computed from the snapshots
    fresh = AppContext.open(url, today=TODAY)
    try:
        pd.testing.assert_frame_equal(outcomes(fresh, by="tier", period="quarter"), changed)
    finally:
        fresh.close()
