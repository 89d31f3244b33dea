"""UI tests run with the application's garbage-collection policy (see cspm.ui.gc_guard)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from cspm.ui.gc_guard import GuiGarbageCollector


@pytest.fixture(scope="session", autouse=True)
def _collect_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cyclic garbage (closed views and dialogs of earlier tests) is collected
    on the GUI thread, never by whichever worker happens to allocate."""
    guard = GuiGarbageCollector(qapp)
    yield
    guard.stop()
