"""Report rows: `cspm export big.xlsx` (the portfolio workbook) against a bare XlsxWriter dump of
the very cells it wrote, and the QBR pack (`cspm export pack.pdf`): one account, a few, then the
cost of each extra account and the 50-account pack.

The dump reads every sheet of the written workbook (untimed) and writes the same values with
XlsxWriter alone (no formats, charts or formulas) in a fresh process; its cell count must equal
the workbook's, else the row is a MISMATCH.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import portfolio
from measuring import Figure, Run, cspm

DUMP = """
import sys, time, json, xlsxwriter
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
t0 = time.perf_counter()
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True, "strings_to_numbers": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
cells = 0
for name, rows in sheets.items():
    ws = wb.add_worksheet(name)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
        cells += sum(1 for v in row if v != "")
wb.close()
print(json.dumps({"seconds": time.perf_counter() - t0, "cells": cells,
                  "rows": {n: len(v) for n, v in sheets.items()}}))
"""


def _export(db: Path, target: Path, *args: str) -> Run:
    return cspm("--db", str(db), "--today", str(portfolio.TODAY), "export", str(target), *args)


def workbook_rows(db: Path, n: int) -> list[Figure]:
    copy = portfolio.fresh_copy(db, "run-all-export")
    out = copy.with_name("run-all-big.xlsx")
    run = _export(copy, out).check()
    dump = python_dump(out)
    written = _cells(out)
    figure = Figure(
        f"`cspm export big.xlsx`: the portfolio workbook ({n:,} accounts)",
        seconds=run.seconds,
        baseline=float(dump["seconds"]),
        baseline_what="bare XlsxWriter dump of the same cells",
        peak_mb=run.peak_mb,
        targets=[("x", 1.5), ("MB", 1000.0)],
        note=f"peak {run.peak_mb:,.0f} MB; {written:,} cells; sheets {dump['rows']}",
    )
    if written != dump["cells"]:
        figure.mismatch = f"workbook {written:,} cells, dump {dump['cells']:,}"
    return [figure]


def python_dump(book: Path) -> dict[str, object]:
    from measuring import PYTHON, run

    done = run([PYTHON, "-c", DUMP, str(book), str(book.with_name("run-all-bare.xlsx"))]).check()
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _cells(book: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    return sum(
        sum(1 for v in row if v != "")
        for name in wb.sheet_names
        for row in wb.get_sheet_by_name(name).to_python()
    )


def qbr_rows(db: Path, n: int, few: int = 3, pack: int = 50) -> list[Figure]:
    """One account's pack, a `few`-account pack (the cost of each extra account), and the
    `pack`-account pack when its projection stays under 3 minutes (else it says so)."""
    copy = portfolio.fresh_copy(db, "run-all-qbr")
    ids = pd.read_csv(
        portfolio.folder() / f"accounts-{n}-{portfolio.TODAY}.csv",
        usecols=["Account ID"],
        dtype=str,
        nrows=pack,
    )["Account ID"].tolist()
    for size in (few, pack):
        rule = json.dumps({"field": "external_id", "op": "in", "value": ids[:size]})
        cspm("--db", str(copy), "segments", "add", f"Bench pack {size}", "--rule", rule).check()
    pdf = copy.with_name("run-all-pack.pdf")
    # untimed: the first pack on a machine pays one-time costs (font and chart caches) that
    # would otherwise land on the one-account pack and make "each extra account" look free
    _export(copy, pdf, "--account", ids[1]).check()
    one = _export(copy, pdf, "--account", ids[0]).check()
    several = _export(copy, pdf, "--segment", f"Bench pack {few}").check()
    extra = (several.seconds - one.seconds) / (few - 1)
    projected = one.seconds + (pack - 1) * extra
    whole = None
    if projected < 180:
        whole = _export(copy, pdf, "--segment", f"Bench pack {pack}").check()
        extra = (whole.seconds - one.seconds) / (pack - 1)  # steadier than the few-account pack
    basis = f"{pack}-account pack" if whole else f"{few}-account pack {several.seconds:.1f} s"
    rows = [
        Figure(
            "QBR pack of one account (`cspm export pack.pdf --account`)",
            seconds=one.seconds,
            peak_mb=one.peak_mb,
            note=f"peak {one.peak_mb:,.0f} MB",
        ),
        Figure(
            f"QBR pack: each account after the first (from the {basis})",
            seconds=extra,
            baseline=one.seconds,
            baseline_what="the one-account pack",
            targets=[("s", 1.0)],
        ),
    ]
    if whole is not None:
        rows.append(
            Figure(
                f"QBR pack of a {pack}-account segment",
                seconds=whole.seconds,
                baseline=one.seconds,
                baseline_what="the one-account pack",
                peak_mb=whole.peak_mb,
                targets=[("s", 60.0)],
                note=f"peak {whole.peak_mb:,.0f} MB",
            )
        )
    else:
        rows.append(
            Figure(
                f"QBR pack of a {pack}-account segment",
                targets=[("s", 60.0)],
                note=f"not run: projected {projected:,.0f} s from the {few}-account pack",
            )
        )
    return rows
