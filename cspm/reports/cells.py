"""Cell values made safe for spreadsheets: formula-injection escaping shared by CSV and xlsx.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return can be run as a
formula by Excel, LibreOffice or Google Sheets (an account name such as
`=HYPERLINK("http://evil.example","click")`). Following the OWASP CSV-injection guidance such
text is prefixed with a single quote, so it is shown (and re-saved) as text. Only text is
touched: numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import pandas as pd

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_PATTERN = r"^[=+\-@\t\r]"


def escape_text(text: str) -> str:
    """`text` prefixed with `'` when a spreadsheet could read it as a formula."""
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def escape_series(values: pd.Series) -> pd.Series:
    """Vectorised `escape_text` over a text column; missing values stay missing."""
    text = values.astype("string")
    risky = text.str.contains(_TRIGGER_PATTERN, regex=True, na=False)
    if not risky.any():
        return text
    return text.mask(risky, "'" + text)
