"""Who am I, on a shared store: "I am" defaults to the owner named as the user, and a CSM who
said who they are (`cspm me`) is recorded under that name, not under a laptop login."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import create_engine, text

from cspm.cli import main
from cspm.service.accounts import account_detail
from cspm.service.context import AppContext
from cspm.service.personal import USER, set_personal
from cspm.storage.db import resolve_url
from tests.files import write_csv
from tests.team.test_undo_mine import DANA_ROWS, HEADER, ROBIN_ROWS

TODAY = ["--today", "2026-11-23"]


def run(capsys, url: str, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", url, *TODAY, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_i_am_defaults_to_the_owner_named_as_me(store_url: str, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *DANA_ROWS, *ROBIN_ROWS])
    assert run(capsys, store_url, "import", str(path))[0] == 0
    code, _, err = run(capsys, store_url, "accounts", "--owner", "me")
    assert code == 2 and "You have not said who you are" in err  # the login is no owner

    set_personal(USER, "robin park")  # the recorded name, in any case
    code, out, _ = run(capsys, store_url, "me")
    assert code == 0 and out.strip() == "You are Robin Park (the owner named as you, robin park)."
    code, out, _ = run(capsys, store_url, "accounts", "--owner", "me", "--format", "json")
    assert code == 0 and {r["name"] for r in json.loads(out)} == {"Initech", "Umbrella"}


def test_a_csm_who_said_who_they_are_is_recorded_under_that_name(
    store_url: str, tmp_path: Path, capsys
) -> None:
    path = write_csv(tmp_path / "team.csv", [HEADER, *DANA_ROWS, *ROBIN_ROWS])
    assert run(capsys, store_url, "import", str(path))[0] == 0
    assert run(capsys, store_url, "me", "Dana Lee")[0] == 0
    assert run(capsys, store_url, "log", "Acme Corp", "--kind", "call")[0] == 0
    engine = create_engine(resolve_url(store_url))
    with engine.connect() as conn:
        latest = conn.execute(text('SELECT "user" FROM change_log ORDER BY id DESC')).first()
        touch = conn.execute(text('SELECT "user" FROM touchpoints')).scalar_one()
    engine.dispose()
    assert latest is not None and latest[0] == "Dana Lee"
    assert touch == "Dana Lee"
    ctx = AppContext.open(store_url, today=dt.date(2026, 11, 23))
    try:
        detail = account_detail(ctx, DANA_ROWS[0][0])
    finally:
        ctx.close()
    assert detail.touchpoints == ["2026-11-23 · call · by Dana Lee"]
