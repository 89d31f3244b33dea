"""Past imports, for the Imports view and `cspm imports`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cspm.storage import imports_repo

if TYPE_CHECKING:
    from .context import AppContext


def list_imports(ctx: AppContext) -> list[imports_repo.ImportInfo]:
    """Every import record, newest load first."""
    with ctx.db.session() as s:
        return imports_repo.all_imports(s)
