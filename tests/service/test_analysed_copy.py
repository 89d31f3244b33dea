"""The analysed portfolio's disk copy (`service/analysed_copy.py`): a later context on the same
data, settings and day reads it instead of analysing again and gets the same portfolio (frame,
membership, segment rules); a pinned tier or another day is analysed afresh; an import's own
analysis leaves no copy. Real SQLite demo database, real files in the test's cache folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import cspm.service.portfolio as portfolio_module
from cspm.service import frame_cache
from cspm.service.context import AppContext
from cspm.service.portfolio import load_portfolio, set_tier_override
from tests.conftest import TODAY
from tests.demo_portfolio import demo_db_file  # noqa: F401  (fixture)


@pytest.fixture
def db(demo_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: F811
    monkeypatch.setattr(frame_cache, "MIN_ACCOUNTS", 1)  # copies at the demo's size
    monkeypatch.setenv("CSPM_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "demo.sqlite3"
    copy.write_bytes(demo_db_file.read_bytes())
    return str(copy)


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the analyses actually run (the real function, wrapped)."""
    calls: list[int] = []
    real = portfolio_module.analyse_portfolio

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(portfolio_module, "analyse_portfolio", counted)
    return calls


def _portfolio(db: str, today: dt.date = TODAY) -> portfolio_module.Portfolio:
    ctx = AppContext.open(db, today=today)
    try:
        return load_portfolio(ctx)
    finally:
        ctx.close()


def _same(a: portfolio_module.Portfolio, b: portfolio_module.Portfolio) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.membership, b.membership)
    assert a.custom_types == b.custom_types
    assert [(d.name, d.rule, d.error) for d in a.segments] == [
        (d.name, d.rule, d.error) for d in b.segments
    ]


def test_a_later_command_reads_the_analysis_back(db: str, analyses: list[int]) -> None:
    first = _portfolio(db)
    assert len(analyses) == 1
    assert list((Path(frame_cache.cache_dir())).glob("analysed-*.pickle"))
    again = _portfolio(db)
    assert len(analyses) == 1  # read back, not analysed
    _same(again, first)
    assert again.frame["tier"].notna().all() and again.membership.any().any()


def test_a_pinned_tier_or_another_day_is_analysed_afresh(db: str, analyses: list[int]) -> None:
    first = _portfolio(db)
    key = first.frame.index[0]
    ctx = AppContext.open(db, today=TODAY)
    try:
        target = next(t for t in first.settings.tier_names if t != first.frame.at[key, "tier"])
        set_tier_override(ctx, key, target, "test")
    finally:
        ctx.close()
    pinned = _portfolio(db)
    assert pinned.frame.at[key, "tier"] == target  # not the copy made before the pin
    later = _portfolio(db, TODAY + dt.timedelta(days=40))
    assert len(analyses) == 3  # the first, after the pin, on the later day
    assert later.today == TODAY + dt.timedelta(days=40)
    ctx = AppContext.open(db, today=TODAY + dt.timedelta(days=40))
    try:  # the copy of that day equals an analysis of it
        with ctx.db.session() as s:
            stored = portfolio_module.stored_frames(ctx, s)
            knobs = portfolio_module.load_knobs(s)
        fresh = portfolio_module.build_portfolio(stored, knobs, ctx.today, later.revision)
    finally:
        ctx.close()
    read_back = _portfolio(db, TODAY + dt.timedelta(days=40))
    assert len(analyses) == 4  # the fresh one only: the later day's was read back
    _same(read_back, fresh)


def test_an_analysis_given_its_inputs_leaves_no_copy(db: str) -> None:
    ctx = AppContext.open(db, today=TODAY)
    try:
        with ctx.db.session() as s:
            knobs = portfolio_module.load_knobs(s)
        load_portfolio(ctx, knobs=knobs)  # as an import does after its commit
    finally:
        ctx.close()
    assert not list(Path(frame_cache.cache_dir()).glob("analysed-*.pickle"))


def test_an_analysis_a_later_change_made_stale_is_not_written(db: str) -> None:
    """A long session (the window) that analysed and then changed what the analysis reads
    holds no stale analysis (memory) for its close to write (a file never read back)."""
    ctx = AppContext.open(db, today=TODAY)
    try:
        load_portfolio(ctx)
        assert ctx.cache.analysed_unsaved is not None
        ctx.cache.invalidate(frozenset({"settings"}))  # what every change of settings does
        assert ctx.cache.analysed_unsaved is None
    finally:
        ctx.close()
    assert not list(Path(frame_cache.cache_dir()).glob("analysed-*.pickle"))


def test_a_later_listing_keeps_the_display_order(db: str, analyses: list[int]) -> None:
    """The copy carries each account's place in display order, so a later `accounts` lists
    without sorting names again, in exactly the order a sort gives (filters included)."""
    from cspm.service.portfolio import display_rank, list_accounts, sort_accounts

    first = _portfolio(db)
    ctx = AppContext.open(db, today=TODAY)
    try:
        again = load_portfolio(ctx)
        assert len(analyses) == 1 and again.kept_rank is not None  # read back
        assert (again.kept_rank == display_rank(first.frame)).all()
        tier = str(first.frame["tier"].mode()[0])
        listed = list_accounts(ctx, tier=tier)
        owner = str(first.frame["owner"].dropna().iloc[0])
        by_owner = list_accounts(ctx, owner=owner.upper())
    finally:
        ctx.close()
    expected = sort_accounts(first.frame[first.frame["tier"] == tier])
    assert list(listed.index) == list(expected.index) and len(listed) > 1
    names = listed["name"].fillna("").str.casefold().tolist()
    assert names == sorted(names)
    mine = first.frame[first.frame["owner"].fillna("").str.casefold() == owner.casefold()]
    assert list(by_owner.index) == list(sort_accounts(mine).index)


def test_a_listing_from_the_copy_reads_no_snapshots(db: str, analyses: list[int]) -> None:
    """Read back from the copy, a portfolio lists accounts without the 600,000 snapshot rows
    of a large portfolio; its history is read when first used, and is the stored one."""
    from cspm.service.portfolio import list_accounts

    first = _portfolio(db)
    ctx = AppContext.open(db, today=TODAY)
    try:
        again = load_portfolio(ctx)
        listed = list_accounts(ctx)
        assert len(analyses) == 1 and len(listed) == len(first.frame)
        assert ctx.cache.stored is None  # no stored frames read
        pd.testing.assert_frame_equal(again.history, first.history)
        assert ctx.cache.stored is not None and len(again.history) > len(first.frame)
        health_change = again.for_tasks["health_change"]
    finally:
        ctx.close()
    pd.testing.assert_series_equal(health_change, first.for_tasks["health_change"])
