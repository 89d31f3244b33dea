"""From a mapped table to an ImportPlan: parsed typed columns, account keys, and every problem.

Validation never raises for row-level trouble: a row without ID or name, or a second row with a
key already seen, is rejected; a value that cannot be read becomes missing with a warning. Each
problem names the sheet's own row number (as Excel shows it), the column and the raw text, so a
CSM can find it in the file. Whether rejected rows block the import is the caller's decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import BadInputError
from .fields import FIELDS, FieldType, normalise_header
from .header import Table
from .mapping import ColumnMapping
from .parsing import infer_type, parse_column
from .parsing.ranges import check_range
from .problems import Problem, ProblemsBySeverity
from .scales import ScaleDecision, apply_scale, decide_scales
from .settings import Settings
from .value_maps import ValueColumn, map_values


@dataclass
class ImportPlan(ProblemsBySeverity):
    """What an import would write: valid rows only, typed, keyed.

    frame: index 0..n-1; columns "key", "source_row", every carried canonical field and every
    custom field (typed by parsing). `carried` lists canonical fields the file had (including
    arr when derived from mrr); `custom_types` the kept unmapped columns and their types.
    """

    frame: pd.DataFrame
    carried: list[str]
    custom_types: dict[str, FieldType]
    rows_total: int
    rejected_rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The mapping as planned: the caller's, with scale decisions applied (NPS -> nps_points).
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    scales: list[ScaleDecision] = field(default_factory=list)
    value_columns: list[ValueColumn] = field(default_factory=list)
    # What a mapping profile saved from this plan keeps: normalised header -> value -> target,
    # and normalised header -> scale, for the choices the user (or a profile) made.
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    scale_choices: dict[str, str] = field(default_factory=dict)


def account_key(
    external_id: pd.Series | None, name: pd.Series | None, index: pd.Index
) -> pd.Series:
    """Trimmed external_id text, else the casefolded name with whitespace collapsed, else None.

    One Python pass per column over plain lists: pandas' string methods on 100,000 keys cost
    a fifth of the whole plan (a str-dtype copy, its NA scans, a regex call per name).
    """
    ext = _key_texts(external_id, len(index), lambda t: t.strip())
    names = _key_texts(name, len(index), lambda t: " ".join(t.casefold().split()))
    key = [e if e else (n if n else None) for e, n in zip(ext, names, strict=True)]
    return pd.Series(key, index=index, dtype=object)


def _key_texts(values: pd.Series | None, length: int, clean: Callable[[str], str]) -> list[str]:
    """Per row the cleaned text of the cell ("" for a missing one); non-text cells as str()."""
    if values is None:
        return [""] * length
    cells = values.to_numpy(dtype=object)
    missing = pd.isna(cells)
    return [
        "" if absent else clean(v if type(v) is str else str(v))
        for v, absent in zip(cells.tolist(), missing.tolist(), strict=True)
    ]


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _invalid_problems(
    raw: pd.Series, invalid: pd.Series, rows: np.ndarray, header: str, what: str
) -> list[Problem]:
    if not invalid.any():
        return []
    positions = np.flatnonzero(invalid.to_numpy(dtype=bool))
    values = raw.to_numpy(dtype=object)[positions]
    return [
        Problem(
            int(rows[p]),
            header,
            _cell_text(v),
            f"could not read '{_cell_text(v)}' as {what}; left empty",
            "warning",
        )
        for p, v in zip(positions, values, strict=True)
    ]


def _in_range(
    field: str | None,
    ftype: FieldType,
    values: pd.Series,
    raw: pd.Series,
    rows: np.ndarray,
    header: str,
    problems: list[Problem],
) -> pd.Series:
    """`values` (index 0..n-1) with those outside the field's sane range made missing, each
    one a warning naming the row, the column and the text as written."""
    checked = check_range(field, ftype, values.reset_index(drop=True))
    if checked.range is not None and checked.outside.any():
        positions = np.flatnonzero(checked.outside)
        texts = raw.to_numpy(dtype=object)[positions]
        problems.extend(
            Problem(
                int(rows[p]),
                header,
                _cell_text(v),
                f"'{_cell_text(v)}' is out of range ({checked.range.description} expected); "
                "left empty",
                "warning",
            )
            for p, v in zip(positions, texts, strict=True)
        )
    return checked.values


_WHAT = {
    FieldType.MONEY: "an amount",
    FieldType.NUMBER: "a number",
    FieldType.SCORE: "a score from 0 to 100",
    FieldType.DATE: "a date",
    FieldType.BOOL: "yes/no",
    FieldType.TEXT: "text",
}


@dataclass(frozen=True)
class UserChoices:
    """What the user (strictly) and the applied mapping profile (leniently) chose beyond the
    column mapping: value maps (header -> value -> target) and scales (header -> scale).
    Profile entries are keyed by normalised header, as the profile stores them."""

    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    scales: dict[str, str] = field(default_factory=dict)
    profile_value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    profile_scales: dict[str, str] = field(default_factory=dict)
    # normalised header -> the scale the database's latest import of that header used
    earlier_scales: dict[str, str] = field(default_factory=dict)


def _scale_step(
    table: Table, mapping: ColumnMapping, choices: UserChoices
) -> tuple[ColumnMapping, list[ScaleDecision], list[Problem]]:
    """Decide each NPS / health column's scale; one info line per decision."""
    mapping, decisions = decide_scales(
        table.data, mapping, choices.scales, choices.profile_scales, choices.earlier_scales
    )
    notes = [Problem(None, d.header, None, d.message(), "info") for d in decisions]
    return mapping, decisions, notes


