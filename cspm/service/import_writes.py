"""Writing an import in one transaction, and undoing or re-dating one.

`apply_prepared` writes the import record, one snapshot per account and the new current state
in ONE transaction: a failure or a cancel leaves the database exactly as it was. A file that
merely repeats the last import of its date (same hash, sheet, header row and mapping) writes
nothing and says so. Each is one change record (`changes.perform`): task regeneration runs
after the commit and cannot fail it (see `task_refresh`); the import's inverse is undoing it
(`import_undo`, which also re-dates imports).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.analysis import analyse
from cspm.core.currency import convert_plan
from cspm.core.errors import BadInputError
from cspm.core.fields import FIELD_NAMES, normalise_header
from cspm.core.plan import Problem
from cspm.core.state import CUSTOM_PREFIX, derive_state, overlay_newest
from cspm.storage import accounts_repo, imports_repo, settings_repo

from .changes import Outcome, perform
from .context import AppContext
from .import_moves import arr_history_of_unpaid, tier_and_stage_moves
from .import_results import ImportOptions, ImportResult, PreparedImport
from .portfolio import override_series
from .progress import Cancelled, Progress, check, never_cancelled, no_progress
from .store_guard import guard_write

MAX_STORED_PROBLEMS = 2_000
BACKFILL_DAYS = 31


def apply_prepared(
    ctx: AppContext,
    prepared: PreparedImport,
    options: ImportOptions,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> ImportResult:
    """Decide (refuse / dry run / import) and, for an import, write it in one transaction."""
    as_of = options.as_of or ctx.today
    refuse_future_as_of(as_of, ctx.today)
    prepared = _in_portfolio_currency(ctx, prepared, as_of)
    plan = prepared.plan
    result = ImportResult(
        file=prepared.path.name,
        status="imported",
        as_of=as_of,
        sheet=prepared.raw.sheet,
        header_row=prepared.table.header_row,
        rows_total=plan.rows_total,
        rejected=len(plan.rejected_rows),
        problems=list(plan.problems),
        mapping=prepared.mapping.as_record(),
    )
    if plan.rejected_rows and not options.skip_invalid:
        result.status = "refused"
        return result
    if plan.frame.empty:
        result.status = "refused"
        result.problems.append(
            Problem(None, None, None, "no valid account rows to import", "error")
        )
        return result
    check(cancelled)
    if not options.dry_run:
        guard_write(ctx, "import")

    def work(s: Any) -> Outcome[ImportResult]:
        same = imports_repo.identical_import(
            s,
            sha256=prepared.sha256,
            as_of=as_of,
            sheet=prepared.raw.sheet,
            header_row=prepared.table.header_row,
            mapping=_record_mapping(prepared),
        )
        if same is not None:
            return Outcome(_already_imported(result, same, len(plan.frame)), changed=False)
        _write(ctx, s, prepared, as_of, result, progress, cancelled)
        if options.dry_run:
            result.status = "dry_run"
            result.import_id = None
            return Outcome(result, changed=False)
        if options.save_profile:
            mapping = prepared.mapping.as_profile()
            settings_repo.save_profile(
                s, options.save_profile, mapping, values=plan.value_maps, scales=plan.scale_choices
            )
        # A back-filled file (loading last year's exports) describes the past: tasks made from
        # it against today's clock would be stale on arrival (renewals long overdue). The next
        # look at the task list regenerates from whatever state is current by then.
        live = as_of >= ctx.today - dt.timedelta(days=BACKFILL_DAYS)
        if live:
            progress(0.97, "Updating tasks")
        return Outcome(result, {"op": "import_undo", "import_id": result.import_id}, live=live)

    change = perform(
        ctx, f"Import {prepared.path.name}", {"imports", "accounts"}, work, verb="imported"
    )
    result = change.result
    result.notices.extend(change.notices)
    progress(1.0, "Done")
    return result


def _in_portfolio_currency(
    ctx: AppContext, prepared: PreparedImport, as_of: dt.date
) -> PreparedImport:
    """Amounts converted at the rates in effect on the as-of date (known only now, after the
    wizard's preview), with a note per currency and a warning naming rows without a rate."""
    with ctx.db.session() as s:
        currency = settings_repo.load_settings(s).currency
    header = prepared.mapping.field_columns().get("currency")
    plan, _ = convert_plan(prepared.plan, currency, as_of, header)
    return dataclasses.replace(prepared, plan=plan)


def _already_imported(
    result: ImportResult, same: imports_repo.ImportInfo, accounts: int
) -> ImportResult:
    """The result of loading a file identical to an import of the same date: nothing written,
    every account row of the file unchanged."""
    result.status = "already_imported"
    result.unchanged = accounts
    result.same_as_import = same.id
    result.message = (
        f"this file was already imported on {same.started_at.date().isoformat()} as import "
        f"{same.id}; nothing changed"
    )
    return result


def refuse_future_as_of(as_of: dt.date, today: dt.date) -> None:
    """An export describes the past or today; a later date is a typo (2062 for 2026). Taken,
    it would be the newest snapshot for years: every real import after it would change
    nothing in the current state while outcomes counted its numbers."""
    if as_of > today:
        raise BadInputError(
            f"The as-of date {as_of.isoformat()} is after today ({today.isoformat()}); an "
            "export describes the past or today: check the date."
        )


def _record_mapping(prepared: PreparedImport) -> dict[str, Any]:
    """The mapping an import record keeps: header -> target, plus the value maps and scales the
    plan applied (under "@choices"), so a re-load of the same bytes with other value meanings
    is a new import, not "already imported"; and every scale used (under "@scales"), which
    `imports_repo.earlier_scales` hands to later imports of the same headers."""
    record: dict[str, Any] = prepared.mapping.as_record()
    plan = prepared.plan
    if plan.value_maps or plan.scale_choices:
        record["@choices"] = {"values": plan.value_maps, "scales": plan.scale_choices}
    if plan.scales:  # every scale used, so later imports of the column read it alike
        record["@scales"] = {normalise_header(d.header): d.scale for d in plan.scales}
    return record


def _custom_dicts(frame: pd.DataFrame, names: list[str]) -> list[dict[str, Any] | None]:
    """Per row, the custom values as JSON-safe Python values (dates as ISO text)."""
    if not names:
        return [None] * len(frame)
    arrays = []
    for n in names:
        s = frame[n]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            vals = s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)
        elif pd.api.types.is_numeric_dtype(s.dtype) and str(s.dtype) != "boolean":
            vals = s.astype(object).where(s.notna(), None)
        else:
            vals = s.astype(object).where(s.notna(), None)
        arrays.append(vals.to_numpy(dtype=object))
    return [dict(zip(names, row, strict=True)) for row in zip(*arrays, strict=True)]


