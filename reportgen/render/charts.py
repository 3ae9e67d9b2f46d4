"""Charts drawn from a Report: one drawing each (`reportgen.drawing`), written as SVG (vector,
for HTML and PDF) and PNG (DOCX).

The names below (`NAMES`), each chart's caption (`caption`) and when it is drawn live
here only: templates loop over ``chart_names_all`` and ask ``chart_caption(name)``.
A template asks for a chart by name with ``{{ chart('plan_completion', caption) }}``, which
emits ``<figure data-chart="plan_completion">`` when the chart is worth drawing and nothing
otherwise; the reader draws every requested chart through `drawer`, so the Document is
complete when it is read and writers only get pictures. Charts, and when each is drawn
(docs/templates.md, "Biểu đồ"):

``plan_completion``
    Plan completion (TH/KH, %) of each main indicator and product as horizontal bars against
    the plan line: 100% of the plan, or for a first-half-year report the half-year pace (50%
    of the annual plan). A bar at or past the line is "met". Drawn when at least
    `MIN_BARS` figures have a plan completion and they differ by at least `MIN_SPREAD`
    points: two bars, or bars that all say the same, are better read in the text.
``trend``
    Production value, retail sales and trade over the province's periods (the earlier
    periods of the same kind, years or the same half year, loaded into `Report.history`),
    one panel each. A panel needs the figure in at least three periods, in the same unit.

Drawing is plain Python (no matplotlib): the SVG keeps its text as text in the report's
font family (the PDF embeds the body font it already has), the PNG is drawn by Pillow with
the same font file, both from the same items, with no date: identical input gives identical
bytes. Axis numbers are written the Vietnamese way through `vnformat`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..data.figures import Report, figure_label
from ..data.model import TARGETS_SECTION, PeriodData
from ..data.period import Period
from ..vnformat import HUNDRED, format_number, format_percent, lower_first
from .drawing import Drawing, Line, Rect, Text, text_width, to_png, to_svg, wrap

NAMES = ("plan_completion", "trend")
PNG_DPI = 200  # the DOCX picture: sharp when printed at its width
FONT_SIZE = 10  # points, at the chart's printed width
MIN_BARS = 3      # plan_completion: fewer bars say nothing a sentence does not
MIN_SPREAD = Decimal(5)  # percentage points between the lowest and highest bar

COLOR_MET = "#1f4e79"  # plan reached
COLOR_SHORT = "#c55a11"  # plan not reached
COLOR_TREND = "#1f4e79"
COLOR_CURRENT = "#2e75b6"


class ChartError(ValueError):
    """A chart asked for by name that does not exist or has no data."""


# ------------------------------------------------------------------ data
@dataclass(frozen=True)
class Bar:
    label: str
    pct: Decimal
    met: bool  # at or past the plan line (`plan_pace`)


@dataclass(frozen=True)
class Series:
    title: str
    unit: str
    points: tuple[tuple[Period, Decimal], ...]


def plan_pace(period: Period) -> Decimal:
    """The share of the annual plan a report of this period is measured against: 50% at
    mid-year (a first-half report states completion of the annual plan), else 100%."""
    return Decimal(50) if period.half == "h1" else HUNDRED


def plan_line_label(period: Period) -> str:
    pace = plan_pace(period)
    return "Kế hoạch (100%)" if pace == HUNDRED else f"Tiến độ 6 tháng ({format_percent(pace)} KH năm)"


def plan_axis_label(period: Period) -> str:
    return "Tỷ lệ thực hiện so với kế hoạch năm"


def legend_met(period: Period) -> str:
    return "Đạt, vượt kế hoạch" if plan_pace(period) == HUNDRED else "Đạt, vượt tiến độ 6 tháng"


def legend_short(period: Period) -> str:
    return "Chưa đạt kế hoạch" if plan_pace(period) == HUNDRED else "Chậm so với tiến độ 6 tháng"


def plan_bars(report: Report) -> list[Bar]:
    """Every figure with a plan completion: indicators (with their parts) then products."""
    bars = []
    pace = plan_pace(report.period)
    for key, view in report.sections.items():
        if key == TARGETS_SECTION:
            continue
        for f in list(view.indicators.values()) + list(view.products.values()):
            # an implausible completion (a finding warns of it) would only flatten the others
            if f.plan_pct is not None and not f.is_target and 0 <= f.plan_pct <= 1000:
                bars.append(Bar(figure_label(f), f.plan_pct, f.plan_pct >= pace))
    return bars


def _value_in(data: PeriodData, key: str) -> Optional[tuple[str, Decimal]]:
    for sec_key, sec in data.sections.items():
        if sec_key == TARGETS_SECTION:  # targets are not results
            continue
        for k, ind in {**sec.indicators, **sec.products}.items():
            if k == key and ind.value is not None:
                return ind.unit, ind.value
    return None


def trend_series(report: Report) -> list[Series]:
    """The trend panels that have the figure in three periods or more (same unit)."""
    out = []
    periods = list(report.history) + [(report.period, report.data)]  # loaded with the report
    panels = report.layout.trend if report.layout is not None else []
    for panel in panels:  # templates/layout.yaml, `charts: trend:`
        title = panel.title
        key = next((k for k in panel.ids if _value_in(report.data, k)), None)
        if key is None:
            continue
        unit, _ = _value_in(report.data, key)
        points = []
        for p, data in periods:
            found = _value_in(data, key)
            if found and found[0] == unit:
                points.append((p, found[1]))
        if len(points) >= 3:
            out.append(Series(title, unit, tuple(points)))
    return out


def available(name: str, report: Report) -> bool:
    """Whether the chart has the data it needs and is worth drawing (module docstring)."""
    if name == "plan_completion":
        bars = plan_bars(report)
        return (len(bars) >= MIN_BARS
                and max(b.pct for b in bars) - min(b.pct for b in bars) >= MIN_SPREAD)
    if name == "trend":
        return bool(trend_series(report))
    raise ChartError(f"không có biểu đồ '{name}': dùng một trong {', '.join(NAMES)}")


def caption(name: str, report: Report) -> str:
    """The chart's caption in the appendix, after "Biểu đồ N. " (a template may pass its
    own to `chart()` instead)."""
    period = report.period
    if name == "plan_completion":
        return f"Tỷ lệ thực hiện kế hoạch năm {period.year} của các chỉ tiêu chủ yếu"
    if name == "trend":
        words = report.layout.trend_caption if report.layout is not None else None
        if not words:  # the titles of the panels drawn: "A, b và c"
            titles = [s.title for s in trend_series(report)]
            titles = titles[:1] + [lower_first(t) for t in titles[1:]]
            words = (", ".join(titles[:-1]) + " và " + titles[-1]) if len(titles) > 1 \
                else "".join(titles)
        return f"{words} qua các " + ("năm" if not period.half else "kỳ")
    raise ChartError(f"không có biểu đồ '{name}': dùng một trong {', '.join(NAMES)}")


def alt_text(name: str, report: Report) -> str:
    """The chart said in words (its text alternative for screen readers and the tagged PDF):
    every figure it draws, written as the report writes numbers."""
    if name == "plan_completion":
        items = "; ".join(f"{b.label}: {format_percent(b.pct)}" for b in plan_bars(report))
        return ("Biểu đồ thanh ngang, tỷ lệ thực hiện so với kế hoạch năm (vạch 100% là kế "
                f"hoạch): {items}.")
    panels = []
    for s in trend_series(report):
        points = ", ".join(f"{p.short}: {format_number(v)}" for p, v in s.points)
        panels.append(f"{s.title} ({s.unit}) {points}" if s.unit else f"{s.title} {points}")
    return "Biểu đồ cột qua các kỳ: " + "; ".join(panels) + "."


# ------------------------------------------------------------------ drawing
def axis_number(x: float, _pos=None) -> str:
    """A tick value written the Vietnamese way: 1.500, 12,5."""
    d = Decimal(repr(round(float(x), 6))).normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return format_number(d)


def axis_percent(x: float, _pos=None) -> str:
    return axis_number(x) + "%"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0, step, 2·step, … up to at least `top`, with a round step (1, 2, 2,5 or 5 × 10ⁿ)."""
    import math
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(k * step, 10) for k in range(n + 1)]


