"""`cspm export FILE.pdf` on a command line with no GUI: no display, or a DISPLAY that leads
nowhere (an ssh session), and no QT_QPA_PLATFORM. The pack is written all the same, because the
QGuiApplication Qt's text layout needs is created on the offscreen platform (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from cspm.cli import main
from tests.files import write_csv
from tests.service.test_export_service import HEADER, ROWS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("display", [None, ":987"], ids=["no-display", "dead-display"])
def test_pdf_pack_from_a_plain_terminal(tmp_path: Path, display: str | None) -> None:
    db = tmp_path / "team.sqlite3"
    write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    assert main(["--db", str(db), "--today", "2026-11-23", "import", str(tmp_path / "a.csv")]) == 0
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.pop("DISPLAY", None)
    if display:
        env["DISPLAY"] = display
    out = tmp_path / "eagle.pdf"
    args = ["--db", str(db), "--today", "2026-11-23", "export", str(out), "--account", "E1"]
    done = subprocess.run(
        [sys.executable, "-m", "cspm", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Eagle Analytics" in text