def _write(
    ctx: AppContext,
    s: Any,
    prepared: PreparedImport,
    as_of: dt.date,
    result: ImportResult,
    progress: Progress,
    cancelled: Cancelled,
) -> None:
    plan = prepared.plan
    custom_names = list(plan.custom_types)
    carried = [*plan.carried, *(CUSTOM_PREFIX + c for c in custom_names)]
    settings = settings_repo.load_settings(s)
    overrides = settings_repo.load_overrides(s)
    latest = imports_repo.latest_as_of(s)
    progress(0.55, "Comparing with stored accounts")
    existing = accounts_repo.load_accounts(s).set_index("id")
    record = imports_repo.create_import(
        s,
        file_name=prepared.path.name,
        sha256=prepared.sha256,
        sheet=prepared.raw.sheet,
        header_row=prepared.table.header_row,
        profile_name=prepared.profile_name,
        mapping=_record_mapping(prepared),
        carried_fields=carried,
        as_of=as_of,
        started_at=dt.datetime.now(),
        status="committed",
        rows_total=plan.rows_total,
        rejected_count=len(plan.rejected_rows),
        warning_count=len(plan.warnings),
        problems=[p.to_dict() for p in plan.problems[:MAX_STORED_PROBLEMS]],
    )
    incoming = plan.frame.copy()
    incoming["custom"] = _custom_dicts(incoming, custom_names)
    key_to_id = pd.Series(existing.index.to_numpy(), index=existing["key"].to_numpy())
    is_new = ~incoming["key"].isin(key_to_id.index).to_numpy()
    check(cancelled)

    progress(0.6, "Adding new accounts")
    new_frame = incoming.loc[is_new]
    new_ids = accounts_repo.insert_accounts(s, new_frame, record.id)
    ids = incoming["key"].map(key_to_id).astype("float")
    ids.loc[is_new] = new_frame["key"].map(new_ids).to_numpy(dtype=float)
    incoming["account_id"] = ids.astype("int64")

    progress(0.7, "Writing snapshots")
    snaps = incoming.assign(import_id=record.id, as_of=pd.Timestamp(as_of))
    if "health_score" not in carried:
        snaps["health_score"] = _effective_health(
            s, existing, incoming, carried, settings, overrides, as_of, latest is not None
        )
    accounts_repo.insert_snapshots(s, snaps)
    check(cancelled)

    progress(0.85, "Updating current state")
    old = incoming.loc[~is_new].set_index("account_id")
    before = existing.loc[old.index]
    if latest is None or as_of >= latest:
        after = overlay_newest(before, old, carried)
    else:
        history = accounts_repo.load_snapshots(s, list(old.index))
        derived = derive_state(history, imports_repo.carried_by_import(s), FIELD_NAMES)
        after = before.copy()
        for col in [*FIELD_NAMES, "custom"]:
            after[col] = derived[col].reindex(before.index).astype(before[col].dtype)
    changed = _changed_rows(before, after)
    accounts_repo.update_accounts(s, after.loc[changed], [*FIELD_NAMES, "custom"])
    check(cancelled)

    result.problems.extend(_missing_notes(s, incoming, is_new, after))
    result.new = int(is_new.sum())
    result.updated = int(changed.sum())
    result.unchanged = len(old) - result.updated
    result.import_id = record.id
    history = arr_history_of_unpaid(s, after.loc[changed])
    result.moves = tier_and_stage_moves(
        before.loc[changed], after.loc[changed], settings, overrides, ctx.today, history, record.id
    )
    record.new_count, record.updated_count = result.new, result.updated
    record.unchanged_count = result.unchanged
    record.finished_at = dt.datetime.now()


