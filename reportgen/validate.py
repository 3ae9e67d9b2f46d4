"""Arithmetic and plausibility checks on a loaded report; returns findings, never prints.

Codes (the README lists them all):
RG201 parts do not add up to their total · RG202 stated growth disagrees with the values ·
RG203 stated plan completion disagrees · RG204 a count above its total · RG205 a `parts`
entry that names no indicator · RG206 the same id twice in one file · RG207 a stated count
change disagrees · RG208 a section the layout does not know · RG301 implausible growth (warning)
· RG302 negative quantity (warning).
"""
from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Iterable, Optional

from .errors import ERROR, WARNING, Finding
from .figures import Figure, Report
from .loader import Loaded

IMPLAUSIBLE_GROWTH = Decimal(1000)


def tolerance(stated: Decimal) -> Decimal:
    """One unit of the last digit written: covers rounding and truncation (26,66 for 26,666…)."""
    exp = stated.as_tuple().exponent
    return Decimal(1).scaleb(min(exp, 0)) if isinstance(exp, int) else Decimal(1)


def fmt(x: Decimal) -> str:
    from .vnformat import format_number
    return format_number(x)


def check_report(report: Report, loaded: Loaded, layout_sections: Optional[Iterable[str]] = None
                 ) -> list[Finding]:
    out: list[Finding] = []

    def at(*path) -> tuple:
        return tuple(path)

    seen: dict[str, tuple] = {}
    for sec_key, view in report.sections.items():
        if layout_sections is not None and sec_key not in layout_sections:
            near = difflib.get_close_matches(sec_key, list(layout_sections), n=1, cutoff=0.5)
            hint = f"ý bạn là '{near[0]}'?" if near else "thêm phần này vào templates/layout.yaml"
            out.append(loaded.finding(at("sections", sec_key), "RG208",
                                      f"phần '{sec_key}' không có trong bố cục báo cáo: {hint}", key=True))
        groups = (("indicators", view.indicators), ("products", view.products), ("counts", view.counts))
        for group, items in groups:
            for key in items:
                here = at("sections", sec_key, group, key)
                if key in seen:
                    line = loaded.where(seen[key], key=True)[0]
                    out.append(loaded.finding(here, "RG206", f"mã '{key}' đã dùng ở dòng {line}: "
                                              "mỗi chỉ tiêu cần một mã riêng", key=True))
                seen.setdefault(key, here)

    for fig in report.figures.values():
        group = "products" if fig.id in report.sections[fig.section].products else "indicators"
        base = at("sections", fig.section, group, fig.id)
        out.extend(_check_figure(fig, base, loaded, report))

    counts = report.counts
    for c in counts.values():
        base = at("sections", c.section, "counts", c.id)
        if c.value < 0:
            out.append(loaded.finding(base + ("value",), "RG302", f"số đếm âm ({c.value}): kiểm tra lại",
                                      WARNING))
        if c.total is not None and c.value > c.total:
            out.append(loaded.finding(base + ("value",), "RG204",
                                      f"{c.value} lớn hơn tổng {c.total}: viết value ≤ total"))
        if c.count.change is not None and c.change_computed is not None:
            if abs(c.change_computed - c.count.change) > tolerance(c.count.change):
                out.append(loaded.finding(
                    base + ("change",), "RG207",
                    f"change = {fmt(c.count.change)}% khác mức tính từ số liệu "
                    f"({c.value} so với {c.count.same_period}: {fmt(c.change_computed.quantize(Decimal('0.01')))}%)"))
        if c.count.parts:
            missing = [p for p in c.count.parts if p not in counts]
            for p in missing:
                out.append(_unknown_part(loaded, base, p, list(counts)))
            if not missing:
                total = sum(counts[p].value for p in c.count.parts)
                if total != c.value:
                    names = " + ".join(c.count.parts)
                    out.append(loaded.finding(base + ("value",), "RG201",
                                              f"{names} = {total} khác {c.id} = {c.value}"))
    return out


def _unknown_part(loaded: Loaded, base: tuple, name: str, known: list[str]) -> Finding:
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f"ý bạn là '{near[0]}'?" if near else "dùng mã của một chỉ tiêu trong tệp"
    return loaded.finding(base + ("parts",), "RG205", f"parts: không có chỉ tiêu '{name}': {hint}")


def _check_figure(fig: Figure, base: tuple, loaded: Loaded, report: Report) -> list[Finding]:
    out: list[Finding] = []
    ind = fig.ind
    unit = f" ({ind.unit})" if ind.unit else ""
    if ind.value is not None and ind.value < 0:
        out.append(loaded.finding(base + ("value",), "RG302",
                                  f"giá trị âm ({fmt(ind.value)}){unit}: kiểm tra lại", WARNING))
    growth = fig.growth
    if growth is not None and abs(growth) > IMPLAUSIBLE_GROWTH:
        out.append(loaded.finding(base + ("growth",), "RG301",
                                  f"tốc độ tăng {fmt(growth)}% khó tin (trên 1000%): kiểm tra lại",
                                  WARNING))
    if ind.growth is not None and fig.growth_computed is not None:
        if abs(fig.growth_computed - ind.growth) > tolerance(ind.growth):
            src = "năm trước" if fig.same_period_from_previous else "same_period"
            out.append(loaded.finding(
                base + ("growth",), "RG202",
                f"growth = {fmt(ind.growth)}% khác mức tính từ giá trị ({fmt(ind.value)} so với "
                f"{fmt(fig.same_period)} của {src}: {fmt(fig.growth_computed.quantize(Decimal('0.01')))}%)"))
    if ind.plan_completion is not None and fig.plan_pct_computed is not None:
        if abs(fig.plan_pct_computed - ind.plan_completion) > tolerance(ind.plan_completion):
            out.append(loaded.finding(
                base + ("plan_completion",), "RG203",
                f"plan_completion = {fmt(ind.plan_completion)}% khác mức tính từ kế hoạch "
                f"({fmt(ind.value)}/{fmt(ind.plan)}: {fmt(fig.plan_pct_computed.quantize(Decimal('0.01')))}%)"))
    if ind.parts:
        known = list(report.figures)
        missing = [p for p in ind.parts if p not in report.figures]
        for p in missing:
            out.append(_unknown_part(loaded, base, p, known))
        total = fig.parts_sum
        if not missing and total is not None and ind.value is not None:
            if abs(total - ind.value) >= tolerance(ind.value):
                names = " + ".join(ind.parts)
                out.append(loaded.finding(base + ("value",), "RG201",
                                          f"{names} = {fmt(total)} khác {fig.id} = {fmt(ind.value)}{unit}"))
    return out
