"""Uploads are bounded before pandas or openpyxl opens them: file size, rows, and an XLSX's unpacked size and
compression ratio (a zip bomb: a small file whose sheet XML unpacks to gigabytes)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest

from backoffice import uploads
from backoffice.errors import ValidationFailed
from backoffice.workers.importer import import_file as import_workers
from payroll.timesheets.importer import import_file as import_timesheets

SHEET = "xl/worksheets/sheet1.xml"


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from crc(A), crc(B) and len(B): zlib's crc32_combine (GF(2) matrices), which Python's zlib
    does not offer; lets the bomb's CRC be right without running CRC-32 over a gigabyte."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = [_gf2_times(odd, odd[n]) for n in range(32)]
    odd = [_gf2_times(even, even[n]) for n in range(32)]
    while True:
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc32_repeated(chunk: bytes, times: int) -> int:
    crc, length, unit, unit_len = 0, 0, zlib.crc32(chunk), len(chunk)
    while times:                                      # binary doubling: log2(times) combines
        if times & 1:
            crc, length = _crc32_combine(crc, unit, unit_len), length + unit_len
        unit, unit_len = _crc32_combine(unit, unit, unit_len), unit_len * 2
        times >>= 1
    return crc


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, raw deflate data, crc32, unpacked size): what zipfile writes, except
    that the deflate data is given (so a gigabyte member costs no gigabyte of compression work here)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def _xlsx_with_sheet(head: bytes, chunk: bytes, repeat: int, tail: bytes) -> bytes:
    """A real workbook whose first sheet's XML is head + chunk × repeat + tail. The chunk is deflated once with a
    full flush (byte-aligned, no reference back), so repeating its deflate data is a valid deflate stream."""
    book = openpyxl.Workbook()
    book.active.append(["first_name", "last_name", "email"])
    plain = io.BytesIO()
    book.save(plain)
    members = []
    with zipfile.ZipFile(plain) as src:
        for item in src.infolist():
            if item.filename != SHEET:
                raw = src.read(item.filename)
                members.append((item.filename, _deflate(raw), zlib.crc32(raw), len(raw)))
                continue
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
            middle = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
            last = c.compress(tail) + c.flush()
            crc = _crc32_combine(_crc32_combine(zlib.crc32(head), _crc32_repeated(chunk, repeat),
                                                len(chunk) * repeat), zlib.crc32(tail), len(tail))
            members.append((SHEET, first + middle * repeat + last, crc, len(head) + len(chunk) * repeat + len(tail)))
    return _zip(members)


def zip_bomb(megabytes: int) -> bytes:
    """A .xlsx of a few hundred kilobytes whose sheet XML unpacks to `megabytes` MiB of blank space."""
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return _xlsx_with_sheet(head, b" " * (1024 * 1024), megabytes, b"<sheetData/></worksheet>")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(1024)


def test_the_zip_bomb_is_small_and_unpacks_to_a_gigabyte(bomb):
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.getinfo(SHEET).file_size > 1024 * 1024 * 1024
    assert len(bomb) < 2 * 1024 * 1024


def _codes(exc: ValidationFailed) -> list[tuple[str, str]]:
    return [(i.field, i.code) for i in exc.issues]


def test_the_guard_refuses_the_bomb_before_it_is_unpacked(bomb):
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_spreadsheet(bomb, "workers.xlsx")
    assert _codes(caught.value) == [("file", "zip_bomb")]
    assert "workers.xlsx" in caught.value.message


def test_the_worker_importer_refuses_the_bomb_naming_the_file(db, bomb):
    with pytest.raises(ValidationFailed) as caught:
        import_workers(bomb, "workers.xlsx")
    assert _codes(caught.value) == [("file", "zip_bomb")]


def test_the_timesheet_importer_refuses_the_bomb_naming_the_file(db, make_user, bomb):
    result = import_timesheets(bomb, "week.xlsx", make_user("hr"))
    assert [(i.field, i.code) for i in result.issues] == [("file", "zip_bomb")]


def test_a_well_compressed_sheet_over_the_unpacked_limit_is_refused(monkeypatch):
    """Each line differs (so it compresses about 5 to 1, under the ratio limit), but 2 MiB > a 1 MiB limit."""
    monkeypatch.setattr(uploads, "MAX_XLSX_UNPACKED", 1024 * 1024)
    lines = b"".join(f"<!-- row {i:08d} {i * 7919 % 104729:06d} -->".encode() for i in range(60_000))
    content = _xlsx_with_sheet(b"<worksheet>", lines, 1, b"</worksheet>")
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_spreadsheet(content, "big.xlsx")
    assert _codes(caught.value) == [("file", "too_large")]


def test_an_ordinary_workbook_passes_the_guard():
    book = openpyxl.Workbook()
    for i in range(2000):
        book.active.append([f"Ana{i}", "Lima", f"ana{i}@example.com", "1990-04-01", "31.50"])
    buf = io.BytesIO()
    book.save(buf)
    uploads.check_spreadsheet(buf.getvalue(), "workers.xlsx")          # no exception


def test_a_file_over_the_size_limit_is_refused_unread():
    content = b"first_name,last_name,email\n" + b"a,b,c\n" * (uploads.MAX_UPLOAD_BYTES // 6 + 1)
    with pytest.raises(ValidationFailed) as caught:
        uploads.check_spreadsheet(content, "workers.csv")
    assert _codes(caught.value) == [("file", "too_large")]
    assert "15 MiB" in caught.value.message


def test_the_worker_importer_refuses_more_than_50000_rows(db):
    content = b"first_name,last_name,email\n" + b"".join(b"A,B,a%d@example.com\n" % i for i in range(50_001))
    with pytest.raises(ValidationFailed) as caught:
        import_workers(content, "workers.csv", dry_run=True)
    assert _codes(caught.value) == [("file", "too_many_rows")]
    assert "50000" in caught.value.message.replace(",", "")


def test_the_timesheet_importer_refuses_more_than_50000_rows(db, make_user):
    header = b"engagement_id,week_start,mon\n"
    content = header + b"1,2026-11-02,8\n" * 50_001
    result = import_timesheets(content, "weeks.csv", make_user("hr"), dry_run=True)
    assert [(i.field, i.code) for i in result.issues] == [("file", "too_many_rows")]
