"""The wizard's values step: scales and word meanings, seen and changed before importing."""

from __future__ import annotations

import os
from pathlib import Path

from cspm.service.portfolio import list_accounts
from cspm.ui.import_wizard import ImportWizard
from tests.files import write_csv, write_xlsx
from tests.ui.test_import_wizard import next_page, open_wizard, run_import

HEAD = ["Account ID", "Account Name", "ARR", "Contract Start", "Status", "NPS", "Health Score"]
ROWS = [
    ["V1", "Alpha", 120_000, "2022-01-01", "Customer", 45, 9],
    ["V2", "Beta", 50_000, "2022-01-01", "Non-renewing", -10, 7],
    ["V3", "Gamma", 20_000, "2022-01-01", "Closed Lost", 30, 4],
    ["V4", "Delta", 20_000, "2022-01-01", "Customer", 60, 8],
    ["V5", "Epsilon", 8_000, "2022-01-01", "Paused", 10, 6],
]


def to_values_page(qtbot, ctx, path: Path, profile: str = "") -> ImportWizard:
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    if profile:
        qtbot.keyClicks(wizard.mapping_page.profile_name, profile)
    next_page(qtbot, wizard, ImportWizard.VALUES)
    return wizard


def rows_of(page, header: str) -> list[tuple[str, str, str, str]]:
    table = page.tables[header]
    return [
        (
            table.item(r, 0).text(),
            table.item(r, 1).text(),
            table.cellWidget(r, 2).currentData(),
            table.item(r, 3).text(),
        )
        for r in range(table.rowCount())
    ]


def test_values_step_lists_words_and_scales_and_takes_changes(qtbot, ctx, tmp_path) -> None:
    path = write_csv(tmp_path / "crm.csv", [HEAD, *ROWS])
    wizard = to_values_page(qtbot, ctx, path, profile="CRM")
    page = wizard.values_page
    assert page.isComplete()
    assert page.scale_combos["NPS"].currentData() == "points"
    assert page.scale_combos["Health Score"].currentData() == "0-10"
    assert rows_of(page, "Status") == [
        ("Customer", "2", "active", "known word"),
        ("Non-renewing", "1", "non_renewing", "known word"),
        ("Closed Lost", "1", "churned", "known word"),
        ("Paused", "1", "unknown", "not recognised"),
    ]
    if os.environ.get("CSPM_SHOT"):
        wizard.grab().save(os.environ["CSPM_SHOT"])

    combo = page.value_combos[("Status", "Non-renewing")]
    combo.setCurrentIndex(combo.findData("churned"))
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert rows_of(page, "Status")[1] == ("Non-renewing", "1", "churned", "your choice")
    scale = page.scale_combos["Health Score"]
    scale.setCurrentIndex(scale.findData("0-100"))
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert wizard.user_scales == {"Health Score": "0-100"}
    assert wizard.user_values == {"Status": {"Non-renewing": "churned"}}

    next_page(qtbot, wizard, ImportWizard.VALIDATION)
    notes = [m for *_, m, sev in wizard.validation_page.model.rows if sev == "info"]
    assert "'Non-renewing' (1 row) read as churned (your value map)" in notes
    next_page(qtbot, wizard, ImportWizard.RUN)
    run_import(qtbot, wizard)
    accounts = list_accounts(ctx).set_index("external_id")
    assert accounts.loc["V2", "lifecycle_stage"] == "Churned"
    assert accounts.loc["V3", "lifecycle_stage"] == "Churned"
    assert accounts.loc["V1", "lifecycle_stage"] != "Advocate"  # NPS 45 is points, not a 9
    assert accounts.loc["V1", "nps_points"] == 45

    # the profile saved with this import brings the choices back for the next file
    again = to_values_page(qtbot, ctx, path)
    assert rows_of(again.values_page, "Status")[1] == ("Non-renewing", "1", "churned", "profile")
    assert again.values_page.scale_combos["Health Score"].currentData() == "0-100"


def test_a_file_without_words_or_scales_skips_the_values_step(qtbot, ctx, tmp_path) -> None:
    path = write_xlsx(tmp_path / "plain.xlsx", [["Account ID", "Account Name"], ["P1", "Plain"]])
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    next_page(qtbot, wizard, ImportWizard.VALIDATION)
