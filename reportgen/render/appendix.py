"""The appendix table "Biểu chỉ tiêu chủ yếu": a DataFrame from a Report, then rows for the
template (`templates/appendix.html`).

Columns (CONVENTIONS.md, "The appendix table"): STT | Chỉ tiêu | Đơn vị tính | Thực hiện
năm trước | Kế hoạch năm | Ước thực hiện năm | So sánh (%): TH/KH, TH/cùng kỳ.

* Rows are grouped by the layout's sections (I, II, …; a section without rows is left out);
  inside a group the figures are numbered 1, 2, …, the parts of a total follow it as "-",
  and the main products come under a row "n. Sản phẩm … chủ yếu" as n.1, n.2, ….
* Counts appear when their unit names tasks (`task_units`, default "nhiệm vụ"), or when an
  author's sentence (`sentences:`) says them: a count of completed tasks out of a total
  reads as TH = value, KH = total.
* A plan stated as a growth rate shows in the plan column as "tăng 9%"; an approximate
  rate keeps its word ("trên 111", "gần 50").
* Targets for the next period (the section `phuong_huong`, or status "phấn đấu đạt") are
  not results and are left out; so are the indicators of a section whose layout entry says
  `appendix: false` (or does not list them): only main indicators make the table.
* A figure that says which period it is about (`period: 2021` in a 2022 report) goes in the
  column of that period ("Thực hiện năm trước"), or stays out when no column shows it.
* A number column that would be empty in every row is left out; the widths of the others
  come from their content (units and "Đơn vị tính" never break inside a word group).
* TH/KH is the plan completion (stated, else computed), TH/cùng kỳ the index 100 + growth
  (stated growth, else computed from the same-period value). A share (unit %) has no index.
* Every number is written by `vnformat` keeping the precision the data states; a figure
  that is not known is an empty cell, never 0 or "nan".

pandas is imported only by `frame` (a DataFrame for analysis and tests); the rows a report
prints come from `records` directly, so building a report never loads pandas.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Optional

from ..data.figures import CountFigure, Figure, Report, figure_label
from ..data.layout import Layout
from ..data.model import TARGETS_SECTION
from ..typography import unbreakable
from ..vnformat import HUNDRED, format_number, format_roman, upper_first

TASK_UNITS = ("nhiệm vụ",)

#: DataFrame columns, in order
COLUMNS = ("group", "section", "section_title", "kind", "id", "parent", "level", "stt", "label",
           "unit", "qualifier", "previous", "plan", "value", "plan_pct", "index", "plan_growth",
           "growth_qualifier", "plan_qualifier")
#: the numeric columns, left to right as the table shows them
NUMBER_COLUMNS = ("previous", "plan", "value", "plan_pct", "index")



def _index(growth: Optional[Decimal]) -> Optional[Decimal]:
    return None if growth is None else HUNDRED + growth


def _figure_record(f: Figure, kind: str, level: int, parent: Optional[str]) -> dict[str, Any]:
    return {"kind": kind, "id": f.id, "parent": parent, "level": level,
            "label": figure_label(f), "unit": f.unit, "qualifier": f.qualifier,
            "previous": f.same_period, "plan": f.plan, "value": f.value,
            "plan_pct": f.plan_pct, "index": _index(f.growth), "plan_growth": f.plan_growth,
            "growth_qualifier": f.growth_qualifier, "plan_qualifier": f.plan_qualifier}


def _placed(f: Figure, report: Report) -> Optional[str]:
    """Where a figure's value belongs: 'value' (this period), 'previous', or None (no column)."""
    if f.ind.period is None or f.ind.period == report.period.slug:
        return "value"
    if f.ind.period == report.period.previous.slug:
        return "previous"
    return None


def _figure_row(f: Figure, report: Report, kind: str, level: int,
                parent: Optional[str]) -> Optional[dict[str, Any]]:
    rec = _figure_record(f, kind, level, parent)
    where = _placed(f, report)
    if where is None:
        return None
    if where == "previous":  # a figure about last period: its value only, in that column
        rec.update(previous=f.value, plan=None, value=None, plan_pct=None, index=None,
                   qualifier=None, plan_growth=None, growth_qualifier=None, plan_qualifier=None)
    return rec


def _count_record(c: CountFigure, level: int, parent: Optional[str]) -> dict[str, Any]:
    same = c.count.same_period
    return {"kind": "count", "id": c.id, "parent": parent, "level": level,
            "label": upper_first(c.label), "unit": c.unit, "qualifier": c.count.qualifier,
            "previous": None if same is None else Decimal(same),
            "plan": None if c.total is None else Decimal(c.total),
            "value": Decimal(c.value), "plan_pct": c.share_pct, "index": _index(c.change),
            "plan_growth": None, "growth_qualifier": None, "plan_qualifier": None}


