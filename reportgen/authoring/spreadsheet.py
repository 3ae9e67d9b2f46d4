"""Spreadsheets in and out (openpyxl): the indicator table of a period as an .xlsx workbook,
and a filled workbook read back into the period's YAML data file.

Layout of a workbook (`export_workbook`, `template_workbook`):

* sheet ``Chỉ tiêu``: row 1 the headers (`COLUMNS`), one row per indicator, product or
  count. Columns A–C (section key, kind, id) say where a row goes in the data file; then
  the label, the unit and the stated figures (never derived ones, so a round trip changes
  nothing). Numbers are real numbers with a number format that shows the precision the data
  states (34,410 keeps its three decimals); text written the Vietnamese way ('1.586,397')
  is read too.
* sheet ``Thông tin``: the province (B1) and period (B2) the workbook is for, and the
  document number (B3) and date (B4) used when the data file does not exist yet.

`import_workbook` edits the data file in place with ruamel.yaml's round-trip mode: comments,
narrative items, quoting and every key the workbook does not carry stay as they are; a
figure whose value did not change keeps its text ('34,410' stays '34,410'). Every cell that
cannot be read is reported with its sheet, address and reason, and then nothing is written;
the result is validated like any data file before it replaces the old one (atomically).
An empty cell means the figure is not known: the key is removed.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from ..data.loader import number_problem, refused_character
from ..errors import ERROR, ReportgenError, UsageError, display_path, os_reason, quote, shorten
from ..data.model import Period
from ..vnformat import NumberFormatError, format_number, parse_number
from .yamltext import is_whole, vn_number

SHEET = "Chỉ tiêu"
INFO_SHEET = "Thông tin"

# (key, header, applies to) — `applies to` is the set of kinds that carry the field
KINDS = {"indicators": "chỉ tiêu", "products": "sản phẩm", "counts": "số đếm"}
KIND_OF_LABEL = {v: k for k, v in KINDS.items()}
FIGURES = ("indicators", "products")
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("section", "Nhóm (mã)", ()),
    ("kind", "Loại", ()),
    ("id", "Mã chỉ tiêu", ()),
    ("label", "Chỉ tiêu", ("indicators", "products", "counts")),
    ("unit", "Đơn vị tính", ("indicators", "products", "counts")),
    ("same_period", "Thực hiện cùng kỳ", ("indicators", "products", "counts")),
    ("plan", "Kế hoạch năm", FIGURES),
    ("value", "Thực hiện", ("indicators", "products", "counts")),
    ("total", "Tổng số (số đếm)", ("counts",)),
    ("growth", "Tăng/giảm so với cùng kỳ (%)", ("indicators", "products", "counts")),
    ("plan_growth", "Kế hoạch tăng trưởng (%)", FIGURES),
    ("plan_completion", "Tỷ lệ thực hiện kế hoạch (%)", FIGURES),
)
HEADERS = tuple(h for _, h, _ in COLUMNS)
NUMBER_FIELDS = ("same_period", "plan", "value", "total", "growth", "plan_growth",
                 "plan_completion")
INT_FIELDS = {("counts", "value"), ("counts", "total"), ("counts", "same_period")}
# the workbook's growth column is a count's `change`
FIELD_NAME = {("counts", "growth"): "change"}
INFO_ROWS = (("province", "Tỉnh (mã)"), ("period", "Kỳ báo cáo"), ("number", "Số văn bản"),
             ("date", "Ngày báo cáo (YYYY-MM-DD)"))
MAX_DECIMALS = 6  # the loader accepts no more
_ID = re.compile(r"^[a-z0-9_]+$")
_UNKNOWN = {"", "-", "–", "—"}


# ------------------------------------------------------------------ errors
@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str  # 'H7', or '' for the workbook as a whole
    reason: str
    code: str = "RG601"


class SpreadsheetError(ReportgenError):
    """Cells of a workbook that cannot be read (each with sheet, address and reason)."""

    code = "RG601"

    def __init__(self, path: Path | str, problems: list[CellProblem], note: str = ""):
        self.problems = list(problems)
        self.path = display_path(path)
        self.note = note
        first = self.problems[0] if self.problems else CellProblem("", "", "lỗi không rõ")
        super().__init__(first.reason, self.path, code=first.code)

    def __str__(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.path}:{p.sheet}!{p.cell}" if p.cell else (
                f"{self.path}:{p.sheet}" if p.sheet else self.path)
            lines.append(f"{where}: {ERROR} {p.code} {p.reason}")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


# ------------------------------------------------------------------ numbers
def _decimals(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def number_format(d: Optional[Decimal]) -> str:
    """'#,##0.000' for 34,410: the cell shows the precision the data states."""
    n = 0 if d is None else _decimals(d)
    return "#,##0" + ("." + "0" * n if n else "")


def _cell_number(d: Decimal):
    return int(d) if d == d.to_integral_value() and _decimals(d) == 0 else float(d)


def _format_decimals(fmt: str) -> Optional[int]:
    """Decimals shown by a number format ('#,##0.000' -> 3); None for General."""
    section = (fmt or "General").split(";")[0]
    if section == "General" or "0" not in section and "#" not in section:
        return None
    m = re.search(r"\.([0#]+)", section)
    return len(m.group(1)) if m else 0


def read_number(value: Any, fmt: str, integer: bool = False) -> Optional[Decimal]:
    """A cell's number: None when empty; ValueError (Vietnamese reason) when unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"cần một số, không phải {'TRUE' if value else 'FALSE'}")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise ValueError(f"ô là ngày tháng ({value}), không phải số: đổi định dạng ô thành số")
    if isinstance(value, str):
        text = value.strip()
        if text in _UNKNOWN:
            return None
        try:
            d = parse_number(text)
        except NumberFormatError as exc:
            raise ValueError(str(exc)) from None
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("số không hữu hạn (lỗi công thức?)")
        d = Decimal(repr(value))
        if "%" in (fmt or ""):  # a cell formatted as percent holds a fraction
            d = d * 100
        if _decimals(d) > MAX_DECIMALS:  # float noise from a formula: 0.30000000000000004
            exact = d
            d = d.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP).normalize()
            if d.is_zero() and not exact.is_zero():
                raise ValueError(f"số {value!r} quá nhỏ: làm tròn tới {MAX_DECIMALS} chữ số thập "
                                 "phân thành 0 (nhầm đơn vị?); ghi 0 nếu đúng là không, hoặc đổi "
                                 "sang đơn vị nhỏ hơn")
            if d == d.to_integral_value():
                d = d.quantize(Decimal(1))
        shown = _format_decimals(fmt)
        if shown is not None and "%" not in (fmt or "") and _decimals(d) < shown <= MAX_DECIMALS:
            d = d.quantize(Decimal(1).scaleb(-shown))  # 34.41 shown as 34,410: keep the zero
    else:
        raise ValueError(f"không đọc được giá trị {quote(value)}")
    problem = number_problem(d)
    if problem:  # the loader would refuse it at a line of a file never written
        raise ValueError(f"số {format_number(d) if d.is_finite() and d.adjusted() < 40 else quote(value)} "
                         f"{problem}: kiểm tra lại ô (thừa chữ số 0? dán nhầm?)")
    if integer:
        if d != d.to_integral_value():
            raise ValueError(f"cần một số nguyên, không phải {format_number(d)}")
        d = d.quantize(Decimal(1))
    return d


