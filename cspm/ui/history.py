"""Back/Forward history of the window: which view or account the user was looking at.

Plain Python (no Qt), so the rules are easy to test and to read: visiting a place drops the
forward part (as a browser does), the same place twice in a row is one entry, and the list is
bounded so a long session does not grow it without end. The navigator (`navigation`) moves the
window; this module only remembers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LIMIT = 200


@dataclass(frozen=True)
class Place:
    """Where the user was: a view of the window ("view", view id) or an account ("account",
    account key) whose detail was open."""

    kind: Literal["view", "account"]
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class History:
    """A cursor over visited places."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = max(2, limit)
        self._places: list[Place] = []
        self._at = -1

    @property
    def current(self) -> Place | None:
        return self._places[self._at] if self._at >= 0 else None

    @property
    def places(self) -> list[Place]:
        return list(self._places)

    def can_go_back(self) -> bool:
        return self._at > 0

    def can_go_forward(self) -> bool:
        return 0 <= self._at < len(self._places) - 1

    def visit(self, place: Place) -> None:
        """The user went somewhere new: it becomes the current place, the forward part goes."""
        if place == self.current:
            return
        del self._places[self._at + 1 :]
        self._places.append(place)
        overflow = len(self._places) - self.limit
        if overflow > 0:
            del self._places[:overflow]
        self._at = len(self._places) - 1

    def back(self) -> Place | None:
        """Step back; the place to show, or None when there is nothing before."""
        if not self.can_go_back():
            return None
        self._at -= 1
        return self._places[self._at]

    def forward(self) -> Place | None:
        """Step forward; the place to show, or None when there is nothing after."""
        if not self.can_go_forward():
            return None
        self._at += 1
        return self._places[self._at]

    def clear(self) -> None:
        self._places.clear()
        self._at = -1
