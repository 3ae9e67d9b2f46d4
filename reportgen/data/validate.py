"""Arithmetic and plausibility checks on a loaded report; returns findings, never prints.

Codes (the README lists them all):
RG201 parts do not add up to their total · RG202 stated growth disagrees with the values ·
RG203 stated plan completion disagrees · RG204 a count above its total · RG205 a `parts`
entry that names no indicator, or the indicator itself · RG206 the same id twice in one file (a target in `phuong_huong` may reuse its result's id) · RG207 a stated count
change disagrees · RG208 a section the layout does not know · RG301 implausible growth (warning)
· RG302 negative value (warning) or count (error) · RG209 a plan that is not above zero ·
RG210 a multiple ("gấp 3,2 lần so với năm 2015") that disagrees with its base or is not above
zero · RG211 a sentence placeholder that names no figure (nearest name suggested) · RG212 two
fields that say the same figure two ways (growth and index).
"""
from __future__ import annotations

import difflib
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Iterable, Optional

from dataclasses import replace as _replace

from ..errors import ERROR, WARNING, Finding, display_path
from .figures import Figure, Report
from .loader import Loaded
from .model import TARGETS_SECTION
from ..vnformat import HUNDRED

if TYPE_CHECKING:
    from .dataset import LoadResult

IMPLAUSIBLE_GROWTH = Decimal(1000)


def check(result: "LoadResult", strict: bool = False) -> "LoadResult":
    """Validate a loaded report: its findings gain the arithmetic checks (sections checked
    against the layout it was loaded with); with `strict`, warnings count as errors."""
    head = result.findings[:result.layout_findings]
    rest = result.findings[result.layout_findings:]
    if result.report is not None:
        keys = result.layout.section_keys if result.layout is not None else None
        rest = rest + check_report(result.report, result.loaded, keys)
        from .doccheck import check_document  # whole-document checks (RG701-RG708)
        rest = rest + check_document(result.report, result.loaded, result.province_loaded,
                                     result.layout)
    findings = head + sorted(rest)
    if strict:
        findings = [Finding(f.file, f.line, f.column, f.code, ERROR, f.message)
                    if f.severity == WARNING else f for f in findings]
    result.findings = findings
    return result


def tolerance(stated: Decimal) -> Decimal:
    """One unit of the last digit written: covers rounding and truncation (26,66 for 26,666…)."""
    exp = stated.as_tuple().exponent
    return Decimal(1).scaleb(min(exp, 0)) if isinstance(exp, int) else Decimal(1)


def fmt(x: Decimal) -> str:
    from ..vnformat import format_number
    return format_number(x)


def check_report(report: Report, loaded: Loaded, layout_sections: Optional[Iterable[str]] = None
                 ) -> list[Finding]:
    # The loader bounds every number (15 digits, 6 decimals); a wide context still keeps a
    # ratio of extreme values from overflowing a quantize here.
    with localcontext() as ctx:
        ctx.prec = 60
        return _check_report(report, loaded, layout_sections)


