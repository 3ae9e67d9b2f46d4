"""Sizes inside the administrative frame (Nghị định 30/2020, Phụ lục I), shared by the writers.

One home for: the font sizes of the frame lines, how long the rules under the agency, the
motto and the subject are (sized from the text they underline, in Times metrics), and how a
long parent-agency line is fitted into its column without splitting the province's name. The
page, its margins and the column splits themselves live in `reportgen.geometry`.

Widths come from static tables of Times New Roman advance widths (its metric clones
Liberation Serif 2 and Tinos set the same widths), so the output never depends on the fonts
of the machine that renders it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .geometry import CELL_MARGIN_MM, HEADER_SPLIT, TEXT_WIDTH_MM
from .typography import NBSP, unbreakable

PT_PER_MM = 72 / 25.4

# font sizes of the frame lines (pt), inside the decree's ranges
PARENT_SIZES = (13.0, 12.0)  # 12–13 pt: shrink to 12 before breaking the line
AGENCY_SIZE = 13.0
NATION_SIZE = 12.5
MOTTO_SIZE = 13.5
SUBJECT_SIZE = 14.0

#: the short rules under the agency and under the subject: 1/3–1/2 of their line
SHORT_RULE = 0.4
#: nor shorter than this (a one-word subject still gets a visible rule)
MIN_RULE_MM = 20.0

# Advance widths (1/1000 em), Times New Roman Bold and Regular.
_BOLD = {
    " ": 250, "!": 333, '"': 555, "#": 500, "$": 500, "%": 1000, "&": 833, "'": 277,
    "(": 333, ")": 333, "*": 500, "+": 569, ",": 250, "-": 333, ".": 250, "/": 277,
    ":": 333, ";": 333, "<": 569, "=": 569, ">": 569, "?": 500, "@": 930, "[": 333,
    "\\": 277, "]": 333, "^": 581, "_": 500, "`": 333, "{": 394, "|": 220, "}": 394,
    "~": 520, **{d: 500 for d in "0123456789"},
    "a": 500, "b": 556, "c": 443, "d": 556, "e": 443, "f": 333, "g": 500, "h": 556,
    "i": 277, "j": 333, "k": 556, "l": 277, "m": 833, "n": 556, "o": 500, "p": 556,
    "q": 556, "r": 443, "s": 389, "t": 333, "u": 556, "v": 500, "w": 722, "x": 500,
    "y": 500, "z": 443, "A": 722, "B": 666, "C": 722, "D": 722, "E": 666, "F": 610,
    "G": 777, "H": 777, "I": 389, "J": 500, "K": 777, "L": 666, "M": 943, "N": 722,
    "O": 777, "P": 610, "Q": 777, "R": 722, "S": 556, "T": 666, "U": 722, "V": 722,
    "W": 1000, "X": 722, "Y": 722, "Z": 666,
    "Đ": 722, "đ": 556, "Ơ": 777, "ơ": 553, "Ư": 795, "ư": 600,
}
_REGULAR = {
    " ": 250, "!": 333, '"': 408, "%": 833, "&": 777, "'": 180, "(": 333, ")": 333,
    ",": 250, "-": 333, ".": 250, "/": 277, ":": 277, ";": 277, "?": 443,
    **{d: 500 for d in "0123456789"},
    "a": 443, "b": 500, "c": 443, "d": 500, "e": 443, "f": 333, "g": 500, "h": 500,
    "i": 277, "j": 277, "k": 500, "l": 277, "m": 777, "n": 500, "o": 500, "p": 500,
    "q": 500, "r": 333, "s": 389, "t": 277, "u": 500, "v": 500, "w": 722, "x": 500,
    "y": 500, "z": 443, "A": 722, "B": 666, "C": 666, "D": 722, "E": 610, "F": 556,
    "G": 722, "H": 722, "I": 333, "J": 389, "K": 722, "L": 610, "M": 889, "N": 722,
    "O": 722, "P": 556, "Q": 722, "R": 666, "S": 556, "T": 610, "U": 722, "V": 722,
    "W": 943, "X": 722, "Y": 722, "Z": 610,
    "Đ": 722, "đ": 500, "Ơ": 722, "ơ": 500, "Ư": 752, "ư": 520,
}


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of `text` set in Times New Roman (bold or regular) at `size_pt`, in mm."""
    table = _BOLD if bold else _REGULAR
    units = 0
    for ch in unicodedata.normalize("NFC", text):
        if unicodedata.category(ch) == "Cf":  # word joiner, soft hyphen: no width
            continue
        if ch == NBSP:
            ch = " "
        elif ch == "\u2011":
            ch = "-"
        if ch not in table:
            parts = unicodedata.normalize("NFD", ch)
            base = parts[0]
            if "\u031b" in parts:  # horn: ơ ư and their tones
                base = unicodedata.normalize("NFC", base + "\u031b")
            ch = base
        units += table.get(ch, 556 if bold else 500)
    return units * size_pt / 1000 / PT_PER_MM


def left_box_mm() -> float:
    """Text width inside the left column of the header (agencies, number)."""
    return TEXT_WIDTH_MM * HEADER_SPLIT - 2 * CELL_MARGIN_MM


def right_box_mm() -> float:
    return TEXT_WIDTH_MM * (1 - HEADER_SPLIT) - 2 * CELL_MARGIN_MM


def agency_rule_mm(agency: str) -> float:
    """The rule under the issuing agency: 1/3–1/2 of its line."""
    return min(left_box_mm(), SHORT_RULE * text_width_mm(agency, AGENCY_SIZE, True))


def motto_rule_mm(motto: str) -> float:
    """The rule under the motto: as long as the motto line."""
    return min(right_box_mm(), text_width_mm(motto, MOTTO_SIZE, True))


def subject_rule_mm(lines: tuple[str, ...] | list[str]) -> float:
    """The rule under the subject: 1/3–1/2 of its (longest) line."""
    widest = max((text_width_mm(s, SUBJECT_SIZE, True) for s in lines), default=0.0)
    return min(TEXT_WIDTH_MM, max(min(MIN_RULE_MM, widest / 2), SHORT_RULE * widest))


@dataclass(frozen=True)
class HeaderLines:
    lines: tuple[str, ...]
    size: float


_ADMIN = re.compile(r"^(.*?\b(?:TỈNH|THÀNH PHỐ|TP\.))\s+(.+)$")


def fit_parent_agency(text: str, box_mm: float | None = None) -> HeaderLines:
    """Fit the parent agency ('UBND TỈNH BÀ RỊA - VŨNG TÀU') into the left column.

    The province's name never splits: first the whole line at 13 pt, then at 12 pt (the
    decree allows 12–13), then broken after "TỈNH" / "THÀNH PHỐ" at 13 pt, then at 12 pt.
    Spaces and hyphens inside the name are made unbreakable.
    """
    box = left_box_mm() if box_mm is None else box_mm
    m = _ADMIN.match(text.strip())
    if not m:
        for size in PARENT_SIZES:
            if text_width_mm(text, size) <= box:
                return HeaderLines((text,), size)
        return HeaderLines((text,), PARENT_SIZES[-1])
    head, name = m.group(1), unbreakable(m.group(2))
    one = f"{head} {name}"
    for size in PARENT_SIZES:
        if text_width_mm(one, size) <= box:
            return HeaderLines((one,), size)
    for size in PARENT_SIZES:
        if text_width_mm(name, size) <= box:
            return HeaderLines((head, name), size)
    return HeaderLines((head, name), PARENT_SIZES[-1])
