"""`cspm demo`: a generated, realistic portfolio with months of history, in its own database.

Each generated monthly snapshot goes through the same import pipeline as a real file (header,
mapping, parsing, validation, one transaction per snapshot), so the demo also exercises it.
So do its related exports (subscriptions, contacts, support tickets, usage events): written as
CSV files and imported like a user's after the CRM exports, as of today. They are generated to
agree with the CRM exports (`cspm.core.demo_exports`), and where a field both describe differs
by nature the related data's rule is the one shown (the latest import of a date wins): an account
with no active subscription has ARR 0, not "unknown"; a renewal the CRM shows as overdue is not
one in billing; a contact file says nothing about logins before the day it was exported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import make_url

from cspm.core.demo import generate_demo
from cspm.core.demo_exports import DemoExports, generate_exports
from cspm.core.errors import BadInputError
from cspm.core.reading import RawSheet
from cspm.storage import accounts_repo
from cspm.storage.db import resolve_url

from .context import AppContext
from .imports import ImportOptions, apply_prepared, import_file, prepare_raw
from .portfolio import load_portfolio
from .progress import Progress, no_progress


@dataclass(frozen=True)
class DemoSummary:
    url: str
    accounts: int
    snapshots: int
    tiers: dict[str, int]
    stages: dict[str, int]
    related: dict[str, int]  # kind -> rows imported ("subscriptions": 450, ...)

    def text(self) -> str:
        tiers = ", ".join(f"{k} {v}" for k, v in self.tiers.items())
        stages = ", ".join(f"{k} {v}" for k, v in self.stages.items())
        related = ", ".join(f"{v:,} {k}" for k, v in self.related.items())
        return (
            f"Demo portfolio: {self.accounts} accounts, {self.snapshots} monthly snapshots, "
            f"in {make_url(self.url).render_as_string(hide_password=True)}\n"
            f"  tiers: {tiers}\n  stages: {stages}\n  related: {related}\n"
            "Try: cspm --demo accounts --tier Enterprise, or cspm --demo contacts"
        )


def _raw_from_frame(frame: pd.DataFrame, as_of: dt.date) -> RawSheet:
    header = pd.DataFrame([list(frame.columns)], columns=range(frame.shape[1]), dtype=object)
    body = pd.DataFrame(frame.astype(object).to_numpy(), columns=range(frame.shape[1]))
    body = body.where(pd.notna(body), None)
    cells = pd.concat([header, body], ignore_index=True)
    return RawSheet(
        path=Path(f"demo-{as_of.isoformat()}.xlsx"),
        sheet="Accounts",
        sheet_names=["Accounts"],
        cells=cells,
        row_numbers=np.arange(1, len(cells) + 1, dtype=np.int64),
    )


def _fresh_demo_file(url: str) -> None:
    db_path = make_url(url).database
    if db_path:
        for suffix in ("", "-wal", "-shm"):
            Path(db_path + suffix).unlink(missing_ok=True)


def load_demo(
    db: str | None = None,
    *,
    accounts: int = 300,
    today: dt.date | None = None,
    progress: Progress = no_progress,
) -> DemoSummary:
    """Build the demo database. The default demo file is recreated each time; a database named
    with --db must be empty, so a real portfolio is never mixed with generated accounts."""
    today = today or dt.date.today()
    url = resolve_url(db, demo=True)
    if db is None:
        _fresh_demo_file(url)
    ctx = AppContext.open(url, today=today)
    try:
        with ctx.db.session() as s:
            if accounts_repo.account_count(s):
                raise BadInputError(
                    f"{ctx.db.display_name} already holds accounts; the demo goes into an empty "
                    "database (leave out --db to use the demo's own file)."
                )
        snapshots = generate_demo(accounts, today)
        for i, snap in enumerate(snapshots):
            progress(0.8 * i / len(snapshots), f"Loading snapshot of {snap.as_of.isoformat()}")
            raw = _raw_from_frame(snap.frame, snap.as_of)
            digest = hashlib.sha256(snap.frame.to_csv().encode()).hexdigest()
            options = ImportOptions(as_of=snap.as_of)
            prepared = prepare_raw(ctx, raw, options, digest)
            result = apply_prepared(ctx, prepared, options)
            if result.status != "imported":
                raise RuntimeError(f"demo snapshot {snap.as_of} was refused: {result.problems[:3]}")
        # a CSM's past work before the related exports, so the demo's latest change (the
        # first thing Undo offers) is still an import
        _past_touchpoints(ctx, today)
        _old_pins(ctx, today)
        related = _import_exports(ctx, generate_exports(snapshots), today, progress)
        from .tasks import regenerate_tasks

        regenerate_tasks(ctx, force=True)  # once, on the finished history
        frame = load_portfolio(ctx).frame
        return DemoSummary(
            url=url,
            accounts=len(frame),
            snapshots=len(snapshots),
            tiers=frame["tier"].value_counts().to_dict(),
            stages=frame["lifecycle_stage"].value_counts().to_dict(),
            related=related,
        )
    finally:
        ctx.close()


TOUCHES_PER_MONTH = {"Enterprise": 2.5, "Mid-Market": 1.6, "SMB": 0.4}
"""The demo's logged calls, emails and meetings per account per month, by tier: Mid-Market gets
four times SMB's attention and (in the generated history) churns about the same, the story
Insights' engagement table is there to tell."""


