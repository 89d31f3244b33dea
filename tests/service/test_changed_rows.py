"""Which accounts an import changed: the vectorised comparison finds exactly the accounts the
per-value comparison it replaced (`storage.frames.values_equal`) finds, on a real imported
portfolio changed in every kind of column (missing values, times of day, dates before 1970,
other date units, nullable floats, custom dicts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspm.core.demo import generate_demo
from cspm.core.fields import FIELD_NAMES
from cspm.service.context import AppContext
from cspm.service.import_writes import _changed_rows
from cspm.service.imports import ImportOptions, import_file
from cspm.storage import accounts_repo
from cspm.storage.frames import values_equal
from tests.conftest import TODAY


def _old(before: pd.DataFrame, after: pd.DataFrame, columns: list[str]) -> np.ndarray:
    changed = np.zeros(len(before), dtype=bool)
    for col in columns:
        changed |= ~values_equal(before[col], after[col]).to_numpy()
    return changed


def test_the_same_accounts_as_the_per_value_comparison(tmp_path: Path) -> None:
    ctx = AppContext.open(str(tmp_path / "p.sqlite3"), today=TODAY)
    snap = generate_demo(400, TODAY, months=13)[-1]
    path = tmp_path / "a.csv"
    snap.frame.assign(Plan=lambda f: f["Plan"].where(f.index % 7 > 0)).to_csv(path, index=False)
    assert import_file(ctx, path, ImportOptions()).status == "imported"
    with ctx.db.session() as s:
        before = accounts_repo.load_accounts(s).set_index("id")
    ctx.close()
    rng = np.random.default_rng(3)
    columns = [*FIELD_NAMES, "custom"]
    for trial in range(8):
        after = before.copy()
        pick = rng.random(len(after)) < 0.1
        after.loc[pick, "arr"] = after.loc[pick, "arr"] * 1.5
        after.loc[rng.random(len(after)) < 0.05, "arr"] = np.nan
        after.loc[rng.random(len(after)) < 0.05, "renewal_date"] = pd.NaT
        hours = rng.random(len(after)) < 0.05  # same day, another hour: unchanged as stored
        after.loc[hours, "last_interaction"] += pd.Timedelta(hours=7)
        early = rng.random(len(after)) < 0.03
        after.loc[early, "contract_start"] = pd.Timestamp("1969-12-31 23:00")
        after.loc[rng.random(len(after)) < 0.05, "plan"] = None
        after.loc[rng.random(len(after)) < 0.05, "is_reference"] = pd.NA
        draws = rng.random(len(after))
        after["custom"] = [
            {"x": 1} if r < 0.05 else c for r, c in zip(draws, after["custom"], strict=True)
        ]
        if trial % 2:
            after["last_qbr"] = after["last_qbr"].astype("datetime64[s]")
            after["mau"] = after["mau"].astype("Float64")
        got = _changed_rows(before, after, columns)
        assert 0 < got.sum() < len(after)
        assert (got == _old(before, after, columns)).all()
