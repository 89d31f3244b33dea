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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cspm.core.control_chars import CONTROL, note, stripped
from cspm.core.errors import BadInputError
from cspm.core.read_notes import ReadNote

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
"""Candidates in order of preference when two fit equally well."""

_SNIFF_LINES = 50
_SNIFF_CHARS = 65_536
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEP_LINE = re.compile(r'^"?sep=(.)"?\s*$', re.IGNORECASE)


@dataclass
class CsvRecords:
    """The records of a text file as read, and what reading decided or repaired.

    rows: lists of strings, ragged as written but without trailing empty cells (the caller
        pads them). first_record: the record number of rows[0] (2 when an Excel "sep=;" line
        was consumed). notes: the encoding decision and repairs, by record number.
    """

    rows: list[list[str]]
    first_record: int
    notes: list[ReadNote] = field(default_factory=list)


def read_csv_rows(path: Path) -> CsvRecords:
    """The records of a text file; see `CsvRecords`."""
    data = path.read_bytes()
    decoded = decode_text(data, path.name)
    text = decoded.text
    if not text.strip():
        raise BadInputError(f"{path.name} is empty.")
    first_record = 1
    skipped = 0
    hint = _SEP_LINE.match(text.split("\n", 1)[0])
    if hint and hint.group(1) in DELIMITERS:
        delimiter = hint.group(1)
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        skipped = len(text) - len(rest)
        text = rest
        first_record = 2
    else:
        delimiter = detect_delimiter(text)
    rows, line_ends = _parse(text, delimiter, path.name)
    records = _RecordLocator(text, line_ends, first_record)
    notes = decoded.notes(path.name, records.numbers([p - skipped for p in decoded.fixed_at]))
    notes += _strip_controls(text, rows, records)
    _check_width(rows, first_record, path.name)
    return CsvRecords(rows, first_record, notes)


@dataclass
class DecodedText:
    """The text, the encoding it was read in, and where single-byte text was patched in.

    fixed_at: character offsets of runs that were not valid UTF-8 in a file that otherwise
    is, and were read as Windows-1252.
    """

    text: str
    encoding: str
    fixed_at: list[int] = field(default_factory=list)

    def notes(self, name: str, rows: list[int]) -> list[ReadNote]:
        if self.encoding == _CP1252 and not self.fixed_at:
            return [ReadNote(None, None, f"{name} is not UTF-8; it was read as {_CP1252}.", "info")]
        if not self.fixed_at:
            return []
        distinct = sorted(set(rows))
        shown = [str(r) for r in distinct[:_LISTED_ROWS]]
        more = len(distinct) - len(shown)
        if len(distinct) == 1:
            which = f"row {shown[0]}, which is not valid UTF-8 and was"
            whose = "its"
        else:
            listed = ", ".join(shown[:-1]) + " and " + shown[-1]
            if more:
                listed = ", ".join(shown) + f" and {more} more rows"
            which = f"rows {listed}, which are not valid UTF-8 and were"
            whose = "their"
        return [
            ReadNote(
                None,
                None,
                f"{name} is UTF-8 except {which} read as {_CP1252}: check {whose} accents.",
                "warning",
            )
        ]