def yaml_number(d: Decimal, quoted: bool):
    """How a number is written into the data file (the policy of `yamltext`), keeping the
    quotes where the file had them."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if is_whole(d) and not quoted:
        return int(d)
    return SingleQuotedScalarString(vn_number(d))


# ------------------------------------------------------------------ export
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
                  [None if v is None else _cell_number(v) for v in values])
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
    return _yaml().load(path.read_text(encoding="utf-8"))


def _document(data) -> tuple[Optional[int], Optional[dt.date]]:
    doc = data.get("document") or {}
    number, date = doc.get("number"), doc.get("date")
    return (number if isinstance(number, int) else None,
            date if isinstance(date, dt.date) else None)


def _province_name(project, slug: str) -> str:
    from ..data.dataset import load_province
    province, _, _ = load_province(project.data, slug)
    return province.name if province else slug


def _layout(project, slug: str):
    from ..data.layout import load_layout
    return load_layout(project.template_dirs, project.data / slug)


def _layout_keys(project, slug: str) -> list[str]:
    return _layout(project, slug).section_keys


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


# ------------------------------------------------------------------ import
@dataclass
class RowData:
    row: int
    section: str
    kind: str
    id: str
    texts: dict[str, Optional[str]] = field(default_factory=dict)
    numbers: dict[str, Optional[Decimal]] = field(default_factory=dict)


@dataclass
class Workbook:
    rows: list[RowData]
    info: dict[str, Any]
    problems: list[CellProblem] = field(default_factory=list)  # cells that cannot be read


def unreadable_workbook(path: Path, exc: Exception) -> str:
    """Why openpyxl could not open a workbook, in Vietnamese (its own texts are English:
    "openpyxl does not support the old .xls file format…")."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        return ("không đọc được tệp .xls (Excel 97-2003): mở tệp bằng Excel hoặc LibreOffice, "
                "chọn Lưu thành (Save As) kiểu .xlsx rồi nhập tệp .xlsx đó")
    if suffix not in (".xlsx", ".xlsm"):
        return (f"không đọc được tệp '{suffix or path.name}': chỉ nhập được bảng tính .xlsx "
                "(tệp do 'reportgen export' tạo, điền rồi lưu dạng .xlsx)")
    if isinstance(exc, OSError):
        return f"không đọc được tệp .xlsx: {os_reason(exc)}"
    return ("không đọc được tệp .xlsx (tệp hỏng hoặc không phải bảng tính Excel): mở bằng Excel "
            "hoặc LibreOffice và lưu lại dạng .xlsx")