def records(report: Report, layout: Layout, task_units: Iterable[str] = TASK_UNITS
            ) -> list[dict[str, Any]]:
    """The appendix rows as plain records (numbers as Decimal or None), in table order."""
    task_units = tuple(task_units)
    out: list[dict[str, Any]] = []
    group = 0
    for spec in (s for part in layout.parts for s in part.sections):
        view = report.sections.get(spec.key)
        if view is None or spec.key == TARGETS_SECTION:
            continue
        rows: list[dict[str, Any]] = []
        n = 0
        for f in view.indicators.values():
            if f.is_part or f.is_target or not spec.in_appendix(f.id):
                continue
            rec = _figure_row(f, report, "indicator", 1, None)
            if rec is None:
                continue
            n += 1
            rows.append({**rec, "stt": str(n)})
            for p in f.parts:
                if not p.is_target:
                    prec = _figure_row(p, report, "part", 2, f.id)
                    if prec is not None:
                        rows.append({**prec, "stt": "-"})
        for c in view.counts.values():
            # tasks, and the counts an author's sentence says in a section whose indicators
            # go in the table (main indicators only: layout `appendix:`)
            if c.is_part or (c.unit not in task_units
                             and not (c.id in view.bound and spec.in_appendix(c.id))):
                continue
            n += 1
            rows.append({**_count_record(c, 1, None), "stt": str(n)})
        products = [f for f in view.products.values()
                    if not f.is_target and spec.in_appendix(f.id) and _placed(f, report)]
        if products:
            n += 1
            head = f"products:{spec.key}"
            rows.append({"kind": "products", "id": head, "parent": None, "level": 1,
                         "stt": str(n), "label": layout.products_title(spec.key), "unit": "",
                         "qualifier": None, **{c: None for c in NUMBER_COLUMNS}})
            for k, f in enumerate(products, start=1):
                rows.append({**_figure_row(f, report, "product", 2, head), "stt": f"{n}.{k}"})
        if not rows:
            continue
        group += 1
        title = view.title or spec.title
        out.append({"kind": "group", "id": f"group:{spec.key}", "parent": None, "level": 0,
                    "stt": format_roman(group), "label": title, "unit": "", "qualifier": None,
                    **{c: None for c in NUMBER_COLUMNS},
                    "group": format_roman(group), "section": spec.key, "section_title": title})
        for r in rows:
            r.update(group=format_roman(group), section=spec.key, section_title=title)
        out.extend(rows)
    return out


def frame(report: Report, layout: Layout, task_units: Iterable[str] = TASK_UNITS):
    """The appendix as a pandas DataFrame: one row per table row, columns `COLUMNS`.

    Numbers stay `Decimal` (object columns) so no precision is lost; unknown is None.
    """
    import pandas as pd

    recs = records(report, layout, task_units)
    df = pd.DataFrame.from_records(recs, columns=list(COLUMNS))
    for col in NUMBER_COLUMNS + ("qualifier", "parent", "plan_growth", "growth_qualifier",
                                 "plan_qualifier"):
        # keep Decimal/None as they are: no float conversion, no NaN
        df[col] = pd.Series([r.get(col) for r in recs], index=df.index, dtype=object)
    return df


def _missing(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, float) and x != x:  # NaN, from a DataFrame cell
        return True
    if "pandas" in sys.modules:  # pd.NA / NaT from a DataFrame cell (pandas already loaded)
        try:
            return bool(sys.modules["pandas"].isna(x))
        except (TypeError, ValueError):
            return False
    return False


def cell_text(x: Any, qualifier: Optional[str] = None) -> str:
    """A number as the table writes it ('1.586,397', 'trên 844'); '' when unknown."""
    if _missing(x):
        return ""
    text = format_number(x if isinstance(x, (Decimal, int)) else Decimal(str(x)))
    return f"{qualifier} {text}" if qualifier and not _missing(qualifier) else text


def plan_cell(plan: Any, plan_growth: Any) -> str:
    """The plan column: the plan value, else a planned growth rate ('tăng 9%')."""
    if not _missing(plan) or _missing(plan_growth):
        return cell_text(plan)
    from ..vnformat import format_plan_growth
    return format_plan_growth(plan_growth, "")


