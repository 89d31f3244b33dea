"""Cyclic garbage is collected on the GUI thread, never by a worker that allocates a lot."""

from __future__ import annotations

import gc
import threading
import weakref


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def make_cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_worker_allocating_does_not_collect_but_the_gui_timer_does(qtbot) -> None:
    assert not gc.isenabled(), "the UI tests run with the app's policy (tests/ui/conftest.py)"
    gone = make_cycle()
    result: list[list[int]] = []

    def build() -> None:  # a worker building a result made of many objects
        result.extend([i] for i in range(20_000))

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert gone() is not None, "no collection ran in the worker thread"
    qtbot.waitUntil(lambda: gone() is None, timeout=5_000)  # the GUI thread's timer collects


def test_the_collector_belongs_to_the_application(qapp) -> None:
    from cspm.ui.gc_guard import GuiGarbageCollector

    assert qapp.findChildren(GuiGarbageCollector)