def read_workbook(path: Path, layout_keys: list[str]) -> Workbook:
    """Read a filled workbook. A workbook of another layout raises SpreadsheetError; cells
    that cannot be read are listed in `Workbook.problems` (all of them, not the first)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from .xlsx_limits import check_workbook

    problems: list[CellProblem] = []
    # sizes, dimensions and XML checked before openpyxl reads everything into memory
    if zipfile.is_zipfile(path):  # anything else: openpyxl's refusal (unreadable_workbook)
        check_workbook(path, lambda sheet, cell, reason: SpreadsheetError(
            path, [CellProblem(sheet, cell, reason, "RG602")]))
    try:
        wb_values = load_workbook(path, data_only=True)
        wb_formulas = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError,
            DefusedXmlException, SyntaxError, TypeError, AttributeError, IndexError) as exc:
        # lxml's XMLSyntaxError is a SyntaxError; openpyxl's reader fails with TypeError or
        # AttributeError on parts of the wrong shape
        raise SpreadsheetError(path, [CellProblem("", "", unreadable_workbook(path, exc),
                                                  "RG602")]) from None
    if SHEET not in wb_values.sheetnames:
        raise SpreadsheetError(path, [CellProblem("", "", f"không có trang '{SHEET}' (các trang: "
                                                  f"{', '.join(wb_values.sheetnames)}): dùng tệp do "
                                                  "'reportgen export' tạo", "RG602")])
    ws, wf = wb_values[SHEET], wb_formulas[SHEET]
    from openpyxl.utils import get_column_letter

    for c, want in enumerate(HEADERS, start=1):
        got = ws.cell(1, c).value
        if (str(got).strip() if got is not None else "") != want:
            problems.append(CellProblem(SHEET, f"{get_column_letter(c)}1",
                                        f"tiêu đề cột phải là '{want}', không phải {got!r}: "
                                        "không đổi, chèn hay xoá cột", "RG602"))
    if problems:
        raise SpreadsheetError(path, problems)

    def value_of(r: int, c: int):
        cell, fcell = ws.cell(r, c), wf.cell(r, c)
        if fcell.data_type == "f" and cell.value is None:
            raise ValueError("công thức chưa có kết quả: mở tệp bằng Excel hoặc LibreOffice "
                             "rồi lưu lại")
        return cell.value, cell.number_format

    rows: list[RowData] = []
    seen: dict[tuple[str, str, str], int] = {}
    for r in range(2, ws.max_row + 1):
        raw = [ws.cell(r, c).value for c in range(1, len(COLUMNS) + 1)]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        where = lambda c: f"{get_column_letter(c)}{r}"  # noqa: E731
        section, kind_label, key = (str(v).strip() if v is not None else "" for v in raw[:3])
        bad = False
        if section not in layout_keys:
            problems.append(CellProblem(SHEET, where(1), f"nhóm '{section}' không có trong "
                                        f"layout.yaml (các nhóm: {', '.join(layout_keys)})"))
            bad = True
        kind = KIND_OF_LABEL.get(kind_label, kind_label if kind_label in KINDS else None)
        if kind is None:
            problems.append(CellProblem(SHEET, where(2), f"loại '{kind_label}' không hợp lệ: "
                                        f"dùng {', '.join(KINDS.values())}"))
            bad = True
        if not _ID.match(key):
            problems.append(CellProblem(SHEET, where(3), f"mã chỉ tiêu {key!r} không hợp lệ: chữ "
                                        "thường không dấu, số và dấu gạch dưới, ví dụ ban_le"))
            bad = True
        if bad:
            continue
        if (section, kind, key) in seen:
            problems.append(CellProblem(SHEET, where(3), f"'{key}' đã có ở dòng "
                                        f"{seen[(section, kind, key)]}"))
            continue
        seen[(section, kind, key)] = r
        rd = RowData(r, section, kind, key)
        for c, (name, header, applies) in enumerate(COLUMNS, start=1):
            if c <= 3:
                continue
            try:
                value, fmt = value_of(r, c)
                if name in ("label", "unit"):
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        value = str(value)
                    if value is not None and not isinstance(value, str):
                        raise ValueError(f"cần chữ, không phải {value!r}")
                    text = (value or "").strip() or None
                    if name == "label" and not text:
                        raise ValueError("thiếu tên chỉ tiêu")
                    bad = refused_character(text or "")
                    if bad:
                        raise ValueError(f"có {bad[1]} ở ký tự thứ {bad[0] + 1}: xoá ký tự này "
                                         "(thường do sao chép từ Word/web)")
                    rd.texts[name] = text
                    continue
                d = read_number(value, fmt, (kind, name) in INT_FIELDS)
                if d is not None and kind not in applies:
                    raise ValueError(f"cột '{header}' không dùng cho {KINDS[kind]}: để trống")
                if d is not None and d < 0 and (kind, name) in INT_FIELDS:
                    raise ValueError("số đếm không được âm")
                if kind in applies:
                    rd.numbers[name] = d
            except ValueError as exc:
                problems.append(CellProblem(SHEET, where(c), f"{header} của '{key}': {exc}"))
        if kind == "counts" and "value" in rd.numbers and rd.numbers["value"] is None:
            problems.append(CellProblem(SHEET, where(8), f"Thực hiện của '{key}': số đếm cần "
                                        "một giá trị"))
        rows.append(rd)
    info: dict[str, Any] = {}
    if INFO_SHEET in wb_values.sheetnames:
        wi = wb_values[INFO_SHEET]
        for i, (key, _) in enumerate(INFO_ROWS, start=1):
            info[key] = (wi.cell(i, 2).value, f"B{i}")
    return Workbook(rows, info, problems)


def _info_text(info: dict, key: str) -> tuple[Optional[str], str]:
    value, cell = info.get(key, (None, f"B{[k for k, _ in INFO_ROWS].index(key) + 1}"))
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, cell
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(), cell


@dataclass
class ImportResult:
    path: Path
    changed: list[str]  # 'section.kind.id.field' edited
    created: bool
    warnings: list[str]

    @property
    def wrote(self) -> bool:
        return self.created or bool(self.changed)


def _yaml():
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _existing(node) -> Optional[Decimal]:
    """The number a YAML value states (None when absent or unreadable)."""
    if node is None or isinstance(node, bool):
        return None
    if isinstance(node, int):
        return Decimal(node)
    if isinstance(node, str):
        try:
            return parse_number(node)
        except NumberFormatError:
            return None
    return None


def apply_rows(doc, rows: list[RowData]) -> list[str]:
    """Edit the round-trip YAML `doc` in place from the workbook rows; returns what changed."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    changed: list[str] = []
    sections = doc.setdefault("sections", CommentedMap())
    for rd in rows:
        sec = sections.get(rd.section)
        if sec is None:
            sec = sections[rd.section] = CommentedMap()
        group = sec.get(rd.kind)
        if group is None:
            group = sec[rd.kind] = CommentedMap()
        item = group.get(rd.id)
        where = f"{rd.section}.{rd.kind}.{rd.id}"
        if item is None:
            item = group[rd.id] = CommentedMap()
            changed.append(where)
        for name in ("label", "unit"):
            text = rd.texts.get(name)
            old = item.get(name)
            if (text or "") != (old or ""):
                if text is None:
                    del item[name]
                else:
                    item[name] = text
                changed.append(f"{where}.{name}")
        for name, d in rd.numbers.items():
            key = FIELD_NAME.get((rd.kind, name), name)
            old = item.get(key)
            if d is None:
                if key in item:
                    del item[key]
                    changed.append(f"{where}.{key}")
                continue
            before = _existing(old)
            if before is not None and before == d and _decimals(before) >= _decimals(d):
                continue  # same figure: its text stays as written
            item[key] = yaml_number(d, quoted=isinstance(old, SingleQuotedScalarString) or (
                isinstance(old, str)))
            changed.append(f"{where}.{key}")
    return changed


