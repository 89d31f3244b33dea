"""Build hostile workbooks byte by byte: zip archives whose sizes say one thing and do another.

A real zip bomb inflates to gigabytes; building one by compressing gigabytes would take the test
minutes. Deflate lets us skip that: after a full flush the compressor starts afresh, so every
repetition of a block compresses to the same bytes, and the stream for N repetitions is one
compressed block copied N times. The archive is written by hand (local headers, central
directory, end record) so the declared sizes can lie.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OFFICE = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
_PKG = b"http://schemas.openxmlformats.org/package/2006/"
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    _XML + b'<Types xmlns="' + _PKG + b'content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="' + _OFFICE + b'sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="' + _OFFICE + b'worksheet+xml"/></Types>'
)
ROOT_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    _XML + b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="' + _REL + b'">'
    b'<sheets><sheet name="Accounts" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Account Name</t></is></c></row>'


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def repeated_sheet(block_bytes: int, times: int) -> tuple[bytes, int]:
    """A raw deflate stream of a sheet whose rows fill `block_bytes` x `times`, and its size."""
    block = ROW * (block_bytes // len(ROW))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(SHEET_HEAD) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(SHEET_TAIL) + compressor.flush()
    # The copies must inflate to the copied text, or the test would prove nothing.
    sample = zlib.decompressobj(-15).decompress(head + piece * 3 + tail)
    assert sample == SHEET_HEAD + block * 3 + SHEET_TAIL
    size = len(SHEET_HEAD) + len(block) * times + len(SHEET_TAIL)
    return head + piece * times + tail, size


Part = tuple[str, bytes, int, int]
"""(name, raw deflate data, declared uncompressed size, declared CRC-32)"""


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A zip archive of already-deflated parts, each declaring the size it is given."""
    body = bytearray()
    central = bytearray()
    for name, data, declared, crc in parts:
        encoded = name.encode()
        offset = len(body)
        fields = (20, 0, 8, 0, 0x21, crc, len(data), declared, len(encoded))
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded + data
        central += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                *fields,
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(body), 0
    )
    path.write_bytes(bytes(body + central + end))
    return path


def workbook_parts(sheet: bytes, sheet_declared: int, sheet_crc: int = 0) -> list[Part]:
    """The parts of a one-sheet workbook around a given (deflated) sheet."""
    small = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ]
    parts = [(name, deflate(data), len(data), zlib.crc32(data)) for name, data in small]
    return [*parts, ("xl/worksheets/sheet1.xml", sheet, sheet_declared, sheet_crc)]


def honest_workbook(path: Path, rows: int = 1000) -> Path:
    """The same hand-built workbook with true sizes and one row per account, as exports are."""
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Account %d</t></is></c></row>' % (i, i, i)
        for i in range(2, rows + 2)
    )
    sheet = SHEET_HEAD + ROW + body + SHEET_TAIL
    return write_zip(path, workbook_parts(deflate(sheet), len(sheet), zlib.crc32(sheet)))


def declared_bomb(path: Path, declared: int = 4_100_000_000) -> Path:
    """A small workbook whose sheet claims to unpack to `declared` bytes."""
    sheet = SHEET_HEAD + ROW * 1000 + SHEET_TAIL
    return write_zip(path, workbook_parts(deflate(sheet), declared))


def actual_bomb(path: Path, *, honest: bool, megabytes: int = 4000) -> Path:
    """A ~4 MB workbook whose sheet really inflates to `megabytes` MB of repeated rows.

    honest: the header declares the real size; otherwise it claims 1 MB, so only a reader
    that bounds what it actually inflates notices.
    """
    stream, size = repeated_sheet(1_000_000, megabytes)
    return write_zip(path, workbook_parts(stream, size if honest else 1_000_000))
