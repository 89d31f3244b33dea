"""A dry run writes nothing, and that includes the next import's number.

The fault: on PostgreSQL a dry run drew an import id from the sequence and rolled back, so the
next real import was number 3 after number 1, and a CSM comparing the imports list with their
notes looked for an import 2 that never was.
"""

from __future__ import annotations

import json
from pathlib import Path

from cspm.cli import main
from tests.files import salesforce_rows, write_xlsx
from tests.service.test_import_semantics import ROWS


def test_a_dry_run_takes_no_import_number(store_url: str, tmp_path: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "report.xlsx", salesforce_rows(ROWS))
    db = ["--db", store_url, "--today", "2026-11-23"]
    assert main([*db, "import", str(path), "--as-of", "2026-10-31"]) == 0
    assert main([*db, "import", str(path), "--as-of", "2026-11-20", "--dry-run"]) == 0
    assert main([*db, "import", str(path), "--as-of", "2026-11-20", "--dry-run"]) == 0
    assert main([*db, "import", str(path), "--as-of", "2026-11-20"]) == 0
    capsys.readouterr()
    assert main([*db, "imports", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    ids = sorted(i["id"] for i in listed)
    assert len(ids) == 2
    assert ids[1] == ids[0] + 1