def build_plan(
    table: Table,
    mapping: ColumnMapping,
    settings: Settings,
    choices: UserChoices | None = None,
) -> ImportPlan:
    """Parse, key and validate every row of `table` (vectorised per column).

    Raises BadInputError for file-level trouble (no column identifies accounts) and for a
    user's value map or scale that does not fit the file.
    """
    choices = choices or UserChoices()
    mapping, scales, scale_notes = _scale_step(table, mapping, choices)
    fields_at = mapping.field_columns()
    if "external_id" not in fields_at and "name" not in fields_at:
        shown = ", ".join(f"'{h}'" for h in table.headers[:8])
        raise BadInputError(
            f"No column identifies the accounts: none of the headers ({shown}) is an account "
            "ID or account name; map one of them to external_id or name."
        )
    data = table.data.reset_index(drop=True)
    rows = np.asarray(table.row_numbers, dtype=np.int64)
    index = data.index
    problems: list[Problem] = list(scale_notes)
    out: dict[str, pd.Series] = {}
    values = map_values(
        data,
        {h: f for f, h in fields_at.items()},
        settings,
        choices.value_maps,
        choices.profile_value_maps,
    )
    problems.extend(Problem(None, h, v or None, m, "info") for h, v, m in values.notes)
    scale_of = {d.header: d for d in scales}

    for fname, header in fields_at.items():
        spec = FIELDS[fname]
        parsed = parse_column(
            values.raw.get(fname, data[header]),
            spec.type,
            percent_scale=spec.percent_scale,
            date_order=settings.date_order,
        )
        typed = parsed.values
        if header in scale_of:
            typed = apply_scale(typed, data[header], scale_of[header])
        # The range applies to the value on the field's own scale (after 0-10 health -> 0-100).
        out[fname] = _in_range(fname, spec.type, typed, data[header], rows, header, problems)
        problems.extend(Problem(None, header, None, n, "warning") for n in parsed.notes)
        problems.extend(
            _invalid_problems(data[header], parsed.invalid, rows, header, _WHAT[spec.type])
        )

    custom_types: dict[str, FieldType] = {}
    for cname, header in mapping.custom_columns().items():
        ftype = infer_type(data[header])
        parsed = parse_column(data[header], ftype, date_order=settings.date_order)
        custom_types[cname] = ftype
        out[cname] = _in_range(None, ftype, parsed.values, data[header], rows, header, problems)
        problems.extend(Problem(None, header, None, n, "warning") for n in parsed.notes)
        problems.extend(_invalid_problems(data[header], parsed.invalid, rows, header, _WHAT[ftype]))

    carried = [f for f in FIELDS if f in out]
    if "mrr" in out:
        from_mrr = out["mrr"] * 12
        if "arr" in out:
            out["arr"] = out["arr"].fillna(from_mrr)
        else:
            out["arr"] = from_mrr
            carried = [f for f in FIELDS if f in out]

    key = account_key(out.get("external_id"), out.get("name"), index)
    no_key = key.isna().to_numpy()
    dup = key.duplicated(keep="first").to_numpy() & ~no_key
    for p in np.flatnonzero(no_key):
        problems.append(
            Problem(
                int(rows[p]),
                None,
                None,
                "rejected: the row has neither an account ID nor a name",
                "error",
            )
        )
    if dup.any():
        first_pos = (
            pd.Series(np.arange(len(key)), index=index).groupby(key.to_numpy()).transform("min")
        )
        for p in np.flatnonzero(dup):
            first_row = int(rows[int(first_pos.iloc[p])])
            problems.append(
                Problem(
                    int(rows[p]),
                    None,
                    str(key.iloc[p]),
                    f"rejected: duplicate of row {first_row} (same account '{key.iloc[p]}')",
                    "error",
                )
            )
    keep = ~(no_key | dup)
    frame = pd.DataFrame(out, index=index)
    frame.insert(0, "source_row", rows)
    frame.insert(0, "key", key)
    frame = frame.loc[keep].reset_index(drop=True)
    rejected = sorted(int(r) for r in rows[~keep])
    # Errors and warnings first (what blocks or spoils the import), the decisions after them.
    problems.sort(
        key=lambda p: (p.severity == "info", p.row is not None, p.row or 0, p.severity != "error")
    )
    return ImportPlan(
        frame=frame,
        carried=carried,
        custom_types=custom_types,
        rows_total=len(data),
        rejected_rows=rejected,
        problems=problems,
        mapping=mapping,
        scales=scales,
        value_columns=values.columns,
        value_maps=values.used,
        scale_choices={
            normalise_header(d.header): d.scale for d in scales if d.how in ("yours", "profile")
        },
    )
