"""Checks on a workbook from staff before openpyxl reads it.

An .xlsx is a zip of XML parts, and openpyxl reads all of it into memory: a 530 KB archive
whose sheet inflates to a 512 MiB cell took 5 GB, an 8,6 KB workbook with one cell in row
1 048 576 made the import walk a million rows (67 s, 3 GB), and a cut or malformed sheet,
or an XML entity bomb, ended in a ParseError traceback. So, before openpyxl:

* the archive's listing (zipfile's infolist, which the reader also holds every part to:
  Python's zipfile never inflates a part past its declared size) must stay within
  `MAX_PARTS` parts and `MAX_UNCOMPRESSED` bytes;
* every XML part is parsed once, as a stream, by defusedxml (no DTD, no entities, no
  external references: Excel and LibreOffice never write them); a part that is cut or
  malformed is named;
* in every worksheet, the declared dimension (``<dimension ref="A1:L28"/>``) and every row
  and cell must stay within `MAX_ROWS` rows and `MAX_CELLS` cells, and no cell may hold more
  text than Excel allows (32 767 characters).

Every problem is a `SpreadsheetError` (RG602) naming the workbook, and the sheet or cell
when there is one.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Optional

MAX_PARTS = 500
MAX_UNCOMPRESSED = 30 * 1024 * 1024  # an exported province workbook is about 40 kB
MAX_ROWS = 5000  # a province has a few hundred indicators at most
MAX_CELLS = 100_000
MAX_CELL_TEXT = 32_767  # Excel's own limit for one cell

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,9})$")


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def _row_of(ref: str) -> Optional[int]:
    m = _REF.match(ref.strip().upper())
    return int(m.group(2)) if m else None


class _Problem(Exception):
    def __init__(self, reason: str, sheet: str = "", cell: str = ""):
        super().__init__(reason)
        self.reason, self.sheet, self.cell = reason, sheet, cell


def check_workbook(path: Path, error: Callable[[str, str, str], Exception]) -> None:
    """Raise `error(sheet, cell, reason)` when the workbook at `path` is not safe to hand to
    openpyxl (see the module's docstring); return None when it is."""
    try:
        _check(path)
    except _Problem as p:
        raise error(p.sheet, p.cell, p.reason) from None


def _check(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise _Problem(f"tệp có {_n(len(infos))} phần (tối đa {_n(MAX_PARTS)}): không "
                               "phải bảng tính do 'reportgen export' tạo")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                biggest = max(infos, key=lambda i: i.file_size)
                raise _Problem(f"tệp giải nén ra {_n(total)} byte (tối đa {_n(MAX_UNCOMPRESSED)}; "
                               f"phần lớn nhất {biggest.filename}: {_n(biggest.file_size)} byte): "
                               "bảng chỉ tiêu của một tỉnh chỉ vài chục kB, dùng tệp do "
                               "'reportgen export' tạo")
            names = {i.filename for i in infos}
            sheets = _sheet_names(zf, names)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _scan(zf, info.filename, sheets.get(info.filename))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _Problem(f"tệp .xlsx hỏng (tệp nén lỗi: {exc}): mở và lưu lại bằng Excel hoặc "
                       "LibreOffice, hoặc xuất lại bằng 'reportgen export'") from None
    except OSError as exc:
        raise _Problem(f"không đọc được tệp: {exc.strerror or exc}") from None


def _sheet_names(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part -> the sheet's name ('xl/worksheets/sheet1.xml' -> 'Chỉ tiêu')."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets: dict[str, str] = {}
    for el in _elements(zf, "xl/_rels/workbook.xml.rels", None):
        if el.tag == _PKG_REL + "Relationship":
            target = el.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            targets[el.get("Id", "")] = part
    out = {}
    for el in _elements(zf, "xl/workbook.xml", None):
        if el.tag == _MAIN + "sheet":
            part = targets.get(el.get(_REL + "id", ""))
            if part:
                out[part] = el.get("name", "")
    return out


def _elements(zf: zipfile.ZipFile, name: str, sheet: Optional[str]):
    """The elements of one part as they end, parsed safely; _Problem when it is not XML."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    shown = f"trang '{sheet}' ({name})" if sheet else f"phần {name}"
    try:
        with zf.open(name) as fh:
            for _, el in iterparse(fh, events=("end",), forbid_dtd=True):
                yield el
    except DefusedXmlException:
        raise _Problem(f"{shown} có khai báo DTD hoặc thực thể XML (Excel và LibreOffice không "
                       "bao giờ viết, có thể là bom XML): không đọc; mở và lưu lại bằng Excel "
                       "hoặc LibreOffice", sheet or "") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise _Problem(f"{shown} hỏng (XML sai ở dòng {line}, cột {col + 1}: tệp bị cắt hoặc bị "
                       "sửa tay): mở và lưu lại bằng Excel hoặc LibreOffice, hoặc xuất lại bằng "
                       "'reportgen export'", sheet or "") from None


def _scan(zf: zipfile.ZipFile, name: str, sheet: Optional[str]) -> None:
    is_sheet = sheet is not None or name.startswith("xl/worksheets/")
    label = sheet if sheet is not None else name
    cells = 0
    for el in _elements(zf, name, sheet):
        if not is_sheet:
            continue
        tag = el.tag
        if tag == _MAIN + "dimension":
            last = _row_of((el.get("ref") or "").split(":")[-1])
            if last is not None and last > MAX_ROWS:
                raise _Problem(f"trang khai báo vùng dữ liệu {el.get('ref')} (tới dòng "
                               f"{_n(last)}, tối đa {_n(MAX_ROWS)}): xoá các dòng thừa bên dưới "
                               "bảng rồi lưu lại", label)
        elif tag == _MAIN + "row":
            r = el.get("r")
            if r is not None and (not r.isdigit() or int(r) > MAX_ROWS):
                raise _Problem(f"trang có dòng {r} (tối đa {_n(MAX_ROWS)} dòng): xoá các dòng "
                               "thừa bên dưới bảng rồi lưu lại", label, f"A{r}")
            el.clear()  # the row's cells were checked as they ended
        elif tag == _MAIN + "c":
            cells += 1
            ref = el.get("r") or ""
            row = _row_of(ref) if ref else None
            if ref and (row is None or row > MAX_ROWS):
                where = f" (dòng {_n(row)})" if row else ""
                raise _Problem(f"ô {ref}{where} nằm ngoài bảng (tối đa {_n(MAX_ROWS)} dòng): xoá các "
                               "dòng thừa bên dưới bảng rồi lưu lại", label, ref if row else "")
            if cells > MAX_CELLS:
                raise _Problem(f"trang có hơn {_n(MAX_CELLS)} ô: bảng chỉ tiêu của một tỉnh chỉ "
                               "vài trăm ô, dùng tệp do 'reportgen export' tạo", label)
            size = sum(len(t.text or "") for t in el.iter() if t.tag in (_MAIN + "v", _MAIN + "t"))
            if size > MAX_CELL_TEXT:
                raise _Problem(f"ô có {_n(size)} ký tự (Excel cho tối đa {_n(MAX_CELL_TEXT)}): "
                               "kiểm tra lại ô này", label, ref)
