"""Why every member matched, at once: one short text per account, for reports and exports.

`explain` gives full sentences for one account; a workbook needs a reason for thousands of
members of every segment. Here each leaf condition (a `not` counts as one leaf) is evaluated
once over the whole frame, and each account gets the leaves that held for it, with its value
of the field: "health_score < 50 (38)". Vectorised: one mask and one formatted value column per
leaf, however many accounts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.field_labels import is_percent, percent_text
from cspm.core.object_arrays import repeated

from .engine import EvalContext, Today
from .explanation import Labeller, describe, same_name
from .nodes import AllOf, AnyOf, Condition, ContactCount, Rule


def _leaves(rule: Rule) -> list[Rule]:
    if isinstance(rule, AllOf | AnyOf):
        return [leaf for child in rule.rules for leaf in _leaves(child)]
    return [rule]


def _values(ctx: EvalContext, field: str, n: int) -> np.ndarray:
    """The field's current values as short texts ("" when missing)."""
    col = ctx.portfolio[field] if field in ctx.portfolio.columns else None
    if col is None:
        return np.full(n, "", dtype=object)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        text = col.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(col.dtype) or str(col.dtype) == "boolean":
        text = col.astype(object).map({True: "yes", False: "no"})
    elif pd.api.types.is_numeric_dtype(col.dtype) and is_percent(field):
        text = col.map(lambda v: percent_text(v) if pd.notna(v) else "")
    elif pd.api.types.is_numeric_dtype(col.dtype):
        text = col.map(lambda v: f"{v:,.2f}".rstrip("0").rstrip(".") if pd.notna(v) else "")
    else:
        text = col.astype(object)
    return text.where(col.notna(), "").astype(object).to_numpy()


def explain_all(
    rule: Rule,
    portfolio: pd.DataFrame,
    history: pd.DataFrame | None,
    today: Today,
    label: Labeller = same_name,
    *,
    contacts: pd.DataFrame | None = None,
) -> pd.Series:
    """Per account (portfolio index), the matched leaves joined by "; " ("" for non-members);
    `label` names the fields (the service passes labels); `contacts`: the contact table, for
    contact-level conditions."""
    ctx = EvalContext(portfolio, history, today, contacts)
    n = len(portfolio)
    member = ctx.mask(rule)
    out = np.full(n, "", dtype=object)
    for leaf in _leaves(rule):
        hit = ctx.mask(leaf) & member
        if not hit.any():
            continue
        text = describe(leaf, label)
        if isinstance(leaf, Condition) and leaf.op not in ("is_empty", "is_not_empty"):
            values = _values(ctx, leaf.field, n)
            part = np.where(values != "", text + " (" + values.astype(str) + ")", text)
        elif isinstance(leaf, ContactCount):  # "... (2 of 5 contacts)"
            _, matched, total = ctx.contact_counts(leaf)
            counts = matched.astype(str).astype(object) + " of " + total.astype(str) + " contacts"
            part = text + " (" + counts + ")"
        else:
            part = repeated(text, n)
        joined = np.where(out == "", part, out.astype(str) + "; " + part.astype(str))
        out = np.where(hit, joined, out)
    return pd.Series(out, index=portfolio.index, dtype=object)