def _past_touchpoints(ctx: AppContext, today: dt.date) -> None:
    """A year of logged touchpoints, each dated no later than the account's last activity in
    the CRM, so no account's current last interaction, health or tasks change."""
    from sqlalchemy import insert

    from cspm.storage.tasks_repo import TOUCHPOINTS

    from .changes import Outcome, perform

    frame = load_portfolio(ctx).frame
    rng = np.random.default_rng(11)
    last = pd.to_datetime(frame["last_interaction"], errors="coerce")
    first = pd.Timestamp(today - dt.timedelta(days=365))
    rate = frame["tier"].astype(object).map(TOUCHES_PER_MONTH).fillna(0.0).to_numpy(float)
    span = ((last - first).dt.days.clip(lower=0).fillna(0)).to_numpy(float)
    counts = rng.poisson(rate * span / 30.4375)
    keys = np.repeat(frame.index.to_numpy(dtype=object), counts)
    days = np.floor(rng.random(len(keys)) * np.repeat(span, counts)).astype(np.int64)
    dates = [(first + pd.Timedelta(days=int(d))).date() for d in days]
    kinds = rng.choice(["call", "email", "meeting"], len(keys), p=[0.35, 0.45, 0.2])
    created = dt.datetime.combine(today, dt.time(8, 0))
    rows = [
        {"account_key": k, "kind": str(kind), "date": d, "note": None, "created_at": created,
         "user": None, "task_id": None}
        for k, kind, d in zip(keys, kinds, dates, strict=True)
    ]  # fmt: skip

    def work(s: Any) -> Outcome[int]:
        if rows:
            s.execute(insert(TOUCHPOINTS), rows)
        return Outcome(len(rows), None, changed=bool(rows))

    perform(ctx, "Log the demo's past touchpoints", {"touchpoints"}, work)


def _old_pins(ctx: AppContext, today: dt.date) -> None:
    """Two tiers a CSM pinned two quarters ago (to the tier they have), so the quarterly tier
    review has a pin to question on first open. Their tiers do not change."""
    from sqlalchemy import update

    from cspm.storage.models import TierOverride

    from .portfolio import set_tier_override

    frame = load_portfolio(ctx).frame
    live = frame[(frame["lifecycle_stage"] != "Churned") & frame["arr"].notna()]
    picked = live.sort_values("arr", ascending=False).index[[3, 17]] if len(live) > 17 else []
    for key in picked:
        set_tier_override(ctx, str(key), str(frame.at[key, "tier"]), "strategic logo")
    # pinned two quarters ago (when is not read by the analysis: no change to record)
    then = dt.datetime.combine(today - dt.timedelta(days=190), dt.time(9, 30))
    with ctx.db.sessions() as s:
        s.execute(update(TierOverride).values(updated_at=then))
        s.commit()


def _import_exports(
    ctx: AppContext, exports: DemoExports, today: dt.date, progress: Progress
) -> dict[str, int]:
    """Write the related exports as CSV (UTF-8, as the tools export them) and import each
    through the real import path, as of `today`; returns the rows imported per kind."""
    out: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="cspm-demo-") as folder:
        for i, (kind, name, frame) in enumerate(exports.files()):
            progress(0.2 * i / 4, f"Loading the demo's {kind}")
            path = Path(folder) / name
            frame.to_csv(path, index=False, encoding="utf-8")
            result = import_file(ctx, path, ImportOptions(kind=kind, as_of=today))
            if result.status != "imported":
                raise RuntimeError(f"demo {kind} were refused: {result.problems[:3]}")
            out[kind] = len(frame)
    return out