def _q(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


def _check_report(report: Report, loaded: Loaded, layout_sections: Optional[Iterable[str]]
                  ) -> list[Finding]:
    out: list[Finding] = []

    def at(*path) -> tuple:
        return tuple(path)

    seen: dict[tuple[str, str], tuple] = {}
    for sec_key, view in report.sections.items():
        if layout_sections is not None and sec_key not in layout_sections:
            near = difflib.get_close_matches(sec_key, list(layout_sections), n=1, cutoff=0.5)
            hint = _new_section_hint(sec_key, loaded)
            if near:
                hint = f"ý bạn là '{near[0]}'? Nếu đây là phần mới: {hint}"
            out.append(loaded.finding(at("sections", sec_key), "RG208",
                                      f"phần '{sec_key}' không có trong bố cục báo cáo: {hint}", key=True))
        groups = (("indicators", view.indicators), ("products", view.products), ("counts", view.counts))
        for group, items in groups:
            for key in items:
                here = at("sections", sec_key, group, key)
                # a target may reuse the id of the result it is a target for
                space = "targets" if sec_key == TARGETS_SECTION and group != "counts" else ""
                if (space, key) in seen:
                    line = loaded.where(seen[space, key], key=True)[0]
                    out.append(loaded.finding(here, "RG206", f"mã '{key}' đã dùng ở dòng {line}: "
                                              "mỗi chỉ tiêu cần một mã riêng, đổi tên một trong hai",
                                              key=True))
                seen.setdefault((space, key), here)

    for view in report.sections.values():
        for group, figs in (("indicators", view.indicators), ("products", view.products)):
            for fig in figs.values():
                base = at("sections", fig.section, group, fig.id)
                out.extend(_check_figure(fig, base, loaded, report))

    for sec_key, view in report.sections.items():
        out.extend(_check_sentences(report, loaded, sec_key, view.sentences))

    counts = report.counts
    for c in counts.values():
        base = at("sections", c.section, "counts", c.id)
        if c.value < 0:
            out.append(loaded.finding(base + ("value",), "RG302", f"số đếm âm ({c.value}): số đếm "
                                      "không thể âm, kiểm tra lại (mức giảm ghi ở change)"))
        if c.total is not None and c.value > c.total:
            out.append(loaded.finding(base + ("value",), "RG204",
                                      f"{c.value} lớn hơn tổng {c.total}: viết value ≤ total "
                                      "(value là số đạt được, total là tổng số)"))
        if c.count.change is not None and c.change_computed is not None:
            if abs(c.change_computed - c.count.change) > tolerance(c.count.change):
                out.append(loaded.finding(
                    base + ("change",), "RG207",
                    f"change = {fmt(c.count.change)}% khác mức tính từ số liệu "
                    f"({c.value} so với {c.count.same_period}: {fmt(_q(c.change_computed))}%): "
                    f"sửa change thành '{fmt(_q(c.change_computed))}' hoặc kiểm tra value, same_period"))
        if c.id in c.count.parts:
            out.append(_self_part(loaded, base, c.id, c.count.parts))
        elif c.count.parts:
            missing = [p for p in c.count.parts if p not in counts]
            for p in missing:
                out.append(_unknown_part(loaded, base, p, list(counts), c.count.parts))
            if not missing:
                total = sum(counts[p].value for p in c.count.parts)
                names = " + ".join(c.count.parts)
                if c.count.parts_incomplete and total > c.value:
                    out.append(loaded.finding(base + ("value",), "RG201",
                                              f"{names} = {total} lớn hơn {c.id} = {c.value}: các "
                                              "thành phần (parts_incomplete) không được lớn hơn tổng"))
                elif not c.count.parts_incomplete and total != c.value:
                    out.append(loaded.finding(base + ("value",), "RG201",
                                              f"{names} = {total} khác {c.id} = {c.value}: sửa "
                                              "giá trị tổng hoặc các thành phần cho khớp; các thành "
                                              "phần chỉ là vài nhóm thì ghi parts_incomplete: true"))
    return out


def _off(computed: Decimal, stated: Decimal, qualifier: Optional[str],
         tol: Optional[Decimal] = None) -> bool:
    """True when a stated figure disagrees with the one computed, reading its qualifier:
    "trên"/"hơn" X means the real figure is beyond X, "gần" X that it falls a little short
    (in size, on the same side of zero); unqualified, one unit of the last digit written."""
    tol = tolerance(stated) if tol is None else tol
    if qualifier in ("trên", "hơn"):
        return (computed < 0) != (stated < 0) or abs(computed) < abs(stated) - tol
    if qualifier == "gần":
        return (computed < 0) != (stated < 0) or abs(computed) > abs(stated) + tol
    return abs(computed - stated) > tol


def _check_sentences(report: Report, loaded: Loaded, sec_key: str, patterns: list[str]
                     ) -> list[Finding]:
    """RG211 for each placeholder of an author's sentence that cannot be filled, at its
    line and column in the data file."""
    from .sentences import problems
    out = []
    for i, pattern in enumerate(patterns):
        path = ("sections", sec_key, "sentences", i)
        for p in problems(report, sec_key, pattern):
            f = loaded.finding(path, "RG211", p.message)
            out.append(_replace(f, column=f.column + p.column + _quote_offset(loaded, path)))
    return out


def _quote_offset(loaded: Loaded, path: tuple) -> int:
    """1 when the scalar at `path` is quoted in the file (its text starts after the quote)."""
    line, col = loaded.where(path)
    try:
        text = loaded.path.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return 0
    return 1 if text[col - 1:col] in ("'", '"') else 0


def _new_section_hint(sec_key: str, loaded: Loaded) -> str:
    """How to add a section: an entry in the layout in force, and a template."""
    override = loaded.path.parent / "layout.yaml"
    layout = (display_path(override) if override.exists()
              else "templates/layout.yaml (hoặc bố cục riêng data/<tỉnh>/layout.yaml)")
    return (f"thêm mục '- key: {sec_key}' có title vào {layout} và tạo mẫu "
            f"sections/{sec_key}.html (xem docs/templates.md)")


def _self_part(loaded: Loaded, base: tuple, name: str, parts: list[str]) -> Finding:
    return loaded.finding(base + ("parts", parts.index(name)), "RG205", f"parts: '{name}' là chính chỉ tiêu này: "
                          f"parts chỉ liệt kê các chỉ tiêu thành phần, bỏ '{name}' khỏi danh sách")


def _unknown_part(loaded: Loaded, base: tuple, name: str, known: list[str], parts: list[str]
                  ) -> Finding:
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f"ý bạn là '{near[0]}'?" if near else "dùng mã của một chỉ tiêu trong tệp"
    return loaded.finding(base + ("parts", parts.index(name)), "RG205",
                          f"parts: không có chỉ tiêu '{name}': {hint}")


def _check_figure(fig: Figure, base: tuple, loaded: Loaded, report: Report) -> list[Finding]:
    out: list[Finding] = []
    ind = fig.ind
    unit = f" ({ind.unit})" if ind.unit else ""
    if ind.value is not None and ind.value < 0:
        out.append(loaded.finding(base + ("value",), "RG302",
                                  f"giá trị âm ({fmt(ind.value)}){unit}: kiểm tra lại (mức giảm so "
                                  "với cùng kỳ ghi ở growth, không ghi vào value)", WARNING))
    if ind.plan is not None and ind.plan <= 0:
        out.append(loaded.finding(base + ("plan",), "RG209",
                                  f"kế hoạch {fmt(ind.plan)}{unit} phải lớn hơn 0: ghi giá trị kế hoạch, "
                                  "hoặc dùng plan_growth nếu kế hoạch là tốc độ tăng"))
    elif fig.plan_pct is not None and abs(fig.plan_pct) > IMPLAUSIBLE_GROWTH:
        out.append(loaded.finding(base + ("plan_completion" if ind.plan_completion is not None else "plan",),
                                  "RG301", f"tỷ lệ thực hiện kế hoạch {fmt(fig.plan_pct.quantize(Decimal('0.01')))}% "
                                  "khó tin (trên 1000%): kiểm tra lại kế hoạch", WARNING))
    growth = fig.growth
    if growth is not None and abs(growth) > IMPLAUSIBLE_GROWTH:
        # at the stated growth, or at the value it was computed from
        out.append(loaded.finding(base + ("growth" if ind.growth is not None else "value",), "RG301",
                                  f"tốc độ tăng {fmt(growth)}% khó tin (trên 1000%): kiểm tra lại "
                                  "value, same_period và growth (nhầm đơn vị?)",
                                  WARNING))
    if ind.growth is not None and ind.index is not None:
        out.append(loaded.finding(base + ("index",), "RG212",
                                  f"growth = {fmt(ind.growth)}% và index = {fmt(ind.index)}% cùng "
                                  "nói một mức so với cùng kỳ: giữ một trong hai (index = 100 + growth)"))
    stated = fig.growth_stated
    if stated is not None and fig.growth_computed is not None:
        field = "growth" if ind.growth is not None else "index"
        written = ind.growth if ind.growth is not None else ind.index
        tol = tolerance(written)
        computed = fig.growth_computed
        q = ind.growth_qualifier
        if _off(computed, stated, q, tol):
            src = "năm trước" if fig.same_period_from_previous else "same_period"
            said = f"{q} " if q else ""
            right = _q(computed if field == "growth" else computed + HUNDRED)
            want = (f"sửa {field} thành '{fmt(right)}'" if not q
                    else f"'{q} {fmt(written)}%' không khớp mức tính được, sửa {field}")
            out.append(loaded.finding(
                base + (field,), "RG202",
                f"{field} = {said}{fmt(written)}% khác mức tính từ giá trị ({fmt(ind.value)} so "
                f"với {fmt(fig.same_period)} của {src}: {fmt(_q(computed))}%): {want} hoặc kiểm "
                "tra value, same_period"))
    if ind.plan_excess is not None:
        if ind.plan_excess <= 0:
            out.append(loaded.finding(base + ("plan_excess",), "RG203",
                                      f"plan_excess = {fmt(ind.plan_excess)}% phải lớn hơn 0 (vượt "
                                      "kế hoạch); nếu chưa đạt kế hoạch dùng plan_completion"))
        if ind.plan_completion is not None:
            if abs(ind.plan_completion - HUNDRED - ind.plan_excess) > tolerance(ind.plan_excess):
                out.append(loaded.finding(
                    base + ("plan_excess",), "RG203",
                    f"plan_excess = {fmt(ind.plan_excess)}% khác plan_completion = "
                    f"{fmt(ind.plan_completion)}% (vượt = thực hiện − 100): giữ một trong hai"))
        elif fig.plan_pct_computed is not None and abs(
                fig.plan_pct_computed - HUNDRED - ind.plan_excess) > tolerance(ind.plan_excess):
            got = _q(fig.plan_pct_computed - HUNDRED)
            out.append(loaded.finding(
                base + ("plan_excess",), "RG203",
                f"plan_excess = {fmt(ind.plan_excess)}% khác mức tính từ kế hoạch "
                f"({fmt(ind.value)}/{fmt(ind.plan)}: vượt {fmt(got)}%): sửa plan_excess thành "
                f"'{fmt(got)}' hoặc kiểm tra value, plan"))
    if ind.multiple is not None:
        m = ind.multiple
        if m.times <= 0:
            out.append(loaded.finding(base + ("multiple", "times"), "RG210",
                                      f"gấp {fmt(m.times)} lần: số lần phải lớn hơn 0"))
        if m.year >= report.period.year:
            out.append(loaded.finding(base + ("multiple", "year"), "RG210",
                                      f"năm gốc {m.year} phải trước năm báo cáo {report.period.year}"))
        if m.base_value is not None and m.base_value > 0 and ind.value is not None and m.times > 0:
            got = ind.value / m.base_value
            if abs(got - m.times) > tolerance(m.times):
                out.append(loaded.finding(
                    base + ("multiple", "times"), "RG210",
                    f"gấp {fmt(m.times)} lần khác mức tính từ giá trị ({fmt(ind.value)}/"
                    f"{fmt(m.base_value)} = {fmt(_q(got))} lần): sửa times hoặc base_value"))
    if ind.plan_completion is not None and fig.plan_pct_computed is not None:
        if _off(fig.plan_pct_computed, ind.plan_completion, ind.plan_qualifier):
            out.append(loaded.finding(
                base + ("plan_completion",), "RG203",
                f"plan_completion = {fmt(ind.plan_completion)}% khác mức tính từ kế hoạch "
                f"({fmt(ind.value)}/{fmt(ind.plan)}: {fmt(_q(fig.plan_pct_computed))}%): sửa "
                f"plan_completion thành '{fmt(_q(fig.plan_pct_computed))}' hoặc kiểm tra value, plan"))
    if fig.id in ind.parts:
        out.append(_self_part(loaded, base, fig.id, ind.parts))
    elif ind.parts:
        known = list(report.figures)
        missing = [p for p in ind.parts if p not in report.figures]
        for p in missing:
            out.append(_unknown_part(loaded, base, p, known, ind.parts))
        if not missing and ind.value is not None and all(p.value is not None for p in fig.parts):
            problem = _parts_problem(fig)
            if problem:
                out.append(loaded.finding(base + ("value",), "RG201", problem))
    return out


#: scales of the money and trade units, for parts written in another unit than their total
#: ("gần 3 nghìn tỷ đồng" under a total in tỷ đồng)
UNIT_SCALE = {"đồng": (1, "đồng"), "triệu đồng": (10**6, "đồng"), "tỷ đồng": (10**9, "đồng"),
              "nghìn tỷ đồng": (10**12, "đồng"), "USD": (1, "USD"), "nghìn USD": (10**3, "USD"),
              "triệu USD": (10**6, "USD"), "tỷ USD": (10**9, "USD")}
# southern provinces write "ngàn" for "nghìn" ("60,2 ngàn tỷ đồng", Bà Rịa - Vũng Tàu, Gia Lai)
UNIT_SCALE |= {k.replace("nghìn", "ngàn"): v for k, v in UNIT_SCALE.items() if "nghìn" in k}


def _in_unit(value: Decimal, unit: str, target: str) -> Decimal:
    a, b = UNIT_SCALE.get(unit), UNIT_SCALE.get(target)
    if unit == target or a is None or b is None or a[1] != b[1]:
        return value
    return value * Decimal(a[0]) / Decimal(b[0])


def _parts_problem(fig: Figure) -> Optional[str]:
    """Why the parts cannot add up to the total, or None.

    A stated figure is exact unless qualified: "trên"/"hơn" X means at least X, "gần" X at
    most X. The parts then span an interval [low, high] that must meet the total's own
    interval, within one unit of the total's last digit: parts marked "trên" may sum below
    the total, never above it by more than rounding."""
    ind = fig.ind
    unit = f" ({ind.unit})" if ind.unit else ""
    low = Decimal(0)
    # only some parts listed ("trong đó" the main items): they are a lower bound of the total
    high: Optional[Decimal] = None if ind.parts_incomplete else Decimal(0)
    for p in fig.parts:
        v = _in_unit(p.value, p.unit, ind.unit)
        if p.qualifier in ("trên", "hơn"):
            low += v
            high = None
        elif p.qualifier == "gần":
            high = None if high is None else high + v
        else:
            low += v
            high = None if high is None else high + v
    tol = tolerance(ind.value)
    t_low = ind.value if ind.qualifier != "gần" else Decimal(0)
    t_high = None if ind.qualifier in ("trên", "hơn") else ind.value
    names = " + ".join(ind.parts)
    approx = any(p.qualifier for p in fig.parts) or ind.qualifier or ind.parts_incomplete
    if t_high is not None and low >= t_high + tol:
        if not approx:
            return (f"{names} = {fmt(low)} khác {fig.id} = {fmt(ind.value)}{unit}: sửa giá trị "
                    "tổng hoặc các thành phần cho khớp")
        return (f"{names} ít nhất là {fmt(low)}, vượt {fig.id} = {fmt(ind.value)}{unit}: các "
                "thành phần (kể cả 'trên'/'hơn', hay chỉ là vài mục chính) cộng lại không được "
                "lớn hơn tổng")
    if high is not None and high <= t_low - tol:
        if not approx:
            return (f"{names} = {fmt(high)} khác {fig.id} = {fmt(ind.value)}{unit}: sửa giá trị "
                    "tổng hoặc các thành phần cho khớp")
        return (f"{names} nhiều nhất là {fmt(high)}, chưa tới {fig.id} = {fmt(ind.value)}{unit}: "
                "nếu thành phần là số gần đúng hãy ghi qualifier: trên hoặc hơn")
    return None
