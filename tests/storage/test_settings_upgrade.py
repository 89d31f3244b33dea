"""Databases written before settings had a schema version open with their settings intact.

The rows are written with plain SQL in the shapes older cspm versions stored (no "version",
keys added since missing, the status word lists every setting was stored with), on SQLite and
on PostgreSQL; opening the database reads them as the user left them and stamps the version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from cspm.core.settings import DEFAULT_CHURNED_STATUSES, DEFAULT_TRIAL_STATUSES
from cspm.core.settings_upgrade import SCHEMA_VERSION
from cspm.service.context import AppContext
from cspm.service.settings import load_all
from cspm.storage.db import open_database
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)

OLD_APP = {  # the first versions: no currency, reading limits, db settings nor version
    "tier_bands": [
        {"name": "Strategic", "min_arr": 250000.0},
        {"name": "Growth", "min_arr": 20000.0},
        {"name": "Starter", "min_arr": 0.0},
    ],
    "tier_source": "arr_bands",
    "lifecycle": {"onboarding_days": 60, "renewal_days": 120, "adoption_days": 365},
    "date_order": "day_first",
    "churned_statuses": ["churned", "cancelled", "canceled", "lost"],  # the defaults of the time
    "trial_statuses": ["trial", "pilot"],  # chosen by the user
}
OLD_HEALTH = {  # before min_signals existed
    "weights": {"seat_utilization": 0.5, "mau_trend": 0.2, "nps": 0.1, "open_tickets": 0.1,
                "interaction": 0.1, "unpaid_invoices": 0.0},
    "tier_weights": {"Starter": {"interaction": 0.0}},
    "prefer_imported": False,
    "mau_trend_days": 45,
    "red_below": 40,
    "green_from": 70,
}  # fmt: skip
OLD_TASKS = {  # before default_model and cadence_lead_days; weights and capacity partial
    "engagement": {
        "Strategic": {
            "touch_model": "high-touch",
            "cadences": [{"kind": "check_in", "label": "Check-in", "every_days": 14}],
        }
    },
    "weights": {"risk": 0.5},
    "capacity": {"max_accounts": {"high-touch": 25, "tech-touch": None}, "hours_per_month": 60},
    "horizon_days": 21,
}


def _write_old_rows(url: str) -> None:
    """A database as an older cspm left it: schema current, settings rows without versions."""
    open_database(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        for key, doc in (("app", OLD_APP), ("health", OLD_HEALTH), ("tasks", OLD_TASKS)):
            conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": key})
            conn.execute(
                text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                {"k": key, "v": json.dumps(doc)},
            )
    engine.dispose()


def _stored(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT key, value FROM settings WHERE key IN ('app', 'health', 'tasks')")
        ).all()
    engine.dispose()
    return {k: (json.loads(v) if isinstance(v, str) else v) for k, v in rows}


def _check_read_and_stamped(url: str) -> None:
    _write_old_rows(url)
    assert all("version" not in _stored(url)[k] for k in ("app", "health", "tasks"))
    ctx = AppContext.open(url)
    try:
        saved = load_all(ctx)
    finally:
        ctx.close()
    s, h, t = saved.settings, saved.health, saved.tasks
    assert [b.name for b in s.tier_bands] == ["Strategic", "Growth", "Starter"]
    assert (s.lifecycle.onboarding_days, s.lifecycle.renewal_days) == (60, 120)
    assert s.lifecycle.advocate_nps == 9 and s.date_order == "day_first"
    assert s.churned_statuses == DEFAULT_CHURNED_STATUSES  # never chosen: today's longer list
    assert s.trial_statuses == ("trial", "pilot") != DEFAULT_TRIAL_STATUSES
    assert s.currency.code == "USD" and s.db.backups_kept == 5
    assert (h.weights.seat_utilization, h.prefer_imported, h.mau_trend_days) == (0.5, False, 45)
    assert (h.red_below, h.green_from, h.min_signals) == (40, 70, 2)
    assert h.tier_weights["Starter"].interaction == 0 and set(h.tier_weights) == {"Starter"}
    assert t.model_for("Strategic").cadences[0].every_days == 14
    assert t.model_for("Starter").touch_model == "tech-touch"
    assert (t.weights.risk, t.weights.value) == (0.5, 0.30)
    assert t.capacity.limit("high-touch") == 25 and t.capacity.limit("mid-touch") is None
    assert (t.capacity.hours_per_month, t.horizon_days, t.cadence_lead_days) == (60, 21, 7)

    stored = _stored(url)
    assert {stored[k]["version"] for k in ("app", "health", "tasks")} == {SCHEMA_VERSION}
    assert "churned_statuses" not in stored["app"]  # the old default is not frozen in
    assert stored["app"]["trial_statuses"] == ["trial", "pilot"]
    assert "min_signals" not in stored["health"]  # defaults are not written in either
    assert stored["tasks"]["horizon_days"] == 21


def test_version_less_settings_on_sqlite_read_and_stamped(tmp_path) -> None:
    _check_read_and_stamped(f"sqlite:///{tmp_path / 'old.sqlite3'}")


def test_version_less_settings_on_postgres_read_and_stamped(pg_url: str) -> None:  # noqa: F811
    _check_read_and_stamped(pg_url)


@pytest.fixture
def fresh(tmp_path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'new.sqlite3'}"


def test_a_saved_document_carries_the_version_and_reopens_unchanged(fresh: str) -> None:
    from cspm.service.settings import set_value

    ctx = AppContext.open(fresh)
    try:
        set_value(ctx, "lifecycle.renewal_days", "150")
        set_value(ctx, "health.min_signals", "3")
        before = load_all(ctx)
    finally:
        ctx.close()
    stored = _stored(fresh)
    assert stored["app"]["version"] == stored["health"]["version"] == SCHEMA_VERSION
    ctx = AppContext.open(fresh)
    try:
        assert load_all(ctx) == before
    finally:
        ctx.close()
    assert _stored(fresh) == stored


def test_a_document_from_a_newer_cspm_keeps_its_version(fresh: str) -> None:
    open_database(fresh).dispose()
    engine = create_engine(fresh)
    newer = {"version": SCHEMA_VERSION + 1, "date_order": "day_first", "later": {"x": 1}}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('app', :v)"),
                     {"v": json.dumps(newer)})  # fmt: skip
    engine.dispose()
    ctx = AppContext.open(fresh)
    try:
        assert load_all(ctx).settings.date_order == "day_first"
    finally:
        ctx.close()
    assert _stored(fresh)["app"] == newer
