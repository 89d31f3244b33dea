"""A database seeded by an older built-in library is brought up to date once, edits kept."""

from __future__ import annotations

import datetime as dt

from cspm.core.rules.builtin import BUILTIN_REVISIONS, BUILTIN_SEGMENTS
from cspm.service.context import AppContext
from cspm.storage import segments_repo
from cspm.storage.models import SettingRow

OLD_NAME = "No interaction in 30+ days"
NEW_NAME = "No interaction on record"
TODAY = dt.date(2026, 11, 23)


def _as_version_1(url: str, *, edit_old: bool = False) -> None:
    """Turn a fresh database into what the first library left: no new segment, old rule."""
    ctx = AppContext.open(url, today=TODAY)
    _, name, old_description, old_rule = BUILTIN_REVISIONS[0]
    with ctx.db.session() as s:
        segments_repo.remove(s, segments_repo.find(s, NEW_NAME))
        rule = {"field": "last_interaction", "op": "older_than_days", "value": 45}
        segments_repo.update(
            s, segments_repo.find(s, name), rule=rule if edit_old else old_rule,
            description=old_description,
        )  # fmt: skip
        s.delete(s.get(SettingRow, segments_repo.VERSION_KEY))
    ctx.close()


def _segments(url: str) -> dict[str, segments_repo.SegmentRow]:
    ctx = AppContext.open(url, today=TODAY)
    with ctx.db.session() as s:
        rows = {r.name: r for r in segments_repo.list_segments(s)}
    ctx.close()
    return rows


def test_an_old_database_gets_the_new_builtin_and_definition_once(db_url: str) -> None:
    _as_version_1(db_url)
    rows = _segments(db_url)
    shipped = {name: (desc, rule) for name, desc, rule in BUILTIN_SEGMENTS}
    assert rows[NEW_NAME].builtin and rows[NEW_NAME].rule == shipped[NEW_NAME][1]
    assert (rows[OLD_NAME].description, rows[OLD_NAME].rule) == shipped[OLD_NAME]
    # Deleted after the upgrade: it does not come back on the next open.
    ctx = AppContext.open(db_url, today=TODAY)
    with ctx.db.session() as s:
        segments_repo.remove(s, segments_repo.find(s, NEW_NAME))
    ctx.close()
    assert NEW_NAME not in _segments(db_url)
    assert len(_segments(db_url)) == len(BUILTIN_SEGMENTS) - 1


def test_a_users_edit_of_the_old_builtin_is_kept(db_url: str) -> None:
    _as_version_1(db_url, edit_old=True)
    rows = _segments(db_url)
    assert rows[OLD_NAME].rule["value"] == 45
    assert NEW_NAME in rows


RELATED_BUILTINS = (
    "Users not logging in",
    "Executive sponsor inactive",
    "Usage dropped 30% in 30 days",
)


def test_a_version_2_database_gets_the_related_data_builtins_once(db_url: str) -> None:
    ctx = AppContext.open(db_url, today=TODAY)
    with ctx.db.session() as s:
        for name in RELATED_BUILTINS:
            segments_repo.remove(s, segments_repo.find(s, name))
        segments_repo.update(s, segments_repo.find(s, "Low adoption"), description="Our own words")
        segments_repo.mark_builtin_version(s, 2)
    ctx.close()
    rows = _segments(db_url)
    shipped = {name: rule for name, _desc, rule in BUILTIN_SEGMENTS}
    for name in RELATED_BUILTINS:
        assert rows[name].builtin and rows[name].rule == shipped[name]
    assert rows["Low adoption"].description == "Our own words"  # edits elsewhere kept
    ctx = AppContext.open(db_url, today=TODAY)
    with ctx.db.session() as s:
        segments_repo.remove(s, segments_repo.find(s, RELATED_BUILTINS[0]))
    ctx.close()
    assert RELATED_BUILTINS[0] not in _segments(db_url)  # deleted: it does not come back
