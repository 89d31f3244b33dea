"""`cspm settings keys` and `cspm settings set -h` list every declared key with what it takes;
`set` refuses a bad value in one line naming the key and what it allows, with exit code 2 and
the database untouched; personal keys go to the person's own file, not the team database."""

from __future__ import annotations

import json

import pytest

from cspm.cli import main
from cspm.core.setting_keys import DECLARED
from cspm.service import personal


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_lists_every_declared_key_with_range_default_and_help(capsys) -> None:
    code, text, _ = run(capsys, "settings", "keys")
    assert code == 0
    for key in DECLARED:
        assert f"\n  {key} " in text or f"\n  {key}\n" in text, key
    line = next(ln for ln in text.splitlines() if ln.startswith("  lifecycle.renewal_days "))
    assert "a whole number from 0 to 3650 days; default 90" in line
    assert "one of month_first | day_first; default month_first" in text
    assert "within this many days (or" in text  # the help, wrapped under the key
    assert text.index("personal keys") < text.index("\n  me ")


def test_keys_as_json_carry_the_declared_range(capsys) -> None:
    code, text, _ = run(capsys, "settings", "keys", "--format", "json")
    assert code == 0
    records = {r["key"]: r for r in json.loads(text)}
    assert records.keys() == DECLARED.keys()
    assert records["health.min_signals"] | {"help": ""} == {
        "key": "health.min_signals",
        "scope": "team",
        "allowed": "a whole number from 1 to 11",  # one per health component
        "min": 1,
        "max": 11,
        "choices": [],
        "default": 2,
        "label": "Score needs at least",
        "help": "",
    }
    assert records["me"]["scope"] == "personal"


def test_set_help_lists_the_declared_keys_and_the_tables(capsys) -> None:
    code, text, _ = run(capsys, "settings", "set", "-h")
    assert code == 0
    assert "tasks.horizon_days" in text and "a whole number from 0 to 365 days" in text
    assert "health.tier.TIER.COMPONENT" in text and "cspm settings set currency.code EUR" in text


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        ("lifecycle.renewal_days", "4000",
         "cspm: lifecycle.renewal_days must be between 0 and 3650, got 4000.\n"),
        ("health.green_from", "high",
         "cspm: health.green_from needs a number from 0 to 100, got 'high'.\n"),
        ("tasks.weights.renewal_share", "2",
         "cspm: tasks.weights.renewal_share must be between 0 and 1, got 2.\n"),
        ("currency.format", "left",
         "cspm: currency.format must be one of symbol_before, symbol_after, code_before, "
         "code_after.\n"),
        ("lifecycle.renewal", "30",
         "cspm: Unknown setting 'lifecycle.renewal'; the lifecycle settings are "
         "lifecycle.onboarding_days, lifecycle.renewal_days, lifecycle.adoption_days, "
         "lifecycle.advocate_nps, lifecycle.advocate_health.\n"),
        ("health.tier.SMB.nps", "-1",
         "cspm: health.tier.SMB.nps cannot be negative; it takes a number from 0 to 100.\n"),
        ("colour", "red",
         "cspm: Unknown setting 'colour'; `cspm settings keys` lists every setting.\n"),
    ],
)  # fmt: skip
def test_bad_values_exit_2_with_one_line_and_nothing_stored(
    capsys, db_url: str, key: str, value: str, line: str
) -> None:
    before = run(capsys, "--db", db_url, "settings")[1]
    code, out, err = run(capsys, "--db", db_url, "settings", "set", key, value)
    assert (code, out, err) == (2, "", line)
    assert run(capsys, "--db", db_url, "settings")[1] == before


def test_newly_settable_priority_weights_are_stored(capsys, db_url: str) -> None:
    code, out, _ = run(capsys, "--db", db_url, "settings", "set", "tasks.weights.risk", "0.6")
    assert code == 0 and json.loads(out)["weights"]["risk"] == 0.6
    assert json.loads(run(capsys, "--db", db_url, "settings")[1])["tasks"]["weights"]["risk"] == 0.6


def test_personal_keys_go_to_the_personal_file_not_the_database(capsys, db_url: str) -> None:
    before = run(capsys, "--db", db_url, "settings")[1]
    code, out, _ = run(capsys, "--db", db_url, "settings", "set", "me", "Dana Lee")
    assert code == 0 and json.loads(out) == {"me": "Dana Lee", "user": None}
    assert personal.my_owner() == "Dana Lee"
    assert run(capsys, "--db", db_url, "settings")[1] == before
    assert run(capsys, "--db", db_url, "settings", "set", "me", "")[0] == 0
    assert personal.my_owner() is None
