"""Broken and hostile workbooks for `reportgen import` (tests/test_bad_xlsx.py).

Each function takes a workbook written by `reportgen export` (bytes) and returns it with one
part rewritten. The small ones are committed beside this file (made from the export of the
test province in tests/conftest.py, `python tests/bad_xlsx/make.py SOURCE.xlsx`); the big
ones (the zip bomb) are made at test time in the test's temporary folder.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"  # 'Chỉ tiêu'


def rewrite(src: bytes, part: str, edit, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return out.getvalue()


def _label_span(sheet: bytes) -> tuple[int, int]:
    """Where the text of cell D2 (the first label) is in the sheet's XML."""
    m = re.search(rb'<c r="D2"[^>]*><is><t>([^<]*)</t></is></c>', sheet)
    assert m, "the export writes labels as inline strings"
    return m.start(1), m.end(1)


def zip_bomb(src: bytes, size: int) -> bytes:
    """Cell D2 holds `size` letters: a small archive that inflates to `size` bytes."""
    def edit(sheet: bytes) -> bytes:
        a, b = _label_span(sheet)
        return sheet[:a] + b"A" * size + sheet[b:]
    return rewrite(src, SHEET, edit, level=9)


def long_cell(src: bytes, size: int = 40_000) -> bytes:
    """Cell D2 holds more text than Excel allows in a cell (32 767), within the size limit."""
    return zip_bomb(src, size)


def last_row(src: bytes, row: int = 1_048_576) -> bytes:
    """One cell in the last row Excel has, and the dimension declaring it."""
    def edit(sheet: bytes) -> bytes:
        sheet = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:L{row}"/>'.encode(),
                       sheet)
        return sheet.replace(b"</sheetData>", f'<row r="{row}"><c r="D{row}" t="inlineStr"><is>'
                             f'<t>x</t></is></c></row></sheetData>'.encode())
    return rewrite(src, SHEET, edit)


def far_cell(src: bytes, row: int = 1_048_576) -> bytes:
    """A cell in row 1 048 576 while the dimension says A1:L28 (the dimension lies)."""
    return rewrite(src, SHEET, lambda s: s.replace(
        b"</sheetData>", f'<row r="{row}"><c r="D{row}" t="inlineStr"><is><t>x</t></is></c>'
        f'</row></sheetData>'.encode()))


def truncated(src: bytes) -> bytes:
    """The sheet cut in the middle (a download or copy that stopped)."""
    return rewrite(src, SHEET, lambda s: s[: len(s) // 2])


def malformed(src: bytes) -> bytes:
    """A closing tag that does not match (the sheet edited by hand)."""
    return rewrite(src, SHEET, lambda s: s.replace(b"</row>", b"</rowx>", 1))


_LOL = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                   for i in range(1, 10)) + b"]>")


def entity_bomb(src: bytes) -> bytes:
    """Billion laughs: cell D2 holds &lol9; (10^9 letters once expanded)."""
    def edit(sheet: bytes) -> bytes:
        a, b = _label_span(sheet)
        return _LOL + sheet[:a] + b"&lol9;" + sheet[b:]
    return rewrite(src, SHEET, edit)


def not_a_zip(src: bytes) -> bytes:
    """A text file named .xlsx."""
    return "Chỉ tiêu;Thực hiện\ngtsx;1.100\n".encode("utf-8")


# committed beside this file (a few kB each); the zip bomb is made at test time
SMALL = {"truncated.xlsx": truncated, "malformed.xlsx": malformed,
         "entity_bomb.xlsx": entity_bomb, "last_row.xlsx": last_row,
         "far_cell.xlsx": far_cell, "not_a_zip.xlsx": not_a_zip}


if __name__ == "__main__":
    source = Path(sys.argv[1]).read_bytes()
    here = Path(__file__).resolve().parent
    for name, make in SMALL.items():
        (here / name).write_bytes(make(source))
        print(name, len(make(source)))
