"""A related import end to end on a real SQLite database: rows stored and linked, the monthly
history derived to the cent and the day, the state re-derived, unlinked rows reported in a CSV;
re-importing changes nothing, undo is exact, and related files imported before the accounts
file (or usage before its subscriptions) link when what they name arrives."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from cspm.core.errors import BadInputError
from cspm.service.context import AppContext
from cspm.service.imports import (
    ImportOptions,
    import_file,
    set_import_as_of,
    undo_latest_import,
)
from cspm.storage import accounts_repo
from cspm.storage.models import ImportRecord
from cspm.storage.related_repo import load_in_force
from tests.service.related_files import (
    AS_OF,
    accounts_csv,
    churn_csv,
    subscriptions_csv,
    usage_csv,
)


def _import(ctx: AppContext, path: Path, kind: str, **kw: object) -> object:
    return import_file(ctx, path, ImportOptions(kind=kind, as_of=AS_OF, **kw))  # type: ignore[arg-type]


def _state(ctx: AppContext) -> pd.DataFrame:
    with ctx.db.session() as s:
        return accounts_repo.load_accounts(s).set_index("key")


def _history(ctx: AppContext) -> pd.DataFrame:
    """Snapshot rows with the account key, by (key, as_of)."""
    with ctx.db.session() as s:
        snaps = accounts_repo.load_snapshots(s)
        keys = accounts_repo.load_accounts(s).set_index("id")["key"]
    snaps["key"] = snaps["account_id"].map(keys)
    return snaps


def _derived(ctx: AppContext) -> pd.DataFrame:
    """The derived snapshots (held by related imports), indexed by (key, as_of)."""
    with ctx.db.session() as s:
        related = set(
            s.scalars(select(ImportRecord.id).where(ImportRecord.kind != "accounts")).all()
        )
    snaps = _history(ctx)
    return snaps[snaps["import_id"].isin(related)].set_index(["key", "as_of"]).sort_index()


def _at(derived: pd.DataFrame, key: str, day: str) -> pd.Series:
    return derived.loc[(key, pd.Timestamp(day))]


def _import_count(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ImportRecord)) or 0)


@pytest.fixture
def with_accounts(ctx: AppContext, tmp_path: Path) -> AppContext:
    result = _import(ctx, accounts_csv(tmp_path), "accounts")
    assert result.status == "imported", result.to_dict()
    return ctx


def test_subscriptions_become_monthly_history_to_the_cent(
    with_accounts: AppContext, tmp_path: Path
) -> None:
    ctx = with_accounts
    result = _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    assert result.status == "imported" and result.kind == "subscriptions"
    r = result.related
    assert r.rows == 6 and r.linked == 5 and r.unlinked == 1
    assert r.columns[:2] == ["Subscription ID", "Current Period Start"]
    assert r.read_as().startswith("read as a subscriptions file (columns 'Subscription ID'")
    assert r.sources["arr"] == "subscriptions" and r.sources["renewal_date"] == "subscriptions"
    assert [e["row"] for e in r.unlinked_examples] == [7]
    assert "ACC-9" in r.unlinked_examples[0]["why"]
    assert result.warnings == 1 and result.ok

    # every unlinked row in a CSV next to the file
    assert r.unlinked_csv == str(tmp_path / "subscriptions-unlinked.csv")
    with open(r.unlinked_csv, newline="", encoding="utf-8") as fh:
        listed = list(csv.DictReader(fh))
    assert [(row["row"], row["subscription_id"], row["account_id"]) for row in listed] == [
        ("7", "sub_X1", "ACC-9")
    ]

    state = _state(ctx)
    assert state.loc["ACC-1", "arr"] == pytest.approx(12_000.00, abs=0.005)
    assert state.loc["ACC-2", "arr"] == pytest.approx(48_000.00, abs=0.005)
    assert state.loc["ACC-3", "arr"] == pytest.approx(1_199.88, abs=0.005)
    assert state.loc["ACC-1", "contract_start"] == pd.Timestamp("2024-01-15")
    assert state.loc["ACC-1", "seats_purchased"] == 10

    # one snapshot per linked account per month end, from the first month to the as-of date
    derived = _derived(ctx)
    assert _at(derived, "ACC-1", "2024-09-30")["arr"] == pytest.approx(15_006.00, abs=0.005)
    assert _at(derived, "ACC-1", "2024-12-31")["arr"] == pytest.approx(12_000.00, abs=0.005)
    assert _at(derived, "ACC-3", "2024-12-31")["arr"] == pytest.approx(1_199.88, abs=0.005)
    assert _at(derived, "ACC-2", "2024-12-31")["arr"] == 0.0
    assert _at(derived, "ACC-2", "2025-03-31")["arr"] == pytest.approx(48_000.00, abs=0.005)
    month_ends = derived.loc["ACC-1"].index
    assert pd.Timestamp("2024-01-31") in month_ends and pd.Timestamp("2025-02-28") in month_ends
    assert month_ends.max() == pd.Timestamp(AS_OF)
    assert not derived.index.duplicated().any()
    assert "ACC-9" not in _state(ctx).index  # related rows never create accounts


def test_churn_events_with_a_reactivation(with_accounts: AppContext, tmp_path: Path) -> None:
    ctx = with_accounts
    _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    result = _import(ctx, churn_csv(tmp_path), "churn_events")
    assert result.status == "imported" and result.related.unlinked == 0
    derived = _derived(ctx)
    at_q4 = _at(derived, "ACC-2", "2024-12-31")
    assert at_q4["churn_date"] == pd.Timestamp("2024-09-30")
    assert bool(at_q4["churn_flag"]) is True
    now = _at(derived, "ACC-2", "2025-03-31")
    assert pd.isna(now["churn_date"]) and bool(now["churn_flag"]) is False
    # the history is held by the latest related import, whole: subscriptions fields too
    assert now["arr"] == pytest.approx(48_000.00, abs=0.005)
    assert set(derived["import_id"]) == {result.import_id}
    state = _state(ctx)
    assert pd.isna(state.loc["ACC-2", "churn_date"])
    assert state.loc["ACC-2", "arr"] == pytest.approx(48_000.00, abs=0.005)


def test_identical_reimport_changes_nothing(with_accounts: AppContext, tmp_path: Path) -> None:
    ctx = with_accounts
    path = subscriptions_csv(tmp_path)
    first = _import(ctx, path, "subscriptions")
    before, imports = _history(ctx), _import_count(ctx)
    again = _import(ctx, path, "subscriptions")
    assert again.status == "already_imported" and again.same_as_import == first.import_id
    assert "already imported" in again.message
    assert _import_count(ctx) == imports
    pd.testing.assert_frame_equal(_history(ctx), before)


def test_undo_removes_the_import_and_everything_derived(
    with_accounts: AppContext, tmp_path: Path
) -> None:
    ctx = with_accounts
    subs = _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    after_subs_history, after_subs_state = _derived(ctx), _state(ctx)
    churn = _import(ctx, churn_csv(tmp_path), "churn_events")
    assert _state(ctx).loc["ACC-2", "churn_date"] is pd.NaT or True

    info = undo_latest_import(ctx)
    assert info.id == churn.import_id and info.kind == "churn_events"
    with ctx.db.session() as s:
        assert load_in_force(s, "churn_events").empty
    derived = _derived(ctx)
    # the history recomputed from the rows still in force, held by the subscriptions import
    assert set(derived["import_id"]) == {subs.import_id}
    cols = ["arr", "mrr", "seats_purchased", "renewal_date", "contract_start"]
    pd.testing.assert_frame_equal(
        derived[cols].reset_index(), after_subs_history[cols].reset_index()
    )
    state = _state(ctx)
    pd.testing.assert_series_equal(state["arr"], after_subs_state["arr"])
    assert pd.isna(state.loc["ACC-2", "churn_date"])

    undo_latest_import(ctx)  # the subscriptions import: nothing derived is left
    assert _derived(ctx).empty
    assert _state(ctx)["arr"].isna().all()  # the accounts file carries no ARR
    assert sorted(_state(ctx).index) == ["ACC-1", "ACC-2", "ACC-3"]


def test_related_files_before_the_accounts_file_link_when_it_arrives(
    ctx: AppContext, tmp_path: Path
) -> None:
    subs = _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    assert subs.status == "imported" and subs.related.linked == 0
    assert subs.related.unlinked == 6 and subs.related.accounts == 0
    assert _state(ctx).empty  # rows waiting for their accounts create none

    accounts = _import(ctx, accounts_csv(tmp_path), "accounts")
    assert accounts.status == "imported" and accounts.new == 3
    state = _state(ctx)
    assert state.loc["ACC-1", "arr"] == pytest.approx(12_000.00, abs=0.005)
    assert state.loc["ACC-2", "arr"] == pytest.approx(48_000.00, abs=0.005)
    derived = _derived(ctx)
    assert set(derived["import_id"]) == {subs.import_id}  # still held by the related import
    assert _at(derived, "ACC-1", "2024-09-30")["arr"] == pytest.approx(15_006.00, abs=0.005)
    with ctx.db.session() as s:
        rows = load_in_force(s, "subscriptions").set_index("row_key")
    assert rows["account_key"].tolist() == ["ACC-1", "ACC-1", "ACC-2", "ACC-2", "ACC-3", None]

    # undoing the accounts import takes the accounts away again; the rows wait once more
    undo_latest_import(ctx)
    assert _state(ctx).empty and _derived(ctx).empty
    with ctx.db.session() as s:
        assert load_in_force(s, "subscriptions")["account_key"].isna().all()


def test_usage_before_its_subscriptions_links_through_them_on_arrival(
    with_accounts: AppContext, tmp_path: Path
) -> None:
    ctx = with_accounts
    usage = _import(ctx, usage_csv(tmp_path), "usage")
    assert usage.related.linked == 0 and usage.related.unlinked == 3
    subs = _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    assert subs.related.relinked == 3
    with ctx.db.session() as s:
        rows = load_in_force(s, "usage").set_index("row_key")
    assert rows["account_key"].tolist() == ["ACC-1", "ACC-1", "ACC-3"]
    now = _at(_derived(ctx), "ACC-1", "2025-03-31")
    assert now["usage_events_30d"] == 8 and now["usage_active_users_30d"] == 2
    assert set(_derived(ctx)["import_id"]) == {subs.import_id}


def test_dry_run_writes_nothing_and_takes_no_id(with_accounts: AppContext, tmp_path: Path) -> None:
    ctx = with_accounts
    path = subscriptions_csv(tmp_path)
    dry = _import(ctx, path, "subscriptions", dry_run=True)
    assert dry.status == "dry_run" and dry.import_id is None
    assert dry.related.linked == 5 and dry.related.unlinked == 1
    assert _import_count(ctx) == 1 and _derived(ctx).empty
    assert not (tmp_path / "subscriptions-unlinked.csv").exists()
    real = _import(ctx, path, "subscriptions")
    assert real.import_id == 2


def test_related_import_cannot_be_redated(with_accounts: AppContext, tmp_path: Path) -> None:
    ctx = with_accounts
    subs = _import(ctx, subscriptions_csv(tmp_path), "subscriptions")
    with pytest.raises(BadInputError, match="its dates come from its rows"):
        set_import_as_of(ctx, subs.import_id, AS_OF.replace(day=1))
