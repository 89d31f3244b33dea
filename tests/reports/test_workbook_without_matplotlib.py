"""The portfolio workbook draws native Excel charts: writing it (the export's service and the
writer) loads no matplotlib, whose 30 MB a 100,000-account export's memory cannot spare; the
colours it shares with the matplotlib charts come from `palette`, and are the charts' own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cspm.reports import charts, palette

SCRIPT = """
import datetime as dt, sys
from cspm.service import export
from cspm.reports.sample import sample_workbook_data
from cspm.reports.workbook import write_workbook
data = sample_workbook_data(50, dt.date(2026, 11, 23))
write_workbook(sys.argv[1], data)
print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
"""


def test_writing_the_workbook_loads_no_matplotlib(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsx"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stat().st_size > 0
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_charts_draw_in_the_palette_colours() -> None:
    for name in ("INK", "MUTED", "GRID", "MONEY", "COUNT", "PALETTE", "BAND_COLOURS"):
        assert getattr(charts, name) == getattr(palette, name)
    assert charts.BAND_TINTS == palette.BAND_TINTS
