"""Typographic conventions of one document: tone-mark placement and unbreakable spans.

Vietnamese writes the tone mark of the open syllables -oa, -oe, -uy in two styles: on the
first vowel (`hóa`, `thủy`, `ủy`: style "hóa") or on the main vowel (`hoá`, `thuỷ`, `uỷ`:
style "hoá"). A report keeps one style; the province file names it (`style.tone_marks`).
Only syllables that end there are concerned: `hoàn`, `khoản`, `quý`, `huyện` are written the
same in both styles.

Also here: the non-breaking forms a line must not split (a year range `2021‑2025` at its
hyphen, a document number `02/CT-UBND` after its slash and its hyphen, a unit `tỷ đồng`, a
proper name).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

HOA = "hóa"  # mark on the first vowel
HOAS = "hoá"  # mark on the main vowel
STYLES = (HOA, HOAS)

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"
WORD_JOINER = "\u2060"  # no line break here, no width, no glyph drawn

_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))
_LETTER = r"[^\W\d_]"


def _compose(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


def _table() -> tuple[dict[str, str], dict[str, str]]:
    """Marked pairs in each style -> the other style ('óa' -> 'oá', 'oá' -> 'óa'), any case."""
    to_main, to_first = {}, {}
    for first, second in _PAIRS:
        for mark in _MARKS:
            for f, s in ((first, second), (first.upper(), second.upper()),
                         (first.upper(), second)):
                on_first = _compose(f, mark) + s
                on_main = f + _compose(s, mark)
                to_main[on_first] = on_main
                to_first[on_main] = on_first
    return to_main, to_first


_TO_MAIN, _TO_FIRST = _table()
# a pair that ends its syllable (no letter after it) and is not the "qu" of quý, quỳ
_FIRST_RE = re.compile(rf"(?<![qQ])({'|'.join(map(re.escape, _TO_MAIN))})(?!{_LETTER})")
_MAIN_RE = re.compile(rf"(?<![qQ])({'|'.join(map(re.escape, _TO_FIRST))})(?!{_LETTER})")


def occurrences(text: str) -> Iterator[tuple[str, str, int]]:
    """(style, word, offset) of every syllable whose mark placement shows a style."""
    text = unicodedata.normalize("NFC", text)
    for rx, style in ((_FIRST_RE, HOA), (_MAIN_RE, HOAS)):
        for m in rx.finditer(text):
            start = m.start()
            while start > 0 and re.match(_LETTER, text[start - 1]):
                start -= 1
            yield style, text[start:m.end()], m.start()


def styles_in(text: str) -> set[str]:
    return {style for style, _, _ in occurrences(text)}


def to_style(text: str, style: str) -> str:
    """`text` with every -oa/-oe/-uy tone mark placed the way `style` ('hóa'|'hoá') says."""
    text = unicodedata.normalize("NFC", text)
    if style == HOA:
        return _MAIN_RE.sub(lambda m: _TO_FIRST[m.group(1)], text)
    if style == HOAS:
        return _FIRST_RE.sub(lambda m: _TO_MAIN[m.group(1)], text)
    raise ValueError(f"unknown tone-mark style {style!r}")


def in_style(word: str, style: str) -> str:
    """The word as `style` writes it (for fix-it hints)."""
    return to_style(word, style)


_YEAR_RANGE = re.compile(r"(?<![\d/])((?:19|20)\d\d)-((?:19|20)\d\d)(?!\d)")


def keep_year_ranges(text: str) -> str:
    """'2021-2025' -> '2021‑2025' (U+2011): a line never breaks inside a year range."""
    return _YEAR_RANGE.sub(lambda m: f"{m.group(1)}{NB_HYPHEN}{m.group(2)}", text)


def unbreakable(text: str) -> str:
    """Spaces and hyphens of `text` that a line must not break at (a unit, a name)."""
    return text.replace(" ", NBSP).replace("-", NB_HYPHEN) if text else text


# a document's number and symbol: "02/CT-UBND", "123/BC-SCT", "30/2020/NĐ-CP", "05/TTr-UBND";
# after a space, "(" or ">" only, so that nothing inside an attribute or a data URI matches
_DOC_NUMBER = re.compile(r"(?:(?<=[\s(>\u00a0])|^)(\d{1,5}(?:/(?:19|20)\d\d)?)/"
                         r"([A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/-])")


# a Party document's: "08-CTr/TU", "15-NQ/TW"
_PARTY_NUMBER = re.compile(r"(?:(?<=[\s(>\u00a0])|^)(\d{1,5})-([A-ZĐ][A-Za-zĐđ]*)/"
                           r"([A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/-])")


def keep_document_numbers(text: str) -> str:
    """'02/CT-UBND', '08-CTr/TU': a word joiner (U+2060: no width, no glyph, no break on
    either side) after the slash and after each hyphen of a document number, so that the
    number and symbol stay on one line while their characters (and the text a reader copies
    or searches) stay the same."""
    def joined(symbol: str) -> str:
        return symbol.replace("-", "-" + WORD_JOINER)

    text = _DOC_NUMBER.sub(lambda m: f"{m.group(1)}/{WORD_JOINER}{joined(m.group(2))}", text)
    return _PARTY_NUMBER.sub(
        lambda m: f"{m.group(1)}-{WORD_JOINER}{m.group(2)}/{WORD_JOINER}{joined(m.group(3))}",
        text)


def normalise(text: str, style: str) -> str:
    """A whole rendered report: tone marks in `style`, year ranges and document numbers kept
    on one line."""
    return keep_document_numbers(keep_year_ranges(to_style(text, style)))


def plain(text: str) -> str:
    """Back to ordinary spaces and hyphens (for comparisons and file metadata)."""
    return text.replace(NBSP, " ").replace(NB_HYPHEN, "-").replace(WORD_JOINER, "")
