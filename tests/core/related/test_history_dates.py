"""The dates a related import writes history at, and where an account's history starts."""

from __future__ import annotations

from datetime import date

import pytest

from cspm.core.errors import BadInputError
from cspm.core.related.frames import RelatedFrames
from cspm.core.related.history_dates import first_related_date, history_dates
from cspm.core.related.linking import link

from . import dataset as ds


def test_month_ends_from_first_then_the_as_of_date() -> None:
    got = history_dates(date(2024, 1, 15), date(2024, 5, 10))
    assert got == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 10),
    ]


def test_quarter_ends() -> None:
    got = history_dates(date(2024, 3, 31), date(2024, 12, 31), "quarter")
    # 03-31 is on or after first; 12-31 is the as-of date, listed once
    assert got == [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]


def test_first_on_or_after_as_of_gives_the_as_of_date_only() -> None:
    assert history_dates(date(2024, 5, 10), date(2024, 5, 10)) == [date(2024, 5, 10)]
    assert history_dates(date(2024, 6, 1), date(2024, 5, 10)) == [date(2024, 5, 10)]
    assert history_dates(date(2024, 5, 1), date(2024, 5, 31)) == [date(2024, 5, 31)]


def test_another_period_word_is_bad_input() -> None:
    with pytest.raises(BadInputError, match=r"'week'.*'month' or 'quarter'"):
        history_dates(date(2024, 1, 1), date(2024, 5, 1), "week")


def test_first_related_date_is_the_earliest_linked_row() -> None:
    frames = link(ds.frames(), ds.accounts())
    # S7 (2024-01-01) is unlinked; S1 starts 2024-01-15
    assert first_related_date(frames) == date(2024, 1, 15)
    only_contacts = RelatedFrames.empty().replace(contacts=frames.contacts)
    assert first_related_date(only_contacts) == date(2024, 11, 15)
    pictured = first_related_date(only_contacts, pictures_from={"contacts": date(2025, 1, 2)})
    assert pictured == date(2025, 1, 2)


def test_first_related_date_of_nothing_linked_is_none() -> None:
    assert first_related_date(RelatedFrames.empty()) is None
    assert first_related_date(link(ds.frames(), ds.accounts().iloc[0:0])) is None
