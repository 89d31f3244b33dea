"""One related round trip on a real PostgreSQL server: subscriptions before the accounts file
(their links written when it arrives, through the temporary link table), the derived ARR, an
identical re-import, and undo back to nothing derived."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from tests.service.related_files import AS_OF, accounts_csv, subscriptions_csv
from tests.storage.test_postgres import pg_url  # noqa: F401  (the fixture)

TODAY = "2026-11-23"


def _run(capsys, url: str, *args: str) -> tuple[int, str]:
    code = main(["--db", url, "--today", TODAY, *args])
    return code, capsys.readouterr().out


def _arr(capsys, url: str) -> dict[str, float | None]:
    code, out = _run(capsys, url, "accounts", "--format", "json")
    assert code == 0
    return {r["external_id"]: r["arr"] for r in json.loads(out)}


def test_related_round_trip_on_postgres(capsys, pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    as_of = ["--as-of", AS_OF.isoformat()]
    subs = subscriptions_csv(tmp_path)
    code, out = _run(capsys, pg_url, "import", str(subs), *as_of)
    assert code == 0 and "linked 0, unlinked 6" in out
    code, _ = _run(capsys, pg_url, "import", str(accounts_csv(tmp_path)), *as_of)
    assert code == 0
    arr = _arr(capsys, pg_url)
    assert arr["ACC-1"] == pytest.approx(12_000.00, abs=0.005)
    assert arr["ACC-2"] == pytest.approx(48_000.00, abs=0.005)
    assert arr["ACC-3"] == pytest.approx(1_199.88, abs=0.005)

    code, out = _run(capsys, pg_url, "import", str(subs), *as_of)
    assert code == 0 and "already imported" in out

    code, _ = _run(capsys, pg_url, "imports", "undo")  # the accounts file
    assert code == 0
    assert _arr(capsys, pg_url) == {}
    code, _ = _run(capsys, pg_url, "imports", "undo")  # the subscriptions
    assert code == 0
    code, out = _run(capsys, pg_url, "imports", "list", "--format", "json")
    assert [(r["kind"], r["status"]) for r in json.loads(out)] == [
        ("accounts", "undone"),
        ("subscriptions", "undone"),
    ]
