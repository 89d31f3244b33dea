"""Atomic report writing: a finished file replaces the old one, a failure leaves it alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cspm.core.errors import BadInputError, CspmError
from cspm.reports import safe_write
from cspm.reports.safe_write import ExportCancelledError, atomic_output, check_cancelled

LOCKED = "report.xlsx is open in another program or not writable: close it in Excel and try again."


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_success_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_text("old")
    with atomic_output(target) as temp:
        assert temp.parent == tmp_path and temp != target
        temp.write_text("new")
        assert target.read_text() == "old"  # not replaced before the block ends
    assert target.read_text() == "new"
    assert leftovers(tmp_path) == []


def test_failure_keeps_the_old_file_and_removes_the_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as temp:
        temp.write_text("half a rep")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_cancel_is_a_cspm_error_with_a_clear_message(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    with (
        pytest.raises(CspmError, match=r"Export cancelled; nothing was written\."),
        atomic_output(target),
    ):
        check_cancelled(lambda: True)
    assert not target.exists()
    assert leftovers(tmp_path) == []
    check_cancelled(None)
    check_cancelled(lambda: False)
    assert issubclass(ExportCancelledError, CspmError)


def test_locked_target_gives_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel on Windows holds its open files locked: os.replace raises PermissionError."""
    target = tmp_path / "report.xlsx"
    target.write_text("old")

    def locked(_src: object, _dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(safe_write.os, "replace", locked)
    with pytest.raises(BadInputError) as info, atomic_output(target) as temp:
        temp.write_text("new")
    assert str(info.value) == LOCKED
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_directory_in_the_way_gives_the_sentence(tmp_path: Path) -> None:
    (tmp_path / "report.xlsx").mkdir()
    with (
        pytest.raises(BadInputError, match=r"report\.xlsx is open in another program"),
        atomic_output(tmp_path / "report.xlsx"),
    ):
        pass
    assert leftovers(tmp_path) == []


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with (
        pytest.raises(BadInputError, match="does not exist"),
        atomic_output(tmp_path / "nope" / "report.xlsx"),
    ):
        pass


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    with atomic_output(target) as temp:
        temp.write_text("x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
