"""Export use cases: gather what a report shows, then hand it to a writer in cspm.reports.

The writers know neither the database nor the service; everything here is plain data built
from the analysed portfolio (accounts, segments with reasons, tasks, outcomes, one account's
history), filtered by segment / owner / tier the way the CSM asked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from cspm.core.currency import arr_notes, unconverted_mask
from cspm.core.errors import BadInputError
from cspm.core.fields import FIELDS
from cspm.core.health import health_band
from cspm.core.money import MoneyFormat, full_one
from cspm.core.rules.explain_all import explain_all
from cspm.core.settings import LIFECYCLE_STAGES
from cspm.reports.data import ACCOUNT_COLUMNS, QbrAccount, WorkbookData
from cspm.storage import imports_repo

from .accounts import account_detail
from .context import AppContext
from .portfolio import Portfolio, list_accounts, load_portfolio
from .progress import Cancelled, Progress, never_cancelled, no_progress
from .segments import find_segment

EXPORTABLE = (".xlsx", ".csv", ".pdf")


def clean_up_interrupted_exports() -> int:
    """Remove temporary files that exports killed mid-write left behind; called at start-up.

    How many were removed; never raises (see `cspm.reports.export_temps`).
    """
    from cspm.reports.safe_write import sweep_leftover_exports

    return sweep_leftover_exports()


def _filters(segment: str | None, owner: str | None, tier: str | None) -> dict[str, str]:
    return {k: v for k, v in (("segment", segment), ("owner", owner), ("tier", tier)) if v}


def _accounts_frame(p: Portfolio, frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["health_band"] = health_band(
        out["health_score"], p.health.red_below, p.health.green_from
    ).to_numpy()
    out["segments"] = [", ".join(s) for s in out["segments"]]
    notes = arr_notes(out, p.settings.money)
    if (notes != "").any():  # a column only for portfolios with accounts in other currencies
        out["arr_note"] = notes
    return out[[c for c in ACCOUNT_COLUMNS if c in out.columns]].reset_index(drop=True)


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
    """Everything the portfolio workbook shows, for the filtered accounts."""
    p = load_portfolio(ctx)
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
            why = explain_all(d.rule, sub, p.history, p.today)
            m = sub[["key", "name", "owner", "tier", "arr", "health_score"]].copy()
            m["why"] = why.to_numpy()
            members[d.name] = m.reset_index(drop=True)
    from .tasks import list_tasks

    tasks = list_tasks(ctx, segment=segment, owner=owner, tier=tier)
    tasks = tasks.assign(reasons=["; ".join(r) for r in tasks["reasons"]])
    with ctx.db.session() as s:
        done = [i for i in imports_repo.all_imports(s) if i.status == "committed"]
    last = f"{done[0].file_name}, as of {done[0].as_of.isoformat()}" if done else None
    outcome_frame = _outcomes_for_workbook(ctx) if outcomes else None
    return WorkbookData(
        generated_at=dt.datetime.now().replace(microsecond=0),
        database=ctx.db.display_name,
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
    )


def _outcomes_for_workbook(ctx: AppContext) -> pd.DataFrame | None:
    """Per tier and per segment, the last four quarters."""
    from .outcomes import outcomes

    frames = []
    for grouping in ("tier", "segment"):
        table = outcomes(ctx, by=grouping, period="quarter")  # type: ignore[arg-type]
        if table.empty:
            continue
        periods = sorted(set(table["period"]))[-4:]
        table = table[table["period"].isin(periods)].copy()
        table.insert(0, "grouping", grouping)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else None


def _fmt_money(v: Any, money: MoneyFormat, note: str = "") -> str:
    """An amount in the portfolio currency, and the file's own amount when it was converted
    (or is held unconverted: then that is all there is to show)."""
    text = "—" if v is None or pd.isna(v) else full_one(float(v), money)
    if note:
        return note if text == "—" else f"{text} ({note})"
    return text


def qbr_account(ctx: AppContext, ref: str, tasks: pd.DataFrame | None = None) -> QbrAccount:
    """One account's QBR section: facts, health and its breakdown, history, segments, tasks."""
    from .tasks import list_tasks, touchpoints_of

    detail = account_detail(ctx, ref)
    values = {f: v for f, _, v in detail.values}
    facts: list[tuple[str, str]] = []
    for field in (
        "external_id",
        "owner",
        "industry",
        "region",
        "country",
        "plan",
        "arr",
        "potential_arr",
        "seats_purchased",
        "seats_active",
        "mau",
        "nps",
        "contract_start",
        "renewal_date",
        "last_interaction",
        "last_qbr",
    ):
        v = values.get(field)
        note = detail.money_notes.get(field, "")
        if v is None and not note:
            continue
        label = FIELDS[field].label
        if field in ("arr", "potential_arr"):
            text = _fmt_money(v, detail.money, note)
        elif isinstance(v, dt.date):
            text = v.isoformat()
        elif isinstance(v, float):
            text = f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
        else:
            text = str(v)
        facts.append((label, text))
    config = load_portfolio(ctx).health
    weights = config.tier_weights.get(detail.tier, config.weights)
    breakdown = [
        (name.replace("_", " "), None if s is None else float(s), float(getattr(weights, name)))
        for name, s in detail.health_breakdown
    ]
    tasks = list_tasks(ctx) if tasks is None else tasks
    mine = tasks[tasks["account_key"] == detail.key]
    open_tasks = [
        (
            pd.Timestamp(t.due_date).date().isoformat() if pd.notna(t.due_date) else "",
            t.title,
            float(t.priority),
            "; ".join(t.reasons),
        )
        for t in mine.itertuples()
    ]
    touches = touchpoints_of(ctx, detail.key).head(10)
    renewal = values.get("renewal_date")
    score = detail.health_score
    return QbrAccount(
        key=detail.key,
        name=detail.name or detail.key,
        owner=values.get("owner"),
        tier=detail.tier,
        tier_reason=detail.tier_reason,
        lifecycle_stage=detail.lifecycle_stage,
        stage_reason=detail.stage_reason,
        facts=facts,
        health_score=score,
        health_band=None
        if score is None
        else str(health_band(pd.Series([score]), config.red_below, config.green_from).iloc[0]),
        health_breakdown=breakdown,
        history=detail.history[["as_of", "arr", "health_score", "mau"]],
        renewal_date=renewal,
        days_to_renewal=None if renewal is None else (renewal - ctx.today).days,
        segments=detail.segments,
        open_tasks=open_tasks,
        touchpoints=[
            (pd.Timestamp(t.date).date().isoformat(), t.kind, t.note or "")
            for t in touches.itertuples()
        ],
        outcome_trend=account_quarters(detail.history),
        money=detail.money,
    )


