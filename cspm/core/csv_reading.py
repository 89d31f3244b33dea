"""Read a delimited text export (CSV, TSV, TXT) into rows of strings.

CRM exports arrive in every encoding and delimiter a locale can produce: Salesforce writes UTF-8,
Excel on a German Windows writes cp1252 with semicolons, "Unicode text" is UTF-16 with tabs.
We detect both rather than ask, and never convert a cell: "00123" must stay "00123".
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from cspm.core.errors import BadInputError

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
"""Candidates in order of preference when two fit equally well."""

_SNIFF_LINES = 50
_SNIFF_CHARS = 65_536
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEP_LINE = re.compile(r'^"?sep=(.)"?\s*$', re.IGNORECASE)


def read_csv_rows(path: Path) -> tuple[list[list[str]], int]:
    """The records of a text file as lists of strings, and the record number of the first one.

    The first record number is 1, or 2 when an Excel "sep=;" hint line was consumed. Rows are
    ragged as written; the caller pads them.
    """
    data = path.read_bytes()
    text = decode_text(data, path.name)
    if not text.strip():
        raise BadInputError(f"{path.name} is empty.")
    first_record = 1
    hint = _SEP_LINE.match(text.split("\n", 1)[0])
    if hint and hint.group(1) in DELIMITERS:
        delimiter = hint.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        first_record = 2
    else:
        delimiter = detect_delimiter(text)
    return _parse(text, delimiter, path.name), first_record


def decode_text(data: bytes, name: str) -> str:
    """Decode the file's bytes: BOMs first, then UTF-16 by its zero bytes, UTF-8, cp1252, latin-1.

    UTF-8 is tried strictly before cp1252 because valid UTF-8 is almost never accidental, while
    cp1252 accepts nearly any byte string; latin-1 accepts every byte string, so it ends the list.
    """
    if not data:
        raise BadInputError(f"{name} is empty.")
    encoding = _bom_encoding(data) or _bomless_utf16(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BadInputError(
                f"{name} could not be read as {encoding} text: {exc.reason}."
            ) from None
    _reject_binary(data, name)
    for candidate in ("utf-8", "cp1252"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, with the codec that strips the mark."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a zero byte beside nearly every ASCII character."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_zeros = sample[0::2].count(0) / pairs
    odd_zeros = sample[1::2].count(0) / pairs
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def _reject_binary(data: bytes, name: str) -> None:
    """Refuse workbooks and other binary files given a text extension, before decoding junk."""
    if data.startswith((_ZIP_MAGIC, _OLE2_MAGIC)):
        raise BadInputError(
            f"{name} is an Excel workbook, not a text file: give it an .xlsx or .xls extension, "
            "or export it as CSV again."
        )
    sample = data[:_SNIFF_CHARS]
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise BadInputError(f"{name} is not a text file: it contains binary data.")


def detect_delimiter(text: str) -> str:
    """The candidate whose count outside quotes is the same on most of the first lines.

    A line without any candidate (a Salesforce title line) tells nothing and is ignored; a
    comma inside a semicolon file's decimal numbers ("1,5") loses because the header line has
    none. A single-column file falls back to comma.
    """
    counts = _delimiter_counts(text[:_SNIFF_CHARS])
    best, best_key = ",", (0, 0)
    for delimiter in DELIMITERS:
        per_line = [c[delimiter] for c in counts if c[delimiter] > 0]
        if not per_line:
            continue
        width, lines = Counter(per_line).most_common(1)[0]
        key = (lines, width)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _delimiter_counts(sample: str) -> list[Counter[str]]:
    """Per logical line (quoted newlines do not end a line), how often each candidate occurs."""
    lines: list[Counter[str]] = []
    current: Counter[str] = Counter()
    in_quotes = False
    for char in sample:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif char in "\r\n":
            if current:
                lines.append(current)
            current = Counter()
            if len(lines) >= _SNIFF_LINES:
                break
        elif char in DELIMITERS:
            current[char] += 1
    if current:
        lines.append(current)
    return lines


def _parse(text: str, delimiter: str, name: str) -> list[list[str]]:
    """All records, with csv's own quoting rules; a malformed file becomes one clear message."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        return list(reader)
    except csv.Error as exc:
        raise BadInputError(
            f"{name} could not be read as CSV near line {reader.line_num}: {exc}."
        ) from None
