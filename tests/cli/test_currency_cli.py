"""The portfolio currency and the rate table from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspm.cli import main
from tests.files import write_csv


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_currency_and_rates_from_the_command_line(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    base = ("--db", db_url, "--today", "2026-11-23")
    assert _run(capsys, *base, "settings", "set", "currency.code", "EUR")[0] == 0
    code, out, _ = _run(capsys, *base, "settings", "rates", "USD=0.92", "--from", "2026-01-01")
    assert code == 0
    assert "USD  0.92 EUR  from 2026-01-01" in out
    rows = [
        ["Account ID", "Account Name", "ARR", "Currency"],
        ["A1", "Alpha", "100000", "USD"],
        ["A2", "Beta", "30000", "CHF"],
    ]
    code, out, _ = _run(capsys, *base, "import", str(write_csv(tmp_path / "a.csv", rows)))
    assert code == 0
    assert "converted to EUR at 0.92" in out
    assert "no CHF rate on or before 2026-11-23 (rows 3)" in out
    code, out, _ = _run(capsys, *base, "accounts")
    assert code == 0
    assert "€92,000" in out
    assert "CHF 30,000 (CHF: no rate, not in totals)" in out


@pytest.mark.parametrize(
    "args",
    [
        ["settings", "rates", "EUR"],
        ["settings", "rates", "EUR=abc"],
        ["settings", "rates", "USD=1"],
        ["settings", "set", "currency.code", "dollars"],
        ["settings", "rates", "--remove", "GBP"],
    ],
)
def test_bad_currency_input_is_exit_2_in_one_sentence(
    capsys: pytest.CaptureFixture[str], db_url: str, args: list[str]
) -> None:
    code, _out, err = _run(capsys, "--db", db_url, *args)
    assert code == 2
    assert err.count("\n") == 1
    assert "Traceback" not in err
