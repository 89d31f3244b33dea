"""`set_value` with task keys (engagement, capacity, timing) and tier renames that carry the
tier's engagement model and health weights along."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspm.core.errors import BadInputError
from cspm.service.imports import import_file
from cspm.service.portfolio import load_portfolio
from cspm.service.settings import (
    get_settings,
    health_config,
    load_all,
    rename_tier,
    save_all,
    set_value,
)
from cspm.service.tasks import list_tasks, task_settings
from tests.files import write_csv

HEADER = [
    "Account ID",
    "Account Name",
    "ARR",
    "Last Interaction",
    "Seats Purchased",
    "Active Seats",
]
ROWS = [
    ["E", "Bigco", "200000", "2026-10-01", "10", "9"],
    ["S", "Smallco", "5000", "2026-09-01", "10", "2"],
]


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_csv(tmp_path / "a.csv", [HEADER, *ROWS]))
    return ctx


def kinds(ctx, tier: str) -> dict[str, int]:
    return {c.kind: c.every_days for c in task_settings(ctx).model_for(tier).cadences}


def test_engagement_keys_turn_cadences_on_and_off(loaded) -> None:
    assert kinds(loaded, "SMB") == {}
    result = set_value(loaded, "tasks.engagement.smb.check_in", "20")  # tier matched any case
    assert result.model_for("SMB").cadences[0].label == "Check-in"
    assert kinds(loaded, "SMB") == {"check_in": 20}
    tasks = list_tasks(loaded)
    assert "Check-in" in set(tasks.loc[tasks["account_name"] == "Smallco", "title"])

    set_value(loaded, "tasks.engagement.SMB.touch_model", "mid-touch")
    set_value(loaded, "tasks.engagement.Enterprise.qbr", "off")
    set_value(loaded, "tasks.engagement.Enterprise.check_in", "10")
    settings = task_settings(loaded)
    assert settings.model_for("SMB").touch_model == "mid-touch"
    assert kinds(loaded, "Enterprise") == {"check_in": 10, "exec_sponsor": 180}
    check_in = settings.model_for("Enterprise").cadences[0]
    assert check_in.data_fields == ("last_interaction",)  # only the interval changed
    set_value(loaded, "tasks.engagement.Unassigned.exec_sponsor", "365")
    assert kinds(loaded, "Unassigned") == {"exec_sponsor": 365}


def test_capacity_and_timing_keys(loaded) -> None:
    set_value(loaded, "tasks.capacity.max_accounts.high-touch", "unlimited")
    set_value(loaded, "tasks.capacity.max_accounts.tech-touch", "400")
    set_value(loaded, "tasks.capacity.hours_per_month", "80")
    set_value(loaded, "tasks.capacity.hours_per_task.qbr", "1.5")
    set_value(loaded, "tasks.horizon_days", "14")
    set_value(loaded, "tasks.cadence_lead_days", "3")
    settings = task_settings(loaded)
    capacity = settings.capacity
    assert capacity.limit("high-touch") is None and capacity.limit("tech-touch") == 400
    assert capacity.limit("mid-touch") == 75
    assert (capacity.hours_per_month, capacity.task_hours("qbr")) == (80, 1.5)
    assert (settings.horizon_days, settings.cadence_lead_days) == (14, 3)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("tasks.engagement.Platinum.qbr", "30", "Unknown tier 'Platinum'"),
        ("tasks.engagement.SMB.lunch", "30", "Unknown engagement setting 'lunch'"),
        ("tasks.engagement.SMB.touch_model", "no-touch", "must be one of high-touch"),
        ("tasks.engagement.SMB.qbr", "-5", "cannot be negative"),
        ("tasks.engagement.SMB.qbr", "monthly", "needs a whole number"),
        ("tasks.capacity.max_accounts.low-touch", "5", "Unknown touch model 'low-touch'"),
        ("tasks.capacity.hours_per_month", "-1", "cannot be negative"),
        ("tasks.capacity.hours_per_task.lunch", "1", "Unknown cadence 'lunch'"),
        ("tasks.horizon_days", "soon", "needs a whole number"),
        ("tasks.velocity", "3", "Unknown task setting 'tasks.velocity'"),
    ],
)
def test_bad_task_keys_are_refused_with_one_sentence(loaded, key, value, words) -> None:
    before = task_settings(loaded)
    with pytest.raises(BadInputError, match=words) as caught:
        set_value(loaded, key, value)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")
    assert task_settings(loaded) == before


def test_rename_carries_engagement_and_health_weights(loaded) -> None:
    set_value(loaded, "tasks.engagement.Enterprise.check_in", "9")
    rename_tier(loaded, "enterprise", "Strategic")
    settings = task_settings(loaded)
    assert "Enterprise" not in settings.engagement
    assert kinds(loaded, "Strategic")["check_in"] == 9
    assert settings.model_for("Strategic").touch_model == "high-touch"
    weights = health_config(loaded).tier_weights
    assert set(weights) == {"Strategic", "SMB"} and weights["Strategic"].interaction == 0.25
    frame = load_portfolio(loaded).frame
    assert frame.loc["E", "tier"] == "Strategic"
    tasks = list_tasks(loaded)
    assert "Check-in" in set(tasks.loc[tasks["account_name"] == "Bigco", "title"])


def test_save_all_writes_nothing_when_one_part_is_invalid(loaded) -> None:
    current = load_all(loaded)
    bad_health = current.health.__class__(red_below=80, green_from=60)
    lifecycle = current.settings.lifecycle.__class__(renewal_days=30)
    edited = current.__class__(
        current.settings.__class__(tier_bands=current.settings.tier_bands, lifecycle=lifecycle),
        current.tasks,
        bad_health,
    )
    with pytest.raises(BadInputError, match="bands"):
        save_all(loaded, edited, [("SMB", "Starter")])
    assert get_settings(loaded).lifecycle.renewal_days == 90
    assert "SMB" in get_settings(loaded).tier_names
    with pytest.raises(BadInputError, match="Unknown tier 'Gold'"):
        save_all(loaded, current, [("Gold", "Platinum")])
