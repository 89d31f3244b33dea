"""The two QBR packs on the demo portfolio, read back from the real PDF with pypdf: the customer
pack carries nothing internal (issue 14: "not something you can send a customer"), the internal
pack keeps the review; both name the portfolio by file name, never by URL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from cspm.cli import main
from cspm.core.rules.language import rule_to_json
from cspm.reports.qbr_words import long_date
from cspm.service.accounts import account_detail
from cspm.service.context import AppContext
from cspm.service.export import export
from cspm.service.portfolio import load_portfolio
from cspm.service.tasks import list_tasks
from tests.conftest import TODAY
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("qapp")
INTERNAL_WORDS = ("priority", "percentile", "potential", "% of portfolio", "overdue", "band")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def busiest(ctx: AppContext) -> str:
    """The account with the most open tasks among those in a segment with a renewal date: the
    one whose pack has the most internal matter to leave out."""
    tasks = list_tasks(ctx)
    frame = load_portfolio(ctx).frame
    ok = frame["renewal_date"].notna() & (frame["segments"].str.len() > 0)
    counts = tasks[tasks["account_key"].isin(frame.index[ok])]["account_key"].value_counts()
    return str(counts.index[0])


def test_customer_pack_has_nothing_internal(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    key = busiest(demo)
    detail = account_detail(demo, key)
    out = export(demo, tmp_path / "customer.pdf", account=key)  # the default audience
    text = pdf_text(out)
    low = text.casefold()
    for word in INTERNAL_WORDS:
        assert word not in low, word
    titles = list_tasks(demo).query("account_key == @key")["title"].tolist()
    assert len(titles) >= 2
    for title in titles:
        assert title not in text, title
    rules = {d.name: d.rule for d in load_portfolio(demo).segments if d.rule is not None}
    assert detail.segments
    for name, why in detail.segments:
        assert name not in text, name  # internal segment names ("At risk", "Expansion ...")
        for line in why:
            assert line not in text, line
        rule_json = json.dumps(rule_to_json(rules[name]))
        assert rule_json not in text
    assert "{" not in text and '"field"' not in text  # no rule JSON of any kind
    raw_field = re.search(r"\b[a-z]+_[a-z_]+\b", text)  # renewal_date, lifecycle_stage ...
    assert raw_field is None, raw_field
    assert detail.tier_reason not in text and detail.stage_reason not in text
    # what the customer does get
    renewal = pd.Timestamp(dict((f, v) for f, _, v in detail.values)["renewal_date"]).date()
    assert detail.name in text
    assert long_date(renewal) in text
    assert "Agenda" in text and "Notes" in text
    assert "Monthly active users" in text and "Quarter by quarter" in text
    assert "Health" in text and ("good" in low or "fair" in low or "low" in low)
    reader = PdfReader(out)
    assert reader.metadata is not None
    assert reader.metadata.title == f"Quarterly business review: {detail.name}"
    assert len(reader.pages) == 3  # review, agenda, notes
    assert "Agenda" in reader.pages[1].extract_text()
    assert "Notes" in reader.pages[2].extract_text()


def test_internal_pack_keeps_the_review(demo: AppContext, tmp_path: Path) -> None:  # noqa: F811
    key = busiest(demo)
    detail = account_detail(demo, key)
    out = export(demo, tmp_path / "internal.pdf", account=key, audience="internal")
    text = pdf_text(out)
    assert "Priority".upper() in text.upper() and "Potential ARR" in text
    assert "% of portfolio" in text
    assert "Segments and why" in text and detail.segments[0][0] in text
    first_task = list_tasks(demo).query("account_key == @key")["title"].iloc[0]
    assert first_task in text
    assert "internal review, not for sending" in text and "internal review" in text
    assert "portfolio demo.sqlite3" in text  # named by file name ...
    assert "sqlite:" not in text and str(tmp_path) not in text  # ... never by URL or path


def test_cli_default_is_the_customer_pack(demo: AppContext, tmp_path: Path, capsys) -> None:  # noqa: F811
    key = busiest(demo)
    base = ["--db", str(tmp_path / "demo.sqlite3"), "--today", TODAY.isoformat(), "export"]
    assert main([*base, str(tmp_path / "c.pdf"), "--account", key]) == 0
    assert main([*base, str(tmp_path / "i.pdf"), "--account", key, "--audience", "internal"]) == 0
    assert "priority" not in pdf_text(tmp_path / "c.pdf").casefold()
    assert "priority" in pdf_text(tmp_path / "i.pdf").casefold()
    capsys.readouterr()
    assert main([*base, str(tmp_path / "x.pdf"), "--account", key, "--audience", "board"]) == 2
    assert "invalid choice: 'board'" in capsys.readouterr().err
    assert main(["export", "-h"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--audience {customer,internal}" in help_text and "'customer' (default)" in help_text


def test_segment_pack_for_the_customer_one_review_per_account(
    demo: AppContext,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = load_portfolio(demo)
    members = p.frame[p.membership["Renewal in next 90 days"].to_numpy(dtype=bool)]
    members = members.head(3)
    assert len(members) >= 2
    from cspm.reports.qbr_pdf import write_qbr_pdf
    from cspm.service.qbr_pack import qbr_account

    sections = [qbr_account(demo, str(k)) for k in members.index]
    out = write_qbr_pdf(tmp_path / "seg.pdf", sections, generated_on=TODAY)
    pages = [" ".join(pg.extract_text().split()) for pg in PdfReader(out).pages]
    assert len(pages) == 3 * len(sections)
    for i, s in enumerate(sections):
        assert s.name in pages[3 * i] and "Agenda" in pages[3 * i + 1]
        assert "Page 3 of 3" in pages[3 * i + 2]
    assert not any("Renewal in next 90 days" in pg for pg in pages)