GRID = "#d0d0d0"
GAP = 2.0  # points kept free around a value label (the plan line stops there)


def plan_completion_drawing(report: Report, width_mm: float = 150.0) -> Drawing:
    """The plan-completion drawing whatever the number of bars (`drawing` checks first)."""
    return _plan_completion(report, width_mm / 25.4 * 72)


def _plan_completion(report: Report, width: float) -> Drawing:
    """Horizontal bars of plan completion against the plan line (100%, or the pace of a
    half year): labels on the left, the value at each bar's end, the line interrupted
    wherever it would cross a value label."""
    bars = plan_bars(report)
    pace = float(plan_pace(report.period))
    size, small = FONT_SIZE, FONT_SIZE - 1
    label_w = width * 0.36
    wrapped = [wrap(b.label, label_w, size) for b in bars]
    label_w = min(width * 0.5, max(text_width(ln, size) for lines in wrapped for ln in lines))
    values = [float(b.pct) for b in bars]
    value_texts = [format_percent(b.pct) for b in bars]
    value_w = max(text_width(t, small, True) for t in value_texts)
    top_margin, line_h = 18.0, size * 1.15
    rows = [max(22.0, len(lines) * line_h + 8) for lines in wrapped]
    plot_top = top_margin
    plot_bottom = plot_top + sum(rows)
    x0 = label_w + 8
    ticks = nice_ticks(max(values + [pace]) * 1.02)
    x1 = width - text_width(axis_percent(ticks[-1]), small) / 2 - 1
    # the axis ends at the last tick; the longest bar's label must fit after its bar
    scale = min((x1 - x0) / ticks[-1], (x1 - value_w - 4 - x0) / max(values + [pace]))
    X = lambda v: x0 + v * scale  # noqa: E731
    legend_y = plot_bottom + 40
    d = Drawing(width, legend_y + 8)
    for t in ticks:  # grid and tick labels
        d.add(Line(X(t), plot_top, X(t), plot_bottom, GRID, 0.5, role="grid"))
        d.add(Line(X(t), plot_bottom, X(t), plot_bottom + 3, role="tick"))
        d.add(Text(X(t), plot_bottom + 3 + small, axis_percent(t), small, "middle", role="tick"))
    labels: list[Text] = []
    y = plot_top
    for b, lines, h, v, vt in zip(bars, wrapped, rows, values, value_texts):
        mid = y + h / 2
        bar_h = min(14.0, h - 8)
        d.add(Rect(x0, mid - bar_h / 2, X(v) - x0, bar_h, COLOR_MET if b.met else COLOR_SHORT,
                   role="bar"))
        first = mid - (len(lines) - 1) * line_h / 2 + 0.35 * size
        for k, ln in enumerate(lines):
            d.add(Text(x0 - 6, first + k * line_h, ln, size, "end", role="label"))
        labels.append(d.add(Text(X(v) + 3, mid + 0.35 * small, vt, small, bold=True,
                                 role="value")))
        y += h
    d.add(Line(x0, plot_top, x0, plot_bottom, role="axis"))
    d.add(Line(x0, plot_bottom, X(ticks[-1]), plot_bottom, role="axis"))
    # the plan line, stopped around every value label it would cross
    px = X(pace)
    cuts = sorted((t.box[1] - GAP, t.box[3] + GAP) for t in labels
                  if t.box[0] - GAP <= px <= t.box[2] + GAP)
    start = plan_line_top = plot_top - 4
    for a, b in cuts + [(plot_bottom, plot_bottom)]:
        if a > start:
            d.add(Line(px, start, px, a, "#000000", 1.0, (4.0, 2.0), role="plan"))
        start = max(start, b)
    d.add(Text(px, plan_line_top - 3, plan_line_label(report.period), small, "middle",
               role="plan"))
    d.add(Text((x0 + X(ticks[-1])) / 2, plot_bottom + 3 + small + 14,
               plan_axis_label(report.period), small, "middle", role="axis"))
    # legend: the colours that appear
    keys = [(COLOR_MET, legend_met(report.period)), (COLOR_SHORT, legend_short(report.period))]
    shown = [(c, t) for c, t in keys if any((COLOR_MET if b.met else COLOR_SHORT) == c
                                             for b in bars)]
    widths = [10 + 4 + text_width(t, small) for _, t in shown]
    lx = (x0 + X(ticks[-1])) / 2 - (sum(widths) + 16 * (len(shown) - 1)) / 2
    for (color, text), w in zip(shown, widths):
        d.add(Rect(lx, legend_y - 8, 10, 8, color, role="legend"))
        d.add(Text(lx + 14, legend_y, text, small, role="legend"))
        lx += w + 16
    return d


