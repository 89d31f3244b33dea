"""The evidence on the demo's stored history, through the service and the command line: the
health backtest, the what-if of edited settings, suggested weights and insights."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.core.health import HealthConfig
from cspm.service.context import AppContext
from cspm.service.evidence import (
    health_backtest,
    horizon_windows,
    insights,
    suggested_weights,
    what_if,
)
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401 (fixtures)
from tests.files import write_csv


def test_backtest_of_the_demo_per_tier(demo: AppContext) -> None:  # noqa: F811
    report = health_backtest(demo)
    assert report.note is None and len(report.windows) >= 10
    tiers = [t.tier for t in report.tiers]
    assert tiers[-1] == "All tiers"
    settings_order = [t for t in load_portfolio(demo).settings.tier_names if t in tiers]
    assert tiers[:-1] == settings_order
    everyone = report.tiers[-1]
    # the demo's health slides before a churn: the score ranks churners well above chance
    assert everyone.auc is not None and everyone.auc > 0.7
    bands = {b.band: b for b in everyone.bands}
    assert bands["red"].churn_rate > bands["green"].churn_rate
    assert sum(b.pairs for b in everyone.bands) == everyone.pairs
    for opening, closing in report.windows:
        assert (closing - opening).days >= 90


def test_windows_pair_each_date_with_the_first_snapshot_a_horizon_later() -> None:
    dates = [dt.date(2026, m, 28) for m in range(1, 8)]
    # Jan 28 + 90 days is Apr 28, a snapshot; Apr 28 + 90 is Jul 27: the next one is Jul 28
    assert horizon_windows(dates, 90)[0] == (dt.date(2026, 1, 28), dt.date(2026, 4, 28))
    assert horizon_windows(dates, 90)[-1] == (dt.date(2026, 4, 28), dt.date(2026, 7, 28))
    assert horizon_windows(dates[:2], 90) == []


def test_too_little_history_says_so(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["Account ID", "Account Name", "ARR", "Health Score"]
    path = write_csv(tmp_path / "a.csv", [header, ["A1", "Alder", "1000", "40"]])
    import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 10, 31)))
    report = health_backtest(ctx)
    assert report.tiers == []
    assert report.note == (
        "A backtest needs snapshots at least 90 days apart; there is one import date so far."
    )
    url = ctx.db.url
    ctx.close()
    assert main(["health", "backtest", "--db", url]) == 0
    assert "at least 90 days apart" in capsys.readouterr().out
    assert main(["health", "backtest", "--format", "json", "--db", url]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "at least 90 days apart" in captured.err


def test_backtest_json_shape(demo: AppContext, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    url = demo.db.url
    demo.close()
    args = ["--db", url, "--today", "2026-11-23"]
    assert main(["health", "backtest", "--horizon", "120", "--format", "json", *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc[-1]["tier"] == "All tiers"
    for row in doc:
        assert {"tier", "auc", "accounts", "pairs", "events", "bands"} <= set(row)
        assert [b["band"] for b in row["bands"]] == ["red", "yellow", "green"]
        assert {"band", "accounts", "churned", "churn_rate"} <= set(row["bands"][0])


def test_what_if_counts_band_moves_and_scores_the_edit(demo: AppContext) -> None:  # noqa: F811
    saved = load_portfolio(demo).health
    same = what_if(demo, saved)
    assert same.spread.changed == 0 and same.auc_now == same.auc_edited
    stricter = dataclasses.replace(saved, red_below=75, green_from=90)
    edited = what_if(demo, stricter)
    assert edited.spread.changed > 0
    assert edited.spread.after["red"] > edited.spread.before["red"]
    assert edited.auc_now is not None and edited.auc_edited is not None


def test_suggested_weights_per_tier(demo: AppContext) -> None:  # noqa: F811
    found = suggested_weights(demo)
    assert found, "the demo has churn to learn from"
    for s in found:
        if s.weights is None:
            assert s.note and "weights need at least" in s.note
        else:
            assert s.auc_suggested is not None and s.auc_current is not None
    assert any(s.weights is not None for s in found)


def test_insights_of_the_demo(demo: AppContext, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    report = insights(demo, min_group=10)
    assert report.start is not None and report.end is not None
    assert (report.end - report.start).days >= 360
    assert report.insights is not None and report.insights.groups
    tiers = {e.tier for e in report.engagement}
    assert {"Mid-Market", "SMB"} <= tiers
    mid = next(e for e in report.engagement if e.tier == "Mid-Market")
    smb = next(e for e in report.engagement if e.tier == "SMB")
    assert mid.touches_per_account_month > 2 * smb.touches_per_account_month  # demo's touchpoints
    url = demo.db.url
    demo.close()
    assert main(["insights", "--format", "json", "--db", url, "--today", "2026-11-23"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"start", "end", "portfolio", "findings", "groups", "engagement"} <= set(doc)


def test_health_config_edits_reach_the_backtest(demo: AppContext) -> None:  # noqa: F811
    """Scoring everyone by one weak signal changes the AUC the what-if reports."""
    saved = load_portfolio(demo).health
    odd = HealthConfig(prefer_imported=False, tier_weights={}, min_signals=1)
    assert what_if(demo, odd).auc_edited != what_if(demo, saved).auc_edited
