"""QBR pack speed, and what the command line pays for Qt's QGuiApplication.

1. A pack of N accounts for the customer (3 pages each: review, agenda, notes) beside the
   internal review pack (today's content, 1 page each) as the baseline in the same run.
2. In a fresh process, as `cspm export FILE.pdf` runs: importing QtGui, creating the offscreen
   QGuiApplication `reports.qbr_pdf.ensure_gui_application` makes, and the first text layout
   (the font database). Prints the figures; asserts nothing.

    python benchmarks/bench_qbr_pack.py [--accounts 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _here  # noqa: F401  (measure the cspm beside this script)

TODAY = dt.date(2026, 11, 23)
APP_COST = """
import time
t0 = time.perf_counter()
from PySide6.QtGui import QTextDocument
qt = time.perf_counter() - t0
from cspm.reports.qbr_pdf import ensure_gui_application  # pandas, matplotlib: not Qt's cost
t1 = time.perf_counter()
ensure_gui_application()
t2 = time.perf_counter()
doc = QTextDocument(); doc.setHtml("<p>QBR</p>"); doc.pageCount()
t3 = time.perf_counter()
print(f"{qt:.4f} {t2 - t1:.4f} {t3 - t2:.4f}")
"""


def app_cost(runs: int = 3) -> tuple[float, float, float]:
    """Median (import QtGui, create the application, first layout) in fresh processes."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", APP_COST], env=env, capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
        rows.append(tuple(float(x) for x in out))
    rows.sort(key=lambda r: r[1])
    return rows[len(rows) // 2]  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=20)
    n = parser.parse_args().accounts
    imp, app, layout = app_cost()
    print(f"fresh process: import QtGui {imp * 1000:.0f} ms, create offscreen QGuiApplication "
          f"{app * 1000:.1f} ms, first text layout {layout * 1000:.1f} ms")  # fmt: skip

    from cspm.reports.qbr_pdf import ensure_gui_application, write_qbr_pdf
    from cspm.reports.sample import sample_qbr_account

    ensure_gui_application()
    accounts = [sample_qbr_account(TODAY, seed=i, name=f"Account {i}") for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        figures = {}
        for audience in ("internal", "customer", "internal", "customer"):  # interleaved
            start = time.perf_counter()
            write_qbr_pdf(Path(folder) / f"{audience}.pdf", accounts, audience=audience,  # type: ignore[arg-type]
                          generated_on=TODAY)  # fmt: skip
            figures.setdefault(audience, []).append(time.perf_counter() - start)
    base, cust = min(figures["internal"]), min(figures["customer"])
    print(f"{n} accounts: internal pack {base:.2f} s (baseline), customer pack {cust:.2f} s "
          f"({cust / base:.2f}x; 3 pages per account instead of 1)")  # fmt: skip


if __name__ == "__main__":
    main()
