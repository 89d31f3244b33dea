"""From a mapped related file to a RelatedPlan: typed rows in the frame contract, keyed, checked.

The same promises as an accounts plan (`cspm.core.plan`): nothing raises for row-level trouble;
a value that cannot be read becomes missing with a warning naming the sheet row, the column and
the text; a row that cannot be used is rejected with an error naming its row. File-level trouble
(no column holds the kind's required field, no column says whose row it is) is one sentence.

A row is rejected when it lacks its kind's required field (a subscription's start, a ticket's
opened date, a contact's e-mail...) or names nothing it could be linked by: no account ID or
name, and for usage no subscription ID or user e-mail, for tickets no requester e-mail, for
contacts no e-mail. Two rows with one natural key (a subscription ID twice): the last is kept
(a later line of an export is the later state), one warning; rows keyed by their values are
numbered instead (`rowkeys`). Opportunities that are not closed-won are skipped, one note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.field_spec import FieldType
from cspm.core.field_vocab import vocabulary
from cspm.core.header import Table
from cspm.core.mapping import ColumnMapping
from cspm.core.parsing import infer_type, parse_column
from cspm.core.parsing.ranges import check_range
from cspm.core.plan import UserChoices
from cspm.core.problems import Problem, ProblemsBySeverity
from cspm.core.settings import Settings
from cspm.core.value_maps import ValueColumn

from . import derive
from .custom import custom_records
from .frames import columns_of, dtype_of
from .kinds import CHURN_EVENTS, CONTACTS, RELATED_KINDS, SUBSCRIPTIONS, TICKETS, USAGE
from .rowkeys import row_keys
from .values import map_related_values

LINK_FIELDS: dict[str, tuple[str, ...]] = {
    SUBSCRIPTIONS: ("account_id", "account_name"),
    USAGE: ("account_id", "account_name", "subscription_id", "user_email"),
    TICKETS: ("account_id", "account_name", "user_email"),
    CONTACTS: ("account_id", "account_name", "email"),
    CHURN_EVENTS: ("account_id", "account_name"),
}
"""Per kind: the fields a row can be linked to an account by; a row needs one of them."""

_EMAIL_FIELDS = ("email", "user_email")
_RANGE_AS = {"seats": "seats_active", "count": "seats_active", "term_months": "seats_active"}
_RANGE_AS["satisfaction"] = "csat"  # 0-100 (a 1-5 rating fits; good/bad words become 100/0)
_WHAT = {
    FieldType.MONEY: "an amount",
    FieldType.NUMBER: "a number",
    FieldType.SCORE: "a score from 0 to 100",
    FieldType.DATE: "a date",
    FieldType.BOOL: "yes/no",
    FieldType.TEXT: "text",
}


@dataclass
class RelatedPlan(ProblemsBySeverity):
    """What a related import would write: the valid rows of one kind, typed and keyed.

    frame: one row per kept file row; columns `columns_of(kind)` in the frame contract's dtypes
        (account_key None: linking is the writer's), then `source_row` (the sheet's row number)
        and `custom` (the row's unmapped columns as a dict, None when it has none).
    carried: the kind's own fields the file had a column for (or derived: arr from amount).
    skipped: rows left out on purpose (opportunities not won), counted apart from rejects.
    value_maps: what a profile saved from this plan keeps (normalised header -> value -> target).
    """

    kind: str
    frame: pd.DataFrame
    mapping: ColumnMapping
    rejected_rows: list[int]
    problems: list[Problem]
    rows_total: int
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    value_columns: list[ValueColumn] = field(default_factory=list)
    custom_types: dict[str, FieldType] = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)
    skipped: int = 0


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _cell_problems(
    raw: pd.Series, bad: np.ndarray, rows: np.ndarray, header: str, why: str
) -> list[Problem]:
    """One warning per unusable cell; `why` gets the cell's text ("could not read '{}' ...")."""
    texts = raw.to_numpy(dtype=object)
    return [
        Problem(int(rows[p]), header, _text(texts[p]), why.format(_text(texts[p])), "warning")
        for p in np.flatnonzero(bad)
    ]


def _parse(
    raw: pd.Series,
    ftype: FieldType,
    range_as: str | None,
    header: str,
    rows: np.ndarray,
    settings: Settings,
    problems: list[Problem],
    percent_scale: float = 100.0,
) -> pd.Series:
    parsed = parse_column(raw, ftype, percent_scale=percent_scale, date_order=settings.date_order)
    problems.extend(Problem(None, header, None, n, "warning") for n in parsed.notes)
    bad = parsed.invalid.to_numpy(dtype=bool)
    problems.extend(
        _cell_problems(
            raw, bad, rows, header, f"could not read '{{}}' as {_WHAT[ftype]}; left empty"
        )
    )
    checked = check_range(range_as, ftype, parsed.values.reset_index(drop=True))
    if checked.range is not None and checked.outside.any():
        why = f"'{{}}' is out of range ({checked.range.description} expected); left empty"
        problems.extend(_cell_problems(raw, checked.outside, rows, header, why))
    return checked.values


def _require_columns(kind: str, fields_at: dict[str, str], headers: list[str]) -> None:
    spec = RELATED_KINDS[kind]
    shown = ", ".join(f"'{h}'" for h in headers[:8])
    for fname in spec.required:
        if fname not in fields_at:
            raise BadInputError(
                f"No column of this {kind} file holds the {spec.field(fname).label.lower()} "
                f"(its columns: {shown}); map one to {fname}."
            )
    links = LINK_FIELDS[kind]
    if not any(f in fields_at for f in links):
        raise BadInputError(
            f"No column of this {kind} file says whose row it is (its columns: {shown}); map "
            f"one to {' or '.join(links)}."
        )


def build_related_plan(
    table: Table,
    mapping: ColumnMapping,
    kind: str,
    settings: Settings,
    choices: UserChoices | None = None,
) -> RelatedPlan:
    """Parse, derive, key and check every row of `table` as a file of `kind` (vectorised)."""
    if mapping.kind != kind:
        raise ValueError(f"a {mapping.kind} mapping cannot plan a {kind} file")
    choices = choices or UserChoices()
    vocab = vocabulary(kind)
    fields_at = mapping.field_columns()
    _require_columns(kind, fields_at, table.headers)
    data = table.data.reset_index(drop=True)
    rows = np.asarray(table.row_numbers, dtype=np.int64)
    types = {f: vocab.fields[f].type for f in fields_at}
    values = map_related_values(
        data, fields_at, types, choices.value_maps, choices.profile_value_maps
    )
    problems: list[Problem] = [Problem(None, h, None, m, "info") for h, m in values.notes]
    cols: dict[str, pd.Series] = {}
    for fname, header in fields_at.items():
        raw = values.raw.get(fname, data[header])
        spec = vocab.fields[fname]
        if fname == "satisfaction":
            raw = derive.satisfaction_words(raw)
        elif spec.type == FieldType.DATE:
            raw = derive.epoch_seconds(raw)
        cols[fname] = _parse(
            raw, spec.type, _RANGE_AS.get(fname), header, rows, settings, problems,
            spec.percent_scale,
        )  # fmt: skip
        if fname in _EMAIL_FIELDS:
            cols[fname] = derive.lower_emails(cols[fname])

    keep = np.ones(len(data), dtype=bool)
    skipped = 0
    notes: list[str] = []
    if kind == SUBSCRIPTIONS:
        opportunities = "stage" in cols or "is_won" in cols
        won, said = derive.won_rows(cols, len(data))
        if said:
            notes.append(said)
            skipped = int((~won).sum())
        keep &= won
        notes += derive.subscription_amounts(cols, opportunities)
        notes += derive.contract_ends(cols)
        notes += derive.period_ends(cols, _period_end(mapping, data, settings))
        if opportunities and "end_date" not in cols:
            notes.append("no contract term or end date: each won opportunity stays active")
    if kind == CONTACTS:
        derive.contact_names(cols)
    problems.extend(Problem(None, None, None, n, "info") for n in notes)

    custom_types: dict[str, FieldType] = {}
    custom_cols: dict[str, pd.Series] = {}
    for cname, header in mapping.custom_columns().items():
        ftype = infer_type(data[header])
        custom_types[cname] = ftype
        custom_cols[cname] = _parse(data[header], ftype, None, header, rows, settings, problems)

    ok = _reject(kind, cols, fields_at, rows, keep, problems)
    frame = _frame(kind, cols, len(data))
    frame["source_row"] = rows
    frame["custom"] = custom_records(custom_cols, len(data))
    kept = keep & ok
    own = [c for c in columns_of(kind)[2:] if c in cols]
    typed = pd.DataFrame(
        {**{c: frame[c] for c in own}, **{f"custom {c}": s for c, s in custom_cols.items()}}
    )  # what a row without its natural key is keyed by: every value as parsed
    frame = frame.loc[kept].reset_index(drop=True)
    typed = typed.loc[kept].reset_index(drop=True)
    key_fields = [f for f in RELATED_KINDS[kind].row_key if f in cols]  # the file's own
    frame["row_key"] = row_keys(frame, key_fields, typed)
    frame, dup_problem = _last_of_each_key(frame, kind)
    if dup_problem is not None:
        problems.append(dup_problem)
    problems.sort(
        key=lambda p: (p.severity == "info", p.row is not None, p.row or 0, p.severity != "error")
    )
    return RelatedPlan(
        kind=kind,
        frame=frame,
        mapping=mapping,
        rejected_rows=sorted(int(r) for r in rows[keep & ~ok]),
        problems=problems,
        rows_total=len(data),
        value_maps=values.used,
        value_columns=values.columns,
        custom_types=custom_types,
        carried=[c for c in columns_of(kind) if c in cols],
        skipped=skipped,
    )


def _period_end(mapping: ColumnMapping, data: pd.DataFrame, settings: Settings) -> pd.Series | None:
    """The dates of a column that wanted the end date and lost it to a better one ("Current
    Period End" beside "Ended At"), for subscriptions that cancel at their period end."""
    for c in mapping.columns:
        if c.wanted == "end_date" and "period" in c.header.casefold():
            parsed = parse_column(data[c.header], FieldType.DATE, date_order=settings.date_order)
            return parsed.values.reset_index(drop=True)
    return None


def _reject(
    kind: str,
    cols: dict[str, pd.Series],
    fields_at: dict[str, str],
    rows: np.ndarray,
    considered: np.ndarray,
    problems: list[Problem],
) -> np.ndarray:
    """True for the rows that have their kind's required fields and something to link by;
    an error for each other row among those `considered` (skipped rows say nothing)."""
    spec = RELATED_KINDS[kind]
    ok = np.ones(len(rows), dtype=bool)
    for fname in spec.required:
        lacks = cols[fname].isna().to_numpy(dtype=bool) & ok
        label = spec.field(fname).label.lower()
        problems.extend(
            Problem(int(rows[p]), fields_at[fname], None, f"rejected: no {label}", "error")
            for p in np.flatnonzero(lacks & considered)
        )
        ok &= ~lacks
    links = [f for f in LINK_FIELDS[kind] if f in cols]
    linkable = np.logical_or.reduce([cols[f].notna().to_numpy(dtype=bool) for f in links])
    unlinked = ~linkable & ok
    if unlinked.any():
        shown = ", ".join(f"'{fields_at[f]}'" for f in links)
        what = "column" if len(links) == 1 else "columns"
        message = f"rejected: nothing says whose row it is ({what} {shown} empty)"
        problems.extend(
            Problem(int(rows[p]), fields_at[links[0]], None, message, "error")
            for p in np.flatnonzero(unlinked & considered)
        )
    return ok & linkable


def _frame(kind: str, cols: dict[str, pd.Series], n: int) -> pd.DataFrame:
    """The contract's columns in order and dtypes; a field the file lacks is all missing."""
    spec = RELATED_KINDS[kind]
    out: dict[str, pd.Series] = {}
    for col in columns_of(kind):
        ftype = spec.field(col).type if col in spec.field_names else FieldType.TEXT
        dtype = dtype_of(ftype)
        if col in cols:
            out[col] = cols[col].reset_index(drop=True).astype(dtype)
        else:
            out[col] = pd.Series([None] * n, dtype=dtype)
    return pd.DataFrame(out)


def _last_of_each_key(frame: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, Problem | None]:
    """The frame with one row per row key (the last), and the warning when rows were dropped."""
    dup = frame["row_key"].duplicated(keep="last").to_numpy(dtype=bool)
    if not dup.any():
        return frame, None
    first = int(np.flatnonzero(dup)[0])
    later = frame.index[(frame["row_key"] == frame["row_key"].iat[first]).to_numpy()][-1]
    key = " + ".join(RELATED_KINDS[kind].row_key) or "values"
    n = int(dup.sum())
    rows = "1 row repeats" if n == 1 else f"{n:,} rows repeat"
    message = (
        f"{rows} the {key} of a later row; the last of each is kept (first: row "
        f"{int(frame['source_row'].iat[first])}, kept row {int(frame['source_row'].at[later])})"
    )
    return frame.loc[~dup].reset_index(drop=True), Problem(None, None, None, message, "warning")
