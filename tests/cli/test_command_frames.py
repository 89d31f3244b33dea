"""`segments show` and `contacts` written column-wise (`cli_frames.frame_pieces`) print what the
record-by-record writer (`cli_format.format_records(frame_records(...))`) printed, byte for
byte and read back field by field: every segment of the demo portfolio (an empty one too) in
every format, and the contacts of a portfolio that has them (whole days, "never" logged in,
missing values)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspm.cli import main
from cspm.cli_format import format_records, frame_records
from cspm.commands.contacts import TABLE_COLUMNS as CONTACT_TABLE
from cspm.commands.segments import MEMBER_COLUMNS
from cspm.service.contacts import CONTACT_COLUMNS, list_contacts
from cspm.service.context import AppContext
from cspm.service.segments import list_segments, segment_members
from cspm.service.settings import money_format
from tests.conftest import TODAY
from tests.contact_data import contacts_portfolio
from tests.demo_portfolio import demo_db_file  # noqa: F401  (fixture)

FORMATS = ("json", "csv", "table")


def _printed(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_segments_show_prints_what_the_record_writer_printed(
    capsys: pytest.CaptureFixture[str],
    demo_db_file: Path,  # noqa: F811
    tmp_path: Path,
    fmt: str,
) -> None:
    db = tmp_path / "demo.sqlite3"
    db.write_bytes(demo_db_file.read_bytes())
    ctx = AppContext.open(str(db), today=TODAY)
    try:
        names = [s.name for s in list_segments(ctx) if not s.error]
        money = money_format(ctx)
        before = {}
        for name in names:
            members = segment_members(ctx, name)
            before[name] = format_records(frame_records(members), fmt, MEMBER_COLUMNS, money)
    finally:
        ctx.close()
    sizes = {name: len(text.splitlines()) for name, text in before.items()}
    assert max(sizes.values()) > 20  # a big segment
    assert any(text in ("[]", "(none)") or text.count("\n") == 1 for text in before.values())
    for name in names:
        printed = _printed(
            capsys, "--db", str(db), "--today", TODAY.isoformat(), "segments", "show", name,
            "--format", fmt,
        )  # fmt: skip
        assert printed == _with_newline(before[name]), name
        if fmt == "json":
            assert json.loads(printed) == json.loads(before[name])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("filters", [(), ("--inactive-days", "10"), ("--role", "exec")])
def test_contacts_print_what_the_record_writer_printed(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    tmp_path: Path,
    fmt: str,
    filters: tuple[str, ...],
) -> None:
    ctx = AppContext.open(db_url, today=TODAY)
    try:
        contacts_portfolio(ctx, tmp_path)
        inactive = int(filters[1]) if filters[:1] == ("--inactive-days",) else None
        role = filters[1] if filters[:1] == ("--role",) else None
        result = list_contacts(ctx, None, inactive_days=inactive, role=role, owner=None)
    finally:
        ctx.close()
    records = frame_records(result.frame, CONTACT_COLUMNS)
    assert (records and any(r["last_login"] is None for r in records)) or filters
    for r in records:  # what the command did record by record
        if r["days_since_login"] is not None:
            r["days_since_login"] = int(r["days_since_login"])
        if fmt == "table" and r["last_login"] is None:
            r["last_login"] = "never"
    before = _with_newline(format_records(records, fmt, CONTACT_TABLE))
    printed = _printed(capsys, "contacts", "--db", db_url, "--today", TODAY.isoformat(),
                       "--format", fmt, *filters)  # fmt: skip
    if fmt == "table" and result.unlinked:  # the count after the table, as before
        *table, note = printed.splitlines(keepends=True)
        assert "link to no account" in note
        printed = "".join(table)
    assert printed == before
    if fmt == "json":
        assert any(isinstance(r["days_since_login"], int) for r in json.loads(printed))
