"""What an import takes and gives: options, the prepared (not yet written) import, the cells
the wizard keeps between its steps, and the result with the accounts that moved tier or stage.

Plain dataclasses shared by the preparing side (`imports`) and the writing side
(`import_writes`), so neither has to import the other's internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from cspm.core.currency import convert_plan
from cspm.core.header import Table
from cspm.core.mapping import ColumnMapping
from cspm.core.plan import ImportPlan, Problem
from cspm.core.reading import RawSheet
from cspm.core.related.detect import OPPORTUNITIES
from cspm.core.related.kinds import RELATED_KINDS
from cspm.core.related.plan import RelatedPlan
from cspm.core.settings import CurrencySettings
from cspm.core.value_maps import ValueColumn

from .related_results import RelatedSummary

__all__ = [
    "ImportOptions",
    "ImportResult",
    "Move",
    "PreparedImport",
    "PreparedRelated",
    "SheetCells",
    "ValueColumn",  # what the wizard's values step lists per column
]


@dataclass
class ImportOptions:
    sheet: str | None = None
    profile: str | None = None  # saved mapping profile to use
    save_profile: str | None = None  # save the mapping used under this name
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field/custom/ignore
    # header -> value as written -> meaning/tier/stage ("Status" -> {"Non-renewing": "churned"})
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    scales: dict[str, str] = field(default_factory=dict)  # header -> scale ("NPS" -> "points")
    header_index: int | None = None  # position of the header row in the sheet's cells
    as_of: dt.date | None = None  # default: the context's today
    skip_invalid: bool = False
    dry_run: bool = False
    # The kind of file (cspm.core.related.kinds.KIND_NAMES); None: detected from the file.
    kind: str | None = None


@dataclass
class PreparedImport:
    """Everything the pure steps produced, for the wizard to show and the apply step to write."""

    path: Path
    raw: RawSheet
    table: Table
    mapping: ColumnMapping
    plan: ImportPlan
    profile_name: str | None
    sha256: str

    def without_cells(self) -> PreparedImport:
        """The same prepared import without the sheet's cells (raw and as a table), for a
        caller that will not show them again (the command line, `import_file`): writing
        needs the plan and the sheet's name and header row only. The cells of a 1,000,000-row
        file are every value as read, as Python objects (over 1 GB): held through the
        writes and task regeneration, they were a third of the import's peak memory."""
        return replace(
            self,
            raw=replace(self.raw, cells=emptied(self.raw.cells)),
            table=replace(self.table, data=emptied(self.table.data)),
        )

    def in_currency(self, currency: CurrencySettings, as_of: dt.date) -> PreparedImport:
        """Amounts converted to the portfolio currency at the rates in effect on the as-of date
        (known only at writing, after the wizard's preview), with a note per currency and a
        warning naming rows without a rate. A new plan: `let_go_of_rows` on it leaves this
        one's rows alone."""
        header = self.mapping.field_columns().get("currency")
        plan, _ = convert_plan(self.plan, currency, as_of, header)
        return replace(self, plan=replace(plan))

    def let_go_of_rows(self) -> None:
        """Empty the plan's rows in place, once written, for a caller that has said it has no
        further use for them (`apply_prepared(keep_plan=False)`): a 1,000,000-row plan held
        through the task regeneration after its import was about 500 MB of its peak."""
        self.plan.frame = emptied(self.plan.frame)


def emptied(frame: pd.DataFrame) -> pd.DataFrame:
    """No rows, the same columns, sharing no memory with `frame` (a slice of it would)."""
    return frame.iloc[:0].copy(deep=True)


@dataclass
class PreparedRelated:
    """A related file (subscriptions, usage, tickets, contacts, churn events) read and planned.

    kind: the kind it is imported as (chosen, else detected); detected_kind and evidence: what
    detection said and the headers that said it (shown as "read as a subscriptions file
    (columns ...)", and by the wizard next to the kind it lets the user change); source: what
    the file looked like when that differs from its kind ("an opportunities export"), else "".
    """

    path: Path
    raw: RawSheet
    table: Table
    kind: str
    detected_kind: str
    evidence: tuple[str, ...]
    mapping: ColumnMapping
    plan: RelatedPlan
    profile_name: str | None
    sha256: str
    source: str = ""

    @property
    def described(self) -> str:
        """What the file was read as: "a subscriptions file", "a subscriptions file
        (closed-won opportunities)"."""
        noun = RELATED_KINDS[self.kind].noun
        return f"{noun} (closed-won opportunities)" if self.source == OPPORTUNITIES else noun


@dataclass(frozen=True)
class Move:
    """An account whose tier or lifecycle stage changed with this import."""

    key: str
    name: str | None
    what: str  # "tier" | "lifecycle_stage"
    before: str
    after: str


@dataclass
class ImportResult:
    file: str
    status: str  # "imported" | "dry_run" | "refused" | "already_imported"
    as_of: dt.date
    import_id: int | None = None
    sheet: str | None = None
    header_row: int | None = None
    rows_total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    # Work after the commit that failed without undoing it ("imported; tasks will refresh...").
    notices: list[str] = field(default_factory=list)
    # "already_imported": the identical import this would repeat, and the sentence saying so.
    same_as_import: int | None = None
    message: str | None = None
    # What the file was read as: "accounts" or a related kind, whose summary is `related`.
    kind: str = "accounts"
    related: RelatedSummary | None = None

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def ok(self) -> bool:
        return self.status != "refused"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            "import_id": self.import_id,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows_total,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "mapping": self.mapping,
            "tier_changes": [_move_dict(m) for m in self.moves if m.what == "tier"],
            "stage_changes": [_move_dict(m) for m in self.moves if m.what == "lifecycle_stage"],
            "problems": [p.to_dict() for p in self.problems],
            "notices": list(self.notices),
            "same_as_import": self.same_as_import,
            "message": self.message,
            "kind": self.kind,
            "related": self.related.to_dict() if self.related else None,
        }


def _move_dict(m: Move) -> dict[str, Any]:
    return {"account": m.key, "name": m.name, "from": m.before, "to": m.after}


@dataclass(frozen=True)
class SheetCells:
    """One sheet's cells as read, with the SHA-256 of the file they were read from.

    Kept by the wizard between its steps: the header, mapping and validation steps all work from
    these cells, so changing one column's mapping on a 100,000-row file costs a re-plan in memory,
    not a re-read. The hash is taken when the cells are read, so the import record describes the
    file that was planned even if it changes (or goes) on disk afterwards.
    """

    raw: RawSheet
    sha256: str

    @property
    def path(self) -> Path:
        return self.raw.path


def first_result(prepared: PreparedImport | Any, as_of: dt.date, **extra: Any) -> ImportResult:
    """The result of a planned file before anything is decided: what the plan read, as
    "imported"; both the accounts and the related import start from it (`extra`: their own
    fields, e.g. `kind`). `prepared` is a PreparedImport or a PreparedRelated."""
    plan = prepared.plan
    return ImportResult(
        file=prepared.path.name,
        status="imported",
        as_of=as_of,
        sheet=prepared.raw.sheet,
        header_row=prepared.table.header_row,
        rows_total=plan.rows_total,
        rejected=len(plan.rejected_rows),
        problems=list(plan.problems),
        mapping=prepared.mapping.as_record(),
        **extra,
    )
