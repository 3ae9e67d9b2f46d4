"""`reportgen export`: a period's indicator table as an .xlsx workbook (`export_workbook`),
or a blank one with the province's indicator list for staff to fill in (`export_template`).

The workbook's format (sheets, columns, number formats) is `spreadsheet.py`. Only stated
figures are written, never derived ones, so an export then an import changes nothing. Text
cells are stored as text, never as formulas. The file is written atomically, never inside
`data/` or `templates/`, and never over a file that is not a workbook.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from ..data.period import Period
from ..errors import UsageError, display_path
from ..vnformat import NumberFormatError, parse_number
from .spreadsheet import (FIELD_NAME, HEADERS, INFO_ROWS, INFO_SHEET, KINDS, NUMBER_FIELDS, SHEET,
                          cell_number, number_format, province_layout, round_trip_yaml)


def _rows_of(data, layout_keys: list[str]) -> list[tuple[str, str, str, Any]]:
    """(section, kind, id, item) in layout order, then sections the layout does not list.

    `data` is the data file as loaded by ruamel.yaml: a file that `reportgen new` started,
    with blanks (`value:` and nothing after it) still to fill, exports too."""
    sections = data.get("sections") or {}
    order = [k for k in layout_keys if k in sections] + [k for k in sections if k not in layout_keys]
    out = []
    for sec_key in order:
        sec = sections[sec_key] or {}
        for kind in KINDS:
            for key, item in (sec.get(kind) or {}).items():
                out.append((sec_key, kind, key, item or {}))
    return out


def _field(item, kind: str, name: str) -> Optional[Decimal]:
    """A stated number of a data file item (None when absent or blank)."""
    name = FIELD_NAME.get((kind, name), name)
    raw = item.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ValueError(f"'{name}' = {raw!r} không đọc được (số thập phân không có dấu nháy?)")
    return Decimal(raw) if isinstance(raw, int) else parse_number(raw)


def _new_workbook(slug: str, period: Optional[Period], province_name: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(HEADERS))
    bold = Font(bold=True)
    key_fill = PatternFill("solid", fgColor="E7E6E6")
    for c, cell in enumerate(ws[1], start=1):
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        if c <= 3:
            cell.fill = key_fill
    ws.freeze_panes = "D2"
    for letter, width in zip("ABCDEFGHIJKL", (18, 10, 24, 48, 14, 16, 16, 16, 12, 16, 16, 16)):
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[1].height = 45
    info = wb.create_sheet(INFO_SHEET)
    values = {"province": slug, "period": period.slug if period else None}
    for key, label in INFO_ROWS:
        info.append([label, values.get(key)])
        info.cell(info.max_row, 1).font = bold
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 24
    info["D1"] = f"Sở Công Thương {province_name}: điền số liệu ở trang '{SHEET}', không sửa các cột A–C."
    return wb


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _text_cells(wb) -> None:
    """Every text cell stored as text, never as a formula: a label '=HYPERLINK(…)' or
    '=cmd|…' is shown as written and never run (openpyxl makes a formula of any string
    starting with '='). Text that a spreadsheet would read as a formula when retyped also gets
    the quote prefix (the "'" Excel and LibreOffice show in the edit line), so it stays text
    after staff edit it. `import` reads the same text back."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(_FORMULA_START):
                        cell.quotePrefix = True


