"""Turning service results into text for the terminal: aligned tables, JSON, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cspm.core.fields import FIELD_NAMES, FIELDS, FieldType
from cspm.core.money import USD, MoneyFormat, full_one

if TYPE_CHECKING:  # pandas and numpy load only when a command has data to write: `--help`
    import pandas as pd  # and argument errors answer without them (start-up, issue 16)

_MISSING_TYPES = frozenset({"NaTType", "NAType"})

ACCOUNT_JSON_COLUMNS = [
    "key",
    # The stored fields, but tier and stage: the computed ones below take their names.
    *(f for f in FIELD_NAMES if f not in ("tier", "lifecycle_stage")),
    "tier",
    "tier_source",
    "tier_reason",
    "lifecycle_stage",
    "stage_reason",
    "imported_tier",
    "imported_lifecycle_stage",
    "segments",
]


def _json_value(v: Any) -> Any:
    if v is None or type(v).__name__ in _MISSING_TYPES:  # pd.NaT, pd.NA
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dt.datetime):  # pd.Timestamp too
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if type(v).__module__ == "numpy" and hasattr(v, "item"):  # a numpy scalar
        return _json_value(v.item())
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return v  # keep floats as floats in JSON (ARR 1200.0); tables format them
    return v


def record_columns(frame: pd.DataFrame, columns: Sequence[str] = ACCOUNT_JSON_COLUMNS) -> list[str]:
    """The keys of a record: the given columns the frame has, then its other columns that are
    not account output columns (custom fields)."""
    cols = [c for c in columns if c in frame.columns]
    return cols + [c for c in frame.columns if c not in cols and c not in ACCOUNT_JSON_COLUMNS]


def frame_records(
    frame: pd.DataFrame, columns: Sequence[str] = ACCOUNT_JSON_COLUMNS
) -> list[dict[str, Any]]:
    """JSON-safe dicts (ISO dates, null for missing) of the given columns, in frame order."""
    arrays = {c: frame[c].astype(object).to_numpy() for c in record_columns(frame, columns)}
    out = []
    for i in range(len(frame)):
        out.append({c: _json_value(arrays[c][i]) for c in arrays})
    return out


def is_money_column(name: str) -> bool:
    """Amount columns of any result table: money fields, and ARR figures ("start_arr")."""
    spec = FIELDS.get(name)
    if spec is not None:
        return spec.type == FieldType.MONEY
    return name == "arr" or name.endswith("_arr") or name.startswith("arr_")


def _cell(v: Any, money: MoneyFormat | None = None) -> str:
    if v is None:
        return ""
    if money is not None and isinstance(v, int | float) and not isinstance(v, bool):
        return full_one(float(v), money)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 or v.is_integer() else f"{v:,.2f}"
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    return str(v)


def format_records(
    records: list[dict[str, Any]],
    fmt: str,
    table_columns: Sequence[str],
    money: MoneyFormat = USD,
) -> str:
    """JSON and CSV keep plain numbers; the table writes amounts in the portfolio currency."""
    if fmt == "json":
        safe = [{k: _json_value(v) for k, v in r.items()} for r in records]
        return json.dumps(safe, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buf = io.StringIO()
        cols = list(records[0]) if records else list(table_columns)
        writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
        return buf.getvalue()
    return text_table(records, table_columns, money)


def text_table(
    records: list[dict[str, Any]], columns: Sequence[str], money: MoneyFormat = USD
) -> str:
    if not records:
        return "(none)"
    header = [c.replace("_", " ") for c in columns]
    as_money = [money if is_money_column(c) else None for c in columns]
    rows = [[_cell(r.get(c), m) for c, m in zip(columns, as_money, strict=True)] for r in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    widths = [min(w, 40) for w in widths]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    out.append(f"({len(records)} rows)")
    return "\n".join(out)


def import_summary_text(result: Any) -> str:
    """The import summary a person reads: counts, moves, then every problem."""
    if result.status == "already_imported":  # nothing was written: one sentence says why
        return f"{result.file}: {result.message}."
    verb = {"imported": "Imported", "dry_run": "Dry run of", "refused": "Did not import"}
    lines = [
        f"{verb[result.status]} {result.file}"
        + (f" (sheet '{result.sheet}')" if result.sheet else "")
        + f", as of {result.as_of.isoformat()}; header on row {result.header_row}.",
        f"  rows {result.rows_total}: new {result.new}, updated {result.updated}, "
        f"unchanged {result.unchanged}, rejected {result.rejected}, warnings {result.warnings}",
    ]
    if result.status == "dry_run":
        lines.append("  (dry run: nothing was written)")
    tiers = [m for m in result.moves if m.what == "tier"]
    stages = [m for m in result.moves if m.what == "lifecycle_stage"]
    for title, moves in (("tier", tiers), ("stage", stages)):
        if moves:
            lines.append(f"  {len(moves)} account(s) changed {title}:")
            for m in moves[:20]:
                lines.append(f"    {m.name or m.key}: {m.before} -> {m.after}")
            if len(moves) > 20:
                lines.append(f"    ... and {len(moves) - 20} more")
    lines.extend(problem_lines(result.problems))
    return "\n".join(lines)


def problem_lines(problems: list[Any], *, raw: bool = True) -> list[str]:
    """The "Notes:" (the decisions an import made) and "Problems:" blocks of an import's
    summary, the first 200 problems; `raw`: show the cell text of a problem naming a cell."""
    lines: list[str] = []
    notes = [p for p in problems if p.severity == "info"]
    others = [p for p in problems if p.severity != "info"]
    if notes:
        lines.append("Notes:")
        lines.extend(f"  {p.sentence()}" for p in notes)
    if others:
        lines.append("Problems:")
        for p in others[:200]:
            text = f" [{p.value}]" if raw and p.value and p.row is not None and p.column else ""
            lines.append(f"  {p.severity}: {p.sentence()}{text}")
        if len(others) > 200:
            lines.append(f"  ... and {len(others) - 200} more (use --format json)")
    return lines
