"""The rows of a related file that link to no account: why, the first few for the summary,
and all of them in a CSV a person can fix the references in.

Unlinked rows are a warning, not a refusal: they are stored and link as soon as their account
(or the subscription or contact they name) arrives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cspm.core.plan import Problem
from cspm.core.related.frames import columns_of
from cspm.core.related.kinds import RELATED_KINDS

EXAMPLES = 5


def _present(values: pd.Series) -> pd.Series:
    text = values.astype(object).where(values.notna(), None)
    return text.map(lambda v: v is not None and str(v).strip() != "").astype(bool)


def reasons(rows: pd.DataFrame) -> pd.Series:
    """One sentence per unlinked row saying what it named that matched nothing."""
    why = pd.Series(
        "nothing on the row names a stored account (no account ID, name, subscription or "
        "e-mail that links)",
        index=rows.index,
        dtype=object,
    )
    for column, what in (
        ("user_email", "e-mail '{}' is no stored contact's and its domain no account's website"),
        ("email", "e-mail domain of '{}' is no account's website"),
        ("subscription_id", "subscription '{}' belongs to no linked subscription"),
        ("account_name", "account name '{}' matches no stored account"),
        (
            "account_id",
            "account ID '{}' is no stored account (it links when that account is imported)",
        ),
    ):
        if column in rows.columns:
            has = _present(rows[column])
            why[has] = rows.loc[has, column].map(lambda v, w=what: w.format(str(v).strip()))
    return why


def report_frame(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The unlinked rows as the CSV shows them: sheet row, the kind's fields, why."""
    own = [c for c in columns_of(kind) if c not in ("row_key", "account_key")]
    out = pd.DataFrame(index=rows.index)
    out["row"] = rows.get("source_row", pd.Series(pd.NA, index=rows.index))
    for c in own:
        values = rows[c]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.strftime("%Y-%m-%d")
        out[c] = values
    out["why"] = reasons(rows)
    return out.reset_index(drop=True)


def examples(frame: pd.DataFrame, limit: int = EXAMPLES) -> list[dict[str, Any]]:
    head = frame.head(limit).astype(object)
    head = head.where(head.notna(), None)
    return [{k: v for k, v in r.items() if v is not None} for r in head.to_dict("records")]


def warning(kind: str, unlinked: int, total: int, csv: Path | None) -> Problem:
    """The summary's warning: how many rows link to nothing, and where they are listed."""
    noun = RELATED_KINDS[kind].noun.removeprefix("a ")
    verb = "links" if unlinked == 1 else "link"
    where = f"; listed in {csv}" if csv else ""
    return Problem(
        None,
        None,
        None,
        f"{unlinked:,} of the {total:,} rows of the {noun} {verb} to no stored account: kept, and "
        f"linked when what they name arrives{where}",
        "warning",
    )


def write_csv(frame: pd.DataFrame, source: Path, fallback_dir: Path) -> Path | None:
    """Write the unlinked rows next to the imported file (`<name>-unlinked.csv`), or in
    `fallback_dir` when that folder cannot be written; None when neither can."""
    name = f"{source.stem}-unlinked.csv"
    for folder in (source.parent, fallback_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / name
            frame.to_csv(target, index=False, encoding="utf-8")
            return target
        except OSError:
            continue
    return None
