"""Charts drawn from a Report with matplotlib: SVG (vector, for HTML and PDF) and PNG (DOCX).

A template asks for a chart by name with ``{{ chart('plan_completion', caption) }}``, which
emits ``<figure data-chart="plan_completion">`` when the chart has data and nothing
otherwise; the build then draws every requested chart (`fill_images`) so writers only get
pictures. Charts:

``plan_completion``
    Plan completion (TH/KH, %) of each main indicator and product as horizontal bars against
    a 100% line. Needs at least two figures with a plan completion.
``trend``
    Production value, retail sales and trade over the province's periods (the files
    ``data/<slug>/<period>.yaml`` of the same kind: years, or the same half year), one panel
    each. A panel needs the figure in at least three periods, in the same unit.

Reproducible bytes: the SVG has its text as paths (``svg.fonttype = 'path'``: no font
needed to show it, and no font the PDF must embed), a fixed ``svg.hashsalt`` and no date;
the PNG has no software stamp. Text is set in Liberation Serif / Tinos (Times metrics);
axis numbers are written the Vietnamese way through `vnformat`. matplotlib is imported
only when a chart is drawn.
"""
from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..data.figures import Figure, Report
from ..data.model import TARGETS_SECTION, Period, PeriodData
from ..vnformat import format_number, format_percent

NAMES = ("plan_completion", "trend")
PNG_DPI = 200  # the DOCX picture: sharp when printed at its width
FONT_SERIF = ["Liberation Serif", "Tinos", "Times New Roman", "DejaVu Serif"]
FONT_SIZE = 10
TARGET_STATUS = "phấn đấu đạt"

# trend panels: (title, candidate indicator ids: the first present is used)
TREND_SERIES = (
    ("Giá trị sản xuất công nghiệp", ("gtsx_cong_nghiep", "gtsx_cong_nghiep_hien_hanh")),
    ("Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", ("ban_le",)),
    ("Kim ngạch xuất nhập khẩu", ("tong_kim_ngach", "xuat_khau")),
)

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


@dataclass(frozen=True)
class Series:
    title: str
    unit: str
    points: tuple[tuple[Period, Decimal], ...]


def period_short(p: Period) -> str:
    """'2022', or '6T/2023' for a first half year."""
    return {None: str(p.year), "h1": f"6T đầu {p.year}", "h2": f"6T cuối {p.year}"}[p.half]


def history(province_dir: Optional[Path], period: Period) -> list[tuple[Period, PeriodData]]:
    """The province's earlier periods of the same kind that load without error, oldest first.

    Files with errors are left out (their own validation reports them)."""
    from ..data.dataset import find_entries, load_period

    out: list[tuple[Period, PeriodData]] = []
    if province_dir is None or not province_dir.is_dir():
        return out
    # the same file discovery as everywhere else (exact, canonical period names only)
    for entry in find_entries(province_dir.parent):
        p = entry.period
        if entry.slug != province_dir.name or p.half != period.half or p.year >= period.year:
            continue
        data, loaded = load_period(entry.path)
        if data is not None and loaded.ok:
            out.append((p, data))
    return sorted(out, key=lambda x: x[0].year)


def plan_bars(report: Report) -> list[Bar]:
    """Every figure with a plan completion: indicators (with their parts) then products."""
    from .appendix import figure_label

    bars = []
    for key, view in report.sections.items():
        if key == TARGETS_SECTION:
            continue
        for f in list(view.indicators.values()) + list(view.products.values()):
            # an implausible completion (a finding warns of it) would only flatten the others
            if f.plan_pct is not None and f.status != TARGET_STATUS and 0 <= f.plan_pct <= 1000:
                bars.append(Bar(figure_label(f), f.plan_pct))
    return bars


def _value_in(data: PeriodData, key: str) -> Optional[tuple[str, Decimal]]:
    for sec_key, sec in data.sections.items():
        if sec_key == TARGETS_SECTION:  # targets are not results
            continue
        for k, ind in {**sec.indicators, **sec.products}.items():
            if k == key and ind.value is not None:
                return ind.unit, ind.value
    return None


def trend_series(report: Report, past: list[tuple[Period, PeriodData]]) -> list[Series]:
    """The trend panels that have the figure in three periods or more (same unit)."""
    out = []
    periods = past + [(report.period, report.data)]
    for title, keys in TREND_SERIES:
        key = next((k for k in keys if _value_in(report.data, k)), None)
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


def available(name: str, report: Report, past: list[tuple[Period, PeriodData]]) -> bool:
    """Whether the chart has the data it needs."""
    if name == "plan_completion":
        return len(plan_bars(report)) >= 2
    if name == "trend":
        return bool(trend_series(report, past))
    raise ChartError(f"không có biểu đồ '{name}': dùng một trong {', '.join(NAMES)}")


# ------------------------------------------------------------------ drawing
def axis_number(x: float, _pos=None) -> str:
    """A tick value (a float from matplotlib) written the Vietnamese way: 1.500, 12,5."""
    d = Decimal(repr(round(float(x), 6))).normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return format_number(d)


def axis_percent(x: float, _pos=None) -> str:
    return axis_number(x) + "%"


