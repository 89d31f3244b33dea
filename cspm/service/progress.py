"""The two plain callables long work takes from its caller (the UI adapts them to Qt signals)."""

from __future__ import annotations

from collections.abc import Callable

from cspm.core.errors import CspmError

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


class CancelledError(CspmError):
    """The user cancelled; the transaction was rolled back and nothing changed."""


def no_progress(_fraction: float, _message: str) -> None:
    return None


def never_cancelled() -> bool:
    return False


def check(cancelled: Cancelled) -> None:
    if cancelled():
        raise CancelledError("Cancelled; nothing was changed.")
