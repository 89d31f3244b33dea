"""The command line and `import_file` write a prepared import without its read cells
(`PreparedImport.without_cells`), letting a large file's cells go before the writes and task
regeneration; the window's wizard keeps them (it shows them). Both must write the same store
and report the same result, problems and their rows included: writing needs only the plan.
They also hand the plan over (`keep_plan=False`): its rows are let go once committed, before
the task regeneration (a 1,000,000-row plan is hundreds of MB of the import's peak)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, apply_prepared, prepare_any
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import list_tasks
from tests.conftest import TODAY
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "Account Owner", "ARR", "Renewal Date", "Health"]
ROWS = [
    ["ACC-1", "Acme Corp", "Dana", "$120,000", "2027-01-10", "82"],
    ["ACC-2", "Globex", "Dana", "45,000", "2026-12-30", "35"],
    ["ACC-3", "Initech", "Fox", "twelve", "2026-12-15", "Red"],  # ARR unreadable: a warning
    ["ACC-4", "Umbrella", "Fox", "9,500", "not a date", "70"],  # renewal unreadable
]


def _import(db: str, path: Path, *, cells: bool) -> tuple[dict[str, object], AppContext]:
    ctx = AppContext.open(db, today=TODAY)
    options = ImportOptions(as_of=TODAY, skip_invalid=True)
    prepared = prepare_any(ctx, path, options)
    if not cells:
        lean = prepared.without_cells()
        assert len(lean.raw.cells) == 0 and len(lean.table.data) == 0
        assert len(prepared.raw.cells) > 0  # the wizard's copy is untouched
        prepared = lean
    planned = len(prepared.plan.frame)
    result = apply_prepared(ctx, prepared, options, keep_plan=cells)
    # a plan kept (the default) is whole after the import; a handed-over plan is emptied
    assert len(prepared.plan.frame) == (planned if cells else 0)
    assert planned > 0 and list(prepared.plan.frame.columns)
    record = result.to_dict()
    record.pop("import_id", None)
    return record, ctx


def test_without_cells_writes_and_reports_the_same(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    a, with_cells = _import(str(tmp_path / "a.sqlite3"), path, cells=True)
    b, without = _import(str(tmp_path / "b.sqlite3"), path, cells=False)
    try:
        assert a == b
        assert a["status"] == "imported" and a["problems"]  # the unreadable values reported
        pd.testing.assert_frame_equal(
            load_portfolio(with_cells).frame.drop(columns="id"),
            load_portfolio(without).frame.drop(columns="id"),
        )
        tasks_a = list_tasks(with_cells)[["account_key", "title", "due_date"]]
        tasks_b = list_tasks(without)[["account_key", "title", "due_date"]]
        assert len(tasks_a) > 0  # the tasks regenerated after the commit
        pd.testing.assert_frame_equal(tasks_a, tasks_b)
    finally:
        with_cells.close()
        without.close()


def test_import_file_hands_over_no_cells(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cspm.service.imports as imports

    seen: list[int] = []
    handed: list[object] = []
    real = imports.apply_prepared

    def recording(ctx, prepared, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(prepared.raw.cells) + len(prepared.table.data))
        handed.append(prepared)
        return real(ctx, prepared, *args, **kwargs)

    monkeypatch.setattr(imports, "apply_prepared", recording)
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    ctx = AppContext.open(str(tmp_path / "c.sqlite3"), today=TODAY)
    try:
        result = imports.import_file(ctx, path, ImportOptions(as_of=TODAY, skip_invalid=True))
    finally:
        ctx.close()
    assert result.status == "imported" and seen == [0]
    assert result.new == 4 and len(handed[0].plan.frame) == 0  # type: ignore[attr-defined]
