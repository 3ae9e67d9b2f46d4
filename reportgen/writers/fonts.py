"""The fonts the PDF is drawn with, checked before WeasyPrint runs.

The stylesheet asks for "Times New Roman", then its metric-compatible fonts with Vietnamese
letters "Liberation Serif" and "Tinos" (CONVENTIONS.md). Without any of them fontconfig
silently gives another family (DejaVu Serif: other widths, another page count), and with no
font at all the renderer crashes the process (segmentation fault). `check_fonts` asks
fontconfig (`fc-match`, `fc-list`) first and refuses with the Debian packages to install.

`missing_glyphs` tells which characters of a text the report font cannot draw (read from the
font's cmap with fontTools): an emoji in a label printed as an empty box.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from ..errors import ReportgenError

FAMILY = "Times New Roman"  # what templates/style/print.css asks for first
METRIC_COMPATIBLE = ("Times New Roman", "Liberation Serif", "Tinos")
PACKAGES = "fonts-liberation2 fonts-croscore"
INSTALL = f"cài phông: sudo apt-get install {PACKAGES} (hoặc chạy scripts/setup.sh)"


class FontError(ReportgenError):
    """The fonts the PDF needs are not installed."""

    exit_code = 2
    code = "RG406"


def _run(*args: str) -> Optional[str]:
    try:
        res = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout if res.returncode == 0 else ""


def _environment() -> tuple:
    """What fontconfig's answer depends on (the cache key of the checks)."""
    return tuple(os.environ.get(k, "") for k in ("FONTCONFIG_FILE", "FONTCONFIG_PATH",
                                                 "FONTCONFIG_SYSROOT", "HOME", "XDG_DATA_HOME"))


@functools.lru_cache(maxsize=4)
def _resolved(env: tuple) -> tuple[Optional[str], Optional[str], int]:
    """(family, file) fontconfig gives for FAMILY, and how many fonts it knows; (None, None,
    -1) when fontconfig's tools are not installed (nothing can be checked)."""
    if not shutil.which("fc-match") or not shutil.which("fc-list"):
        return None, None, -1
    listed = _run("fc-list", "--format", "%{file}\n") or ""
    count = len([line for line in listed.splitlines() if line.strip()])
    answer = _run("fc-match", "--format", "%{family}\n%{file}", FAMILY) or ""
    family, _, file = answer.partition("\n")
    return family.strip() or None, file.strip() or None, count


def check_fonts() -> str:
    """The family the PDF will be drawn with; FontError when it is not Times New Roman or a
    metric-compatible font, or when there are no fonts at all."""
    family, _, count = _resolved(_environment())
    if count < 0:
        return FAMILY  # no fontconfig tools: WeasyPrint will say what it finds
    if count == 0 or not family:
        raise FontError("không có phông chữ nào trên máy (fontconfig không tìm thấy phông), "
                        f"không dựng được PDF: {INSTALL}")
    families = [f.strip() for f in family.split(",")]
    if not any(f in METRIC_COMPATIBLE for f in families):
        raise FontError(f"không có phông {FAMILY} hoặc phông cùng khổ chữ (Liberation Serif, "
                        f"Tinos): fontconfig thay bằng {families[0]}, bản PDF sẽ khác khổ chữ "
                        f"và số trang; {INSTALL}")
    return next(f for f in families if f in METRIC_COMPATIBLE)


@functools.lru_cache(maxsize=4)
def _cmap(file: str) -> frozenset[int]:
    try:
        from fontTools.ttLib import TTCollection, TTFont

        if file.lower().endswith((".ttc", ".otc")):
            font = TTCollection(file, lazy=True).fonts[0]
        else:
            font = TTFont(file, lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception:  # an unreadable font: nothing to say about its glyphs
        return frozenset()


def report_font() -> tuple[Optional[str], frozenset[int]]:
    """(family, code points) of the font fontconfig gives for the report; (None, empty)
    when it cannot be told."""
    family, file, count = _resolved(_environment())
    if not family or not file or count <= 0 or not Path(file).is_file():
        return None, frozenset()
    return family.split(",")[0].strip(), _cmap(file)


def missing_glyphs(text: str, cmap: frozenset[int]) -> list[str]:
    """The characters of `text` (in order, once each) that the font cannot draw. Spaces,
    line breaks and format characters (variation selectors, joiners) draw nothing and are
    not counted."""
    import unicodedata

    if not cmap:
        return []
    out: list[str] = []
    for ch in text:
        if ord(ch) in cmap or ch in out or ch.isspace():
            continue
        if unicodedata.category(ch) in ("Cf", "Mn", "Cc") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue
        out.append(ch)
    return out
