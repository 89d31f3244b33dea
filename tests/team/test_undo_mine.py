"""Who did what on a shared store, and `imports undo` takes back only the user's own import.

The fault: `imports undo` undid the latest import whoever made it (one CSM undid a colleague's
21,000-account import), and nothing on imports, touchpoints, overrides or segments said who
made them. Two colleagues here are two personal-settings folders with their own names, as on
two laptops; every step is the command a CSM types.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cspm.cli import main
from cspm.storage.db import resolve_url
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date"]
DANA_ROWS = [
    ["0015g00000DaNa1", "Acme Corp", "Dana Lee", "120000", "2027-03-31"],
    ["0015g00000DaNa2", "Globex", "Dana Lee", "45000", "2027-05-31"],
]
ROBIN_ROWS = [
    ["0015g00000RoBi1", "Initech", "Robin Park", "80000", "2027-02-28"],
    ["0015g00000RoBi2", "Umbrella", "Robin Park", "15000", "2027-08-31"],
]
TODAY = ["--today", "2026-11-23"]


class Colleague:
    """One CSM at their own laptop: their personal settings, their name, the shared store."""

    def __init__(self, name: str, url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
        self.name, self.url, self.monkeypatch, self.capsys = name, url, monkeypatch, capsys
        self.config = f"{os.environ['CSPM_CONFIG_DIR']}-{name.replace(' ', '-')}"

    def run(self, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.setenv("CSPM_CONFIG_DIR", self.config)
        self.capsys.readouterr()
        code = main(["--db", self.url, *TODAY, *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, err
        return out

    def set_up(self) -> Colleague:
        self.monkeypatch.setenv("CSPM_CONFIG_DIR", self.config)
        from cspm.service.personal import USER, set_personal

        set_personal(USER, self.name)
        return self


@pytest.fixture
def team(store_url: str, monkeypatch: pytest.MonkeyPatch, capsys):
    dana = Colleague("Dana Lee", store_url, monkeypatch, capsys).set_up()
    robin = Colleague("Robin Park", store_url, monkeypatch, capsys).set_up()
    return dana, robin


def names(colleague: Colleague) -> set[str]:
    return {r["name"] for r in json.loads(colleague.ok("accounts", "--format", "json"))}


def imports(colleague: Colleague) -> list[dict]:
    return json.loads(colleague.ok("imports", "list", "--format", "json"))


def test_undo_takes_back_my_import_not_my_colleagues_later_one(team, tmp_path: Path) -> None:
    dana, robin = team
    dana.ok("import", str(write_csv(tmp_path / "dana.csv", [HEADER, *DANA_ROWS])))
    robin.ok("import", str(write_csv(tmp_path / "robin.csv", [HEADER, *ROBIN_ROWS])))
    assert [(i["file_name"], i["user"]) for i in imports(dana)] == [
        ("robin.csv", "Robin Park"),
        ("dana.csv", "Dana Lee"),
    ]
    out = dana.ok("imports", "undo")
    assert "dana.csv" in out
    assert names(robin) == {"Initech", "Umbrella"}  # Robin's import stands
    assert [(i["file_name"], i["status"]) for i in imports(robin)] == [
        ("robin.csv", "committed"),
        ("dana.csv", "undone"),
    ]
    code, _, err = dana.run("imports", "undo")
    assert code == 2
    assert "You (Dana Lee) have no import to undo" in err and "Robin Park's" in err
    assert names(robin) == {"Initech", "Umbrella"}


def test_undo_of_an_import_a_colleague_built_on_is_refused_or_done_anyway(
    team, tmp_path: Path
) -> None:
    dana, robin = team
    dana.ok("import", str(write_csv(tmp_path / "dana.csv", [HEADER, *DANA_ROWS])))
    grown = [[*DANA_ROWS[0][:3], "150000", DANA_ROWS[0][4]], DANA_ROWS[1]]
    robin.ok(
        "import", str(write_csv(tmp_path / "q4.csv", [HEADER, *grown])), "--as-of", "2026-11-20"
    )
    code, _, err = dana.run("imports", "undo")
    assert code == 2
    assert "q4.csv by Robin Park" in err and "same accounts" in err and "--anyway" in err
    assert len(imports(dana)) == 2 and all(i["status"] == "committed" for i in imports(dana))

    dana.ok("imports", "undo", "--anyway")
    accounts = {r["name"]: r for r in json.loads(dana.ok("accounts", "--format", "json"))}
    assert set(accounts) == {"Acme Corp", "Globex"}  # Robin's snapshots keep them
    assert accounts["Acme Corp"]["arr"] == 150000
    assert [(i["file_name"], i["status"]) for i in imports(robin)] == [
        ("q4.csv", "committed"),
        ("dana.csv", "undone"),
    ]


def test_touchpoints_overrides_segments_and_changes_name_who(
    team, tmp_path: Path, store_url: str
) -> None:
    dana, robin = team
    dana.ok("import", str(write_csv(tmp_path / "dana.csv", [HEADER, *DANA_ROWS])))
    robin.ok("log", "Acme Corp", "--kind", "call", "--note", "renewal chat")
    dana.ok("override", "Globex", "Enterprise", "--reason", "strategic logo")
    rule = json.dumps({"field": "arr", "op": ">=", "value": 100000})
    robin.ok("segments", "add", "Big renewals", "--rule", rule)
    listed = {s["name"]: s for s in json.loads(dana.ok("segments", "--format", "json"))}
    assert listed["Big renewals"]["changed_by"] == "Robin Park"
    engine = create_engine(resolve_url(store_url))
    with engine.connect() as conn:
        touch = conn.execute(text('SELECT "user" FROM touchpoints')).scalars().all()
        pinned = conn.execute(text('SELECT "user" FROM tier_overrides')).scalars().all()
        segment = conn.execute(
            text("SELECT \"user\" FROM segments WHERE name = 'Big renewals'")
        ).scalar_one()
        changes = conn.execute(text('SELECT "user", db_user FROM change_log ORDER BY id')).all()
    engine.dispose()
    assert touch == ["Robin Park"]
    assert pinned == ["Dana Lee"]
    assert segment == "Robin Park"
    assert [u for u, _ in changes][-4:] == ["Dana Lee", "Robin Park", "Dana Lee", "Robin Park"]
    if store_url.startswith("postgresql"):  # the server's login role, which a name cannot fake
        assert {db for _, db in changes} == {make_login(store_url)}
    else:
        assert {db for _, db in changes} == {None}


def make_login(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).username)


def test_a_pinned_tier_says_who_pinned_it(team, tmp_path: Path) -> None:
    dana, robin = team
    dana.ok("import", str(write_csv(tmp_path / "dana.csv", [HEADER, *DANA_ROWS])))
    robin.ok("override", "Globex", "Enterprise", "--reason", "strategic logo")
    accounts = {r["name"]: r for r in json.loads(dana.ok("accounts", "--format", "json"))}
    assert accounts["Globex"]["tier"] == "Enterprise"
    assert accounts["Globex"]["tier_reason"] == "override: strategic logo (by Robin Park)"
