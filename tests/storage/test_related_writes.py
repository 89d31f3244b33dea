"""Related rows written in bulk read back as the frame contract; links change through one
joined UPDATE; the derived history is deleted whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cspm.core.related.frames import empty_frame
from cspm.storage import related_writes
from cspm.storage.db import open_database
from cspm.storage.models import ImportRecord
from cspm.storage.related_repo import load_in_force


def _import(s, kind: str = "usage") -> int:
    rec = ImportRecord(
        kind=kind,
        file_name=f"{kind}.csv",
        sha256="0" * 64,
        mapping={},
        carried_fields=[],
        as_of=dt.date(2026, 12, 4),
        started_at=dt.datetime(2026, 12, 4, 9, 0),
        status="committed",
    )
    s.add(rec)
    s.flush()
    return rec.id


def _usage(n: int) -> pd.DataFrame:
    frame = empty_frame("usage").reindex(range(n))
    frame["row_key"] = [f"U{i}" for i in range(n)]
    frame["usage_id"] = frame["row_key"]
    frame["subscription_id"] = ["S1" if i % 2 else "S2" for i in range(n)]
    frame["user_email"] = [None if i == 0 else f"u{i}@acme.example" for i in range(n)]
    frame["usage_date"] = pd.to_datetime("2026-11-01") + pd.to_timedelta(range(n), unit="D")
    frame["count"] = [float(i) for i in range(n)]
    frame["account_key"] = ["ACC-1" if i % 3 == 0 else None for i in range(n)]
    frame["source_row"] = range(2, n + 2)
    frame["custom"] = [{"Browser": "Firefox"} if i == 1 else None for i in range(n)]
    return frame


def test_rows_round_trip_and_links_change_in_one_update(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.session() as s:
        assert not related_writes.any_related_rows(s)
        imp = _import(s)
        related_writes.insert_rows(s, "usage", _usage(6), imp)
        s.commit()
    with db.session() as s:
        assert related_writes.any_related_rows(s)
        rows = load_in_force(s, "usage", extra=True).set_index("row_key")
        assert rows["account_key"].tolist() == ["ACC-1", None, None, "ACC-1", None, None]
        assert rows.loc["U3", "usage_date"] == pd.Timestamp("2026-11-04")
        assert rows.loc["U5", "count"] == 5.0
        assert rows.loc["U0", "user_email"] is None
        assert rows.loc["U1", "custom"] == {"Browser": "Firefox"}
        assert rows.loc["U4", "source_row"] == 6
        ids = rows.loc[["U0", "U1", "U2"], "id"].astype(int).tolist()
        assert related_writes.write_links(s, "usage", ids, [None, "ACC-2", "ACC-2"]) == 3
        s.commit()
    with db.session() as s:
        rows = load_in_force(s, "usage").set_index("row_key")
        assert rows["account_key"].tolist() == [None, "ACC-2", "ACC-2", "ACC-1", None, None]
        related_writes.delete_rows_of_import(s, imp)
        s.commit()
    with db.session() as s:
        assert load_in_force(s, "usage").empty
        assert not related_writes.any_related_rows(s)


def test_identical_related_import_is_the_latest_of_its_kind_only(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.session() as s:
        first = _import(s, "subscriptions")
        same = related_writes.identical_related_import(
            s, kind="subscriptions", sha256="0" * 64, mapping={}
        )
        assert same is not None and same.id == first and same.kind == "subscriptions"
        assert (
            related_writes.identical_related_import(s, kind="usage", sha256="0" * 64, mapping={})
            is None
        )
        assert (
            related_writes.identical_related_import(
                s, kind="subscriptions", sha256="0" * 64, mapping={"ARR": "arr"}
            )
            is None
        )
