"""Writing a related import (subscriptions, usage, tickets, contacts, churn events) in one
transaction: the import record, its rows, every row in force re-linked, the history derived
from them, and the affected accounts' state.

Like an accounts import it refuses a future as-of date and rejected rows (unless skipped),
a dry run writes nothing (not even an import id), and loading the file its kind last
imported again (same bytes, same mapping) writes nothing and says so. Its rows never create
accounts; rows that link to none are a warning, listed in a CSV next to the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cspm.core.plan import Problem
from cspm.core.related.carried import DERIVED_BY_KIND
from cspm.core.related.frames import RelatedFrames
from cspm.core.related.kinds import RELATED_KIND_NAMES, RELATED_KINDS
from cspm.core.related.linking import link
from cspm.core.settings import Settings
from cspm.storage import accounts_repo, imports_repo, related_repo, settings_repo
from cspm.storage import related_writes as stored
from cspm.storage.db import data_dir

from . import related_unlinked
from .changes import Outcome, perform
from .import_results import ImportOptions, ImportResult, first_result
from .import_writes import BACKFILL_DAYS, MAX_STORED_PROBLEMS, refuse_future_as_of
from .progress import Cancelled, Progress, check, never_cancelled, no_progress
from .related_derive import Derived, Incoming, relink_and_derive
from .related_results import RelatedSummary
from .store_guard import guard_write

if TYPE_CHECKING:
    from .context import AppContext


def apply_related(
    ctx: AppContext,
    prepared: Any,
    options: ImportOptions,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
    *,
    settings: Settings | None = None,
) -> ImportResult:
    """Decide (refuse / dry run / already imported / import) and write a related import.

    `prepared`: a `PreparedRelated` (path, raw, table, mapping, plan with kind and frame,
    profile_name, sha256)."""
    as_of = options.as_of or ctx.today
    refuse_future_as_of(as_of, ctx.today)
    if settings is None:
        with ctx.db.session() as s:
            settings = settings_repo.load_settings(s)
    plan = prepared.plan
    kind: str = plan.kind
    result = first_result(prepared, as_of, kind=kind)
    summary = RelatedSummary(
        kind,
        getattr(prepared, "described", RELATED_KINDS[kind].noun),
        list(getattr(prepared, "evidence", ()) or _key_columns(prepared)),
        period=settings.related.history_period,
    )
    result.related = summary
    if plan.rejected_rows and not options.skip_invalid:
        result.status = "refused"
        return result
    rows: pd.DataFrame = plan.frame
    if rows.empty:
        result.status = "refused"
        noun = RELATED_KINDS[kind].noun
        result.problems.append(
            Problem(None, None, None, f"no valid rows to import as {noun}", "error")
        )
        return result
    summary.rows = len(rows)
    check(cancelled)
    mapping: dict[str, Any] = prepared.mapping.as_record()
    if getattr(plan, "value_maps", None):  # other value meanings: a new import, not a repeat
        mapping["@choices"] = {"values": plan.value_maps}
    if options.dry_run:
        return _dry_run(ctx, result, kind, rows, mapping, prepared.sha256)
    with ctx.db.session() as s:  # a repeat writes nothing: no backup, no write lock either
        same = stored.identical_related_import(
            s, kind=kind, sha256=prepared.sha256, mapping=mapping
        )
    if same is not None:
        return _already_imported(result, same)
    guard_write(ctx, "import", settings.db.backups_kept)
    reports: list[pd.DataFrame] = []

    def work(s: Any) -> Outcome[ImportResult]:
        same = stored.identical_related_import(
            s, kind=kind, sha256=prepared.sha256, mapping=mapping
        )
        if same is not None:
            return Outcome(_already_imported(result, same), changed=False)
        progress(0.55, f"Writing {len(rows):,} {kind} rows")
        record = imports_repo.create_import(
            s,
            kind=kind,
            file_name=prepared.path.name,
            sha256=prepared.sha256,
            sheet=prepared.raw.sheet,
            header_row=prepared.table.header_row,
            profile_name=prepared.profile_name,
            mapping=mapping,
            carried_fields=[],
            as_of=as_of,
            started_at=dt.datetime.now(),
            status="committed",
            rows_total=plan.rows_total,
            rejected_count=len(plan.rejected_rows),
            warning_count=sum(p.severity == "warning" for p in plan.problems),
            problems=[p.to_dict() for p in plan.problems[:MAX_STORED_PROBLEMS]],
        )
        if options.save_profile:  # applies to later files of this kind only
            settings_repo.save_profile(
                s,
                options.save_profile,
                prepared.mapping.as_profile(),
                values=getattr(plan, "value_maps", None),
                kind=kind,
            )
        check(cancelled)
        derived = relink_and_derive(s, settings, Incoming(kind, rows, record.id), progress=progress)
        check(cancelled)
        reports.append(_summarise(s, result, derived))
        record.carried_fields = list(derived.fields)
        record.updated_count = derived.accounts
        record.warning_count += int(summary.unlinked > 0)
        record.finished_at = dt.datetime.now()
        result.import_id = record.id
        result.updated = derived.accounts
        live = as_of >= ctx.today - dt.timedelta(days=BACKFILL_DAYS)
        return Outcome(result, {"op": "import_undo", "import_id": record.id}, live=live)

    change = perform(
        ctx, f"Import {prepared.path.name}", {"imports", "accounts"}, work, verb="imported"
    )
    result = change.result
    result.notices.extend(change.notices)
    if result.status == "imported" and summary.unlinked:
        _write_unlinked(result, summary, reports[-1], prepared.path)
    progress(1.0, "Done")
    return result


def _key_columns(prepared: Any) -> list[str]:
    """The file's headers mapped to the kind's identifying fields (its row key, then what
    every row needs), when detection named none (the kind was chosen)."""
    spec = RELATED_KINDS[prepared.plan.kind]
    by_field = {target: header for header, target in prepared.mapping.as_record().items()}
    wanted = [*spec.row_key, *spec.required]
    return list(dict.fromkeys(by_field[f] for f in wanted if f in by_field))


def _already_imported(result: ImportResult, same: imports_repo.ImportInfo) -> ImportResult:
    result.status = "already_imported"
    result.same_as_import = same.id
    result.unchanged = result.related.rows if result.related else 0
    result.message = (
        f"this file was already imported on {same.started_at.date().isoformat()} as import "
        f"{same.id} ({same.kind}); nothing changed"
    )
    return result


def _dry_run(
    ctx: AppContext,
    result: ImportResult,
    kind: str,
    rows: pd.DataFrame,
    mapping: dict[str, Any],
    sha256: str,
) -> ImportResult:
    """What the import would do, read without any write: how many rows would link."""
    with ctx.db.session() as s:
        same = stored.identical_related_import(s, kind=kind, sha256=sha256, mapping=mapping)
        if same is not None:
            return _already_imported(result, same)
        frames = {k: related_repo.load_in_force(s, k) for k in RELATED_KIND_NAMES}
        old = frames[kind]
        frames[kind] = pd.concat(
            [old[~old["row_key"].isin(rows["row_key"])], rows.assign(_new=True)],
            ignore_index=True,
        )
        accounts = accounts_repo.load_accounts(s)
    linked = link(RelatedFrames(**frames), accounts).of(kind)
    mine = linked[linked["_new"].eq(True).to_numpy()].drop(columns="_new")
    _count_links(result, mine, None)
    result.status = "dry_run"
    return result


def _count_links(result: ImportResult, mine: pd.DataFrame, csv: Path | None) -> pd.DataFrame:
    """Fill the linked/unlinked counts and examples; returns the unlinked rows' report."""
    summary = result.related
    assert summary is not None
    missing = mine[mine["account_key"].isna().to_numpy()]
    summary.linked = len(mine) - len(missing)
    summary.unlinked = len(missing)
    report = related_unlinked.report_frame(summary.kind, missing)
    summary.unlinked_examples = related_unlinked.examples(report)
    if len(missing):
        result.problems.append(related_unlinked.warning(summary.kind, len(missing), len(mine), csv))
    return report