def _column_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)


def _cells_by_position(written: Path, rows: list[RowData]) -> dict:
    """(line, column) and line of each value that came from the workbook, in the data file
    as it would be written -> the cell it came from ('H6')."""
    from ..data.loader import load_yaml

    loaded = load_yaml(written)
    out: dict = {}
    for rd in rows:
        for c, (name, _, _) in enumerate(COLUMNS, start=1):
            if c <= 3:
                continue
            path = ("sections", rd.section, rd.kind, rd.id, FIELD_NAME.get((rd.kind, name), name))
            if path in loaded.marks and (rd.texts.get(name) is not None
                                         or rd.numbers.get(name) is not None):
                cell = f"{_column_letter(c)}{rd.row}"
                out[loaded.marks[path]] = cell
                out.setdefault(loaded.marks[path][0], cell)
    return out


def _workbook_finding(f, book: Path, cells: dict):
    """A finding at a value that came from the workbook, named by its cell
    ('bk.xlsx:Chỉ tiêu!H6: lỗi RG202 …'); None for a value the workbook did not carry."""
    from ..errors import Finding

    if not f.line:
        return None
    cell = cells.get((f.line, f.column)) or cells.get(f.line)
    if cell is None:
        return None
    return Finding(f"{display_path(book)}:{SHEET}!{cell}", 0, 0, f.code, f.severity, f.message)


