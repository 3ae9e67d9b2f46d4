"""The workbook format that `reportgen export` writes and `reportgen import` reads (openpyxl):
its sheets and columns, the cell errors, and the number policy of a cell.

Writing a workbook is `spreadsheet_export.py`, reading one back into the period's YAML file is
`spreadsheet_import.py`; both take the format from here. Layout of a workbook:

* sheet ``Chỉ tiêu``: row 1 the headers (`COLUMNS`), one row per indicator, product or
  count. Columns A–C (section key, kind, id) say where a row goes in the data file; then
  the label, the unit and the stated figures (never derived ones, so a round trip changes
  nothing). Numbers are real numbers with a number format that shows the precision the data
  states (34,410 keeps its three decimals); text written the Vietnamese way ('1.586,397')
  is read too.
* sheet ``Thông tin``: the province (B1) and period (B2) the workbook is for, and the
  document number (B3) and date (B4) used when the data file does not exist yet.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Optional

from ..data.rules import number_problem
from ..errors import ERROR, ReportgenError, display_path, quote
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
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
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
def decimals(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def number_format(d: Optional[Decimal]) -> str:
    """'#,##0.000' for 34,410: the cell shows the precision the data states."""
    n = 0 if d is None else decimals(d)
    return "#,##0" + ("." + "0" * n if n else "")


def cell_number(d: Decimal):
    return int(d) if d == d.to_integral_value() and decimals(d) == 0 else float(d)


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
        if decimals(d) > MAX_DECIMALS:  # float noise from a formula: 0.30000000000000004
            exact = d
            d = d.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP).normalize()
            if d.is_zero() and not exact.is_zero():
                raise ValueError(f"số {value!r} quá nhỏ: làm tròn tới {MAX_DECIMALS} chữ số thập "
                                 "phân thành 0 (nhầm đơn vị?); ghi 0 nếu đúng là không, hoặc đổi "
                                 "sang đơn vị nhỏ hơn")
            if d == d.to_integral_value():
                d = d.quantize(Decimal(1))
        shown = _format_decimals(fmt)
        if shown is not None and "%" not in (fmt or "") and decimals(d) < shown <= MAX_DECIMALS:
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


# ------------------------------------------------------------------ shared
def round_trip_yaml():
    """ruamel.yaml in round-trip mode as reportgen writes data files (quotes kept)."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def province_layout(project, slug: str):
    """The layout in force for a province (its section keys order the rows)."""
    from ..data.layout import load_layout
    return load_layout(project.template_dirs, project.data / slug)
