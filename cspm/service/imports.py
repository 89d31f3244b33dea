"""Import use case: file -> plan -> one transaction -> summary; and undo of the latest import.

Reading, header finding, mapping, parsing and validation are pure core steps (`prepare_import`),
so the wizard can show each of them before anything is written. Reading is split from the rest
(`read_cells` then `prepare_cells`) so the wizard reads the file once and re-plans from the cells
in memory on every mapping change. Writing (`apply_prepared`, one transaction), undo and
re-dating live in `import_writes`; the dataclasses in `import_results`. Both are re-exported
here, so callers import the whole use case from this module.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from cspm.core.column_roles import decide_roles
from cspm.core.deleted_rows import drop_deleted_rows
from cspm.core.errors import BadInputError
from cspm.core.file_kind import refuse_other_kinds
from cspm.core.header import extract_table
from cspm.core.mapping import auto_map, profile_fits
from cspm.core.plan import Problem, UserChoices, build_plan
from cspm.core.profiles import ProfileDocument
from cspm.core.read_notes import reading_problems
from cspm.core.reading import RawSheet, read_raw
from cspm.core.settings import ReadingLimits, Settings
from cspm.storage import imports_repo, settings_repo

from .import_results import ImportOptions, ImportResult, Move, PreparedImport, SheetCells
from .import_undo import set_import_as_of, undo_latest_import
from .import_writes import BACKFILL_DAYS, MAX_STORED_PROBLEMS, apply_prepared
from .progress import Cancelled, Progress, check, never_cancelled, no_progress

if TYPE_CHECKING:
    from .context import AppContext

__all__ = [
    "BACKFILL_DAYS",
    "MAX_STORED_PROBLEMS",
    "ImportOptions",
    "ImportResult",
    "Move",
    "PreparedImport",
    "SheetCells",
    "apply_prepared",
    "guess_header",
    "import_file",
    "mapping_targets",
    "prepare_cells",
    "prepare_import",
    "prepare_raw",
    "read_cells",
    "read_sheet",
    "reading_limits",
    "scale_labels",
    "set_import_as_of",
    "sheet_names",
    "undo_latest_import",
]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_cells(
    path: str | Path, sheet: str | None = None, limits: ReadingLimits | None = None
) -> SheetCells:
    """Read one sheet's cells and fingerprint the file: the only step that touches the file.

    `limits` (default: the defaults) bound what a workbook may unpack to; see
    `reading_limits` for the database's own setting.
    """
    path = Path(path)
    raw = read_raw(path, sheet, limits)
    return SheetCells(raw, _sha256(path))


def reading_limits(ctx: AppContext) -> ReadingLimits:
    """The zip-bomb limits set for this database (`cspm settings set reading.…`)."""
    with ctx.db.session() as s:
        return settings_repo.load_settings(s).reading


def prepare_cells(
    ctx: AppContext,
    cells: SheetCells,
    options: ImportOptions,
    progress: Progress = no_progress,
    *,
    settings: Settings | None = None,
) -> PreparedImport:
    """`prepare_import` on cells already read: header, mapping, parse, validate; no file access.

    `options.sheet` is not consulted (the cells are of one sheet already); `header_index`,
    `profile` and `mapping` are. The cells are only read, never changed, so one `SheetCells` can
    be prepared again and again (and from several workers at once) with different options.
    """
    return prepare_raw(ctx, cells.raw, options, cells.sha256, progress, settings=settings)


def prepare_import(
    ctx: AppContext,
    path: str | Path,
    options: ImportOptions,
    progress: Progress = no_progress,
    *,
    settings: Settings | None = None,
) -> PreparedImport:
    """Read, find the header, map and validate: no database writes. `settings`: the team
    settings when the caller has read them (an import reads them once for all its steps)."""
    path = Path(path)
    progress(0.02, f"Reading {path.name}")
    if settings is None:
        settings = _settings(ctx)
    cells = read_cells(path, options.sheet, settings.reading)
    return prepare_cells(ctx, cells, options, progress, settings=settings)


def _settings(ctx: AppContext) -> Settings:
    with ctx.db.session() as s:
        return settings_repo.load_settings(s)


def prepare_raw(
    ctx: AppContext,
    raw: RawSheet,
    options: ImportOptions,
    sha256: str,
    progress: Progress = no_progress,
    *,
    settings: Settings | None = None,
) -> PreparedImport:
    """The steps after reading: header, mapping (profile, synonyms, fuzzy), parse, validate."""
    progress(0.35, "Finding the header row")
    table = extract_table(raw, options.header_index)
    table, deleted_flag, deleted = drop_deleted_rows(table)  # the CRM's recycle bin
    with ctx.db.session() as s:
        if settings is None:
            settings = settings_repo.load_settings(s)
        documents = settings_repo.load_profile_documents(s)
        earlier = imports_repo.earlier_scales(s)
    profiles = {name: doc.columns for name, doc in documents.items()}
    profile: dict[str, str] | None = None
    profile_name = options.profile
    if options.profile:
        if options.profile not in profiles:
            names = ", ".join(sorted(profiles)) or "none saved yet"
            raise BadInputError(f"No mapping profile named '{options.profile}' ({names}).")
        profile = profiles[options.profile]
    else:
        for name, candidate in sorted(profiles.items()):
            if profile_fits(candidate, table.headers):
                profile, profile_name = candidate, name
                break
    mapping = auto_map(table.headers, profile=profile, user=options.mapping)
    refuse_other_kinds(table, mapping, raw.path.name)  # opportunities, tickets... are not accounts
    mapping, role_notes = decide_roles(table, mapping)  # owner IDs, CRM stages, losing columns
    progress(0.45, "Reading values")
    plan = build_plan(
        table, mapping, settings, _choices(options, documents.get(profile_name or ""), earlier)
    )
    plan.problems[:0] = [
        *reading_problems(raw.notes, raw.cells, raw.row_numbers, table.header_row),
        *role_notes,
    ]
    if deleted:
        rows = "1 row is a record" if deleted == 1 else f"{deleted:,} rows are records"
        text = f"{rows} deleted in the CRM: not imported"
        plan.problems.insert(0, Problem(None, deleted_flag, None, text, "info"))
    return PreparedImport(raw.path, raw, table, plan.mapping, plan, profile_name, sha256)


def _choices(
    options: ImportOptions, profile: ProfileDocument | None, earlier: dict[str, str]
) -> UserChoices:
    """The user's value maps and scales (strict) over the applied profile's (lenient), over
    the scales earlier imports of the same headers used (when the values allow them)."""
    return UserChoices(
        value_maps=options.value_maps,
        scales=options.scales,
        profile_value_maps=profile.values if profile else {},
        profile_scales=profile.scales if profile else {},
        earlier_scales=earlier,
    )


def import_file(
    ctx: AppContext,
    path: str | Path,
    options: ImportOptions | None = None,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> ImportResult:
    """The whole import; see module docstring. Refused imports write nothing."""
    options = options or ImportOptions()
    settings = _settings(ctx)  # once, for every step of this import
    prepared = prepare_import(ctx, path, options, progress, settings=settings)
    check(cancelled)
    return apply_prepared(ctx, prepared, options, progress, cancelled, settings=settings)


def sheet_names(path: str | Path) -> list[str]:
    """Sheets of a workbook ([] for CSV), for the wizard's sheet step."""
    from cspm.core.reading import list_sheets

    return list_sheets(Path(path))


def read_sheet(path: str | Path, sheet: str | None = None) -> RawSheet:
    """Raw cells of one sheet, for the wizard's header step (preview and header guess)."""
    return read_raw(Path(path), sheet)


def guess_header(raw: RawSheet) -> int:
    """Position (in raw.cells) of the row cspm would take as the header."""
    from cspm.core.header import find_header_row

    return find_header_row(raw.cells)


def scale_labels() -> dict[str, str]:
    """scale -> what the wizard's scale dropdown says ("points" -> "account NPS in points...")."""
    from cspm.core.scales import SCALE_LABELS

    return dict(SCALE_LABELS)


def mapping_targets() -> list[tuple[str, str]]:
    """(field name, label) choices for the wizard's mapping dropdowns, plus custom/ignore."""
    from cspm.core.currency import CONVERSION_FIELDS
    from cspm.core.fields import CANONICAL_FIELDS

    return [
        *((f.name, f.label) for f in CANONICAL_FIELDS if f.name not in CONVERSION_FIELDS),
        ("custom", "Keep as custom field"),
        ("ignore", "Ignore this column"),
    ]
