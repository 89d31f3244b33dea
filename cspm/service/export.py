"""Export use cases: gather what a report shows, then hand it to a writer in cspm.reports.

The writers know neither the database nor the service; everything here is plain data built
from the analysed portfolio (accounts, segments with reasons, tasks, outcomes, one account's
history), filtered by segment / owner / tier the way the CSM asked.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from cspm.core.currency import arr_notes, unconverted_mask
from cspm.core.errors import BadInputError
from cspm.core.field_labels import AGGREGATE_FIELDS, field_label
from cspm.core.health import health_band
from cspm.core.money import full_one
from cspm.core.rules.explain_all import explain_all
from cspm.core.settings import LIFECYCLE_STAGES
from cspm.reports.data import ACCOUNT_COLUMNS, Audience, WorkbookData
from cspm.storage import imports_repo

from .export_cleanup import clean_up_interrupted_exports as clean_up_interrupted_exports
from .personal import current_user
from .portfolio import Portfolio, list_accounts, load_portfolio
from .progress import Cancelled, Progress, never_cancelled, no_progress

if TYPE_CHECKING:
    from .context import AppContext

EXPORTABLE = (".xlsx", ".csv", ".pdf")


def _filters(segment: str | None, owner: str | None, tier: str | None) -> dict[str, str]:
    return {k: v for k, v in (("segment", segment), ("owner", owner), ("tier", tier)) if v}


def _accounts_frame(p: Portfolio, frame: pd.DataFrame) -> pd.DataFrame:
    # no copy of the portfolio's columns (81 at 100,000 accounts): columns set on this frame
    # do not reach `frame` (copy-on-write), and only the shown ones are kept below
    out = frame.copy(deep=False)
    out["health_band"] = health_band(
        out["health_score"], p.health.red_below, p.health.green_from
    ).to_numpy()
    out["segments"] = [", ".join(s) for s in out["segments"]]
    notes = arr_notes(out, p.settings.money)
    if (notes != "").any():  # a column only for portfolios with accounts in other currencies
        out["arr_note"] = notes
    # related-data aggregates only when some account has one (no usage file, no usage columns)
    empty = {c for c in AGGREGATE_FIELDS if c in out.columns and out[c].isna().all()}
    keep = [c for c in ACCOUNT_COLUMNS if c in out.columns and c not in empty]
    return out[keep].reset_index(drop=True)


def _settings_rows(p: Portfolio) -> list[tuple[str, str]]:
    rows = [
        (f"Tier: {b.name}", f"ARR >= {full_one(b.min_arr, p.settings.money)}")
        for b in sorted(p.settings.tier_bands, key=lambda b: -b.min_arr)
    ]
    lw = p.settings.lifecycle
    rows += [
        ("Onboarding window", f"contract start within the last {lw.onboarding_days} days"),
        ("Renewal window", f"renewal within the next {lw.renewal_days} days"),
        ("Adoption window", f"contract start within the last {lw.adoption_days} days"),
        ("Advocate", f"NPS >= {lw.advocate_nps:g} and health >= {lw.advocate_health:g}"),
        ("Tier source", p.settings.tier_source.replace("_", " ")),
        ("Date order for ambiguous dates", p.settings.date_order.replace("_", " ")),
        ("Evaluated as of", p.today.isoformat()),
    ]
    cur = p.settings.currency
    rows.append(("Portfolio currency", f"{cur.code} ({cur.symbol}); every amount is in it"))
    rows += [
        (f"Rate: {r.currency}", f"1 {r.currency} = {r.rate:g} {cur.code} from {r.effective}")
        for r in cur.rates
    ]
    return rows


def workbook_data(
    ctx: AppContext,
    *,
    segment: str | None = None,
    owner: str | None = None,
    tier: str | None = None,
    outcomes: bool = True,
) -> WorkbookData:
    """Everything the portfolio workbook shows, for the filtered accounts.

    Outcomes come first: they load the whole snapshot history (at 100,000 accounts x 6 months
    the biggest thing an export holds), which is let go as soon as they are computed, so the
    segment explanations and the task list are built in the memory it held, not beside it."""
    p = load_portfolio(ctx)
    outcome_frame = _outcomes_for_workbook(ctx) if outcomes else None
    frame = list_accounts(ctx, segment=segment, owner=owner, tier=tier)
    keys = frame.index
    seg_rows, members = [], {}
    arr = frame["arr"].fillna(0.0)
    for d in p.segments:
        if d.rule is None:
            continue
        mask = p.membership.loc[keys, d.name].to_numpy(dtype=bool)
        seg_rows.append(
            {
                "name": d.name,
                "description": d.description,
                "count": int(mask.sum()),
                "arr": float(arr.to_numpy()[mask].sum()),
            }
        )
        if mask.any():
            sub = frame[mask]
            why = explain_all(d.rule, sub, p.history, p.today, field_label, contacts=p.contacts)
            m = sub[["key", "name", "owner", "tier", "arr", "health_score"]].copy()
            m["why"] = why.to_numpy()
            members[d.name] = m.reset_index(drop=True)
    from .tasks import list_tasks

    tasks = list_tasks(ctx, segment=segment, owner=owner, tier=tier)
    tasks = tasks.assign(reasons=["; ".join(r) for r in tasks["reasons"]])
    with ctx.db.session() as s:
        done = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
    last = f"{done[0].file_name}, as of {done[0].as_of.isoformat()}" if done else None
    if done and done[0].user:
        last = f"{last}, by {done[0].user}"
    return WorkbookData(
        generated_at=dt.datetime.now().replace(microsecond=0),
        generated_by=current_user(),
        database=ctx.db.portfolio_name,
        last_import=last,
        filters=_filters(segment, owner, tier),
        settings_rows=_settings_rows(p),
        accounts=_accounts_frame(p, frame),
        tiers=list(p.settings.tier_names),
        stages=list(LIFECYCLE_STAGES),
        segments=pd.DataFrame(seg_rows, columns=["name", "description", "count", "arr"]),
        segment_members=members,
        tasks=tasks,
        outcomes=outcome_frame,
        money=p.settings.money,
        left_out=int(unconverted_mask(frame).sum()),
        **_forecast_for_workbook(ctx, keys),
    )


def _forecast_for_workbook(ctx: AppContext, keys: pd.Index) -> dict[str, pd.DataFrame]:
    """The forecast of the exported accounts: totals by tier and every renewal."""
    from .forecast import forecast_rows, forecast_totals

    rows = forecast_rows(ctx)
    rows = rows[rows["key"].isin(keys)].reset_index(drop=True)
    totals = forecast_totals(ctx, by="tier", rows=rows)
    return {"forecast_rows": rows, "forecast_totals": totals}


def _outcomes_for_workbook(ctx: AppContext) -> pd.DataFrame | None:
    """Per tier and per segment, the last four quarters."""
    from .outcomes import outcomes

    with ctx.cache.lock:
        kept = ctx.cache.history is not None  # loaded before (Trends): theirs to keep
    frames = []
    for grouping in ("tier", "segment"):
        table = outcomes(ctx, by=grouping, period="quarter")  # type: ignore[arg-type]
        if table.empty:
            continue
        periods = sorted(set(table["period"]))[-4:]
        table = table[table["period"].isin(periods)].copy()
        table.insert(0, "grouping", grouping)
        frames.append(table)
    if not kept:
        release_history(ctx)
    return pd.concat(frames, ignore_index=True) if frames else None


def release_history(ctx: AppContext) -> None:
    """Let go of outcomes' snapshot history (every snapshot row, typed: about 650 MB at
    100,000 accounts x 6 months) once the export has its outcomes: the past states computed
    from it stay kept (`outcome_states`), and anything needing it again reads it again."""
    with ctx.cache.lock:
        ctx.cache.history = None
    gc.collect()  # the frames' blocks are freed now, before the next big allocations


def export(
    ctx: AppContext,
    path: Path,
    *,
    what: Literal["portfolio", "tasks"] = "portfolio",
    segment: str | None = None,
    owner: str | None = None,
    tier: str | None = None,
    account: str | None = None,
    page_size: Literal["A4", "Letter"] = "A4",
    audience: Audience = "customer",
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> Path:
    """Write a report; the file type comes from the extension (.xlsx, .csv, .pdf).

    A QBR pack (.pdf) is for the customer unless `audience` is "internal"."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORTABLE:
        raise BadInputError(f"Cannot export to '{path.name}': use a .xlsx, .csv or .pdf file name.")
    if not path.parent.exists():
        raise BadInputError(f"The folder {path.parent} does not exist.")
    if not path.parent.is_dir():
        raise BadInputError(f"Cannot write {path.name}: {path.parent} is a file, not a folder.")
    if suffix == ".pdf":
        from .qbr_pack import export_qbr_pack

        if what == "tasks":
            raise BadInputError("Tasks export as .csv or .xlsx.")
        return export_qbr_pack(
            ctx,
            path,
            account=account,
            segment=segment,
            page_size=page_size,
            audience=audience,
            progress=progress,
            cancelled=cancelled,
        )
    if what == "tasks":
        from .tasks import list_tasks

        tasks = list_tasks(ctx, segment=segment, owner=owner, tier=tier)
        tasks = tasks.assign(reasons=["; ".join(r) for r in tasks["reasons"]])
        if suffix == ".csv":
            from cspm.reports.csv_report import write_csv

            return write_csv(path, tasks.drop(columns=["account_key", "description"]))
        from cspm.reports.workbook import write_tasks_xlsx

        return write_tasks_xlsx(path, tasks)
    if suffix == ".csv":
        from cspm.reports.csv_report import write_csv

        frame = list_accounts(ctx, segment=segment, owner=owner, tier=tier)
        return write_csv(path, _accounts_frame(load_portfolio(ctx), frame))
    from cspm.reports.workbook import write_workbook

    progress(0.05, "Gathering the portfolio")
    data = workbook_data(ctx, segment=segment, owner=owner, tier=tier)
    return write_workbook(path, data, progress, cancelled)
