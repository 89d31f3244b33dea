"""One thing wrong with (or decided about) the input, as the import summary lists it.

Its own module because reading (before any plan exists) and planning both produce problems:
`read_notes` turns reading notes into problems without importing the planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
"""error: the row is rejected; warning: a value could not be used as written; info: a decision
the import made that the user should know about (a scale, an encoding, a column that lost)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; row/column/value are None when not about one cell."""

    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: Severity

    def sentence(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        joined = ", ".join(where)  # not str.capitalize(): it lower-cases the column's name
        prefix = (joined[:1].upper() + joined[1:] + ": ") if where else ""
        return prefix + self.message

    def to_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
        }


class ProblemsBySeverity:
    """`errors`, `warnings` and `notes` of a plan's `problems`, for every kind of plan."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        """The decisions the import made ("info"), one line each in the summary."""
        return [p for p in self.problems if p.severity == "info"]
