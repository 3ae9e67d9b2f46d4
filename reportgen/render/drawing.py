"""A small vector drawing (rectangles, lines, text) written two ways from the same items:
SVG for the PDF and the HTML, PNG (Pillow) for the DOCX.

Charts are drawn once into a `Drawing` (coordinates in points, y downwards, text placed by its
baseline) and both pictures are derived from it, so they cannot disagree. Text is measured
with the same font file the PNG is drawn with (the report's Times-metric font as fontconfig
resolves "Times New Roman": Tinos or Liberation Serif), so labels wrap and align the same
way in both. In the SVG the text stays text in the report's font family: the PDF embeds the
font it already uses for the body, a browser falls back to its own Times.

Both outputs are deterministic: no dates, no random ids, numbers written with fixed
precision, PNG without metadata other than its resolution.
"""
from __future__ import annotations

import functools
import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union
from xml.sax.saxutils import escape

FONT_FAMILY = "'Times New Roman', 'Liberation Serif', Tinos, serif"
FONT_FILES = {  # fallbacks when fontconfig is absent
    False: ("LiberationSerif-Regular.ttf", "Tinos-Regular.ttf", "DejaVuSerif.ttf"),
    True: ("LiberationSerif-Bold.ttf", "Tinos-Bold.ttf", "DejaVuSerif-Bold.ttf"),
}
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
ASCENT = 0.78   # of the font size, above the baseline (Times: 0.891 with accents; labels
DESCENT = 0.22  # rarely reach it): the box used to keep lines off text


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    role: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#000000"
    width: float = 0.6
    dash: tuple[float, ...] = ()
    role: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = "#000000"
    role: str = ""

    @property
    def width(self) -> float:
        return text_width(self.text, self.size, self.bold)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in points."""
        w = self.width
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return (left, self.y - ASCENT * self.size, left + w, self.y + DESCENT * self.size)


Item = Union[Rect, Line, Text]


@dataclass
class Drawing:
    width: float   # points
    height: float
    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> Item:
        self.items.append(item)
        return item

    def of_role(self, role: str) -> list[Item]:
        return [i for i in self.items if i.role == role]


# ------------------------------------------------------------------ fonts and metrics
@functools.lru_cache(maxsize=2)
def font_file(bold: bool) -> Optional[str]:
    """The font file for the report's family (once per process)."""
    if shutil.which("fc-match"):
        try:
            res = subprocess.run(["fc-match", "-f", "%{file}",
                                  "Times New Roman" + (":bold" if bold else "")],
                                 capture_output=True, text=True, timeout=10)
            path = res.stdout.strip()
            if path.lower().endswith((".ttf", ".otf")) and Path(path).is_file():
                return path
        except (OSError, subprocess.SubprocessError):
            pass
    for name in FONT_FILES[bold]:
        for root in FONT_DIRS:
            found = sorted(root.rglob(name)) if root.is_dir() else []
            if found:
                return str(found[0])
    return None


@functools.lru_cache(maxsize=64)
def _font(size_px: int, bold: bool):
    from PIL import ImageFont
    path = font_file(bold)
    if path:
        return ImageFont.truetype(path, size_px)
    return ImageFont.load_default(size_px)


_MEASURE_PX = 200  # measure at a large size, then scale: sub-point precision


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of `text` at `size` points, in points."""
    return _font(_MEASURE_PX, bold).getlength(text) * size / _MEASURE_PX


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of at most `width` points, broken at spaces but never inside brackets (a
    bracketed group too long for a line stands on a line of its own)."""
    words: list[str] = []
    depth = 0
    for token in text.split(" "):
        if depth > 0 and words:
            words[-1] += " " + token
        else:
            words.append(token)
        depth = max(0, depth + token.count("(") - token.count(")"))
    lines: list[str] = []
    for word in words:
        if lines and text_width(lines[-1] + " " + word, size, bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return [ln for ln in lines if ln] or [text]


# ------------------------------------------------------------------ SVG
def _n(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_svg(d: Drawing, width_mm: float) -> bytes:
    height_mm = width_mm * d.height / d.width
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(width_mm)}mm" '
           f'height="{_n(height_mm)}mm" viewBox="0 0 {_n(d.width)} {_n(d.height)}" '
           f'font-family="{FONT_FAMILY}">']
    for i in d.items:
        if isinstance(i, Rect):
            out.append(f'<rect x="{_n(i.x)}" y="{_n(i.y)}" width="{_n(i.w)}" '
                       f'height="{_n(i.h)}" fill="{i.fill}"/>')
        elif isinstance(i, Line):
            dash = f' stroke-dasharray="{" ".join(_n(x) for x in i.dash)}"' if i.dash else ""
            out.append(f'<line x1="{_n(i.x1)}" y1="{_n(i.y1)}" x2="{_n(i.x2)}" y2="{_n(i.y2)}" '
                       f'stroke="{i.stroke}" stroke-width="{_n(i.width)}"{dash}/>')
        else:
            weight = ' font-weight="bold"' if i.bold else ""
            anchor = f' text-anchor="{i.anchor}"' if i.anchor != "start" else ""
            out.append(f'<text x="{_n(i.x)}" y="{_n(i.y)}" font-size="{_n(i.size)}"'
                       f'{weight}{anchor} fill="{i.fill}">{escape(i.text)}</text>')
    out.append("</svg>\n")
    return "\n".join(out).encode("utf-8")


# ------------------------------------------------------------------ PNG
def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _dashes(x1, y1, x2, y2, dash):
    """Segments of a dashed straight line (pattern in points)."""
    import math
    length = math.hypot(x2 - x1, y2 - y1)
    if not dash or length == 0:
        yield x1, y1, x2, y2
        return
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    pos, k = 0.0, 0
    while pos < length:
        step = dash[k % len(dash)]
        end = min(length, pos + step)
        if k % 2 == 0:
            yield x1 + ux * pos, y1 + uy * pos, x1 + ux * end, y1 + uy * end
        pos, k = end, k + 1


def to_png(d: Drawing, dpi: int) -> bytes:
    from PIL import Image, ImageDraw

    s = dpi / 72.0
    img = Image.new("RGB", (round(d.width * s), round(d.height * s)), "white")
    draw = ImageDraw.Draw(img)
    for i in d.items:
        if isinstance(i, Rect):
            draw.rectangle([round(i.x * s), round(i.y * s), round((i.x + i.w) * s) - 1,
                            round((i.y + i.h) * s) - 1], fill=_rgb(i.fill))
        elif isinstance(i, Line):
            w = max(1, round(i.width * s))
            for a, b, c, e in _dashes(i.x1, i.y1, i.x2, i.y2, i.dash):
                draw.line([(a * s, b * s), (c * s, e * s)], fill=_rgb(i.stroke), width=w)
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[i.anchor]
            draw.text((i.x * s, i.y * s), i.text, font=_font(round(i.size * s), i.bold),
                      fill=_rgb(i.fill), anchor=anchor)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=6)
    return buf.getvalue()
