"""An author's own sentences with placeholders bound to checked figures.

A section may carry ``sentences:``, each a sentence in the author's words in which the
numbers are placeholders naming a count or an indicator of the file::

    sentences:
      - Kiểm tra {cua_hang} cửa hàng bán lẻ xăng dầu, xử phạt {vi_pham} trường hợp

The figures named keep every check (sums, growth, plan) and their row in the appendix; the
section no longer prints them on their own. A placeholder is ``{id}`` or ``{id.form}``:

count       ``{id}`` "04/15", "trên 30" · ``value`` "04" · ``total`` "15" · ``diff`` "04" (the
            change against the same period, without sign) · ``change`` "giảm 26,66%" ·
            ``pct`` "100%" (value / total)
indicator   ``{id}`` "trên 844 nghìn tỷ đồng" (value, unit, qualifier) · ``number`` "844" ·
            ``change`` "tăng 7,7% so với cùng kỳ năm 2020" · ``growth`` "tăng 7,7%" ·
            ``index`` "107,7%" · ``plan`` "đạt 100,38% kế hoạch năm" · ``plan_value``
            "4.200 tỷ đồng" · ``same_period`` "783 nghìn tỷ đồng" · ``multiple`` "gấp 3,2 lần
            so với năm 2015"

``{{`` and ``}}`` write a brace. Substitution is a regular expression over these names
only: nothing in a sentence is evaluated (no ``str.format``, no attribute access).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Optional

from .. import vnformat as vn
from .figures import CountFigure, Figure, Report
from .placeholders import NAME, PLACEHOLDER

COUNT_FORMS = ("value", "total", "diff", "change", "pct")
FIGURE_FORMS = ("number", "change", "growth", "index", "plan", "plan_value", "same_period",
                "multiple")


@dataclass(frozen=True)
class Problem:
    """A placeholder that cannot be filled: `column` is its offset in the sentence."""

    column: int
    message: str


def _lookup(report: Report, section: str, name: str):
    view = report.sections.get(section)
    if view is not None:
        for group in (view.counts, view.indicators, view.products):
            if name in group:
                return group[name]
    return report.counts.get(name) or report.figures.get(name)


def problems(report: Report, section: str, pattern: str) -> list[Problem]:
    """Everything wrong with a sentence's placeholders, each with the nearest valid name."""
    out: list[Problem] = []
    names = sorted({*report.counts, *report.figures})
    for m in PLACEHOLDER.finditer(pattern):
        text = m.group(0)
        if text in ("{{", "}}"):
            continue
        if m.group(1) is None:
            out.append(Problem(m.start(), f"dấu '{text}' lẻ: chỗ trống viết {{mã}}, dấu ngoặc "
                                          f"nhọn thật viết '{text * 2}'"))
            continue
        n = NAME.match(m.group(1))
        if not n:
            out.append(Problem(m.start(), f"chỗ trống '{text}' không hợp lệ: viết {{mã}} hoặc "
                                          "{mã.dạng}, ví dụ {ban_le} hay {ban_le.change}"))
            continue
        name, form = n.group(1), n.group(2)
        target = _lookup(report, section, name)
        if target is None:
            near = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
            hint = f"ý bạn là '{{{near[0]}}}'?" if near else "dùng mã một chỉ tiêu hoặc số đếm trong tệp"
            out.append(Problem(m.start(), f"chỗ trống '{text}' không có chỉ tiêu '{name}': {hint}"))
            continue
        forms = COUNT_FORMS if isinstance(target, CountFigure) else FIGURE_FORMS
        if form is not None and form not in forms:
            near = difflib.get_close_matches(form, forms, n=1, cutoff=0.5)
            hint = f"ý bạn là '{{{name}.{near[0]}}}'? " if near else ""
            out.append(Problem(m.start(), f"chỗ trống '{text}': không có dạng '{form}'; {hint}"
                                          f"các dạng: {', '.join(forms)}"))
            continue
        try:
            _fill_one(report, target, form)
        except (ValueError, TypeError):
            out.append(Problem(m.start(), f"chỗ trống '{text}': chỉ tiêu '{name}' không có số "
                                          f"liệu cho dạng này"))
    return out


def fill(report: Report, section: str, pattern: str) -> str:
    """The sentence with every placeholder written by vnformat (checked by `problems` first)."""
    def one(m: re.Match) -> str:
        text = m.group(0)
        if text in ("{{", "}}"):
            return text[0]
        n = NAME.match(m.group(1) or "")
        if not n:
            raise ValueError(f"chỗ trống không hợp lệ {text!r}")
        target = _lookup(report, section, n.group(1))
        if target is None:
            raise ValueError(f"không có chỉ tiêu {n.group(1)!r}")
        return _fill_one(report, target, n.group(2))

    return PLACEHOLDER.sub(one, pattern)


def _base(report: Report, f: Figure) -> str:
    p = report.period
    return vn.format_base(f.base or report.province.style.base, p.year - 1, p.half)


def _need(x):
    if x is None:
        raise ValueError("thiếu số liệu")
    return x


def _fill_one(report: Report, target, form: Optional[str]) -> str:
    style = report.province.style
    if isinstance(target, CountFigure):
        c = target
        if form is None:
            text = vn.format_count(c.value, c.total, c.pad)
            return f"{c.qualifier} {text}" if c.qualifier else text
        if form == "value":
            return vn.format_count(c.value, None, c.pad)
        if form == "total":
            return vn.format_count(_need(c.total), None, 0)
        if form == "diff":
            return vn.format_count(abs(_need(c.diff)), None, c.pad)
        if form == "change":
            return vn.format_change(_need(c.change), "")
        if form == "pct":
            return vn.format_percent(_need(c.share_pct))
        raise ValueError(form)
    f: Figure = target
    if form is None:
        return vn.format_value(_need(f.value), f.unit, f.qualifier)
    if form == "number":
        text = vn.format_number(_need(f.value))
        return f"{f.qualifier} {text}" if f.qualifier else text
    if form == "change":
        return vn.format_change(_need(f.growth), _base(report, f), f.compare or style.compare,
                                style.same_threshold, None, f.growth_qualifier)
    if form == "growth":
        return vn.format_change(_need(f.growth), "", qualifier=f.growth_qualifier)
    if form == "index":
        return vn.format_percent(vn.HUNDRED + _need(f.growth))
    if form == "plan":
        return vn.format_plan(_need(f.plan_pct), f.plan_style, f.plan_name or style.plan_name,
                              so_voi=f.plan_excess is None, qualifier=f.plan_qualifier)
    if form == "plan_value":
        return vn.format_value(_need(f.plan), f.unit)
    if form == "same_period":
        return vn.format_value(_need(f.same_period), f.unit)
    if form == "multiple":
        m = _need(f.multiple)
        return vn.format_multiple(m.times, m.year, half=report.period.half)
    raise ValueError(form)


def finish(text: str) -> str:
    """A sentence ends with a full stop (unless it already ends with punctuation)."""
    text = text.rstrip()
    return text if text[-1:] in ".!?…:;" else text + "."