_CP1252 = "Windows-1252 (Western European)"
_LISTED_ROWS = 10
_ESCAPED = re.compile("[\udc80-\udcff]+")
_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# cp1252 leaves five bytes undefined; they keep their Latin-1 meaning rather than failing.
_CP1252_FROM_LATIN1 = {
    b: bytes([b]).decode("cp1252")
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _single_byte(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252_FROM_LATIN1)


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode the file's bytes: BOMs first, then UTF-16 by its zero bytes, then UTF-8.

    Text that is not valid UTF-8 is not thrown at Latin-1 whole: where the file has valid
    UTF-8 beyond ASCII, it is UTF-8 and only the runs of invalid bytes (rows pasted in from a
    Windows tool) are read as Windows-1252 and reported; where it has none, the whole file is
    Windows-1252, the encoding Excel writes on Western Windows.
    """
    if not data:
        raise BadInputError(f"{name} is empty.")
    encoding = _bom_encoding(data) or _bomless_utf16(data)
    if encoding == "utf-8-sig":  # Excel's "CSV UTF-8": checked like UTF-8 without the mark
        data = data[3:]
    elif encoding:
        try:
            return DecodedText(data.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            raise BadInputError(
                f"{name} could not be read as {encoding} text: {exc.reason}."
            ) from None
    _reject_binary(data, name)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    if not _BEYOND_ASCII.search(escaped):
        return DecodedText(_single_byte(data), _CP1252)
    fixed_at: list[int] = []

    def patch(run: re.Match[str]) -> str:
        fixed_at.append(run.start())  # one character per byte: offsets do not move
        return _single_byte(run.group().encode("utf-8", "surrogateescape"))

    return DecodedText(_ESCAPED.sub(patch, escaped), "utf-8", fixed_at)


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
    # A stray NUL is a damaged text file (stripped later, with a warning); binary is dense.
    if controls > len(sample) * 0.05:
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


def _parse(text: str, delimiter: str, name: str) -> tuple[list[list[str]], list[int]]:
    """All records, with csv's own quoting rules, and the physical line each record ends on.

    Trailing empty cells are dropped as rows are read, so "Acme,,,,,(30,000 commas)" does
    not widen every row of the sheet. A malformed file becomes one clear message.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    line_ends: list[int] = []
    try:
        for row in reader:
            while row and not row[-1]:
                row.pop()
            rows.append(row)
            line_ends.append(reader.line_num)
    except csv.Error as exc:
        raise BadInputError(
            f"{name} could not be read as CSV near line {reader.line_num}: {exc}."
        ) from None
    return rows, line_ends


MAX_COLUMNS = 16_384
"""Excel's own limit: a wider file is not an export, and padding to it would cost gigabytes."""


def _check_width(rows: list[list[str]], first_record: int, name: str) -> None:
    for i, row in enumerate(rows):
        if len(row) > MAX_COLUMNS:
            raise BadInputError(
                f"{name} row {first_record + i} has {len(row):,} columns; cspm reads at most "
                f"{MAX_COLUMNS:,} (as Excel does)."
            )


class _RecordLocator:
    """Maps character offsets in the text to record numbers (a record may span lines)."""

    def __init__(self, text: str, line_ends: list[int], first_record: int) -> None:
        self._text = text
        self._record_ends = np.asarray(line_ends, dtype=np.int64)
        self._first = first_record
        self._breaks: np.ndarray | None = None

    def indexes(self, offsets: list[int]) -> list[int]:
        """0-based row indexes (into the parsed rows) of the given offsets."""
        if not offsets:
            return []
        if self._breaks is None:
            ends = [m.end() for m in _LINE_BREAK.finditer(self._text)]
            self._breaks = np.asarray(ends, dtype=np.int64)
        lines = np.searchsorted(self._breaks, np.asarray(offsets), side="right") + 1
        found = np.searchsorted(self._record_ends, lines, side="left")
        return [int(i) for i in np.minimum(found, max(0, len(self._record_ends) - 1))]

    def numbers(self, offsets: list[int]) -> list[int]:
        """Record numbers of the given offsets (negative ones, before the text, are ignored)."""
        return [self.number_of(i) for i in self.indexes([o for o in offsets if o >= 0])]

    def number_of(self, index: int) -> int:
        return self._first + index


_LINE_BREAK = re.compile("\r\n|\r|\n")


def _strip_controls(text: str, rows: list[list[str]], records: _RecordLocator) -> list[ReadNote]:
    """Remove control characters (see `control_chars`) from cells, one warning per cell.

    Only rows that hold one are looked at, so a clean file costs one search of its text.
    """
    if CONTROL.search(text) is None:
        return []
    hit_rows = sorted(set(records.indexes([m.start() for m in CONTROL.finditer(text)])))
    notes = []
    for i in hit_rows:
        row = rows[i]
        for j, cell in enumerate(row):
            result = stripped(cell)
            if result is not None:
                row[j] = result[0]
                notes.append(note(records.number_of(i), j, result[1]))
    return notes
