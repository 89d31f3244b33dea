"""My book in the window, with real widgets on the real demo database: the toolbar's owner
filter ("Me" asks once) drives the matrix, the table, the status bar, tasks, segments, trends
and the export dialog; the search box and the segment filter narrow the matrix and totals.
Every expectation is the service's answer for the same question."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from cspm.core.book import UNASSIGNED, BookFilter
from cspm.core.money import compact_one
from cspm.service.book import filter_accounts, owners
from cspm.service.outcomes import outcomes
from cspm.service.personal import ME, my_owner, set_personal
from cspm.service.portfolio import list_accounts, load_portfolio
from cspm.service.segments import list_segments
from cspm.service.tasks import list_tasks
from cspm.ui.export_dialog import ExportDialog
from cspm.ui.main_window import MainWindow
from cspm.ui.owner_filter import EVERYONE, WhoAmIDialog
from tests.ui.test_tasks_view import demo_ctx, demo_file  # noqa: F401  (shared fixtures)


def open_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    qtbot.waitUntil(
        lambda: window.summary is not None and bool(window.book.filter.owners), timeout=60_000
    )
    return window


def matrix_counts(window: MainWindow) -> dict[tuple[str, str], int]:
    m = window.portfolio.matrix.model_
    return {(t, s): m.cell(t, s)[0] for t in m.tiers for s in m.stages}


def expected_counts(window: MainWindow, frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    m = window.portfolio.matrix.model_
    got = frame.groupby(["tier", "lifecycle_stage"]).size()
    return {(t, s): int(got.get((t, s), 0)) for t in m.tiers for s in m.stages}


def pick(qtbot, combo: QComboBox, data: object) -> None:
    """Choose an item the way a keyboard user does: focus, then arrow keys to it."""
    target = combo.findData(data)
    assert target >= 0, data
    combo.setFocus()
    while combo.currentIndex() < target:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > target:
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert combo.currentIndex() == target


def who_am_i_dialog() -> WhoAmIDialog | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, WhoAmIDialog)]
    return next((w for w in found if w.isVisible()), None)


@pytest.fixture
def window(qtbot, demo_ctx) -> MainWindow:  # noqa: F811
    return open_window(qtbot, demo_ctx)


def test_me_asks_once_then_shows_exactly_my_accounts(qtbot, window, demo_ctx) -> None:  # noqa: F811
    everyone = matrix_counts(window)
    assert window.status_accounts.text() == f"{window.summary.accounts:,} accounts"
    me = owners(demo_ctx)[1].name
    mine = list_accounts(demo_ctx, owner=me)
    owner_filter = window.book.filter
    owner_filter.setFocus()
    qtbot.keyClick(owner_filter, Qt.Key.Key_Home)  # "Me…": nobody chosen yet, so it asks
    qtbot.waitUntil(lambda: who_am_i_dialog() is not None)
    dialog = who_am_i_dialog()
    assert dialog is not None
    pick(qtbot, dialog.combo, me)
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: my_owner() == me)  # saved as the personal setting
    assert window.book.owner() == me
    assert owner_filter.currentText() == f"Me ({me}, {len(mine):,})"
    counts = matrix_counts(window)
    assert counts == expected_counts(window, mine) != everyone
    assert window.portfolio.model.rowCount() == len(mine)
    assert set(window.portfolio.model.visible_keys()) == set(mine.index)
    assert window.status_accounts.text() == f"My book ({me}) · {len(mine):,} accounts"
    money = load_portfolio(demo_ctx).settings.money
    assert window.status_arr.text() == f"ARR {compact_one(float(mine['arr'].sum()), money)}"

    # asked once: Everyone, then Me again, switches without asking
    pick(qtbot, owner_filter, EVERYONE)
    assert matrix_counts(window) == everyone
    assert window.status_accounts.text() == f"{window.summary.accounts:,} accounts"
    qtbot.keyClick(owner_filter, Qt.Key.Key_Home)
    assert who_am_i_dialog() is None and window.book.owner() == me
    assert matrix_counts(window) == expected_counts(window, mine)


def test_cancelling_the_question_keeps_the_previous_choice(qtbot, window) -> None:
    owner_filter = window.book.filter
    owner_filter.setFocus()
    qtbot.keyClick(owner_filter, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: who_am_i_dialog() is not None)
    dialog = who_am_i_dialog()
    assert dialog is not None
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: who_am_i_dialog() is None)
    assert owner_filter.currentData() == EVERYONE and window.book.owner() is None
    assert my_owner() is None


def test_a_named_owner_and_the_unassigned(qtbot, window, demo_ctx) -> None:  # noqa: F811
    listed = owners(demo_ctx)
    other = listed[0].name
    pick(qtbot, window.book.filter, other)
    theirs = list_accounts(demo_ctx, owner=other)
    assert matrix_counts(window) == expected_counts(window, theirs)
    assert window.status_accounts.text() == f"{other}'s book · {len(theirs):,} accounts"
    frame = load_portfolio(demo_ctx).frame
    nobody = frame[frame["owner"].isna()]
    if len(nobody):  # the demo leaves a few accounts without an owner
        assert window.book.filter.findData(UNASSIGNED) >= 0
        pick(qtbot, window.book.filter, UNASSIGNED)
        assert window.portfolio.model.rowCount() == len(nobody)
        assert window.status_accounts.text().startswith("Unassigned accounts · ")


def test_search_lumen_changes_the_matrix_and_the_totals(qtbot, window, demo_ctx) -> None:  # noqa: F811
    before = matrix_counts(window)
    qtbot.keyClicks(window.search, "Lumen")
    hits = filter_accounts(demo_ctx, BookFilter(search="Lumen"))
    assert 0 < len(hits) < window.summary.accounts
    assert matrix_counts(window) == expected_counts(window, hits) != before
    total = window.summary.accounts
    assert window.status_accounts.text() == f"search 'Lumen' · {len(hits)} of {total:,} accounts"
    # with an owner: the owner's accounts matching the search
    owner = str(hits["owner"].dropna().iloc[0])
    pick(qtbot, window.book.filter, owner)
    both = filter_accounts(demo_ctx, BookFilter(owner=owner, search="Lumen"))
    assert matrix_counts(window) == expected_counts(window, both)
    in_book = len(list_accounts(demo_ctx, owner=owner))
    assert window.status_accounts.text() == (
        f"{owner}'s book · search 'Lumen' · {len(both)} of {in_book:,} accounts"
    )


def test_the_segment_filter_and_a_matrix_click_narrow_the_totals(qtbot, window, demo_ctx) -> None:  # noqa: F811
    segment = max((s for s in list_segments(demo_ctx) if not s.error), key=lambda s: s.count)
    view = window.portfolio
    pick(qtbot, view.segment_combo, segment.name)
    members = filter_accounts(demo_ctx, BookFilter(segment=segment.name))
    assert len(members) == segment.count
    assert matrix_counts(window) == expected_counts(window, members)
    assert view.model.rowCount() == segment.count
    tier = str(members["tier"].iloc[0])
    view.matrix.verticalHeader().sectionClicked.emit(view.matrix.model_.tiers.index(tier))
    narrowed = members[members["tier"] == tier]
    assert view.model.rowCount() == len(narrowed)
    assert window.status_accounts.text() == (
        f"{segment.name} · {tier} · {len(narrowed)} of {segment.count} accounts"
    )


def test_tasks_and_segment_counts_follow_the_owner(qtbot, window, demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    pick(qtbot, window.book.filter, owner)
    window.show_view("tasks")
    tasks_view = window.views["tasks"]
    expected = list_tasks(demo_ctx, owner=owner)
    qtbot.waitUntil(
        lambda: (
            tasks_view.tasks is not None and list(tasks_view.tasks["id"]) == list(expected["id"])
        ),
        timeout=60_000,
    )
    assert tasks_view.owner_combo.currentData() == owner
    assert set(tasks_view.tasks["owner"]) == {owner}

    window.show_view("segments")
    segments_view = window.views["segments"]
    mine = {s.name: s.count for s in list_segments(demo_ctx, owner=owner)}
    qtbot.waitUntil(
        lambda: (
            segments_view.segments is not None
            and {s.name: s.count for s in segments_view.segments} == mine
        ),
        timeout=60_000,
    )
    assert segments_view.scope_label.text() == f"Counts: {owner}'s book"
    # the members listed are the owner's too
    biggest = max(segments_view.segments, key=lambda s: s.count)
    segments_view.select(biggest.name)
    qtbot.waitUntil(lambda: segments_view.members_loaded_for == biggest.name, timeout=60_000)
    members = segments_view.members_model.frame
    assert len(members) == biggest.count and set(members["owner"]) == {owner}

    # switching back to everyone while Tasks is hidden: it reloads when shown again
    pick(qtbot, window.book.filter, EVERYONE)
    every = list_tasks(demo_ctx)
    window.show_view("tasks")
    qtbot.waitUntil(lambda: len(tasks_view.tasks) == len(every), timeout=60_000)


def test_trends_follow_the_owner(qtbot, window, demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    window.show_view("trends")
    trends = window.views["trends"]
    pick(qtbot, window.book.filter, owner)
    assert trends.status.text() == "Computing outcomes…"  # busy while the worker runs
    expected = outcomes(demo_ctx, by="tier", period="quarter", owner=owner)
    qtbot.waitUntil(
        lambda: trends.table_frame is not None and trends.table_frame.equals(expected),
        timeout=90_000,
    )
    assert trends.status.text().startswith(f"{owner}'s book · ")


def test_export_starts_with_the_filter_and_the_last_folder(
    qtbot,
    window,
    demo_ctx,  # noqa: F811
    tmp_path: Path,
) -> None:
    owner = owners(demo_ctx)[0].name
    pick(qtbot, window.book.filter, owner)
    view = window.portfolio
    tier = view.matrix.model_.tiers[0]
    view.matrix.verticalHeader().sectionClicked.emit(0)
    view.table.selectRow(0)
    key = view.model.key_at(0)
    name = str(load_portfolio(demo_ctx).frame.loc[key, "name"])

    def open_export() -> ExportDialog:
        button = window.toolbar.widgetForAction(window.export_action)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.findChild(ExportDialog) is not None)
        dialog = window.findChild(ExportDialog)
        qtbot.waitUntil(lambda: dialog.choices is not None, timeout=60_000)
        return dialog

    dialog = open_export()
    assert dialog.owner_combo.currentData() == owner
    assert dialog.tier_combo.currentData() == tier
    assert dialog.account_edit.text().startswith(name)
    folder = tmp_path / "exports"
    folder.mkdir()
    dialog.path_edit.setText(str(folder / "mine.xlsx"))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    dialog.close()
    qtbot.waitUntil(lambda: window.findChild(ExportDialog) is None)

    again = open_export()
    assert Path(again.path_edit.text()).parent == folder


def test_i_am_in_settings_sets_me(qtbot, window, demo_ctx) -> None:  # noqa: F811
    me = owners(demo_ctx)[2].name
    window.show_view("settings")
    you = window.views["settings"].you
    qtbot.waitUntil(lambda: you.combo.count() > 1, timeout=30_000)
    pick(qtbot, you.combo, me)
    qtbot.waitUntil(lambda: my_owner() == me)
    qtbot.waitUntil(lambda: window.book.filter.me == me)
    count = len(list_accounts(demo_ctx, owner=me))
    assert window.book.filter.itemText(0) == f"Me ({me}, {count:,})"
    pick(qtbot, window.book.filter, window.book.filter.itemData(0))
    assert window.book.owner() == me and who_am_i_dialog() is None


def test_me_chosen_before_opens_on_my_book(qtbot, demo_ctx) -> None:  # noqa: F811
    me = owners(demo_ctx)[0].name
    set_personal(ME, me)
    first = open_window(qtbot, demo_ctx)
    pick(qtbot, first.book.filter, first.book.filter.itemData(0))
    first.close()
    window = open_window(qtbot, demo_ctx)  # the choice "Me" is remembered
    mine = list_accounts(demo_ctx, owner=me)
    qtbot.waitUntil(lambda: window.portfolio.model.rowCount() == len(mine))
    assert matrix_counts(window) == expected_counts(window, mine)
