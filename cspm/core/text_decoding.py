"""Decode a text file's bytes whatever encoding a CRM or a locale wrote it in.

Salesforce writes UTF-8, Excel on a German Windows writes cp1252, "Unicode text" is UTF-16;
a file pasted together from several tools is UTF-8 with runs of cp1252. We detect rather than
ask, and report what was decided (split from `csv_reading`, which tokenises the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cspm.core.errors import BadInputError
from cspm.core.read_notes import ReadNote

_SNIFF_CHARS = 65_536
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
