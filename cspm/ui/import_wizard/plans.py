"""The service calls the wizard makes for each kind of file, in one place.

Planning goes through `prepare_any` (an accounts file gives a `PreparedImport`, any other kind
a `PreparedRelated`); writing through `apply_prepared` or `apply_related` by what was planned.
The pages call these helpers and never choose the service function themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cspm.core.related.detect import KindGuess
from cspm.core.related.inputs import INPUT_FIELDS
from cspm.service.imports import (
    ImportOptions,
    ImportResult,
    PreparedRelated,
    apply_prepared,
    detect_cells,
    mapping_targets,
    prepare_any,
)
from cspm.service.progress import Cancelled, Progress, never_cancelled, no_progress
from cspm.service.related_writes import apply_related

if TYPE_CHECKING:
    from cspm.service.context import AppContext
    from cspm.service.imports import SheetCells


def kind_targets(kind: str) -> list[tuple[str, str]]:
    """(field, label) choices of the mapping dropdowns for this kind, plus custom/ignore: an
    accounts file's canonical fields, or the related kind's own fields and the columns it reads
    to derive them (an opportunity's stage, a Stripe price and interval, first/last names),
    which say so."""
    inputs = {f.name for f in INPUT_FIELDS.get(kind, ())}
    return [
        (name, f"{label} (read to derive)" if name in inputs else label)
        for name, label in mapping_targets(kind)
    ]


def detect_job(cells: SheetCells, header_index: int | None) -> KindGuess:
    """In a worker: the kind the cells read as with this header row, the headers that say so
    and the file's shape (no file access, no database)."""
    return detect_cells(cells, ImportOptions(header_index=header_index))


def plan_cells(ctx: AppContext, cells: SheetCells, options: ImportOptions) -> Any:
    """In a worker: the import planned from the cells in memory (no file access), as
    `options.kind` (None: as detected, with the accounts import's refusals of other shapes)."""
    return prepare_any(ctx, cells, options)


def apply_plan(
    ctx: AppContext,
    prepared: Any,
    options: ImportOptions,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> ImportResult:
    """In a worker: write the planned import in one transaction, as what was planned.

    The plan is handed over: the run page is a commit page, so once an import is written the
    wizard never shows its plan again and its rows are let go before the task regeneration.
    A refusal, a file already imported on that date or a failure keeps them for another try."""
    if isinstance(prepared, PreparedRelated):
        return apply_related(ctx, prepared, options, progress, cancelled)
    return apply_prepared(ctx, prepared, options, progress, cancelled, keep_plan=False)


def link_preview(ctx: AppContext, prepared: Any, kind: str) -> ImportResult:
    """In a worker: how the related file's valid rows would link to the stored accounts, by a
    dry run of the import (nothing is written); rejected rows are left out as Skip would."""
    options = ImportOptions(kind=kind, dry_run=True, skip_invalid=True)
    return apply_related(ctx, prepared, options)