def _trend(report: Report, width: float) -> Drawing:
    """One panel per series: vertical bars over the periods, the current one highlighted."""
    series = trend_series(report)
    size, small = FONT_SIZE - 1, FONT_SIZE - 2
    n = len(series)
    gap = 14.0
    panel_w = (width - gap * (n - 1)) / n
    titles = [wrap(f"{s.title} ({s.unit})" if s.unit else s.title, panel_w - 4, size)
              for s in series]
    title_h = max(len(t) for t in titles) * size * 1.15 + 4
    height = 72 / 25.4 * 72  # 72 mm
    plot_top = title_h + 14
    plot_bottom = height - 18
    d = Drawing(width, height)
    for k, (s, title) in enumerate(zip(series, titles)):
        left = k * (panel_w + gap)
        for j, ln in enumerate(title):
            d.add(Text(left + panel_w / 2, size + j * size * 1.15, ln, size, "middle",
                       role="title"))
        values = [float(v) for _, v in s.points]
        ticks = nice_ticks(max(values) * 1.1 if values else 1.0)
        tick_w = max(text_width(axis_number(t), small) for t in ticks)
        x0 = left + tick_w + 5
        x1 = left + panel_w
        Y = lambda v: plot_bottom - v / ticks[-1] * (plot_bottom - plot_top)  # noqa: E731
        for t in ticks:
            d.add(Line(x0, Y(t), x1, Y(t), GRID, 0.5, role="grid"))
            d.add(Text(x0 - 3, Y(t) + 0.35 * small, axis_number(t), small, "end", role="tick"))
        slot = (x1 - x0) / len(values)
        for j, ((p, v), fv) in enumerate(zip(s.points, values)):
            cx = x0 + slot * (j + 0.5)
            bw = slot * 0.62
            color = COLOR_CURRENT if p == report.period else COLOR_TREND
            d.add(Rect(cx - bw / 2, Y(fv), bw, plot_bottom - Y(fv), color, role="bar"))
            d.add(Text(cx, Y(fv) - 2, format_number(v), small, "middle", role="value"))
            d.add(Text(cx, plot_bottom + 3 + small, p.short, small, "middle",
                       role="tick"))
        d.add(Line(x0, plot_top - 4, x0, plot_bottom, role="axis"))
        d.add(Line(x0, plot_bottom, x1, plot_bottom, role="axis"))
    return d


