"""Reports name the portfolio by its database file name (a server database by its name), never
by a URL, a folder path, a host or a password (issue 14: "the workbook and the PDF may name the
portfolio by a database URL")."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cspm.cli import main
from cspm.storage.db import portfolio_name
from tests.files import write_csv
from tests.service.test_export_service import HEADER, ROWS
from tests.storage.test_postgres import pg_url  # noqa: F401  (fixture)


def workbook_texts(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]


def export_both(url: str, tmp_path: Path) -> tuple[list[str], str]:
    write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    base = ["--db", url, "--today", "2026-11-23"]
    assert main([*base, "import", str(tmp_path / "a.csv")]) == 0
    assert main([*base, "export", str(tmp_path / "p.xlsx")]) == 0
    pdf = tmp_path / "e.pdf"
    assert main([*base, "export", str(pdf), "--account", "E1", "--audience", "internal"]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    # the PDF sets "ff"/"fi" as ligatures (a database named cspm_test_ffd7... reads "ﬀd7")
    text = unicodedata.normalize("NFKC", text)
    return workbook_texts(tmp_path / "p.xlsx"), text


@pytest.mark.usefixtures("qapp")
def test_sqlite_portfolio_is_named_by_its_file(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "team share"
    folder.mkdir()
    url = f"sqlite:///{folder / 'cs-team.sqlite3'}"
    cells, pdf = export_both(url, tmp_path)
    assert "cs-team.sqlite3" in cells  # the About sheet's Database row
    assert any(c.startswith("Generated ") and "from cs-team.sqlite3" in c for c in cells)
    assert "portfolio cs-team.sqlite3" in pdf
    for text in (*cells, pdf):
        assert "sqlite:" not in text and "team share" not in text, text


@pytest.mark.usefixtures("qapp")
def test_postgres_portfolio_is_named_by_its_database(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    name = pg_url.rsplit("/", 1)[1]
    cells, pdf = export_both(pg_url, tmp_path)
    assert name in cells and f"portfolio {name}" in pdf
    for text in (*cells, pdf):
        assert "postgresql" not in text and "127.0.0.1" not in text and "postgres@" not in text


def test_names_of_urls() -> None:
    assert portfolio_name("sqlite:////srv/cs/team.sqlite3") == "team.sqlite3"
    assert portfolio_name("sqlite:///file:/srv/cs/team.db?uri=true") == "team.db"
    assert portfolio_name("postgresql+psycopg://me:secret@db.example:5432/cs_team") == "cs_team"
    assert portfolio_name("sqlite://") == "in-memory database"