def _missing_notes(
    s: Any, incoming: pd.DataFrame, is_new: np.ndarray, after: pd.DataFrame
) -> list[Problem]:
    """Info notes counting what the file's accounts lack after this import (no column in any
    file and nothing logged), so a gap is read as a gap, not as bad news."""
    from cspm.storage import tasks_repo

    logged = tasks_repo.last_touch_dates(s)["last_interaction"].dropna().index
    new = incoming.loc[is_new].set_index("key")
    new_dates = new.get("last_interaction", pd.Series(pd.NaT, index=new.index))
    old_dates = after["last_interaction"].set_axis(after["key"].to_numpy())
    dates = pd.concat([old_dates.astype("datetime64[ns]"), new_dates.astype("datetime64[ns]")])
    missing = int((dates.isna() & ~dates.index.isin(logged)).sum())
    if not missing:
        return []
    what, they = ("account has", "it is") if missing == 1 else ("accounts have", "they are")
    return [
        Problem(
            None,
            None,
            None,
            f"{missing:,} {what} no last-interaction date on record; {they} listed in "
            "'No interaction on record', not counted as 30+ days without one.",
            "info",
        )
    ]


def _effective_health(
    s: Any,
    existing: pd.DataFrame,
    incoming: pd.DataFrame,
    carried: list[str],
    settings: Any,
    overrides: pd.DataFrame,
    as_of: dt.date,
    has_history: bool,
) -> np.ndarray:
    """The health score of each file row as of the file's date, for its snapshot.

    When the file carries no health column, the snapshot keeps the computed score, so "health
    dropped by 15 since 30 days ago" compares like with like. Derivation of current state
    ignores it (health_score is not among the carried fields).
    """
    by_id = existing.set_index("key", drop=False) if len(existing) else existing
    before = by_id.reindex(incoming["key"].to_numpy()) if len(by_id) else None
    file_state = incoming.set_index("key", drop=False)
    if before is not None:
        file_state = overlay_newest(before, file_state.drop(columns=["account_id"]), carried)
        file_state["key"] = file_state.index
    history = accounts_repo.load_history(s, until=as_of) if has_history else None
    tiers, notes = override_series(file_state, overrides)
    analysed = analyse(
        file_state.reset_index(drop=True),
        history,
        settings,
        as_of,
        override_tiers=tiers,
        override_notes=notes,
        health=settings_repo.load_health(s),
    )
    return analysed.frame["health_score"].to_numpy(dtype=float)


def _changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Accounts whose stored state differs (missing == missing), any field or custom value."""
    from cspm.storage.frames import values_equal

    changed = np.zeros(len(before), dtype=bool)
    for col in [*FIELD_NAMES, "custom"]:
        changed |= ~values_equal(before[col], after[col]).to_numpy()
    return changed
