"""core.book on hand-made frames: owners folded by case and spaces, missing owners unassigned,
masks combined, a subset's matrix and totals, and what the status bar says."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspm.core.book import UNASSIGNED, BookFilter, BookIndex, describe, owner_label


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Lumen Bank", "Acme", "Globex", "Lumen Air", "Initech"],
            "owner": ["Dana Lee", "dana lee ", None, "Fox", "  "],
            "external_id": ["A1", "A2", "A3", "A4", "A5"],
            "tier": ["Enterprise", "SMB", "SMB", "Enterprise", "SMB"],
            "lifecycle_stage": ["Renewal", "Adoption", "Adoption", "Renewal", "Established"],
            "arr": [100.0, 20.0, np.nan, 50.0, 5.0],
        },
        index=pd.Index(["k1", "k2", "k3", "k4", "k5"]),
    )


def index() -> BookIndex:
    members = pd.DataFrame({"At risk": [True, False, True, True, False]}, index=frame().index)
    return BookIndex.build(frame(), ["Enterprise", "SMB"], members)


def test_owners_fold_case_and_spaces_and_blank_is_unassigned() -> None:
    book = index()
    assert book.owners == ("Dana Lee", "Fox")
    assert book.owner_counts() == ([2, 1], 2)
    assert book.owner_name("DANA LEE") == "Dana Lee" and book.owner_name("Zed") is None
    assert list(book.owner_mask("dana lee")) == [True, True, False, False, False]
    assert list(book.owner_mask(UNASSIGNED)) == [False, False, True, False, True]
    assert book.owner_mask(None) is None
    assert not book.owner_mask("Zed").any()


def test_filters_combine_and_the_subset_adds_up() -> None:
    book = index()
    mask = book.mask(BookFilter(owner="Dana Lee", search="  LUMEN "))
    assert list(book.keys[mask]) == ["k1"]
    assert book.mask(BookFilter()) is None
    risky = book.mask(BookFilter(segment="At risk", tier="SMB"))
    assert list(book.keys[risky]) == ["k3"]
    assert not book.mask(BookFilter(segment="Nope")).any()
    matrix = book.matrix(book.mask(BookFilter(search="lumen")))
    assert matrix.loc["Enterprise", "Renewal"] == (2, 150.0)
    assert matrix.loc["SMB", "Adoption"] == (0, 0.0)
    assert list(matrix.columns) == list(book.matrix().columns)  # the shape is kept
    totals = book.totals(book.mask(BookFilter(tier="SMB")))
    assert (totals.accounts, totals.arr) == (3, 25.0)  # a missing ARR adds nothing


def test_what_the_status_bar_says() -> None:
    f = BookFilter(owner="Dana Lee", search="lumen")
    assert describe(f, 12, 298) == "Dana Lee's book · search 'lumen' · 12 of 298 accounts"
    assert describe(f, 12, 298, me="dana lee").startswith("My book (Dana Lee) · ")
    assert describe(BookFilter(), 298, 298) == "298 accounts"
    assert describe(BookFilter(owner=UNASSIGNED), 3, 3) == "Unassigned accounts · 3 accounts"
    assert describe(BookFilter(tier="SMB", segment="At risk"), 2, 9) == (
        "At risk · SMB · 2 of 9 accounts"
    )
    assert owner_label(None) == "Everyone"
