"""The QBR pack (internal review): a valid PDF, one section per account on its own page, A4 and
Letter. The customer pack is tested in test_qbr_audience."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from cspm.core.errors import BadInputError, CspmError
from cspm.reports.qbr_html import renewal_note
from cspm.reports.qbr_pdf import write_qbr_pdf
from cspm.reports.sample import sample_qbr_account

TODAY = dt.date(2026, 11, 23)
pytestmark = pytest.mark.usefixtures("qapp")  # pytest-qt's QApplication, never a second one


def page_texts(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_one_account_pack(tmp_path: Path) -> None:
    account = sample_qbr_account(TODAY)
    out = write_qbr_pdf(tmp_path / "qbr.pdf", [account], audience="internal", generated_on=TODAY)
    texts = page_texts(out)
    assert len(texts) == 1
    text = texts[0]
    for expected in (
        "Northwind Logistics GmbH",
        "Enterprise",
        "Renewal",
        "2027-01-26",
        "in 64 days",
        account.facts[0][1],  # formatted ARR
        "Seat utilisation",
        "Renewal in next 90 days",
        "Prepare renewal proposal",
        "Discussed MAU dip in the EU team",
        "Agenda / notes",
        f"{account.health_score:.0f}",
    ):
        assert expected in text, expected
    reader = pypdf.PdfReader(out)
    assert (
        reader.metadata is not None
        and reader.metadata.title == "QBR pack: Northwind Logistics GmbH"
    )
    assert len(reader.pages[0].images) == 1  # the ARR / health trend chart


def test_many_accounts_one_section_each_on_its_own_page(tmp_path: Path) -> None:
    names = ["Acme Analytics", "Globex Systems", "Initech Labs"]
    accounts = [sample_qbr_account(TODAY, seed=i, name=n) for i, n in enumerate(names)]
    seen: list[float] = []
    out = write_qbr_pdf(tmp_path / "pack.pdf", accounts, audience="internal", generated_on=TODAY,
                        progress=lambda f, _m: seen.append(f))  # fmt: skip
    texts = page_texts(out)
    assert len(texts) == len(accounts)
    for name, text in zip(names, texts, strict=True):
        assert name in text
        assert all(other not in text for other in names if other != name)
    assert seen[-1] == 1.0


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_page_sizes(tmp_path: Path, size: str, points: tuple[int, int]) -> None:
    out = write_qbr_pdf(tmp_path / f"{size}.pdf", [sample_qbr_account(TODAY)],
                        page_size=size, audience="internal", generated_on=TODAY)  # type: ignore[arg-type]  # fmt: skip
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
    assert len(pypdf.PdfReader(out).pages) == 1  # the section fits one page on both sizes


def test_sparse_account_and_markup_in_names(tmp_path: Path) -> None:
    bare = replace(
        sample_qbr_account(TODAY),
        name="<b>R&D</b> Co",
        owner=None,
        history=pd.DataFrame(columns=["as_of", "arr", "health_score", "mau"]),
        health_score=None,
        health_band=None,
        health_breakdown=[],
        renewal_date=None,
        days_to_renewal=None,
        segments=[],
        open_tasks=[],
        touchpoints=[],
    )
    text = page_texts(
        write_qbr_pdf(tmp_path / "bare.pdf", [bare], audience="internal", generated_on=TODAY)
    )[0]
    assert "<b>R&D</b> Co" in text  # shown literally, not as markup
    assert "No open tasks." in text and "No import history yet" in text
    assert "No date" in text


def test_long_lists_are_cut_with_a_count(tmp_path: Path) -> None:
    a = sample_qbr_account(TODAY)
    busy = replace(a, open_tasks=a.open_tasks * 10, touchpoints=a.touchpoints * 10)
    text = " ".join(
        page_texts(
            write_qbr_pdf(tmp_path / "busy.pdf", [busy], audience="internal", generated_on=TODAY)
        )
    )
    assert "+ 14 more open tasks" in text
    assert "+ 25 earlier touchpoints" in text


def test_cancel_leaves_the_older_pack(tmp_path: Path) -> None:
    target = tmp_path / "qbr.pdf"
    target.write_bytes(b"older pack")
    accounts = [sample_qbr_account(TODAY, seed=i) for i in range(3)]
    checks = iter(range(100))
    with pytest.raises(CspmError, match=r"Export cancelled; nothing was written\."):
        write_qbr_pdf(target, accounts, audience="internal", generated_on=TODAY,
                      cancelled=lambda: next(checks) >= 1)  # fmt: skip
    assert target.read_bytes() == b"older pack"
    assert [p.name for p in tmp_path.iterdir()] == ["qbr.pdf"]


def test_unwritable_target_gives_a_clear_sentence(tmp_path: Path) -> None:
    (tmp_path / "qbr.pdf").mkdir()
    with pytest.raises(BadInputError, match=r"^qbr\.pdf is open in another program"):
        write_qbr_pdf(
            tmp_path / "qbr.pdf",
            [sample_qbr_account(TODAY)],
            audience="internal",
            generated_on=TODAY,
        )


def test_bad_page_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="page_size"):
        write_qbr_pdf(
            tmp_path / "x.pdf", [], page_size="A3", audience="internal", generated_on=TODAY
        )  # type: ignore[arg-type]


def test_no_accounts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="No accounts"):
        write_qbr_pdf(tmp_path / "x.pdf", [], audience="internal", generated_on=TODAY)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (None, ""),
        (-1, "overdue by 1 day"),
        (-5, "overdue by 5 days"),
        (0, "today"),
        (1, "in 1 day"),
    ],
)
def test_renewal_note(days: int | None, text: str) -> None:
    assert renewal_note(days) == text
