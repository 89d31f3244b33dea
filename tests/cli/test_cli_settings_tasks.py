"""`cspm settings set tasks...` and health overrides: JSON back, stored, exit 2 on bad input."""

from __future__ import annotations

import json

import pytest

from cspm.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def shown(capsys, db_url: str) -> dict:
    code, out, _ = run(capsys, "--db", db_url, "settings")
    assert code == 0
    return json.loads(out)


def test_set_task_keys_prints_and_stores_them(capsys, db_url: str) -> None:
    code, out, _ = run(
        capsys, "--db", db_url, "settings", "set", "tasks.engagement.SMB.check_in", "30"
    )
    assert code == 0
    printed = json.loads(out)
    smb = printed["engagement"]["SMB"]
    assert [(c["kind"], c["label"], c["every_days"]) for c in smb["cadences"]] == [
        ("check_in", "Check-in", 30)
    ]
    for key, value in [
        ("tasks.engagement.SMB.touch_model", "mid-touch"),
        ("tasks.capacity.max_accounts.mid-touch", "unlimited"),
        ("tasks.capacity.hours_per_task.check_in", "0.75"),
        ("tasks.horizon_days", "21"),
        ("health.tier.SMB", "defaults"),
    ]:
        assert run(capsys, "--db", db_url, "settings", "set", key, value)[0] == 0
    doc = shown(capsys, db_url)
    tasks = doc["tasks"]
    assert tasks["engagement"]["SMB"]["touch_model"] == "mid-touch"
    assert tasks["capacity"]["max_accounts"]["mid-touch"] is None
    assert tasks["capacity"]["hours_per_task"]["check_in"] == 0.75
    assert tasks["horizon_days"] == 21
    assert set(doc["health"]["tier_weights"]) == {"Enterprise"}


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("tasks.engagement.Gold.qbr", "30", "Unknown tier 'Gold'"),
        ("tasks.capacity.max_accounts.high-touch", "lots", "needs a whole number"),
        ("tasks.speed", "1", "Unknown task setting"),
        ("health.tier.SMB", "defaults", None),  # fine once ...
        ("health.tier.SMB", "defaults", "has no weights of its own"),  # ... then nothing left
    ],
)
def test_bad_task_keys_exit_2_with_one_line(capsys, db_url: str, key, value, words) -> None:
    if words is None:
        assert run(capsys, "--db", db_url, "settings", "set", key, value)[0] == 0
        return
    run(capsys, "--db", db_url, "settings", "set", "health.tier.SMB", "defaults")
    before = shown(capsys, db_url)
    code, out, err = run(capsys, "--db", db_url, "settings", "set", key, value)
    assert code == 2
    assert words in err and err.count("\n") == 1 and out == ""
    assert shown(capsys, db_url) == before


def test_set_help_lists_the_task_keys(capsys) -> None:
    code, text, _ = run(capsys, "settings", "set", "--help")
    assert code == 0
    assert "tasks.engagement.TIER.CADENCE" in text
    assert "tasks.capacity.max_accounts.TOUCH_MODEL" in text
