"""Reads that share one object per repeated text and per repeated JSON text (the memory of
600,000 snapshot rows) give the values the driver gave, cell for cell and type for type: text
that looks like a number stays text beside real numbers, blanks stay None, a JSON list stays
one list value, on SQLite and PostgreSQL, across many fetch chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.orm import Session

from cspm.storage import fetch
from cspm.storage.fetch import decode_json_column, fetch_columns
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)

META = MetaData()
ROWS = Table(
    "shared_values_probe",
    META,
    Column("id", Integer, primary_key=True),
    Column("owner", String),  # a few values, repeated: shared
    Column("mixed", Text),  # text that looks like numbers, and blanks
    Column("name", String),  # every value distinct
    Column("custom", Text),  # JSON text: dicts, a list, null
)
OWNERS = ["Ana", "Ben", None, "Ana ", "", "1"]
CUSTOM = [
    json.dumps({"plan": "Core", "seats": 5}),
    json.dumps({"plan": "Core", "seats": 5}),
    json.dumps([1, 2, 3]),
    None,
    json.dumps({"plan": "Pro", "notes": None}),
    "null",
]


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "owner": OWNERS[i % len(OWNERS)],
            "mixed": ["1", "1.0", "True", None, "x"][i % 5],
            "name": f"Account {i}",
            "custom": CUSTOM[i % len(CUSTOM)],
        }
        for i in range(n)
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def session(
    request: pytest.FixtureRequest, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Session]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/probe.sqlite3"
    else:
        url = request.getfixturevalue("pg_url")
    engine = create_engine(url)
    META.drop_all(engine)
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(ROWS.insert(), _rows(500))
    monkeypatch.setattr(fetch, "CHUNK_ROWS", 37)  # many chunks: sharing spans them
    with Session(engine) as s:
        yield s
    META.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("shared", [True, False])
def test_values_are_the_drivers_and_repeats_are_shared(session: Session, shared: bool) -> None:
    stmt = select(ROWS.c.id, ROWS.c.owner, ROWS.c.mixed, ROWS.c.name, ROWS.c.custom)
    stmt = stmt.order_by(ROWS.c.id)
    raw_rows = session.connection().exec_driver_sql(
        "SELECT id, owner, mixed, name, custom FROM shared_values_probe ORDER BY id"
    )
    expected = list(zip(*raw_rows.fetchall(), strict=True))
    got = fetch_columns(session, stmt, shared=shared)
    for name, want in zip(("id", "owner", "mixed", "name", "custom"), expected, strict=True):
        values = got[name].tolist()
        assert values == list(want), name
        assert [type(v) for v in values] == [type(v) for v in want], name
    owners = got["owner"]
    if shared:
        assert owners[0] is owners[len(OWNERS)] is owners[4 * len(OWNERS)]  # one "Ana" object


def test_json_texts_decode_as_each_alone(session: Session) -> None:
    stmt = select(ROWS.c.custom).order_by(ROWS.c.id)
    column = pd.Series(fetch_columns(session, stmt, shared=True)["custom"], dtype=object)
    decoded = decode_json_column(column).tolist()
    one_by_one = [json.loads(v) if isinstance(v, str) else v for v in column]
    assert decoded == one_by_one
    assert decoded[2] == [1, 2, 3]  # a JSON list is one value, not spread over rows
    assert decoded[3] is None and decoded[5] is None
    assert decoded[0] == {"plan": "Core", "seats": 5}
