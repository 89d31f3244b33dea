"""Preparing a related file: header, kind, mapping (profile of its kind, synonyms, fuzzy),
parsing and validation, up to a `PreparedRelated`; no database writes.

The accounts steps (`imports.prepare_raw`) and these share the reading and header steps; what
differs is the vocabulary the headers map to and the plan (`cspm.core.related.plan`). Writing
is `related_writes.apply_related`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cspm.core.deleted_rows import drop_deleted_rows
from cspm.core.errors import BadInputError
from cspm.core.header import Table, extract_table
from cspm.core.mapping import auto_map, profile_fits
from cspm.core.plan import UserChoices
from cspm.core.problems import Problem
from cspm.core.profiles import ProfileDocument
from cspm.core.read_notes import reading_problems
from cspm.core.reading import RawSheet
from cspm.core.related.detect import KindGuess, detect_kind
from cspm.core.related.kinds import KIND_NAMES, RELATED_KINDS
from cspm.core.related.plan import build_related_plan
from cspm.core.settings import Settings
from cspm.storage import settings_repo

from .import_results import ImportOptions, PreparedRelated
from .progress import Progress, no_progress

if TYPE_CHECKING:
    from .context import AppContext


def check_kind(kind: str | None) -> str | None:
    """`kind` when it is one cspm imports (or None: detect); else one sentence listing them."""
    if kind is None or kind in KIND_NAMES:
        return kind
    raise BadInputError(
        f"'{kind}' is not a kind of file cspm imports; use one of: {', '.join(KIND_NAMES)}."
    )


def choose_profile(
    documents: dict[str, ProfileDocument], options: ImportOptions, headers: list[str], kind: str
) -> tuple[str | None, ProfileDocument | None]:
    """The profile to apply: the one named (which must map this kind of file), else the first
    saved profile of this kind that names every header of the file."""
    if options.profile:
        doc = documents.get(options.profile)
        if doc is None:
            names = ", ".join(sorted(documents)) or "none saved yet"
            raise BadInputError(f"No mapping profile named '{options.profile}' ({names}).")
        if doc.kind != kind:
            raise BadInputError(
                f"Mapping profile '{options.profile}' maps {doc.kind} files, and this file is "
                f"read as {kind}; choose a {kind} profile or give --kind {doc.kind}."
            )
        return options.profile, doc
    for name, doc in sorted(documents.items()):
        if doc.kind == kind and profile_fits(doc.columns, headers):
            return name, doc
    return None, None


def table_of(raw: RawSheet, options: ImportOptions) -> tuple[Table, list[Problem]]:
    """The data table below the header row, without the CRM's deleted records (a note)."""
    table = extract_table(raw, options.header_index)
    table, deleted_flag, deleted = drop_deleted_rows(table)
    notes: list[Problem] = []
    if deleted:
        rows = "1 row is a record" if deleted == 1 else f"{deleted:,} rows are records"
        notes.append(
            Problem(None, deleted_flag, None, f"{rows} deleted in the CRM: not imported", "info")
        )
    return table, notes


def prepare_related(
    ctx: AppContext,
    raw: RawSheet,
    options: ImportOptions,
    sha256: str,
    progress: Progress = no_progress,
    *,
    settings: Settings | None = None,
    guess: KindGuess | None = None,
    kind: str | None = None,
) -> PreparedRelated:
    """Header, kind, mapping, parse and validate a related file (see module docstring).

    The kind is `kind` (the caller's decision, e.g. a named profile's kind), else
    `options.kind`, else the detected one (which must be related: an accounts file is
    `imports.prepare_raw`'s). `guess`: detection already done on these cells.
    """
    progress(0.35, "Finding the header row")
    table, notes = table_of(raw, options)
    if guess is None:
        guess = detect_kind(table, auto_map(table.headers))
    kind = kind or check_kind(options.kind) or guess.kind
    if kind not in RELATED_KINDS:
        raise ValueError(f"prepare_related was given a file of kind {kind!r}")
    if options.scales:
        raise BadInputError(
            f"Scales (--scale) apply to NPS and health columns of accounts files, not to {kind}."
        )
    with ctx.db.session() as s:
        if settings is None:
            settings = settings_repo.load_settings(s)
        documents = settings_repo.load_profile_documents(s)
    profile_name, profile = choose_profile(documents, options, table.headers, kind)
    mapping = auto_map(
        table.headers,
        profile=profile.columns if profile else None,
        user=options.mapping,
        kind=kind,
    )
    progress(0.45, "Reading values")
    choices = UserChoices(
        value_maps=options.value_maps,
        profile_value_maps=profile.values if profile else {},
    )
    plan = build_related_plan(table, mapping, kind, settings, choices)
    plan.problems[:0] = [
        *reading_problems(raw.notes, raw.cells, raw.row_numbers, table.header_row),
        *notes,
    ]
    source = guess.source if guess.kind == kind else ""
    return PreparedRelated(
        path=raw.path,
        raw=raw,
        table=table,
        kind=kind,
        detected_kind=guess.kind,
        evidence=guess.evidence,
        mapping=plan.mapping,
        plan=plan,
        profile_name=profile_name,
        sha256=sha256,
        source=source,
    )
