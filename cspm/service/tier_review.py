"""The quarterly tier review (see `cspm.core.tier_review`): what to review, and the decisions.

Decisions are one change (one undo for the whole review): "accept" pins the suggested tier
(or, for a pin that does nothing now, removes it), "keep" pins the current tier again with the
reviewer's reason, which also restarts its age; both are tier override history with the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.core.tier_review import ReviewRules, review_tiers
from cspm.storage import settings_repo
from cspm.storage.models import TierOverride

from .changes import Outcome, RowWatch, perform
from .portfolio import load_portfolio

if TYPE_CHECKING:
    from .context import AppContext


def tier_review(ctx: AppContext) -> pd.DataFrame:
    """The accounts to review, largest ARR first (`core.tier_review.REVIEW_COLUMNS`)."""
    p = load_portfolio(ctx)
    cols = ("account_key", "updated_at", "reason", "user")
    with ctx.db.session() as s:
        rows = s.execute(select(*(getattr(TierOverride, c) for c in cols))).all()
    pins = pd.DataFrame.from_records(rows, columns=list(cols)).set_index("account_key")
    rules = ReviewRules(red_below=p.health.red_below)
    return review_tiers(p.frame, p.settings, pins, p.today, rules, p.settings.money)


@dataclass(frozen=True)
class Decision:
    key: str
    choice: Literal["accept", "keep"]
    reason: str


def decide(ctx: AppContext, decisions: Sequence[Decision]) -> int:
    """Apply review decisions as one change; returns how many accounts it changed."""
    if not decisions:
        return 0
    review = tier_review(ctx).set_index("key")
    for d in decisions:
        if d.key not in review.index:
            raise BadInputError(f"Account {d.key} is not in the tier review (any more).")
        if d.choice not in ("accept", "keep"):
            raise BadInputError(f"A review decision is accept or keep, not '{d.choice}'.")
        if not d.reason.strip():
            raise BadInputError(f"The decision on {d.key} needs a reason.")

    def work(s: Session) -> Outcome[int]:
        watch = RowWatch(s)
        for d in decisions:
            row = review.loc[d.key]
            watch.watch("tier_overrides", d.key)
            reason = f"tier review: {d.reason.strip()}"
            if d.choice == "keep":
                settings_repo.set_override(s, d.key, str(row["tier"]), reason)
            elif row["kind"] == "pin not needed":
                settings_repo.set_override(s, d.key, None)
            else:
                settings_repo.set_override(s, d.key, str(row["suggested"]), reason)
        inverse = watch.inverse()
        changed = 0 if inverse is None else len(inverse["rows"])
        return Outcome(changed, inverse, changed=inverse is not None)

    n = len(decisions)
    perform(ctx, f"Tier review of {n} account{'s' if n != 1 else ''}", {"overrides"}, work)
    return n


__all__ = ["Decision", "ReviewRules", "decide", "tier_review"]