def _rc(name: str) -> dict:
    return {
        "svg.fonttype": "path",
        "svg.hashsalt": f"reportgen-{name}",
        "font.family": "serif",
        "font.serif": FONT_SERIF,
        "font.size": FONT_SIZE,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "hatch.linewidth": 0.6,
        "path.simplify": False,
    }


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def _plan_completion(fig, report: Report) -> None:
    from matplotlib.ticker import FuncFormatter

    bars = plan_bars(report)
    ax = fig.add_subplot()
    labels = [_wrap(b.label, 34) for b in bars]
    values = [float(b.pct) for b in bars]
    ypos = list(range(len(bars)))[::-1]  # first figure on top
    colors = [COLOR_MET if b.pct >= 100 else COLOR_SHORT for b in bars]
    ax.barh(ypos, values, height=0.6, color=colors, zorder=2)
    top = max(values + [100.0])
    ax.set_xlim(0, top * 1.12)
    for y, b, v, color in zip(ypos, bars, values, colors):
        label = format_percent(b.pct)
        if v >= top * 0.3:  # inside the bar's end, white on the bar (hiding the 100% line)
            ax.text(v - top * 0.012, y, label, va="center", ha="right", color="white",
                    fontsize=FONT_SIZE - 1, fontweight="bold", zorder=4,
                    bbox={"facecolor": color, "edgecolor": "none", "pad": 1.0})
        else:
            ax.text(v + top * 0.012, y, label, va="center", ha="left", fontsize=FONT_SIZE - 1,
                    zorder=4)
    ax.axvline(100, color="black", linewidth=1.0, linestyle=(0, (4, 2)), zorder=3)
    ax.annotate("Kế hoạch (100%)", xy=(100, 1.0), xycoords=("data", "axes fraction"),
                xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                fontsize=FONT_SIZE - 1)
    ax.set_ylim(-0.6, len(bars) - 0.4)
    ax.set_yticks(ypos, labels)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(FuncFormatter(axis_percent))
    ax.grid(axis="x", color="#d0d0d0", linewidth=0.5, zorder=0)
    ax.set_xlabel("Tỷ lệ thực hiện so với kế hoạch", fontsize=FONT_SIZE - 1)


def _trend(fig, report: Report, past) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    series = trend_series(report, past)
    axes = fig.subplots(1, len(series), squeeze=False)[0]
    for ax, s in zip(axes, series):
        xs = list(range(len(s.points)))
        values = [float(v) for _, v in s.points]
        colors = [COLOR_CURRENT if p == report.period else COLOR_TREND for p, _ in s.points]
        ax.bar(xs, values, width=0.62, color=colors, zorder=2)
        top = max(values) if values else 1.0
        ax.set_ylim(0, top * 1.2 if top > 0 else 1)
        for x, (_, v), fv in zip(xs, s.points, values):
            ax.annotate(format_number(v), xy=(x, fv), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=FONT_SIZE - 2)
        ax.set_xticks(xs, [period_short(p) for p, _ in s.points])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(axis_number))
        ax.tick_params(labelsize=FONT_SIZE - 2)
        ax.set_title(_wrap(f"{s.title} ({s.unit})" if s.unit else s.title, 26),
                     fontsize=FONT_SIZE - 1)
        ax.grid(axis="y", color="#d0d0d0", linewidth=0.5, zorder=0)


@dataclass(frozen=True)
class Drawn:
    svg: bytes
    png: bytes
    seconds: float


def draw(name: str, report: Report, past: list[tuple[Period, PeriodData]],
         width_mm: float = 150.0) -> Drawn:
    """The chart as SVG and PNG bytes (identical for identical input)."""
    import time

    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    if not available(name, report, past):
        raise ChartError(f"biểu đồ '{name}' không có đủ số liệu")
    start = time.perf_counter()
    width_in = width_mm / 25.4
    if name == "plan_completion":
        n = len(plan_bars(report))
        height_in = (22 + 11 * n) / 25.4
    else:
        height_in = 72 / 25.4
    with matplotlib.rc_context(_rc(name)):
        fig = MplFigure(figsize=(width_in, height_in), dpi=PNG_DPI, layout="constrained")
        if name == "plan_completion":
            _plan_completion(fig, report)
        else:
            _trend(fig, report, past)
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "reportgen"})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Drawn(svg.getvalue(), png.getvalue(), time.perf_counter() - start)


# ------------------------------------------------------------------ the document
def fill_images(doc, report: Report, province_dir: Optional[Path]):
    """The Document with every requested chart drawn (SVG and PNG filled in)."""
    import dataclasses

    from ..document.types import Image

    if not doc.images:
        return doc
    past = history(province_dir, report.period)
    cache: dict[tuple[str, float], Drawn] = {}

    def filled(blocks):
        out = []
        for b in blocks:
            if isinstance(b, Image) and not b.ready:
                key = (b.name, b.width_mm)
                if key not in cache:
                    cache[key] = draw(b.name, report, past, b.width_mm)
                b = dataclasses.replace(b, svg=cache[key].svg, png=cache[key].png)
            out.append(b)
        return tuple(out)

    return dataclasses.replace(doc, blocks=filled(doc.blocks), appendix=filled(doc.appendix))
