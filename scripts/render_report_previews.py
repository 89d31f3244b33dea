"""Render previews of the reports to PNG, to look at them and to show them in the README.

Builds sample data (no database needed), writes a portfolio workbook and a QBR pack, then:
- the QBR pack's first page -> docs/images/report_qbr_page1.png (pdftoppm, poppler-utils);
- the workbook's Summary sheet -> docs/images/report_workbook_summary.png, through
  `libreoffice --headless --convert-to pdf` and pdftoppm, when LibreOffice is installed
  (Debian: `apt-get install libreoffice-calc-nogui`); otherwise it says so and skips it.

    python scripts/render_report_previews.py [--out docs/images] [--page-size A4|Letter]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from matplotlib import image as mpimg

from cspm.reports.qbr_pdf import write_qbr_pdf
from cspm.reports.sample import sample_qbr_account, sample_workbook_data
from cspm.reports.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)


def pdf_page_png(pdf: Path, png: Path, dpi: int, page: int = 1) -> None:
    """One PDF page as PNG via pdftoppm."""
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip


def trim_white(png: Path, margin: int = 24) -> None:
    """Crop the white border around the content, keeping `margin` pixels."""
    img = mpimg.imread(png)
    ink = np.any(img[..., :3] < 0.97, axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return
    top, bottom = max(rows[0] - margin, 0), min(rows[-1] + margin + 1, img.shape[0])
    left, right = max(cols[0] - margin, 0), min(cols[-1] + margin + 1, img.shape[1])
    mpimg.imsave(png, img[top:bottom, left:right])


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def workbook_summary_png(xlsx: Path, png: Path, work: Path) -> bool:
    office = libreoffice()
    if office is None:
        print("LibreOffice not found: skipped the workbook Summary preview "
              "(install libreoffice-calc to render it).")  # fmt: skip
        return False
    profile = (work / "lo-profile").as_uri()  # never touch the user's own LibreOffice profile
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), str(xlsx)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180,
    )  # fmt: skip
    pdf = work / (xlsx.stem + ".pdf")
    if not pdf.exists():
        print(f"LibreOffice did not convert {xlsx.name}: skipped the Summary preview.")
        return False
    pdf_page_png(pdf, png, dpi=110)  # the Summary prints as page 1, one page wide
    trim_white(png)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--page-size", choices=["A4", "Letter"], default="A4")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (install poppler-utils); nothing rendered.")
        return 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        xlsx = write_workbook(work / "portfolio.xlsx", sample_workbook_data(300, TODAY))
        accounts = [
            sample_qbr_account(TODAY),
            sample_qbr_account(TODAY, seed=5, name="Acme Analytics Inc."),
        ]
        for audience, png_name in (
            ("customer", "report_qbr_page1.png"),
            ("internal", "report_qbr_internal_page1.png"),
        ):
            pdf = write_qbr_pdf(
                work / f"qbr-{audience}.pdf",
                accounts,
                audience=audience,  # type: ignore[arg-type]
                portfolio="demo.sqlite3",
                page_size=args.page_size,
                generated_on=TODAY,
            )
            qbr_png = args.out / png_name
            pdf_page_png(pdf, qbr_png, dpi=90)
            shown_png = qbr_png.relative_to(ROOT) if qbr_png.is_relative_to(ROOT) else qbr_png
            print(f"wrote {shown_png}")
        summary_png = args.out / "report_workbook_summary.png"
        if workbook_summary_png(xlsx, summary_png, work):
            shown = (
                summary_png.relative_to(ROOT) if summary_png.is_relative_to(ROOT) else summary_png
            )
            print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
