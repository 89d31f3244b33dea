"""Import semantics end to end on real files and a real SQLite database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from cspm.core.errors import BadInputError
from cspm.service.imports import ImportOptions, import_file, undo_latest_import
from cspm.service.portfolio import list_accounts, load_portfolio, set_tier_override
from cspm.storage.models import AccountSnapshot, ImportRecord
from tests.files import HEADER, salesforce_rows, write_csv, write_xlsx

D = dt.datetime

ROWS = [
    ["ACC-001", "Acme Corp", "Dana", "$120,000.00", D(2027, 1, 10), 82, D(2024, 3, 1), "Active"],
    ["ACC-002", "Globex", "Dana", "45,000", D(2027, 6, 30), 55, D(2025, 9, 1), "Active"],
    ["ACC-003", "Initech", "Fox", "12.5k", D(2026, 12, 15), "Red", D(2023, 5, 5), "Active"],
]


def counts(ctx) -> tuple[int, int, int]:
    with ctx.db.session() as s:
        return (
            int(s.scalar(select(func.count()).select_from(ImportRecord)) or 0),
            int(s.scalar(select(func.count()).select_from(AccountSnapshot)) or 0),
            len(load_portfolio(ctx).frame),
        )


def state(ctx) -> pd.DataFrame:
    return load_portfolio(ctx).frame.sort_index()


def test_salesforce_report_imports_accounts_not_footers(ctx, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", salesforce_rows(ROWS))
    result = import_file(ctx, path)
    assert result.status == "imported"
    assert (result.new, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    assert result.header_row == 5
    frame = state(ctx)
    assert list(frame.index) == ["ACC-001", "ACC-002", "ACC-003"]
    assert frame.loc["ACC-001", "arr"] == 120_000
    assert frame.loc["ACC-002", "arr"] == 45_000
    assert frame.loc["ACC-003", "arr"] == 12_500
    assert frame.loc["ACC-003", "health_score"] == 20  # "Red"
    assert frame.loc["ACC-001", "tier"] == "Enterprise"
    assert frame.loc["ACC-002", "tier"] == "Mid-Market"
    assert frame.loc["ACC-003", "tier"] == "SMB"
    assert frame.loc["ACC-001", "renewal_date"] == pd.Timestamp("2027-01-10")


def test_rejected_row_refuses_whole_file_and_leaves_db_untouched(ctx, tmp_path: Path) -> None:
    bad = [*ROWS, [None, None, "Dana", "1,000", None, None, None, None]]
    path = write_xlsx(tmp_path / "bad.xlsx", salesforce_rows(bad))
    result = import_file(ctx, path)
    assert result.status == "refused"
    assert result.rejected == 1
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors[0].row == 9  # the sheet's own row number: header on 5, 4th data row
    assert "neither an account ID nor a name" in errors[0].message
    assert counts(ctx) == (0, 0, 0)


def test_skip_invalid_imports_the_valid_rows(ctx, tmp_path: Path) -> None:
    bad = [*ROWS, [None, "  ", "Dana", "1,000", None, None, None, None]]
    path = write_xlsx(tmp_path / "bad.xlsx", salesforce_rows(bad))
    result = import_file(ctx, path, ImportOptions(skip_invalid=True))
    assert result.status == "imported"
    assert (result.new, result.rejected) == (3, 1)
    assert counts(ctx) == (1, 3, 3)


def test_duplicate_key_is_rejected_naming_the_first_row(ctx, tmp_path: Path) -> None:
    dup = [*ROWS, ["ACC-002", "Globex again", "Dana", "1", None, None, None, None]]
    path = write_xlsx(tmp_path / "dup.xlsx", [HEADER, *dup])
    result = import_file(ctx, path, ImportOptions(skip_invalid=True))
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].row == 5
    assert "duplicate of row 3" in errors[0].message
    assert state(ctx).loc["ACC-002", "name"] == "Globex"


def test_dry_run_reports_and_writes_nothing(ctx, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", [HEADER, *ROWS])
    result = import_file(ctx, path, ImportOptions(dry_run=True))
    assert result.status == "dry_run"
    assert result.new == 3
    assert counts(ctx) == (0, 0, 0)


def test_reimporting_the_same_file_changes_nothing(ctx, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", salesforce_rows(ROWS))
    import_file(ctx, path)
    first = state(ctx)
    again = import_file(ctx, path)
    assert again.status == "already_imported"
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    pd.testing.assert_frame_equal(first, state(ctx))
    assert counts(ctx) == (1, 3, 3)  # recognised by its hash: no second record, no snapshots


def test_partial_file_updates_only_its_columns_and_absent_accounts_stay(
    ctx, tmp_path: Path
) -> None:
    import_file(ctx, write_xlsx(tmp_path / "full.xlsx", [HEADER, *ROWS]))
    usage = write_csv(tmp_path / "usage.csv", [["Account ID", "MAU"], ["ACC-001", "340"]])
    result = import_file(ctx, usage)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    frame = state(ctx)
    assert frame.loc["ACC-001", "mau"] == 340
    assert frame.loc["ACC-001", "arr"] == 120_000  # not in the usage file: kept
    assert frame.loc["ACC-002", "lifecycle_stage"] != "Churned"  # absent is not churned
    assert len(frame) == 3


def test_blank_cell_in_a_present_column_clears_the_value(ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    rows = [list(r) for r in ROWS]
    rows[0][5] = None  # health blank now
    import_file(ctx, write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows]))
    assert pd.isna(state(ctx).loc["ACC-001", "health_score"])


def test_older_as_of_adds_history_but_keeps_newer_state(ctx, tmp_path: Path) -> None:
    new = write_xlsx(tmp_path / "nov.xlsx", [HEADER, *ROWS])
    import_file(ctx, new, ImportOptions(as_of=dt.date(2026, 11, 1)))
    old_rows = [list(r) for r in ROWS]
    old_rows[0][3] = "90,000"
    old = write_xlsx(tmp_path / "aug.xlsx", [HEADER, *old_rows])
    result = import_file(ctx, old, ImportOptions(as_of=dt.date(2026, 8, 1)))
    assert result.updated == 0
    assert state(ctx).loc["ACC-001", "arr"] == 120_000
    assert counts(ctx)[1] == 6


def test_load_order_does_not_matter(db_url: str, tmp_path: Path) -> None:
    from cspm.service.context import AppContext

    months = []
    for i, arr in enumerate(["100,000", "110,000", "95,000"]):
        rows = [list(r) for r in ROWS]
        rows[0][3] = arr
        rows[1][5] = 50 + i
        months.append(
            (dt.date(2026, 8 + i, 1), write_xlsx(tmp_path / f"m{i}.xlsx", [HEADER, *rows]))
        )
    states = []
    for name, order in (("in_order", [0, 1, 2]), ("shuffled", [2, 0, 1])):
        c = AppContext.open(str(tmp_path / f"{name}.sqlite3"), today=dt.date(2026, 11, 23))
        for i in order:
            import_file(c, months[i][1], ImportOptions(as_of=months[i][0]))
        states.append(state(c))
        c.close()
    pd.testing.assert_frame_equal(states[0], states[1])
    assert states[0].loc["ACC-001", "arr"] == 95_000


def test_undo_restores_the_previous_state_exactly(ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    before = state(ctx)
    rows = [list(r) for r in ROWS]
    rows[0][3] = "10"
    rows.append(["ACC-004", "Hooli", "Fox", "5,000", None, None, None, "Active"])
    import_file(ctx, write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows]))
    assert len(state(ctx)) == 4
    info = undo_latest_import(ctx)
    assert info.file_name == "b.xlsx"
    pd.testing.assert_frame_equal(before, state(ctx))


def test_tier_override_survives_reimport(ctx, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS])
    import_file(ctx, path)
    set_tier_override(ctx, "initech", "Enterprise", "strategic logo")
    import_file(ctx, path)
    frame = state(ctx)
    assert frame.loc["ACC-003", "tier"] == "Enterprise"
    assert frame.loc["ACC-003", "tier_source"] == "override"
    assert "strategic logo" in frame.loc["ACC-003", "tier_reason"]


def test_override_needs_reason_and_known_tier(ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    with pytest.raises(BadInputError, match="reason"):
        set_tier_override(ctx, "ACC-001", "SMB", "")
    with pytest.raises(BadInputError, match="Unknown tier"):
        set_tier_override(ctx, "ACC-001", "Gold", "x")


def test_summary_lists_accounts_that_changed_tier(ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    rows = [list(r) for r in ROWS]
    rows[1][3] = "150,000"
    result = import_file(ctx, write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows]))
    tier_moves = [m for m in result.moves if m.what == "tier"]
    assert [(m.key, m.before, m.after) for m in tier_moves] == [
        ("ACC-002", "Mid-Market", "Enterprise")
    ]


def test_arr_is_twelve_times_mrr_when_missing(ctx, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mrr.csv",
        [["Customer ID", "Company name", "MRR"], ["7", "Small Co", "$1,000"], ["8", "Other", "2k"]],
    )
    import_file(ctx, path)
    frame = state(ctx)
    assert frame.loc["7", "arr"] == 12_000
    assert frame.loc["8", "arr"] == 24_000
    assert frame.loc["8", "tier"] == "SMB"


def test_ids_keep_leading_zeros_and_numeric_ids_lose_trailing_zero(ctx, tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "ids.xlsx",
        [["Account ID", "Account Name"], [12345, "Numeric"], ["00123", "Zeros"]],
    )
    import_file(ctx, tmp_path / "ids.xlsx")
    assert sorted(state(ctx).index) == ["00123", "12345"]


def test_rows_without_id_are_keyed_by_normalised_name(ctx, tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", [["Company", "ARR"], ["  Acme   Corp ", "1"]])
    import_file(ctx, tmp_path / "a.csv")
    write_csv(tmp_path / "b.csv", [["Company", "ARR"], ["ACME CORP", "2"]])
    result = import_file(ctx, tmp_path / "b.csv")
    assert (result.new, result.updated) == (0, 1)
    assert list(state(ctx).index) == ["acme corp"]


def test_unmapped_columns_are_kept_as_custom_fields(ctx, tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["Account ID", "Account Name", "Product Line", "Employees"],
            ["A1", "One", "Analytics", 250],
        ],
    )
    result = import_file(ctx, tmp_path / "c.xlsx")
    assert result.mapping["Product Line"] == "custom:product_line"
    frame = state(ctx)
    assert frame.loc["A1", "product_line"] == "Analytics"
    assert frame.loc["A1", "employees"] == 250


def test_saved_profile_is_applied_automatically_when_headers_match(ctx, tmp_path: Path) -> None:
    rows = [["Kundennummer", "Firma", "Jahresumsatz"], ["K1", "Müller GmbH", "45.000,00 €"]]
    opts = ImportOptions(
        mapping={"Kundennummer": "external_id", "Firma": "name", "Jahresumsatz": "arr"},
        save_profile="German CRM",
    )
    import_file(ctx, write_csv(tmp_path / "de.csv", rows, delimiter=";", encoding="cp1252"), opts)
    rows[1][2] = "50.000,00 €"
    result = import_file(
        ctx, write_csv(tmp_path / "de2.csv", rows, delimiter=";", encoding="cp1252")
    )
    assert result.mapping["Jahresumsatz"] == "arr"
    frame = state(ctx)
    assert frame.loc["K1", "arr"] == 50_000
    assert frame.loc["K1", "name"] == "Müller GmbH"


def test_unparseable_value_becomes_missing_with_a_warning(ctx, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = "call Bob"
    result = import_file(ctx, write_xlsx(tmp_path / "w.xlsx", [HEADER, *rows]))
    assert result.status == "imported"
    warnings = [p for p in result.problems if p.row is not None]
    assert [(p.row, p.column, p.value) for p in warnings] == [(3, "ARR", "call Bob")]
    assert pd.isna(state(ctx).loc["ACC-002", "arr"])


def test_list_accounts_filters_and_orders(ctx, tmp_path: Path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    assert list(list_accounts(ctx)["name"]) == ["Acme Corp", "Globex", "Initech"]
    assert list(list_accounts(ctx, tier="smb")["name"]) == ["Initech"]
    with pytest.raises(BadInputError, match="Unknown tier"):
        list_accounts(ctx, tier="Gold")


def test_an_account_that_churned_keeps_its_tier_from_earlier_imports(ctx, tmp_path: Path) -> None:
    header = ["Account ID", "Account Name", "ARR", "Status"]
    before = write_csv(tmp_path / "oct.csv", [header, ["ACC-9", "Lost Co", 240_000, "Active"]])
    after = write_csv(tmp_path / "nov.csv", [header, ["ACC-9", "Lost Co", 0, "Churned"]])
    import_file(ctx, before, ImportOptions(as_of=dt.date(2026, 10, 1)))
    import_file(ctx, after, ImportOptions(as_of=dt.date(2026, 11, 20)))
    row = load_portfolio(ctx).frame.loc["ACC-9"]
    assert (row["lifecycle_stage"], row["tier"], row["arr"]) == ("Churned", "Enterprise", 0)
    assert row["tier_reason"].startswith("churned; last ARR $240,000")
