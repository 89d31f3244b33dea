"""One account in depth: every field, why its tier and stage, health breakdown, segments with
reasons, and its history across imports (for the detail panel and the QBR pack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from cspm.core.currency import AMOUNT_FIELDS, original_text, unconverted_text
from cspm.core.field_labels import field_label
from cspm.core.fields import CANONICAL_FIELDS
from cspm.core.health import COMPONENTS, RELATED_COMPONENTS, tier_weights_of
from cspm.core.money import USD, MoneyFormat
from cspm.core.rules import explain

from .portfolio import load_portfolio, resolve_account

if TYPE_CHECKING:
    from .context import AppContext


@dataclass(frozen=True)
class OpenTask:
    """One open task of the account, with its id so the detail can complete/snooze/dismiss it."""

    id: int
    title: str
    due: str  # ISO date or "no date"
    priority: float
    text: str  # the line as `open_tasks` shows it


@dataclass
class AccountDetail:
    key: str
    name: str | None
    values: list[tuple[str, str, Any]]  # (field name, label, value) for every canonical field
    custom: dict[str, Any]
    tier: str
    tier_source: str
    tier_reason: str
    lifecycle_stage: str
    stage_reason: str
    health_score: float | None
    health_source: str
    health_breakdown: list[tuple[str, float | None]]  # component, 0-100 score or None
    segments: list[tuple[str, list[str]]]  # segment name, why lines
    history: pd.DataFrame  # as_of, import_id, arr, health_score, mau, ... oldest first
    open_tasks: list[Any] = field(default_factory=list)
    touchpoints: list[Any] = field(default_factory=list)
    money: MoneyFormat = USD  # the portfolio currency the amounts are in
    # field -> the amount as the file had it: "€45,000 (converted at 1.08)", or for an ARR whose
    # currency had no rate "£30,000 (GBP: no rate, not in totals)"
    money_notes: dict[str, str] = field(default_factory=dict)
    health_computed: float | None = None  # from the components, whatever the effective source
    health_signals: int = 0  # signals the account has among those its tier weighs
    health_signals_possible: int = 0  # signals its tier weighs
    health_min_signals: int = 2  # coverage a computed score needs
    health_imported: float | None = None  # the file's (CRM's) score, whichever is used
    health_prefer_imported: bool = True  # the setting that decides which score is used
    tasks: list[OpenTask] = field(default_factory=list)  # open tasks, to act on from the detail


def _money_notes(row: pd.Series, money: MoneyFormat) -> dict[str, str]:
    code, rate = _plain(row.get("currency")), _plain(row.get("fx_rate"))
    notes = {f: original_text(_plain(row.get(f)), code, rate, money) for f in AMOUNT_FIELDS}
    held = _plain(row.get("arr_unconverted"))
    if held is not None and _plain(row.get("arr")) is None:
        notes["arr"] = unconverted_text(held, code, money)
    return {f: text for f, text in notes.items() if text}


def _plain(v: Any) -> Any:
    if v is None or (not isinstance(v, list | dict | str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def _breakdown(row: pd.Series, weights: Any) -> list[tuple[str, float | None]]:
    """Every component's 0-100 score; a related-data component only when the account has it
    or its tier weighs it, so a portfolio without usage or ticket files sees no empty rows."""
    parts = [(c, _plain(row.get(f"health_{c}"))) for c in COMPONENTS]
    return [
        (c, v)
        for c, v in parts
        if c not in RELATED_COMPONENTS or v is not None or getattr(weights, c) > 0
    ]


def account_detail(ctx: AppContext, ref: str, tasks: pd.DataFrame | None = None) -> AccountDetail:
    """Everything the account page shows. `tasks`: the ranked open tasks when the caller
    holds them already (a QBR pack of many accounts ranks them once)."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    row = p.frame.loc[key]
    values = [(f.name, f.label, _plain(row.get(f.name))) for f in CANONICAL_FIELDS]
    custom = {c: _plain(row.get(c)) for c in p.custom_types}
    # The account's own history and contacts, cut once: `explain` would scan the whole
    # portfolio's (600,000 snapshot rows at 100k accounts) once per segment.
    own = p.history[p.history["key"] == key]
    contacts = p.contacts
    if contacts is not None:
        contacts = contacts[contacts["account_key"] == key]
    segments = [
        (d.name, explain(d.rule, p.frame, own, p.today, key, field_label, contacts=contacts))
        for d in p.segments
        if d.rule is not None and bool(p.membership.at[key, d.name])
    ]
    history = own.sort_values(["as_of", "import_id"])
    from .tasks import list_tasks, touchpoints_of

    if tasks is None:
        tasks = list_tasks(ctx, accounts=[key])
    mine = tasks[tasks["account_key"] == key]
    tasks_open = [
        OpenTask(
            int(t.id),
            str(t.title),
            _day(t.due_date),
            float(t.priority),
            f"{_day(t.due_date)} · {t.title} (priority {t.priority:.0f}) — #{t.id}",
        )
        for t in mine.itertuples()
    ]
    touches = [
        f"{_day(t.date)} · {t.kind}"
        + (f" · {t.note}" if t.note else "")
        + (f" · by {t.user}" if t.user else "")
        for t in touchpoints_of(ctx, key).head(20).itertuples()
    ]
    return AccountDetail(
        key=key,
        name=_plain(row.get("name")),
        values=values,
        custom=custom,
        tier=str(row["tier"]),
        tier_source=str(row["tier_source"]),
        tier_reason=str(row["tier_reason"]),
        lifecycle_stage=str(row["lifecycle_stage"]),
        stage_reason=str(row["stage_reason"]),
        health_score=_plain(row.get("health_score")),
        health_source=str(row.get("health_source")),
        health_breakdown=_breakdown(row, tier_weights_of(p.health, row["tier"])),
        health_computed=_plain(row.get("health_computed")),
        health_signals=int(row.get("health_signals", 0)),
        health_signals_possible=int(row.get("health_signals_possible", 0)),
        health_min_signals=p.health.min_signals,
        health_imported=_plain(row.get("imported_health_score")),
        health_prefer_imported=p.health.prefer_imported,
        segments=segments,
        history=history.drop(columns=["key"]).reset_index(drop=True),
        open_tasks=[t.text for t in tasks_open],
        tasks=tasks_open,
        touchpoints=touches,
        money=p.settings.money,
        money_notes=_money_notes(row, p.settings.money),
    )


def _day(value: Any) -> str:
    return "no date" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def account_names(ctx: AppContext, ref: str) -> tuple[str, str | None, str | None]:
    """(key, name, external ID) of one account, for a dialog that must name it (the
    touchpoint dialog opened with a key only)."""
    p = load_portfolio(ctx)
    key = resolve_account(p.frame, ref)
    row = p.frame.loc[key]
    return key, _plain(row.get("name")), _plain(row.get("external_id"))
