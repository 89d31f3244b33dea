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
from cspm.core.file_kind import refuse_shape
from cspm.core.header import Table
from cspm.core.mapping import auto_map
from cspm.core.plan import Problem, UserChoices, build_plan
from cspm.core.profiles import ProfileDocument
from cspm.core.read_notes import reading_problems
from cspm.core.reading import RawSheet, read_raw
from cspm.core.related.detect import KindGuess, detect_kind, related_refusal
from cspm.core.related.kinds import ACCOUNTS
from cspm.core.settings import ReadingLimits, Settings
from cspm.storage import imports_repo, settings_repo

from .import_prefetch import stored_alongside
from .import_results import (
    ImportOptions,
    ImportResult,
    Move,
    PreparedImport,
    PreparedRelated,
    SheetCells,
)
from .import_undo import set_import_as_of, undo_latest_import
from .import_writes import BACKFILL_DAYS, MAX_STORED_PROBLEMS, apply_prepared
from .progress import Cancelled, Progress, check, never_cancelled, no_progress
from .related_prepare import check_kind, choose_profile, prepare_related, table_of

if TYPE_CHECKING:
    from .context import AppContext

__all__ = [
    "BACKFILL_DAYS",
    "MAX_STORED_PROBLEMS",
    "ImportOptions",
    "ImportResult",
    "Move",
    "PreparedImport",
    "PreparedRelated",
    "SheetCells",
    "apply_prepared",
    "detect_cells",
    "guess_header",
    "import_file",
    "mapping_targets",
    "prepare_any",
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
    """The steps after reading an accounts file: header, mapping (profile, synonyms, fuzzy),
    parse, validate.

    Unless `options.kind` says "accounts", the file's kind is checked first: a related file
    (subscriptions, tickets...) raises `RelatedFileError` (`prepare_any` imports it as what it
    is), and a file with many rows per account of no known kind is refused as before.
    """
    progress(0.35, "Finding the header row")
    table, notes = table_of(raw, options)
    return _prepare_accounts(
        ctx, raw, table, notes, options, sha256, progress, settings, check_kind(options.kind)
    )


def _prepare_accounts(
    ctx: AppContext,
    raw: RawSheet,
    table: Table,
    notes: list[Problem],
    options: ImportOptions,
    sha256: str,
    progress: Progress,
    settings: Settings | None,
    kind: str | None,
    guess: tuple[KindGuess, dict[str, str]] | None = None,
) -> PreparedImport:
    """`guess`: the kind detected from the plain `auto_map` of the headers, when the caller
    has it; reused when the chosen mapping names the same fields (the detection hashes every
    key of the file, a measurable share of a 100,000-row import)."""
    if kind not in (None, ACCOUNTS):
        raise ValueError(f"an accounts import was given a file of kind {kind!r}")
    with ctx.db.session() as s:
        if settings is None:
            settings = settings_repo.load_settings(s)
        documents = settings_repo.load_profile_documents(s)
        earlier = imports_repo.earlier_scales(s)
    profile_name, profile = choose_profile(documents, options, table.headers, ACCOUNTS)
    mapping = auto_map(
        table.headers, profile=profile.columns if profile else None, user=options.mapping
    )
    if kind is None:  # what else the file could be: imported as that, or refused
        detected = guess[0] if guess and guess[1] == mapping.field_columns() else None
        guess_now = detected or detect_kind(table, mapping)
        if guess_now.is_related:
            raise related_refusal(guess_now, raw.path.name)
        refuse_shape(guess_now.shape, raw.path.name)
    mapping, role_notes = decide_roles(table, mapping)  # owner IDs, CRM stages, losing columns
    progress(0.45, "Reading values")
    plan = build_plan(table, mapping, settings, _choices(options, profile, earlier))
    plan.problems[:0] = [
        *notes,
        *reading_problems(raw.notes, raw.cells, raw.row_numbers, table.header_row),
        *role_notes,
    ]
    return PreparedImport(raw.path, raw, table, plan.mapping, plan, profile_name, sha256)


def prepare_any(
    ctx: AppContext,
    source: str | Path | SheetCells,
    options: ImportOptions,
    progress: Progress = no_progress,
    *,
    settings: Settings | None = None,
) -> PreparedImport | PreparedRelated:
    """Read (unless given cells), find the kind and prepare the file as that kind.

    The kind is `options.kind` when given; else the kind of the profile named by
    `options.profile`; else the detected one (`cspm.core.related.detect`). An accounts file
    gives a `PreparedImport`, any other kind a `PreparedRelated`; nothing is written.
    """
    if settings is None:
        settings = _settings(ctx)
    if isinstance(source, SheetCells):
        return _prepare_cells_any(ctx, source, options, progress, settings)
    # the stored accounts the import needs next are read while the file is (import_prefetch)
    with stored_alongside(ctx, Path(source), check_kind(options.kind)):
        progress(0.02, f"Reading {Path(source).name}")
        cells = read_cells(source, options.sheet, settings.reading)
        return _prepare_cells_any(ctx, cells, options, progress, settings)


def _prepare_cells_any(
    ctx: AppContext,
    cells: SheetCells,
    options: ImportOptions,
    progress: Progress,
    settings: Settings,
) -> PreparedImport | PreparedRelated:
    """`prepare_any` once the cells are read."""
    kind = check_kind(options.kind) or _profile_kind(ctx, options.profile)
    progress(0.35, "Finding the header row")
    table, notes = table_of(cells.raw, options)
    plain = auto_map(table.headers)
    guess = detect_kind(table, plain)
    if kind is None and guess.is_related:
        kind = guess.kind
    if kind is None or kind == ACCOUNTS:
        return _prepare_accounts(
            ctx,
            cells.raw,
            table,
            notes,
            options,
            cells.sha256,
            progress,
            settings,
            kind,
            (guess, plain.field_columns()),
        )
    return prepare_related(
        ctx, cells.raw, options, cells.sha256, progress, settings=settings, guess=guess, kind=kind
    )


def _profile_kind(ctx: AppContext, name: str | None) -> str | None:
    """The kind of file the named profile maps (None: no profile named, or no such profile,
    which the mapping step then reports)."""
    if not name:
        return None
    with ctx.db.session() as s:
        doc = settings_repo.load_profile_documents(s).get(name)
    return doc.kind if doc is not None else None


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
    prepared = prepare_any(ctx, path, options, progress, settings=settings)
    check(cancelled)
    if isinstance(prepared, PreparedRelated):
        from .related_writes import apply_related  # the related kinds' writer

        return apply_related(ctx, prepared, options, progress, cancelled, settings=settings)
    prepared = prepared.without_cells()  # planned: only the plan is written
    return apply_prepared(
        ctx, prepared, options, progress, cancelled, settings=settings, keep_plan=False
    )


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


def mapping_targets(kind: str = ACCOUNTS) -> list[tuple[str, str]]:
    """(field name, label) choices for the wizard's mapping dropdowns of a file of `kind`,
    plus custom/ignore."""
    from cspm.core.currency import CONVERSION_FIELDS
    from cspm.core.field_vocab import vocabulary

    fields = vocabulary(check_kind(kind) or ACCOUNTS).fields.values()
    return [
        *((f.name, f.label) for f in fields if f.name not in CONVERSION_FIELDS),
        ("custom", "Keep as custom field"),
        ("ignore", "Ignore this column"),
    ]


def detect_cells(cells: SheetCells, options: ImportOptions | None = None) -> KindGuess:
    """The kind cspm reads these cells as, and the headers that say so (the wizard's first
    page shows it and lets the user change it); pure, no database."""
    table, _ = table_of(cells.raw, options or ImportOptions())
    return detect_kind(table, auto_map(table.headers))