def _summarise(s: Any, result: ImportResult, derived: Derived) -> pd.DataFrame:
    """Fill the summary from what re-linking and deriving did; returns the unlinked rows'
    report (written to a CSV after the commit)."""
    summary = result.related
    assert summary is not None and derived.incoming is not None
    report = _count_links(result, derived.incoming, None)
    summary.relinked = derived.relinked
    summary.accounts, summary.snapshots = derived.accounts, derived.snapshots
    if derived.dates:
        summary.first_date, summary.last_date = derived.dates[0], derived.dates[-1]
    summary.sources = _sources(s, derived)
    return report


def _sources(s: Any, derived: Derived) -> dict[str, str]:
    """Per derived field, the related kind it comes from; a field a later accounts file also
    carries says that file's values win from its date on (the latest as-of value wins)."""
    made = set(derived.fields)  # empty while no row links: nothing derived yet
    out = {f: kind for kind, names in DERIVED_BY_KIND.items() for f in names if f in made}
    last = derived.dates[-1] if derived.dates else None
    for info in imports_repo.committed_imports(s):
        if info.kind != "accounts" or last is None or info.as_of < last:
            continue
        for f in info.carried_fields:
            if f in out:
                out[f] = (
                    f"accounts file {info.file_name} (import {info.id}, as of "
                    f"{info.as_of.isoformat()}) over {out[f]}"
                )
    return dict(sorted(out.items(), key=lambda kv: list(out).index(kv[0])))


def _write_unlinked(
    result: ImportResult, summary: RelatedSummary, report: pd.DataFrame, source: Path
) -> None:
    """Write every unlinked row to a CSV and name it in the summary's warning."""
    target = related_unlinked.write_csv(report, source, data_dir() / "unlinked")
    summary.unlinked_csv = str(target) if target else None
    for i, p in enumerate(result.problems):
        if p.severity == "warning" and "to no stored account" in p.message:
            result.problems[i] = related_unlinked.warning(
                summary.kind, summary.unlinked, summary.rows, target
            )