@dataclass(frozen=True)
class AppendixRow:
    """One row of the table as the template writes it: every cell already text."""

    kind: str  # group | indicator | part | count | products | product
    id: str
    level: int
    stt: str
    label: str
    unit: str
    previous: str
    plan: str
    value: str
    plan_pct: str
    index: str

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    @property
    def bold(self) -> bool:
        """Group rows and the heads of a block of rows (products) are bold."""
        return self.kind in ("group", "products")

    @property
    def numbers(self) -> tuple[str, str, str, str, str]:
        return (self.previous, self.plan, self.value, self.plan_pct, self.index)


def rows(report: Report, layout: Layout, task_units: Iterable[str] = TASK_UNITS
         ) -> list[AppendixRow]:
    """The rows for `templates/appendix.html` (an empty list: no appendix table).

    Built from the plain records, not the DataFrame: a build never imports pandas (0,4 s of
    every cold process), and `frame` gives the same rows as a DataFrame for analysis."""
    out = []
    for rec in records(report, layout, task_units):
        q = rec["qualifier"]
        out.append(AppendixRow(
            kind=rec["kind"], id=rec["id"], level=int(rec["level"]), stt=rec["stt"],
            label=rec["label"], unit=unbreakable(rec["unit"] or ""),
            previous=cell_text(rec["previous"]), plan=plan_cell(rec["plan"], rec.get("plan_growth")),
            value=cell_text(rec["value"], q), plan_pct=cell_text(rec["plan_pct"], rec.get("plan_qualifier")),
            index=cell_text(rec["index"], rec.get("growth_qualifier"))))
    return out


# ------------------------------------------------------------------ the table's columns
#: header words of each column (bold): a column is at least as wide as its longest word
HEADER_WORDS = {"stt": ("STT",), "label": ("Chỉ tiêu",), "unit": ("Đơn vị tính",),
                "previous": ("Thực", "hiện", "năm", "2020"), "plan": ("Kế", "hoạch", "năm", "2020"),
                "value": ("Ước", "thực", "hiện", "năm", "2020"), "plan_pct": ("TH/KH",),
                "index": ("TH/", "cùng", "kỳ")}
CELL_PAD_MM = 4.2  # left + right cell padding (Word's default margins; the PDF's are smaller)
TABLE_SIZE = 12.0  # pt, the table's font size in both writers
MIN_LABEL_MM = 40.0


@dataclass(frozen=True)
class AppendixTable:
    """The rows, the number columns worth showing, and column widths (tenths of a mm)."""

    rows: list[AppendixRow]
    columns: tuple[str, ...]  # of NUMBER_COLUMNS, in order; those empty in every row left out
    widths: tuple[int, ...]  # STT, label, unit, then one per shown number column

    def shows(self, column: str) -> bool:
        return column in self.columns

    @property
    def compare_columns(self) -> int:
        """How many of the "So sánh (%)" columns (TH/KH, TH/cùng kỳ) are shown."""
        return sum(1 for c in ("plan_pct", "index") if c in self.columns)

    def numbers(self, row: AppendixRow) -> list[str]:
        return [getattr(row, c) for c in self.columns]


def table(report: Report, layout: Layout, task_units: Iterable[str] = TASK_UNITS) -> AppendixTable:
    """The appendix table: rows, shown columns and widths measured from the content."""
    from ..frame import text_width_mm
    from ..geometry import TEXT_WIDTH_MM

    body = rows(report, layout, task_units)
    shown = tuple(c for c in NUMBER_COLUMNS if any(getattr(r, c) for r in body))

    def need(column: str, cells: list[str]) -> float:
        heads = max(text_width_mm(w, TABLE_SIZE, bold=True) for w in HEADER_WORDS[column])
        text = max((text_width_mm(c, TABLE_SIZE) for c in cells if c), default=0.0)
        return max(heads, text) + CELL_PAD_MM

    stt = need("stt", [r.stt for r in body])
    unit = need("unit", [r.unit for r in body])
    numbers = [max(need(c, [getattr(r, c) for r in body]), 14.0) for c in shown]
    label = TEXT_WIDTH_MM - stt - unit - sum(numbers)
    if label < MIN_LABEL_MM and numbers:  # squeeze the number columns, never the unit
        scale = max(0.5, (TEXT_WIDTH_MM - stt - unit - MIN_LABEL_MM) / sum(numbers))
        numbers = [n * scale for n in numbers]
        label = TEXT_WIDTH_MM - stt - unit - sum(numbers)
    widths = tuple(round(w * 10) for w in (stt, label, unit, *numbers))
    return AppendixTable(body, shown, widths)