def _save(wb) -> bytes:
    _text_cells(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fixed_times(wb, when: Optional[dt.date]) -> None:
    stamp = dt.datetime.combine(when, dt.time()) if when else dt.datetime(1980, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "reportgen"
    wb.properties.lastModifiedBy = "reportgen"


def workbook_bytes(slug: str, period: Optional[Period], data, layout_keys: list[str],
                   province_name: str, blank: bool = False, number: Optional[int] = None,
                   date: Optional[dt.date] = None) -> bytes:
    """The workbook of a period's data (`blank`: only the indicator list, no figures)."""
    from openpyxl.styles import Alignment

    wb = _new_workbook(slug, period, province_name)
    ws = wb[SHEET]
    for sec_key, kind, key, item in _rows_of(data, layout_keys):
        values = [None if blank else _field(item, kind, name) for name in NUMBER_FIELDS]
        ws.append([sec_key, KINDS[kind], key, item.get("label"), item.get("unit") or None] +
                  [None if v is None else cell_number(v) for v in values])
        r = ws.max_row
        ws.cell(r, 4).alignment = Alignment(wrap_text=True)
        for offset, v in enumerate(values, start=6):
            ws.cell(r, offset).number_format = number_format(v)
    info = wb[INFO_SHEET]
    if not blank:
        info["B3"] = number
        info["B4"] = date.isoformat() if date else None
    _fixed_times(wb, date)
    return _save(wb)


def _load_data(project, slug: str, period: Period):
    """The period file as ruamel.yaml loads it (blanks allowed; broken YAML refused)."""
    from ..data.dataset import period_path
    from ..data.loader import load_yaml
    from ..errors import DataError

    path = period_path(project.data, slug, period)
    if not path.exists():
        raise UsageError(f"không có số liệu {display_path(path)}")
    loaded = load_yaml(path)  # the project's own checks: encoding, syntax, duplicate keys …
    if loaded.data is None or not isinstance(loaded.data, dict):
        raise DataError(loaded.findings)
    return round_trip_yaml().load(path.read_text(encoding="utf-8"))


def _document(data) -> tuple[Optional[int], Optional[dt.date]]:
    doc = data.get("document") or {}
    number, date = doc.get("number"), doc.get("date")
    return (number if isinstance(number, int) else None,
            date if isinstance(date, dt.date) else None)


def _province_name(project, slug: str) -> str:
    from ..data.dataset import load_province
    province, _, _ = load_province(project.data, slug)
    return province.name if province else slug


def _layout_keys(project, slug: str) -> list[str]:
    return province_layout(project, slug).section_keys


def check_export_target(project, out: Path, force: bool = False) -> None:
    """Where `export` may write: a name ending in .xlsx, outside data/ and templates/, not an
    existing file unless `force` (and then only a regular file that is a workbook)."""
    import stat
    import zipfile

    shown = display_path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{shown}: tệp ghi ra phải có đuôi .xlsx (ví dụ bao-cao.xlsx); "
                         "reportgen export không ghi tệp loại khác")
    try:
        where = out.resolve()
    except (OSError, RuntimeError):
        raise UsageError(f"{shown}: không xác định được đường dẫn (liên kết vòng?)") from None
    for folder, name in ((project.data, "số liệu"), (project.templates, "mẫu")):
        try:
            inside = where.is_relative_to(Path(folder).resolve())
        except (OSError, RuntimeError):
            inside = False
        if inside:
            raise UsageError(f"{shown} nằm trong thư mục {name} {display_path(folder)}/: "
                             "ghi bảng tính ra chỗ khác (ví dụ thư mục hiện tại)")
    try:
        st = out.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"{shown}: không kiểm tra được tệp ({exc.strerror or exc})") from None
    if not force:
        raise UsageError(f"{shown} đã có: reportgen export không ghi đè; chọn tên khác, hoặc "
                         "thêm --force để thay tệp đó")
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"{shown} là liên kết: reportgen export không ghi qua liên kết; xoá "
                         "liên kết hoặc chọn tên khác")
    if not stat.S_ISREG(st.st_mode) or not zipfile.is_zipfile(out):
        raise UsageError(f"{shown} đã có và không phải tệp .xlsx: reportgen export không thay "
                         "nó, kể cả với --force; chọn tên khác")


def export_workbook(project, slug: str, period: Period, out: Path, force: bool = False) -> int:
    """Write the indicator table of one period to `out`; returns the number of rows."""
    from ..fileio import atomic_write
    from ..data.dataset import check_slug, refuse_outside_links

    check_slug(slug)
    check_export_target(project, out, force)
    refuse_outside_links(project.data, slug)
    data = _load_data(project, slug, period)
    number, date = _document(data)
    try:
        blob = workbook_bytes(slug, period, data, _layout_keys(project, slug),
                              _province_name(project, slug), number=number, date=date)
    except (ValueError, NumberFormatError) as exc:
        raise UsageError(f"{display_path(project.data / slug / (period.slug + '.yaml'))}: {exc}; "
                         "chạy 'reportgen validate' để xem chi tiết") from None
    atomic_write(out, blob)
    return len(_rows_of(data, _layout_keys(project, slug)))


def export_template(project, slug: str, period: Optional[Period], out: Path,
                    force: bool = False) -> int:
    """Write a blank workbook with the province's indicator list (from `period`, else its
    latest period file) for staff to fill in; returns the number of rows."""
    from ..fileio import atomic_write
    from ..data.dataset import check_slug, find_entries, refuse_outside_links

    check_slug(slug)
    check_export_target(project, out, force)
    refuse_outside_links(project.data, slug)
    if period is None:
        entries = [e for e in find_entries(project.data) if e.slug == slug]
        if not entries:
            raise UsageError(f"tỉnh '{slug}' chưa có tệp số liệu nào để lấy danh sách chỉ tiêu")
        period = max(entries, key=lambda e: (e.period.year, e.period.half or "")).period
    data = _load_data(project, slug, period)
    keys = _layout_keys(project, slug)
    atomic_write(out, workbook_bytes(slug, None, data, keys, _province_name(project, slug),
                                     blank=True))
    return len(_rows_of(data, keys))
