"""Formula-injection escaping shared by the CSV and xlsx writers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.reports.cells import escape_series, escape_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('=HYPERLINK("http://example.com","x")', '\'=HYPERLINK("http://example.com","x")'),
        ("+1-555-0100", "'+1-555-0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Acme = best", "Acme = best"),
        ("", ""),
        ("Zoë GmbH", "Zoë GmbH"),
        ("'already quoted", "'already quoted"),
    ],
)
def test_escape_text(raw: str, expected: str) -> None:
    assert escape_text(raw) == expected


def test_escape_series_keeps_missing_and_safe_text() -> None:
    out = escape_series(pd.Series(["=1+1", None, "Acme", "-5", np.nan], dtype=object))
    assert out.iloc[0] == "'=1+1"
    assert pd.isna(out.iloc[1]) and pd.isna(out.iloc[4])
    assert out.iloc[2] == "Acme"
    assert out.iloc[3] == "'-5"


def test_escape_series_on_pandas_string_dtype() -> None:
    out = escape_series(pd.Series(["@x", "y"], dtype="string"))
    assert list(out) == ["'@x", "y"]