def import_workbook(project, book: Path, slug: str, period: Period) -> ImportResult:
    """Read `book` into data/<slug>/<period>.yaml. Raises SpreadsheetError (cells), DataError
    (the result would not validate) or UsageError; the data file is then left untouched."""
    from ..fileio import atomic_write
    from ..data.dataset import check_slug, load_report, period_path
    from ..data.validate import check
    from ..errors import DataError, Finding

    check_slug(slug)
    if not (project.data / slug).is_dir():
        raise UsageError(f"không có tỉnh '{slug}' trong {project.data}/")
    from ..data.dataset import refuse_outside_links
    refuse_outside_links(project.data, slug)  # never read or replaced through a link
    if not book.is_file():
        raise UsageError(f"không có tệp {book}")
    layout = _layout(project, slug)
    wb = read_workbook(book, layout.section_keys)
    problems = list(wb.problems)
    for key, want in (("province", slug), ("period", period.slug)):
        got, cell = _info_text(wb.info, key)
        if got is not None and got != want:
            problems.append(CellProblem(INFO_SHEET, cell, f"tệp này dành cho {key} '{got}', không "
                                        f"phải '{want}'", "RG603"))
    target = period_path(project.data, slug, period)
    created = not target.exists()
    if created:
        number, ncell = _info_text(wb.info, "number")
        date, dcell = _info_text(wb.info, "date")
        if number is None or not number.isdigit() or int(number) < 1:
            problems.append(CellProblem(INFO_SHEET, ncell, f"chưa có {display_path(target)}: cần "
                                        f"số văn bản (số nguyên dương), không phải {number!r}"))
        try:
            date_value = dt.date.fromisoformat(date or "")
        except ValueError:
            problems.append(CellProblem(INFO_SHEET, dcell, f"chưa có {display_path(target)}: cần "
                                        f"ngày báo cáo dạng YYYY-MM-DD, không phải {date!r}"))
    if problems:
        raise SpreadsheetError(book, problems)

    y = _yaml()
    if created:
        from ruamel.yaml.comments import CommentedMap
        doc = CommentedMap()
        doc["document"] = CommentedMap([("number", int(number)), ("date", date_value)])
        doc["sections"] = CommentedMap()
        original = ""
    else:
        original = target.read_text(encoding="utf-8")
        doc = y.load(original)
    changed = apply_rows(doc, wb.rows)
    if not changed and not created:
        return ImportResult(target, [], False, [])
    buf = io.StringIO()
    y.dump(doc, buf)
    text = buf.getvalue()
    if created:
        text = (f"# Số liệu {period.slug} của tỉnh {slug}, nhập từ {book.name} "
                f"(reportgen import).\n") + text

    from ..data.loader import MAX_BYTES
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:  # the loader would refuse the file never written, at no line
        longest = max(((len(t or ""), rd.row, c) for rd in wb.rows
                       for c, (name, _, _) in enumerate(COLUMNS, start=1)
                       for t in [rd.texts.get(name)] if c > 3), default=(0, 0, 0))
        cell = f"{_column_letter(longest[2])}{longest[1]}" if longest[0] else ""
        def n(x: int) -> str:
            return f"{x:,}".replace(",", ".")
        raise SpreadsheetError(book, [CellProblem(SHEET if cell else "", cell, "tệp số liệu "
                                                  f"sẽ quá lớn ({n(size)} byte, tối đa "
                                                  f"{n(MAX_BYTES)}): ô dài nhất có "
                                                  f"{n(longest[0])} ký tự, kiểm tra lại ô này",
                                                  "RG106")])

    # validate the new text as the data file it would be, beside the real neighbours
    with tempfile.TemporaryDirectory(prefix="reportgen-import-") as tmp:
        root = Path(tmp)
        (root / slug).mkdir()
        for f in (project.data / slug).glob("*.yaml"):
            if f != target and f.is_file():  # regular files only (a FIFO would hang)
                shutil.copy2(f, root / slug / f.name)
        written = root / slug / target.name
        written.write_text(text, encoding="utf-8")
        result = check(load_report(root, slug, period, layout))
        shown = display_path(target)
        cells = _cells_by_position(written, wb.rows)
        findings = [(f.file == display_path(written) and _workbook_finding(f, book, cells)) or
                    Finding(f.file.replace(display_path(written), shown),
                            f.line, f.column, f.code, f.severity, f.message)
                    for f in result.findings]
    errors = [f for f in findings if f.is_error]
    if errors or result.report is None:
        raise DataError(errors or findings)
    atomic_write(target, text.encode("utf-8"))
    return ImportResult(target, changed, created, [str(f) for f in findings])
