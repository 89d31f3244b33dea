"""What runs after every change to the data or settings.

Task generation must see every change as it happens: an episode that starts and ends between
two looks at the task list (a trigger that clears with one import and returns with the next)
would otherwise be missed, and a completed task would never come back.
"""

from __future__ import annotations

from .context import AppContext


def after_change(ctx: AppContext) -> None:
    from .tasks import regenerate_tasks

    regenerate_tasks(ctx)
