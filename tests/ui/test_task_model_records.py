"""The tasks table builds a row's dict when it is shown, not every row's on each reload: the
rows it hands out (to the view's actions, to its cells) are the ones `to_dict("records")`
gave, value for value and type for type, on the demo's whole ranked list and an owner's."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from cspm.service.context import AppContext
from cspm.service.tasks import list_tasks
from cspm.ui.task_model import TaskModel, as_date
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)


def test_rows_are_the_frames_records(qtbot: QtBot, demo: AppContext) -> None:  # noqa: F811
    full = list_tasks(demo)
    owner = full["owner"].dropna().iloc[0]
    model = TaskModel(demo.today)
    for frame in (full, list_tasks(demo, owner=owner), full.iloc[:0]):
        model.set_frame(frame)
        expected = frame.reset_index(drop=True).to_dict("records")
        assert model.rowCount() == len(expected)
        rows = [model.task(i) for i in range(model.rowCount())]
        assert rows == expected
        assert [[type(v) for v in r.values()] for r in rows] == [
            [type(v) for v in r.values()] for r in expected
        ]
        dues = [as_date(r["due_date"]) for r in expected]  # read once per reload, same dates
        assert [model.data(model.index(i, 1)) for i in range(len(rows))] == [
            d.isoformat() if d else "" for d in dues
        ]
        for i in range(min(3, len(rows))):  # cells read from the same values
            for col in range(model.columnCount()):
                text = model.data(model.index(i, col))
                assert isinstance(text, str) and (col in (1, 3, 5) or text)
