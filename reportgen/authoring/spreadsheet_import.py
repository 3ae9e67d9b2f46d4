"""`reportgen import`: a filled workbook read back into the period's YAML data file.

`read_workbook` reads every row (the format is `spreadsheet.py`), listing every cell that
cannot be read with its sheet, address and reason; `import_workbook` then edits the data file
in place with ruamel.yaml's round-trip mode: comments, narrative items, quoting and every key
the workbook does not carry stay as they are; a figure whose value did not change keeps its
text ('34,410' stays '34,410'). An empty cell means the figure is not known: the key is
removed. Nothing is written when a cell cannot be read; the result is validated like any data
file, beside the province's other files, before it replaces the old one (atomically), and a
finding at a value from the workbook names its cell.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from ..data.rules import refused_character
from ..data.period import Period
from ..errors import UsageError, display_path, os_reason
from ..vnformat import NumberFormatError, parse_number
from .spreadsheet import (COLUMNS, FIELD_NAME, HEADERS, ID_PATTERN, INFO_ROWS, INFO_SHEET,
                          INT_FIELDS, KIND_OF_LABEL, KINDS, SHEET, CellProblem, SpreadsheetError,
                          decimals, province_layout, read_number, round_trip_yaml, yaml_number)


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
        if not ID_PATTERN.match(key):
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
            if before is not None and before == d and decimals(before) >= decimals(d):
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
    layout = province_layout(project, slug)
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

    y = round_trip_yaml()
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

    from ..data.loader import MAX_BYTES  # the limit the loader applies
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
