"""Benchmark: contacts at the issue's scale (10,000 accounts, 100,000 contacts).

Run: .venv/bin/python benchmarks/bench_contacts.py [n_accounts] [n_contacts]

Times, each beside a baseline measured in the same run on the same data:
- reading the contacts in force into the contact table (the latest committed import per row
  key, typed, plus login age, activity windows, admin/executive and domain) vs a bare
  `pandas.read_sql` of the whole related_contacts table;
- `list_contacts` with the Contacts view's filters (table cached, as after the first read) vs a
  hand-written pandas filter + merge of the same question;
- the view's worker preparing display strings for every row;
- two contact-level segments evaluated for every account (rule engine + bincount) vs a
  hand-written pandas groupby of the same rules.
The accounts arrive through a real CSV import; the contacts are written as one committed
contacts import, as the related import leaves them. Best of several runs.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)
import numpy as np
import pandas as pd

from cspm.core.rules import evaluate_many, parse_rule
from cspm.service.contact_rows import contacts_table
from cspm.service.contacts import list_contacts
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio
from cspm.storage import bulk, revision
from cspm.storage.models import ImportRecord
from cspm.storage.models.related import RelatedContact
from cspm.ui.contact_model import prepare_contacts

TODAY = dt.date(2026, 11, 23)
RUNS = 3
ROLES = ["Admin", "CEO", "VP Sales", "Analyst", "Engineer", "Marketing Manager", "Support Agent",
         "Director of IT", "Developer", "Finance"]  # fmt: skip
RULES = {
    "Exec quiet 15d": {
        "over": "contacts",
        "where": {
            "all": [
                {"field": "is_exec", "op": "=", "value": True},
                {"field": "last_login", "op": "older_than_days", "value": 15},
            ]
        },
        "at_least": 1,
    },
    "30% inactive 10d": {
        "over": "contacts",
        "where": {"field": "last_login", "op": "older_than_days", "value": 10},
        "at_least_pct": 30,
    },
}


def best(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def build(ctx: AppContext, tmp: Path, n_accounts: int, n_contacts: int) -> None:
    rng = np.random.default_rng(11)
    ids = [f"ACC-{i:05d}" for i in range(n_accounts)]
    accounts = pd.DataFrame(
        {
            "Account ID": ids,
            "Account Name": [f"Company {i}" for i in range(n_accounts)],
            "Account Owner": rng.choice(["Dana Scully", "Fox Mulder", "W. Skinner"], n_accounts),
            "ARR": rng.integers(5_000, 500_000, n_accounts),
        }
    )
    path = tmp / "accounts.csv"
    accounts.to_csv(path, index=False)
    start = time.perf_counter()
    import_file(ctx, path, ImportOptions(as_of=TODAY))
    print(f"accounts import ({n_accounts:,} rows): {time.perf_counter() - start:.2f} s")
    keys = load_portfolio(ctx).frame["external_id"]
    key_of = pd.Series(keys.index, index=keys.to_numpy())
    owner = rng.integers(0, n_accounts, n_contacts)
    days_ago = rng.integers(0, 120, n_contacts).astype(float)
    days_ago[rng.random(n_contacts) < 0.1] = np.nan  # never logged in
    login = pd.Timestamp(TODAY) - pd.to_timedelta(days_ago, unit="D")
    contacts = pd.DataFrame(
        {
            "row_key": [f"user{i}@company{o}.com" for i, o in enumerate(owner)],
            "source_row": np.arange(2, n_contacts + 2),
            "account_key": key_of.reindex([ids[o] for o in owner]).to_numpy(),
            "account_id": [ids[o] for o in owner],
            "email": [f"user{i}@company{o}.com" for i, o in enumerate(owner)],
            "name": [f"User {i}" for i in range(n_contacts)],
            "role": rng.choice(ROLES, n_contacts),
            "last_login": login.date,
        }
    )
    contacts["last_login"] = contacts["last_login"].where(~np.isnan(days_ago), None)
    now = dt.datetime.now()
    start = time.perf_counter()
    with ctx.db.session() as s:
        record = ImportRecord(
            kind="contacts",
            file_name="contacts.csv",
            sha256="0" * 64,
            mapping={},
            carried_fields=[],
            as_of=TODAY,
            started_at=now,
            finished_at=now,
            status="committed",
            rows_total=n_contacts,
        )
        s.add(record)
        s.flush()
        table = RelatedContact.__table__
        bulk.bulk_insert(s, table, contacts, list(contacts.columns), {"import_id": record.id})
        revision.bump(s, accounts=False)
    took = time.perf_counter() - start
    print(f"contacts written ({n_contacts:,} rows, bulk insert): {took:.2f} s")


def read_table(ctx: AppContext) -> pd.DataFrame:
    with ctx.cache.lock:
        ctx.cache.contacts = None  # measure the read, not the cache
    return contacts_table(ctx)


def bare_read(ctx: AppContext) -> pd.DataFrame:
    with ctx.db.engine.connect() as conn:
        return pd.read_sql("SELECT * FROM related_contacts", conn)


def by_hand_filter(table: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The same question in plain pandas: execs with no login in 30 days, with account names."""
    since = (pd.Timestamp(TODAY) - table["last_login"]).dt.days
    role = table["role"].fillna("").str.contains(r"\b(?:admin|ceo|vp|director)\b", case=False)
    hit = table[role & ~((since >= 0) & (since < 30))]
    return hit.merge(accounts[["name", "owner"]], left_on="account_key", right_index=True)