def drawing(name: str, report: Report, width_mm: float = 150.0) -> Drawing:
    """The chart as one drawing (points), from which the SVG and the PNG are written."""
    if not available(name, report):
        raise ChartError(f"biểu đồ '{name}' không có đủ số liệu")
    width = width_mm / 25.4 * 72
    if name == "plan_completion":
        return _plan_completion(report, width)
    return _trend(report, width)


@dataclass(frozen=True)
class Drawn:
    svg: bytes
    png: bytes
    seconds: float


def draw(name: str, report: Report, width_mm: float = 150.0) -> Drawn:
    """The chart as SVG and PNG bytes (identical for identical input), from one drawing."""
    import time

    start = time.perf_counter()
    d = drawing(name, report, width_mm)
    return Drawn(to_svg(d, width_mm), to_png(d, PNG_DPI), time.perf_counter() - start)


# ------------------------------------------------------------------ cache
_CACHE: "dict[tuple, Drawn]" = {}
CACHE_SIZE = 32


def chart_key(name: str, report: Report, width_mm: float) -> tuple:
    """Everything a chart is drawn from (its data, the period, the width, the font file): two
    reports with equal keys get byte-identical pictures."""
    from .drawing import font_file
    data = (tuple(plan_bars(report)) if name == "plan_completion"
            else tuple(trend_series(report)))
    return (name, width_mm, report.period.slug, data, font_file(False), font_file(True))


def cached_draw(name: str, report: Report, width_mm: float) -> Drawn:
    """`draw`, remembered per process by `chart_key` (the preview redraws only the charts whose
    figures changed). Builds hold their targets with it empty (`clear_cache`)."""
    key = chart_key(name, report, width_mm)
    found = _CACHE.get(key)
    if found is None:
        found = draw(name, report, width_mm)
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = found
    return found


def clear_cache() -> None:
    _CACHE.clear()


# ------------------------------------------------------------------ the document
def drawer(report: Report):
    """`draw(name, width_mm) -> (svg, png, alt)` for the reader: every chart a template asks
    for is drawn from the report (`cached_draw`), with its text alternative, so the Document
    leaves the reader complete."""
    def draw_chart(name: str, width_mm: float) -> tuple[bytes, bytes, str]:
        drawn = cached_draw(name, report, width_mm)
        return drawn.svg, drawn.png, alt_text(name, report)

    return draw_chart
