"""Rolling backups before imports, undos and settings saves; what PostgreSQL says instead."""

from __future__ import annotations

from pathlib import Path

from cspm.service.backup import backups_folder, list_backups
from cspm.service.import_undo import undo_latest_import
from cspm.service.imports import import_file
from cspm.service.settings import set_value
from tests.storage.test_postgres import pg_url  # noqa: F401  (the fixture)
from tests.store.helpers import accounts_csv, run


def reasons(ctx) -> list[str]:
    return [b.reason for b in list_backups(ctx.db.url)]


def test_the_newest_five_are_kept_then_the_setting_rules(ctx, tmp_path: Path) -> None:
    for i in range(7):
        import_file(ctx, accounts_csv(tmp_path / f"f{i}.csv", 10 + i))
    assert reasons(ctx) == ["before import"] * 5
    undo_latest_import(ctx)
    assert reasons(ctx) == ["before undo"] + ["before import"] * 4
    set_value(ctx, "db.backups_kept", "2")
    # the save itself was still backed up under the old setting (5 kept)
    assert reasons(ctx) == ["before settings", "before undo"] + ["before import"] * 3
    import_file(ctx, accounts_csv(tmp_path / "g.csv", 30))
    assert reasons(ctx) == ["before import", "before settings"]
    set_value(ctx, "db.backups_kept", "0")  # backed up (kept was 2), then none any more
    before = sorted(p.name for p in backups_folder(ctx.db.file).iterdir())
    import_file(ctx, accounts_csv(tmp_path / "h.csv", 31))
    assert sorted(p.name for p in backups_folder(ctx.db.file).iterdir()) == before


def test_a_dry_run_takes_no_backup(ctx, tmp_path: Path) -> None:
    from cspm.service.import_results import ImportOptions

    import_file(ctx, accounts_csv(tmp_path / "a.csv", 5), ImportOptions(dry_run=True))
    assert reasons(ctx) == []


def test_negative_settings_are_refused(capsys, db_url: str) -> None:
    code, _, err = run(capsys, "--db", db_url, "settings", "set", "db.backups_kept", "-1")
    assert code == 2 and "cannot be negative" in err
    code, _, err = run(capsys, "--db", db_url, "settings", "set", "db.lock_wait_seconds", "soon")
    assert code == 2 and "needs a number" in err


def test_postgres_keeps_no_backups_and_checks_itself(
    capsys,
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    code, _, err = run(capsys, "--db", pg_url, "import", str(accounts_csv(tmp_path / "a.csv", 5)))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", pg_url, "db", "backups")
    assert code == 0 and "PostgreSQL database are the server's job" in out
    code, out, _ = run(capsys, "--db", pg_url, "db", "check")
    assert code == 0 and "PostgreSQL checks its own storage" in out
    code, _, err = run(capsys, "--db", pg_url, "db", "restore", "1")
    assert code == 2 and "server's job" in err
