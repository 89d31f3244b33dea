"""ImportsView (list, undo latest with confirmation) and SettingsView (tiers, renames, errors,
database backup and switching), with real widgets on a real database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.segments import list_segments
from cspm.service.settings import get_settings
from cspm.ui.imports_view import ImportsView
from cspm.ui.settings_view import SettingsView
from tests.files import HEADER, write_xlsx
from tests.ui.test_rule_builder import ACCOUNTS

D = dt.datetime


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS]))
    return ctx


def tiers(ctx) -> dict[str, str]:
    frame = list_accounts(ctx)
    return dict(zip(frame["name"], frame["tier"], strict=True))


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_undo_latest_import_restores_the_previous_state(qtbot, loaded, tmp_path) -> None:
    changed = [[*r] for r in ACCOUNTS]
    changed[1][3] = 150_000  # Globex grows
    extra = ["A-9", "Newco", "Fox", 5_000, D(2027, 2, 1), 60, D(2026, 10, 1), "Active"]
    import_file(loaded, write_xlsx(tmp_path / "later.xlsx", [HEADER, *changed, extra]))
    before_undo = tiers(loaded)
    assert before_undo["Globex"] == "Enterprise" and "Newco" in before_undo

    view = ImportsView(loaded)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.imports is not None, timeout=10_000)
    assert view.model.rowCount() == 2
    assert view.model.rows[0][1] == "later.xlsx · Accounts"
    assert view.model.rows[0][4] == "1" and view.model.rows[0][9] == "Imported"
    assert view.undo_button.isEnabled()

    click(qtbot, view.undo_button)
    box = view.findChild(QMessageBox, "cspm-confirm")
    assert box is not None and "later.xlsx" in box.text()
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: view.model.rows and view.model.rows[0][9] == "Undone", timeout=10_000)
    assert "Undid the import of later.xlsx" in view.message.text()
    after = tiers(loaded)
    assert after["Globex"] == "Mid-Market" and "Newco" not in after
    assert len(after) == len(ACCOUNTS)

    # No keeps everything; undoing the last one empties the portfolio
    click(qtbot, view.undo_button)
    box = view.findChild(QMessageBox, "cspm-confirm")
    click(qtbot, box.button(QMessageBox.StandardButton.No))
    assert len(tiers(loaded)) == len(ACCOUNTS)
    click(qtbot, view.undo_button)
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        click(
            qtbot,
            view.findChild(QMessageBox, "cspm-confirm").button(QMessageBox.StandardButton.Yes),
        )
    qtbot.waitUntil(lambda: not view.undo_button.isEnabled(), timeout=10_000)
    assert list_accounts(loaded).empty


def test_an_import_can_be_re_dated_and_history_follows(qtbot, loaded, tmp_path) -> None:
    from PySide6.QtCore import QDate

    from cspm.service.imports_list import list_imports

    changed = [[*r] for r in ACCOUNTS]
    changed[1][3] = 150_000  # Globex grows in the later file
    import_file(loaded, write_xlsx(tmp_path / "later.xlsx", [HEADER, *changed]))
    assert tiers(loaded)["Globex"] == "Enterprise"
    view = ImportsView(loaded)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.imports is not None, timeout=10_000)
    view.table.selectRow(0)  # later.xlsx
    assert view.redate_button.isEnabled()
    view.as_of_edit.setDate(QDate(2025, 1, 31))  # it really describes last year
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        click(qtbot, view.redate_button)
    qtbot.waitUntil(lambda: view.model.rows[0][2] == "2025-01-31", timeout=10_000)
    assert list_imports(loaded)[0].as_of == dt.date(2025, 1, 31)
    assert tiers(loaded)["Globex"] == "Mid-Market"  # the other file is newer now


def open_settings(qtbot, ctx) -> SettingsView:
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.settings is not None, timeout=10_000)
    return view


def row_named(view: SettingsView, name: str):
    return next(r for r in view.rows if r.name.text() == name)


def test_changing_a_threshold_changes_tiers(qtbot, loaded) -> None:
    assert tiers(loaded)["Globex"] == "Mid-Market"  # 45,000
    view = open_settings(qtbot, loaded)
    assert [r.name.text() for r in view.rows] == ["Enterprise", "Mid-Market", "SMB"]
    spin = row_named(view, "Mid-Market").min_arr
    assert spin.text() == "$ 25,000"
    spin.selectAll()
    qtbot.keyClicks(spin, "50000")
    assert spin.value() == 50_000
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        click(qtbot, view.save_button)
    assert view.message.text().startswith("Saved")
    assert tiers(loaded)["Globex"] == "SMB"
    assert [(b.name, b.min_arr) for b in get_settings(loaded).tier_bands] == [
        ("Enterprise", 100_000), ("Mid-Market", 50_000), ("SMB", 0),
    ]  # fmt: skip


def test_rename_follows_into_rules_and_errors_are_shown(qtbot, loaded) -> None:
    view = open_settings(qtbot, loaded)
    name = row_named(view, "Mid-Market").name
    name.selectAll()
    qtbot.keyClicks(name, "Growth")
    click(qtbot, view.add_tier_button)
    new = view.rows[-1]
    qtbot.keyClicks(new.name, "Micro")
    new.min_arr.setValue(0)  # same minimum as SMB: the service refuses
    view.renewal_days.setValue(60)
    click(qtbot, view.save_button)
    qtbot.waitUntil(lambda: view.message.text().startswith("Not saved"), timeout=10_000)
    assert "same minimum ARR" in view.message.text()
    assert "c62828" in view.message.styleSheet()
    assert get_settings(loaded).lifecycle.renewal_days == 90  # nothing saved

    view.tier_table.setCurrentCell(len(view.rows) - 1, 0)
    click(qtbot, view.remove_tier_button)
    assert [r.name.text() for r in view.rows] == ["Enterprise", "Growth", "SMB"]
    with qtbot.waitSignal(view.data_changed, timeout=10_000):
        click(qtbot, view.save_button)
    settings = get_settings(loaded)
    assert settings.tier_names == ("Enterprise", "Growth", "SMB", "Unassigned")
    assert settings.lifecycle.renewal_days == 60
    assert tiers(loaded)["Globex"] == "Growth"
    qbr = next(s for s in list_segments(loaded) if s.name == "No QBR in 120 days")
    tiers_condition = qbr.rule["all"][1]["all"][1]  # inside the built-in's not-churned wrapper
    assert "Growth" in tiers_condition["value"] and qbr.error is None
    assert [r.original for r in view.rows] == ["Enterprise", "Growth", "SMB"]


def test_database_backup_open_and_create(qtbot, loaded, tmp_path, monkeypatch) -> None:
    view = open_settings(qtbot, loaded)
    assert view.db_label.text() == loaded.db.name  # its file path, not a sqlite:/// URL
    assert view.backup_button.isEnabled()
    target = tmp_path / "backup.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, view.backup_button)
    qtbot.waitUntil(lambda: view.db_message.text().startswith("Backed up"), timeout=10_000)
    with sqlite3.connect(target) as conn:
        assert conn.execute("select count(*) from accounts").fetchone()[0] == len(ACCOUNTS)

    other = tmp_path / "other.sqlite3"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    with qtbot.waitSignal(view.database_requested) as opened:
        click(qtbot, view.open_db_button)
    assert opened.args == [str(other)]

    fresh = tmp_path / "fresh.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(fresh), ""))
    with qtbot.waitSignal(view.database_requested) as created:
        click(qtbot, view.new_db_button)
    assert created.args == [str(fresh)]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.assertNotEmitted(view.database_requested):
        click(qtbot, view.new_db_button)
    assert "already exists" in view.db_message.text()
