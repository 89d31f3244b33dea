"""The rows in force: per row key, the latest committed import's version; undone imports and
superseded versions never count, and the frame has the core's dtypes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import insert

from cspm.storage.db import open_database
from cspm.storage.models import ImportRecord, RelatedSubscription
from cspm.storage.related_repo import load_all_in_force, load_in_force


def _import(s, status: str = "committed") -> int:
    now = dt.datetime(2026, 12, 4, 9, 0)
    rec = ImportRecord(
        kind="subscriptions",
        file_name="subs.csv",
        sha256="0" * 64,
        mapping={},
        carried_fields=[],
        as_of=dt.date(2026, 12, 4),
        started_at=now,
        status=status,
    )
    s.add(rec)
    s.flush()
    return rec.id


def _sub(import_id: int, key: str, arr: float, end: dt.date | None = None) -> dict:
    return {
        "import_id": import_id,
        "row_key": key,
        "subscription_id": key,
        "account_id": "A-1",
        "start_date": dt.date(2025, 1, 1),
        "end_date": end,
        "arr": arr,
    }


def test_latest_committed_version_of_each_row_is_in_force(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.session() as s:
        first = _import(s)
        s.execute(insert(RelatedSubscription), [_sub(first, "S1", 100.0), _sub(first, "S2", 50.0)])
        second = _import(s)
        s.execute(insert(RelatedSubscription), [_sub(second, "S1", 120.0, dt.date(2026, 6, 30))])
        undone = _import(s, "undone")
        s.execute(insert(RelatedSubscription), [_sub(undone, "S2", 999.0)])
    with db.session() as s:
        subs = load_in_force(s, "subscriptions").set_index("row_key")
        frames = load_all_in_force(s)
    assert subs["arr"].to_dict() == {"S1": 120.0, "S2": 50.0}
    assert subs.loc["S1", "end_date"] == pd.Timestamp("2026-06-30")
    assert pd.isna(subs.loc["S2", "end_date"])
    assert subs["start_date"].dtype == "datetime64[ns]"
    assert frames.present() == ("subscriptions",)
    assert frames.tickets.empty and "opened_at" in frames.tickets.columns