def account_quarters(history: pd.DataFrame) -> pd.DataFrame | None:
    """The account's own trend: ARR and health at the last snapshot of each quarter."""
    if history.empty:
        return None
    hist = history.sort_values(["as_of", "import_id"])
    quarter = hist["as_of"].dt.year.astype(str) + "-Q" + hist["as_of"].dt.quarter.astype(str)
    last = hist.assign(quarter=quarter.to_numpy()).drop_duplicates("quarter", keep="last")
    out = (
        last[["quarter", "arr", "health_score"]].tail(5).rename(columns={"health_score": "health"})
    )
    out["arr_change"] = out["arr"].diff()
    return out.reset_index(drop=True)


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
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> Path:
    """Write a report; the file type comes from the extension (.xlsx, .csv, .pdf)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORTABLE:
        raise BadInputError(f"Cannot export to '{path.name}': use a .xlsx, .csv or .pdf file name.")
    if not path.parent.exists():
        raise BadInputError(f"The folder {path.parent} does not exist.")
    if not path.parent.is_dir():
        raise BadInputError(f"Cannot write {path.name}: {path.parent} is a file, not a folder.")
    if suffix == ".pdf":
        if what == "tasks":
            raise BadInputError("Tasks export as .csv or .xlsx.")
        return export_qbr_pack(
            ctx,
            path,
            account=account,
            segment=segment,
            page_size=page_size,
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


def export_qbr_pack(
    ctx: AppContext,
    path: Path,
    *,
    account: str | None = None,
    segment: str | None = None,
    page_size: Literal["A4", "Letter"] = "A4",
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> Path:
    """A QBR pack PDF for one account, or one section per account of a segment."""
    from cspm.reports.qbr_pdf import write_qbr_pdf

    if bool(account) == bool(segment):
        raise BadInputError("A QBR pack needs either --account ID or --segment NAME.")
    if account:
        refs = [account]
    else:
        _, d = find_segment(ctx, segment or "")
        refs = list(list_accounts(ctx, segment=d.name).index)
        if not refs:
            raise BadInputError(f"Segment '{d.name}' has no accounts to put in a QBR pack.")
    from .tasks import list_tasks

    tasks = list_tasks(ctx)
    sections = []
    for i, ref in enumerate(refs):
        progress(0.5 * i / len(refs), f"Gathering {ref}")
        if cancelled():
            from .progress import CancelledError

            raise CancelledError("Export cancelled; nothing was written.")
        sections.append(qbr_account(ctx, ref, tasks))
    return write_qbr_pdf(
        path,
        sections,
        page_size=page_size,
        generated_on=ctx.today,
        progress=lambda f, m: progress(0.5 + 0.5 * f, m),
        cancelled=cancelled,
    )
