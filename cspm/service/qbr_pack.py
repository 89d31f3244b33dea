"""The QBR pack use case: gather one section per account (`QbrAccount`) and write the PDF.

Every section carries both audiences' material; the writer (`cspm.reports.qbr_pdf`) shows the
customer's part (their usage, health in words, renewal, quarters, agenda, notes) or the internal
review (tier and stage reasons, health breakdown, segments and why, tasks, touchpoints).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.fields import FIELDS
from cspm.core.health import health_band
from cspm.core.money import MoneyFormat, full_one
from cspm.reports.data import AUDIENCES, Audience, QbrAccount

from .accounts import account_detail
from .portfolio import list_accounts, load_portfolio
from .progress import Cancelled, Progress, never_cancelled, no_progress
from .segments import find_segment

if TYPE_CHECKING:
    from .context import AppContext


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

    if tasks is None:  # one account: rank its tasks only
        from .accounts import account_names

        tasks = list_tasks(ctx, accounts=[account_names(ctx, ref)[0]])
    detail = account_detail(ctx, ref, tasks)
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
        history=detail.history[
            [c for c in HISTORY_COLUMNS if c in detail.history.columns]
        ].reset_index(drop=True),
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
        subscription=_subscription(values, detail.money, detail.money_notes),
        red_below=config.red_below,
        green_from=config.green_from,
    )


HISTORY_COLUMNS = ("as_of", "arr", "health_score", "mau", "seats_active", "seats_purchased")


def _subscription(
    values: dict[str, Any], money: MoneyFormat, notes: dict[str, str]
) -> list[tuple[str, str]]:
    """What the customer bought, as the customer pack shows it (no potential ARR, no IDs)."""
    from cspm.reports.qbr_words import long_date

    rows: list[tuple[str, str]] = []
    if values.get("plan"):
        rows.append(("Plan", str(values["plan"])))
    if values.get("arr") is not None or notes.get("arr"):
        rows.append(
            ("Annual subscription", _fmt_money(values.get("arr"), money, notes.get("arr", "")))
        )
    if values.get("seats_purchased") is not None:
        rows.append(("Seats purchased", f"{float(values['seats_purchased']):,.0f}"))
    for field, label in (("contract_start", "Customer since"), ("renewal_date", "Renewal date")):
        if isinstance(values.get(field), dt.date):
            rows.append((label, long_date(values[field])))
    return rows


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


def pack_sections(
    ctx: AppContext,
    refs: list[str],
    *,
    keys: bool = False,
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> list[QbrAccount]:
    """One section per account, the open tasks loaded and scored once for the whole pack (not
    once per account: 13 s each at 100,000 accounts). `keys`: the refs are account keys, so
    the tasks can be cut to the pack's accounts up front."""
    from .tasks import list_tasks

    # ranked once for the pack; when the refs are keys, only the pack's accounts are ranked
    tasks = list_tasks(ctx, accounts=refs) if keys else list_tasks(ctx)
    sections = []
    for i, ref in enumerate(refs):
        progress(0.5 * i / len(refs), f"Gathering {ref}")
        if cancelled():
            from .progress import CancelledError

            raise CancelledError("Export cancelled; nothing was written.")
        sections.append(qbr_account(ctx, ref, tasks))
    return sections


def export_qbr_pack(
    ctx: AppContext,
    path: Path,
    *,
    account: str | None = None,
    segment: str | None = None,
    page_size: Literal["A4", "Letter"] = "A4",
    audience: Audience = "customer",
    progress: Progress = no_progress,
    cancelled: Cancelled = never_cancelled,
) -> Path:
    """A QBR pack PDF for one account, or one section per account of a segment: for the
    customer (the default) or for an internal review."""
    from cspm.reports.qbr_pdf import write_qbr_pdf

    if audience not in AUDIENCES:
        raise BadInputError(f"Unknown audience '{audience}': use 'customer' or 'internal'.")

    if bool(account) == bool(segment):
        raise BadInputError("A QBR pack needs either --account ID or --segment NAME.")
    if account:
        refs = [account]
    else:
        _, d = find_segment(ctx, segment or "")
        refs = list(list_accounts(ctx, segment=d.name).index)
        if not refs:
            raise BadInputError(f"Segment '{d.name}' has no accounts to put in a QBR pack.")
    sections = pack_sections(ctx, refs, keys=bool(segment), progress=progress, cancelled=cancelled)
    return write_qbr_pdf(
        path,
        sections,
        audience=audience,
        portfolio=ctx.db.portfolio_name,
        page_size=page_size,
        generated_on=ctx.today,
        progress=lambda f, m: progress(0.5 + 0.5 * f, m),
        cancelled=cancelled,
    )
