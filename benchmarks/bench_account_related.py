"""Opening one account's related data (what the account detail loads in its worker) in a store
at the issue's scale: 10,000 accounts' worth of 100,000 subscriptions, 1,000,000 usage events,
50,000 tickets and 100,000 contacts, each kind imported twice (a re-import keeps the old
versions, so the in-force read must pick the latest of two).

Run: .venv/bin/python benchmarks/bench_account_related.py [n_accounts]

Baseline, measured in the same run on the same file: a bare indexed SELECT of that account's
usage rows (`WHERE account_key = ?`) through the driver, what any per-account read costs at
least. Best of several runs; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd
from measuring import fastest as best

TODAY = dt.date(2026, 11, 23)
RUNS = 5
PER_ACCOUNT = {"subscriptions": 10, "usage": 100, "tickets": 5, "contacts": 10}
KEY_FIELD = {
    "subscriptions": "subscription_id",
    "usage": "usage_id",
    "tickets": "ticket_id",
    "contacts": "email",
}


def frame_of(kind: str, n_accounts: int, rng: np.random.Generator) -> pd.DataFrame:
    n = n_accounts * PER_ACCOUNT[kind]
    keys = np.char.add("ACC-", (np.arange(n) % n_accounts).astype(str))
    ids = np.char.add(f"{kind[:3].upper()}-", np.arange(n).astype(str))
    days = pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 400, n), unit="D")
    frame = pd.DataFrame({"account_key": keys, "account_id": keys, "row_key": ids})
    frame[KEY_FIELD[kind]] = ids
    if kind == "subscriptions":
        frame["start_date"] = days
        frame["end_date"] = days + pd.Timedelta(days=365)
        frame["arr"] = rng.integers(1, 100, n) * 1000.0
        frame["plan"] = "Pro"
    elif kind == "usage":
        frame["usage_date"] = days
        frame["count"] = rng.integers(1, 50, n).astype(float)
        frame["user_email"] = np.char.add("u", (np.arange(n) % 7).astype(str))
    elif kind == "tickets":
        frame["opened_at"] = days
        closed = days + pd.Timedelta(days=10)
        frame["closed_at"] = closed.where(rng.random(n) < 0.8)
        frame["priority"] = "Normal"
    else:
        frame["name"] = ids
        frame["role"] = "User"
        frame["last_login"] = days
    return frame


def main(n_accounts: int) -> None:
    folder = tempfile.mkdtemp(prefix="cspm-bench-related-")
    os.environ.setdefault("CSPM_CONFIG_DIR", os.path.join(folder, "config"))
    os.environ.setdefault("CSPM_CACHE_DIR", os.path.join(folder, "cache"))
    from sqlalchemy import text

    from cspm.service.account_related import account_related
    from cspm.service.context import AppContext
    from cspm.storage.bulk import bulk_insert
    from cspm.storage.models import RELATED_MODELS, ImportRecord

    ctx = AppContext.open(os.path.join(folder, "related.sqlite3"), today=TODAY)
    rng = np.random.default_rng(7)
    t = time.perf_counter()
    for kind in PER_ACCOUNT:
        frame = frame_of(kind, n_accounts, rng)
        for version in (1, 2):  # the same export imported twice: two versions of each row
            with ctx.db.session() as s:
                record = ImportRecord(
                    kind=kind, file_name=f"{kind}.csv", sha256=str(version) * 64, mapping={},
                    carried_fields=[], as_of=TODAY, started_at=dt.datetime(2026, 11, 23, 9),
                    status="committed",
                )  # fmt: skip
                s.add(record)
                s.flush()
                table = RELATED_MODELS[kind].__table__  # type: ignore[attr-defined]
                bulk_insert(s, table, frame, list(frame.columns), {"import_id": record.id})
        print(f"{kind}: {len(frame):,} rows x 2 versions")
    print(f"store built in {time.perf_counter() - t:.1f} s")

    key = f"ACC-{n_accounts // 2}"
    related = account_related(ctx, key)
    print(
        f"{key}: {len(related.subscriptions)} subscriptions, {len(related.contacts)} contacts,"
        f" {len(related.open_tickets)} open tickets, {related.usage_rows} usage rows"
    )

    def bare() -> None:
        with ctx.db.session() as s:
            s.execute(
                text("SELECT * FROM related_usage WHERE account_key = :k"), {"k": key}
            ).fetchall()

    baseline = best(bare)
    figure = best(lambda: account_related(ctx, key))
    print(f"bare indexed SELECT of one account's usage rows: {baseline * 1000:8.1f} ms")
    print(f"account_related (4 kinds in force, shaped):     {figure * 1000:8.1f} ms"
          f"  ({figure / baseline:.0f}x the bare read)")  # fmt: skip
    ctx.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
