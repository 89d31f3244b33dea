"""The screens added for issues 11 and 12 read well: on a dark palette, without raw field names
or URLs, with columns as wide as what they hold (found by looking at docs/images)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QPalette

from cspm.ui.import_wizard import ImportWizard
from tests.files import write_csv
from tests.ui.palettes import contrast, dark_palette
from tests.ui.test_import_wizard import next_page, open_wizard


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def test_values_step_evidence_and_badges_read_on_a_dark_palette(qtbot, ctx, tmp_path) -> None:
    path = write_csv(
        tmp_path / "hubspot.csv",
        [
            ["Record ID", "Company name", "ARR", "Status", "NPS"],
            ["1", "Acme", "1000", "Active", "45"],
            ["2", "Globex", "2000", "Closed Lost", "-20"],
            ["3", "Initech", "3000", "Non-renewing", "12"],
            ["4", "Hooli", "4000", "Former customer", ""],
            ["5", "Umbrella", "5000", "Paused", "30"],
        ],
    )
    wizard = open_wizard(qtbot, ctx, path)
    wizard.setPalette(dark_palette())
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.VALUES)
    page = wizard.values_page
    evidence = page.evidence_labels["NPS"]
    assert "-20 to 45" in evidence.text()
    shown = evidence.palette().color(evidence.foregroundRole())
    assert contrast(shown, evidence.palette().color(QPalette.ColorRole.Window)) >= 4.5
    table = page.tables["Status"]
    base = table.palette().color(QPalette.ColorRole.Base)
    badges = {table.item(r, 3).text(): table.item(r, 3).foreground().color() for r in range(5)}
    assert set(badges) == {"known word", "not recognised"}
    for colour in badges.values():
        assert contrast(colour, base) >= 4.5


def _detail(qtbot, ctx, key: str):
    from cspm.ui.account_detail import AccountDetailDialog

    dialog = AccountDetailDialog(ctx, key)
    qtbot.addWidget(dialog)
    dialog.resize(900, 1000)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    return dialog


def test_account_detail_names_fields_in_words_and_keeps_health_lines_together(
    qtbot, ctx, tmp_path
) -> None:
    from cspm.service.imports import import_file

    header = [
        "Account ID", "Account Name", "ARR", "Renewal Date", "Contract Start", "Health Score",
        "Seats Purchased", "Active Seats", "Open Tickets", "Last Activity Date", "NPS",
    ]  # fmt: skip
    row = ["R1", "Renewing Co", "250000", "2027-01-11", "2022-01-11", "35", "100", "95", "1",
           "2026-11-20", "9"]  # fmt: skip
    import_file(ctx, write_csv(tmp_path / "sf.csv", [header, row]))
    dialog = _detail(qtbot, ctx, "R1")
    stage = dialog.stage_reason.text()
    assert stage.startswith("Renewal Date 2027-01-11 is within the next"), stage
    reasons = " ".join(label.text() for label in dialog.segment_labels)
    assert "Renewal Date 2027-01-11" in reasons
    for raw in ("renewal_date", "lifecycle_stage", "nps "):
        assert raw not in stage and raw not in reasons
    # the score's line sits right above the two scores (file's, computed): no room spread
    head, first = dialog.health_head, dialog.health_scores["imported"]
    line = head.fontMetrics().height()
    assert head.height() < 1.6 * line
    assert 0 <= first.geometry().top() - head.geometry().top() < 2.5 * line
    # the health box (taller than tier + stage here) ends just below its last line
    note_bottom = dialog.health_note.geometry().bottom()
    assert dialog.health_box.height() - note_bottom < 2 * line
    assert dialog.history_box.title() == "History across imports (1 snapshot)"


def test_database_panel_names_the_file_and_its_hint_reads_on_dark(qtbot, ctx) -> None:
    from cspm.ui.settings_database import DatabasePanel

    panel = DatabasePanel(ctx)
    qtbot.addWidget(panel)
    panel.setPalette(dark_palette())
    panel.show()
    assert panel.db_label.text() == str(ctx.db.file)  # a path, not sqlite:///...
    assert not panel.db_message.isVisible()  # no blank line before anything is said
    hint = panel.hint
    shown = hint.palette().color(hint.foregroundRole())
    assert contrast(shown, hint.palette().color(QPalette.ColorRole.Window)) >= 4.5
    assert "db.backups_kept N" in panel.backups_note.text()


def test_rate_table_gives_code_and_date_their_width_and_the_rate_the_rest(qtbot, ctx) -> None:
    from cspm.ui.settings_view import SettingsView

    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 640)
    view.show()
    qtbot.waitUntil(lambda: view.saved is not None, timeout=10_000)
    tabs = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    view.tabs.setCurrentIndex(tabs.index("Currency"))
    editor = view.currency
    editor.add_rate()
    row = editor.rows[-1]
    row.code.setText("EUR")
    table = editor.rate_table
    code, rate, day = (table.columnWidth(c) for c in range(3))
    assert rate > code and rate > day  # the rate column, not the code's, takes the room
    assert code < table.viewport().width() / 5
    assert day >= row.effective.sizeHint().width()  # the whole date shows
    assert code >= row.code.fontMetrics().horizontalAdvance("EUR")
