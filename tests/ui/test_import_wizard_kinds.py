"""The import wizard takes each kind of file end to end, on real files, through its widgets.

For every kind (accounts, subscriptions, usage, tickets, contacts, churn events): the kind page
says what the file looks like, the mapping page offers that kind's fields, the import lands in
the database through the service, and the summary shows the rows linked and unlinked (with the
first unlinked one) and the account fields the file feeds. A file cspm reads as an accounts
list is imported as subscriptions after the user changes the kind, with the file gone from disk
(the wizard re-plans from the cells it read, never the file).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWizard

from cspm.core.related.kinds import RELATED_KINDS
from cspm.service.imports import ImportOptions, import_file
from cspm.service.imports_list import list_imports
from cspm.service.portfolio import list_accounts
from cspm.storage.related_repo import load_in_force
from cspm.ui.import_wizard import ImportWizard
from tests.files import write_csv, write_xlsx
from tests.ui import kind_files as kf
from tests.ui.palettes import contrast, dark_palette
from tests.ui.test_import_wizard import click_row, next_page, open_wizard, run_import


def to_kind_page(qtbot, ctx, path: Path) -> ImportWizard:
    wizard = open_wizard(qtbot, ctx, path)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    qtbot.waitUntil(wizard.header_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.KIND)
    qtbot.waitUntil(wizard.kind_page.isComplete, timeout=10_000)
    return wizard


def walk_to(qtbot, wizard: ImportWizard, target: int) -> None:
    """Next until `target` is shown, through whichever pages the kind needs."""
    button = wizard.button(QWizard.WizardButton.NextButton)
    while wizard.currentId() != target:
        page = wizard.currentId()
        qtbot.waitUntil(button.isEnabled, timeout=10_000)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda p=page: wizard.currentId() != p, timeout=10_000)


def through_to_import(qtbot, wizard: ImportWizard):
    """Mapping -> (values) -> validation -> run -> summary, as a user clicking Next would."""
    walk_to(qtbot, wizard, ImportWizard.RUN)
    return run_import(qtbot, wizard)


def offered(wizard: ImportWizard, header: str) -> list[str]:
    combo = wizard.mapping_page.combos[header]
    return [combo.itemData(i) for i in range(combo.count())]


def stored_rows(ctx, kind: str):
    with ctx.db.session() as s:
        return load_in_force(s, kind)


def import_related(ctx, path: Path, kind: str) -> None:
    result = import_file(ctx, path, ImportOptions(kind=kind))
    assert result.status == "imported", result.problems


@pytest.fixture
def accounts(ctx, tmp_path):
    result = import_file(ctx, kf.accounts_csv(tmp_path / "Account.csv"))
    assert result.new == 3


def test_accounts_file_is_said_to_be_accounts_and_imports_accounts(qtbot, ctx, tmp_path) -> None:
    wizard = to_kind_page(qtbot, ctx, kf.accounts_csv(tmp_path / "Account.csv"))
    page = wizard.kind_page
    assert page.detected_label.text().startswith("This looks like <b>an accounts file</b>")
    assert page.combo.currentData() == "accounts" and not page.reset_button.isVisible()
    assert "Creates and updates accounts" in page.feeds.text()
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    assert "arr" in offered(wizard, "ARR__c") and "start_date" not in offered(wizard, "ARR__c")
    result = through_to_import(qtbot, wizard)
    assert result.new == 3
    summary = wizard.summary_page
    assert list(summary.counts) == ["new", "updated", "unchanged", "rejected", "warnings"]
    assert not summary.links.isVisible() and not summary.feeds.isVisible()
    assert sorted(list_accounts(ctx)["name"]) == ["Acme Corp", "Globex", "Initech"]


CASES: list[tuple[str, Callable[[Path], Path], str, str, str, int, str]] = [
    # kind, writer, file name, a header, its field, rows in force, the unlinked row's words
    ("subscriptions", kf.subscriptions_csv, "subscriptions.csv", "Current Period Start",
     "start_date", 6, kf.STRANGER),
    ("usage", kf.usage_xlsx, "events.xlsx", "Event Time", "usage_date", 6, "sub_9XUnknown"),
    ("tickets", kf.tickets_csv, "tickets.csv", "Created at", "opened_at", 5, "Umbrella Ltd"),
    ("contacts", kf.contacts_xlsx, "users.xlsx", "Last Sign In", "last_login", 6, kf.STRANGER),
    ("churn_events", kf.churn_csv, "churn.csv", "Churn Date", "churn_date", 5, kf.STRANGER),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "write", "name", "header", "field", "rows", "stranger"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_each_related_kind_end_to_end(
    qtbot, ctx, tmp_path, accounts, kind, write, name, header, field, rows, stranger
) -> None:
    if kind == "usage":  # usage rows name a subscription: its account comes through it
        import_related(ctx, kf.subscriptions_csv(tmp_path / "subs.csv"), "subscriptions")
    path = write(tmp_path / name)
    wizard = to_kind_page(qtbot, ctx, path)
    page = wizard.kind_page
    noun = RELATED_KINDS[kind].noun
    assert page.detected_label.text().startswith(f"This looks like <b>{noun}</b>")
    assert f"'{header}'" in page.detected_label.text() or kind != "subscriptions"
    assert page.combo.currentData() == kind and wizard.kind == kind
    assert "No account" not in page.feeds.text() and "derives" in page.feeds.text()

    next_page(qtbot, wizard, ImportWizard.MAPPING)
    mapping = wizard.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    choices = offered(wizard, header)
    assert mapping.combos[header].currentData() == field
    assert set(RELATED_KINDS[kind].field_names) <= set(choices)
    assert "health_score" not in choices and "tier" not in choices  # no account fields

    walk_to(qtbot, wizard, ImportWizard.VALIDATION)
    check = wizard.validation_page
    qtbot.waitUntil(check.links_label.isVisible, timeout=10_000)  # a dry run, in a worker
    assert check.links_label.text().startswith(
        f"Linking: {rows - 1} of {rows} rows link to an account; 1 links to none: row "
    )
    assert stranger in check.links_label.text()
    assert not check.changes_panel.isVisible()  # no big changes of stored accounts to confirm
    assert stored_rows(ctx, kind).empty  # nothing written before Import

    walk_to(qtbot, wizard, ImportWizard.RUN)
    assert f"rows of {noun} from <b>{name}</b>" in wizard.run_page.what.text()
    assert "every linked account gets its history" in wizard.run_page.subTitle()
    result = run_import(qtbot, wizard)
    assert result.kind == kind and result.related is not None
    assert (result.related.linked, result.related.unlinked) == (rows - 1, 1)
    summary = wizard.summary_page
    assert list(summary.counts) == ["imported", "linked", "unlinked", "rejected", "warnings"]
    assert summary.counts["linked"].text() == str(rows - 1)
    assert summary.counts["unlinked"].text() == "1"
    assert "1 row links to no account" in summary.links.text()
    examples = [summary.unlinked_list.item(i).text() for i in range(summary.unlinked_list.count())]
    assert any(stranger in line for line in examples), examples
    assert summary.feeds.text().startswith("This file feeds ")

    stored = stored_rows(ctx, kind)
    assert len(stored) == rows
    assert stored["account_key"].isna().sum() == 1  # the stranger waits for its account
    assert list_imports(ctx)[0].kind == kind
    assert len(list_accounts(ctx)) == 3  # no account made of an unlinked row


def test_user_changes_a_misdetected_kind_without_a_re_read(qtbot, ctx, tmp_path, accounts) -> None:
    """One contract per account, with its ARR: cspm reads an accounts list; the user knows
    it is the contracts export and says so. The file is deleted once read."""
    path = write_xlsx(
        tmp_path / "contracts.xlsx",
        [
            ["Account ID", "Account Name", "Plan", "ARR", "Start Date", "End Date"],
            [kf.ACME, "Acme Corp", "Enterprise", 96_000, "2025-01-01", "2027-01-01"],
            [kf.GLOBEX, "Globex", "Growth", 45_000, "2024-07-01", "2027-07-01"],
            [kf.INITECH, "Initech", "Starter", 12_500, "2025-12-15", "2026-12-15"],
        ],
        sheet="Contracts",
    )
    wizard = to_kind_page(qtbot, ctx, path)
    page = wizard.kind_page
    assert page.detected_label.text().startswith("This looks like <b>an accounts file</b>")
    path.unlink()  # from here on, everything is planned from the cells in memory

    page.combo.setCurrentIndex(page.combo.findData("subscriptions"))
    assert wizard.kind == "subscriptions" and wizard.kind_chosen
    assert page.reset_button.isVisible()
    assert "cspm detected an accounts file" in page.choice_note.text()
    assert "ARR, MRR, seats, plan" in page.feeds.text()

    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    assert wizard.mapping_page.combos["Start Date"].currentData() == "start_date"
    assert wizard.mapping_page.combos["ARR"].currentData() == "arr"
    result = through_to_import(qtbot, wizard)
    assert result.kind == "subscriptions" and result.related is not None
    assert (result.related.linked, result.related.unlinked) == (3, 0)
    assert len(stored_rows(ctx, "subscriptions")) == 3
    assert "ARR" in wizard.summary_page.feeds.text()


def test_churn_log_values_page_reads_its_yes_no_words(qtbot, ctx, tmp_path, accounts) -> None:
    """A related file's yes/no column is listed with what each word means; the accounts-only
    value maps (tiers, stages, scales) are not asked."""
    wizard = to_kind_page(qtbot, ctx, kf.churn_csv(tmp_path / "churn.csv"))
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.VALUES)
    page = wizard.values_page
    assert list(page.tables) == ["Reactivation"] and not page.scale_combos
    meanings = {value: combo.currentData() for (_h, value), combo in page.value_combos.items()}
    assert meanings == {"TRUE": "true", "FALSE": "false"}


def test_kind_page_and_summary_read_on_a_dark_palette(qtbot, ctx, tmp_path, accounts) -> None:
    wizard = to_kind_page(qtbot, ctx, kf.subscriptions_csv(tmp_path / "subscriptions.csv"))
    wizard.setPalette(dark_palette())
    page = wizard.kind_page
    page.combo.setCurrentIndex(page.combo.findData("usage"))
    window = wizard.palette().color(QPalette.ColorRole.Window)
    note = page.choice_note
    assert note.isVisible() and "cspm detected a subscriptions file" in note.text()
    colour = QColor(note.styleSheet().split("color: ")[1].split(";")[0])
    assert contrast(colour, window) >= 4.5
    page.use_detected()
    assert wizard.kind == "subscriptions" and not note.isVisible()
    result = through_to_import(qtbot, wizard)
    assert result.related is not None and result.related.unlinked == 1
    links = wizard.summary_page.links
    colour = QColor(links.styleSheet().split("color: ")[1].split(";")[0])
    assert contrast(colour, window) >= 4.5


def test_another_header_row_is_detected_again(qtbot, ctx, tmp_path) -> None:
    """A report with a title above the header: the kind follows the header row the user picks
    (read from the cells in memory), unless the user chose the kind."""
    rows = [["Subscriptions report"], [], kf.SUBSCRIPTION_HEADER, *kf.SUBSCRIPTIONS]
    wizard = to_kind_page(qtbot, ctx, write_xlsx(tmp_path / "report.xlsx", rows))
    assert wizard.kind == "subscriptions" and wizard.header_index == 2
    wizard.back()
    click_row(qtbot, wizard.header_page.table, 3)  # the first data row as the header: nonsense
    next_page(qtbot, wizard, ImportWizard.KIND)
    qtbot.waitUntil(wizard.kind_page.isComplete, timeout=10_000)
    assert wizard.kind == "accounts"
    assert "an accounts file" in wizard.kind_page.detected_label.text()


def test_window_imports_a_related_file_and_says_what_it_did(qtbot, ctx, tmp_path, accounts) -> None:
    """From the main window: the wizard's related import reloads the window, whose status bar
    says how the rows linked, and the accounts show what the subscriptions derive."""
    from tests.ui.test_main_window import open_window

    window = open_window(qtbot, ctx)
    path = kf.subscriptions_csv(tmp_path / "subscriptions.csv")
    wizard = window.open_import_wizard(str(path))
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    walk_to(qtbot, wizard, ImportWizard.RUN)
    run_import(qtbot, wizard)
    message = window.statusBar().currentMessage()
    assert message == (
        "Imported subscriptions.csv as a subscriptions file: 5 rows linked, 1 unlinked; "
        "3 accounts' history derived"
    )
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    accounts = list_accounts(ctx).set_index("name")
    assert accounts.loc["Acme Corp", "subscriptions_active"] == 2  # the base plan and add-on
    assert accounts.loc["Globex", "subscriptions_active"] == 1  # the Starter one ended


def test_a_related_mapping_saved_as_a_profile_comes_back(qtbot, ctx, tmp_path, accounts) -> None:
    """The user maps a column cspm did not know (Zendesk's "Org") and saves the mapping; the
    next export of the same shape gets the profile, said so, with the user's choice."""
    header = ["Id", "Org", "Requester email", "Priority", "Created at", "Solved at"]
    data = [
        ["5001", "Acme Corp", "ana@acme.com", "High", "2026-11-02 09:00:00", ""],
        ["5002", "Globex", "kim@globex.com", "Low", "2026-11-03 10:00:00", "2026-11-04 10:00:00"],
    ]
    first = to_kind_page(qtbot, ctx, write_csv(tmp_path / "tickets-nov.csv", [header, *data]))
    assert first.kind == "tickets"
    next_page(qtbot, first, ImportWizard.MAPPING)
    mapping = first.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    combo = mapping.combos["Org"]
    combo.setCurrentIndex(combo.findData("account_name"))
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    qtbot.keyClicks(mapping.profile_name, "Zendesk tickets")
    result = through_to_import(qtbot, first)
    assert result.related is not None and result.related.linked == 2

    later = [["5003", "Initech", "lee@initech.com", "Urgent", "2026-11-20 08:00:00", ""]]
    second = to_kind_page(qtbot, ctx, write_csv(tmp_path / "tickets-dec.csv", [header, *later]))
    next_page(qtbot, second, ImportWizard.MAPPING)
    qtbot.waitUntil(second.mapping_page.isComplete, timeout=10_000)
    assert "'Zendesk tickets'" in second.mapping_page.profile_label.text()
    assert second.mapping_page.combos["Org"].currentData() == "account_name"


def test_imports_view_names_each_import_kind(qtbot, ctx, tmp_path, accounts) -> None:
    from cspm.ui.imports_view import ImportsView

    import_related(ctx, kf.tickets_csv(tmp_path / "tickets.csv"), "tickets")
    view = ImportsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: len(view.model.rows) == 2, timeout=10_000)
    assert view.model.headers[-1] == "Kind"
    assert [(r[1], r[-1]) for r in view.model.rows] == [
        ("tickets.csv", "Support tickets"),
        ("Account.csv", "Accounts"),
    ]
