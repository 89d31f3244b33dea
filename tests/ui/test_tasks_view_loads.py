"""Filter changes in the Tasks view while the day turns: loads queue on the context's one job
thread, superseded ones are dropped, the list shows the newest filter's tasks, and the task
regeneration those loads trigger runs once, not side by side (issue 13's duplicate tasks)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from PySide6.QtCore import Qt

from cspm.service.tasks import list_tasks
from cspm.storage import tasks_repo
from cspm.ui import tasks_view
from cspm.ui.tasks_view import TasksView
from tests.conftest import drain_workers
from tests.service.task_race import RACE_DAY
from tests.ui.test_tasks_view import demo_ctx, demo_file, shown_ids, view  # noqa: F401


class EntryCounter:
    """Wraps the view's real loader and counts how many run at the same moment."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.lock = threading.Lock()
        self.active = self.most = self.calls = 0

    def __call__(self, *args: Any) -> Any:
        with self.lock:
            self.calls += 1
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            return self.fn(*args)
        finally:
            with self.lock:
                self.active -= 1


def test_quick_filter_changes_show_the_last_and_never_load_twice_at_once(
    qtbot,
    view: TasksView,  # noqa: F811 (the fixture imported above)
    demo_ctx,  # noqa: F811
    monkeypatch,
) -> None:
    counter = EntryCounter(tasks_view.load_tasks)
    monkeypatch.setattr(tasks_view, "load_tasks", counter)
    demo_ctx.today = RACE_DAY  # the window stayed open overnight: every load now regenerates
    view.chooser.setFocus()
    with qtbot.waitSignal(view.loaded, timeout=60_000):
        for _ in range(4):
            qtbot.keyClick(view.chooser, Qt.Key.Key_Down)
    drain_workers()
    qtbot.wait(50)  # deliver anything the drained jobs posted
    chosen = view.current_filter()
    assert chosen.segment or chosen.tier  # the chooser really moved off "All tasks"
    expected = list_tasks(
        demo_ctx,
        segment=chosen.segment,
        tier=chosen.tier,
        owner=chosen.owner,
        due_within=chosen.due_within,
    )
    assert shown_ids(view) == expected["id"].tolist()
    assert counter.calls >= 1
    assert counter.most == 1
    with demo_ctx.db.session() as s:
        tasks = tasks_repo.load_tasks(s)
    current = tasks[tasks["episode_open"]]
    pairs = Counter(zip(current["account_key"], current["template_id"], strict=True))
    assert max(pairs.values()) == 1
