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
from cspm.core.text_decoding import DecodedText, decode_text

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
"""Candidates in order of preference when two fit equally well."""

_SNIFF_LINES = 50
_SNIFF_CHARS = 65_536
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
    return _records(_source(path), path.name)


@dataclass
class CsvGrid:
    """A text file's cells as one object array (rows x widest row), "" for absent cells.

    first_record and notes as in `CsvRecords`.
    """

    cells: np.ndarray
    first_record: int
    notes: list[ReadNote] = field(default_factory=list)


FAST_MAX_COLUMNS = 512
"""Widest file read by pandas' C parser; a wider one is read record by record, which drops
each row's trailing empty cells before padding (a row of 30,000 commas stays cheap)."""


def read_csv_grid(path: Path) -> CsvGrid:
    """The cells of a text file as a grid, the same cells `read_csv_rows` gives, padded.

    A clean file (no control characters, no bytes patched from Windows-1252: nothing to
    report by record) is tokenised by pandas' C parser with csv's quoting rules, about six
    times faster than `csv.reader` and without a Python list per row; anything else, and any
    file the C parser refuses (a row wider than the first lines, a quote left open), is read
    by `csv.reader`, whose record numbers the notes need.
    """
    source = _source(path)
    data = None if source.decoded.fixed_at else _utf8(source.text)
    if data is not None and not _has_control_bytes(data):
        width = 1 + max(
            (max(c.values(), default=0) for c in _delimiter_counts(source.text[:_SNIFF_CHARS])),
            default=0,
        )
        if width <= FAST_MAX_COLUMNS:
            cells = _fast_cells(source.text, source.delimiter, width, data)
            if cells is not None:  # the whole-file encoding note needs no record numbers
                return CsvGrid(cells, source.first_record, source.decoded.notes(path.name, []))
    records = _records(source, path.name)
    rows = records.rows
    width = max((len(row) for row in rows), default=0)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return CsvGrid(cells, records.first_record, records.notes)


def _fast_cells(
    text: str, delimiter: str, width: int, data: bytes | None = None
) -> np.ndarray | None:
    """All records as strings, `width` wide, by pandas' C tokenizer; None when it refuses.

    `data`: the text as UTF-8 (`_utf8`) when the caller has it. The parser reads bytes, which
    it tokenises as they are, where a StringIO holds the text as 4 bytes a character (0.9 GB
    for a 1,000,000-row file) and is encoded back to UTF-8 chunk by chunk. The cells are the
    same (the parser drops a byte-order mark left at the start from either)."""
    import pandas as pd  # only the text path needs the parser

    try:
        frame = pd.read_csv(
            io.BytesIO(_utf8(text) if data is None else data),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            doublequote=True,
            engine="c",
            encoding="utf-8",
            encoding_errors="surrogatepass",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    cells = frame.to_numpy(dtype=object)
    del frame
    if "\r" in text and text.count("\n") + text.count("\r") - text.count("\r\n") > len(cells):
        return None  # a quoted line break in a CRLF file: the C parser writes it as "\n"
    # One block comes back as a read-only view under copy-on-write; the reader cleans in place.
    return cells if cells.flags.writeable else cells.copy()


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# Every byte but the ones CONTROL matches: deleting them leaves only control characters.
_NOT_CONTROL = bytes(b for b in range(256) if not CONTROL.match(chr(b)))


def _has_control_bytes(data: bytes) -> bool:
    """`CONTROL.search(text) is not None`, on the text's UTF-8: its characters are ASCII,
    whose bytes never occur inside a multi-byte sequence; one C-level pass, 5x the regex."""
    return bool(data.translate(None, _NOT_CONTROL))


@dataclass
class _Source:
    """A text file decoded, its delimiter found and an Excel "sep=" line consumed."""

    decoded: DecodedText
    text: str
    delimiter: str
    first_record: int
    skipped: int


def _source(path: Path) -> _Source:
    data = path.read_bytes()
    decoded = decode_text(data, path.name)
    del data
    text = decoded.text
    if not text or text.isspace():  # `not text.strip()` without a copy of the text
        raise BadInputError(f"{path.name} is empty.")
    first_record = 1
    skipped = 0
    end = text.find("\n")
    hint = _SEP_LINE.match(text if end < 0 else text[:end])
    if hint and hint.group(1) in DELIMITERS:
        delimiter = hint.group(1)
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        skipped = len(text) - len(rest)
        text = rest
        first_record = 2
    else:
        delimiter = detect_delimiter(text)
    return _Source(decoded, text, delimiter, first_record, skipped)


def _records(source: _Source, name: str) -> CsvRecords:
    text = source.text
    rows, line_ends = _parse(text, source.delimiter, name)
    records = _RecordLocator(text, line_ends, source.first_record)
    fixed = [p - source.skipped for p in source.decoded.fixed_at]
    notes = source.decoded.notes(name, records.numbers(fixed))
    notes += _strip_controls(text, rows, records)
    _check_width(rows, source.first_record, name)
    return CsvRecords(rows, source.first_record, notes)


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