def by_hand_segments(table: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    since = (pd.Timestamp(TODAY) - table["last_login"]).dt.days
    quiet15 = ~((since >= 0) & (since <= 15))
    quiet10 = ~((since >= 0) & (since <= 10))
    execs = table["role"].fillna("").str.contains(r"\b(?:admin|ceo|vp|director)\b", case=False)
    g = pd.DataFrame({"k": table["account_key"], "a": execs & quiet15, "b": quiet10})
    counts = g.groupby("k").agg(a=("a", "sum"), b=("b", "mean"))
    counts = counts.reindex(accounts.index)
    return pd.DataFrame({"a": counts["a"] >= 1, "b": counts["b"] >= 0.3}, index=accounts.index)


def main() -> None:
    n_accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_contacts = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(str(Path(tmp) / "bench.sqlite3"), today=TODAY)
        try:
            build(ctx, Path(tmp), n_accounts, n_contacts)
            accounts = load_portfolio(ctx).frame
            t_read, table = best(lambda: read_table(ctx))
            t_bare, _ = best(lambda: bare_read(ctx))
            print(f"contact table read: {t_read:.3f} s   bare read_sql: {t_bare:.3f} s   "
                  f"ratio {t_read / t_bare:.1f}x")  # fmt: skip
            contacts_table(ctx)  # cached from here, as in the window after the first load
            t_list, got = best(lambda: list_contacts(ctx, inactive_days=30, role="exec"))
            t_hand, hand = best(lambda: by_hand_filter(table, accounts))  # type: ignore[arg-type]
            print(f"list_contacts(exec, 30 days): {t_list:.3f} s ({len(got.frame):,} rows)   "  # type: ignore[attr-defined]
                  f"by hand: {t_hand:.3f} s ({len(hand):,} rows)")  # type: ignore[arg-type]  # fmt: skip
            t_all, everyone = best(lambda: list_contacts(ctx))
            t_prep, _ = best(lambda: prepare_contacts(everyone))  # type: ignore[arg-type]
            print(f"list_contacts(all): {t_all:.3f} s   view rows prepared: {t_prep:.3f} s")
            rules = {name: parse_rule(rule, {}) for name, rule in RULES.items()}
            t_seg, members = best(
                lambda: evaluate_many(rules, accounts, None, TODAY, contacts=table)  # type: ignore[arg-type]
            )
            t_seg_hand, _ = best(lambda: by_hand_segments(table, accounts))  # type: ignore[arg-type]
            counts = {k: int(v) for k, v in members.sum().items()}  # type: ignore[attr-defined]
            print(f"2 contact segments over {n_accounts:,} accounts: {t_seg:.3f} s {counts}   "
                  f"by hand (groupby): {t_seg_hand:.3f} s")  # fmt: skip
        finally:
            ctx.close()


if __name__ == "__main__":
    main()
