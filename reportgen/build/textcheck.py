"""Checks of the texts a report will print that depend on the PDF's font and line breaking
(RG303 a character the report font cannot draw, RG304 a very long word, RG125 a word so long
that laying it out would take minutes). Run by `validate` (reportgen.commands) and by every
build before rendering (reportgen.build.pipeline), so a build never starts on such a word."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Finding, WARNING

if TYPE_CHECKING:
    from ..data.loader import Loaded

LONG_WORD = 80  # characters without a space: a pasted URL, code or garbage (warning)
MAX_WORD = 1000  # more is an error: the PDF would break it letter by letter for minutes


def glyph_findings(files: "list[Loaded | Path | None]") -> list[Finding]:
    """For the data files as loaded (a `Loaded`; a path is loaded here, None skipped): warnings on texts the PDF cannot show as written, naming the field: RG303 a character
    the report font cannot draw (an emoji in a label printed as an empty box); RG304 a word
    longer than a line (a 200 000-character word was clipped at the page edge; the
    stylesheet now breaks it, mid-word); RG125 (error) a word over MAX_WORD characters."""
    import re

    from ..data.loader import Loaded, load_yaml
    from ..writers.fonts import missing_glyphs, report_font

    family, cmap = report_font()
    long_word = re.compile(r"\S{%d,}" % (LONG_WORD + 1))
    out: list[Finding] = []
    for loaded in files:
        if isinstance(loaded, Path):
            if not loaded.is_file():
                continue
            loaded = load_yaml(loaded)
        if not isinstance(loaded, Loaded):
            continue
        for where, text in _texts(loaded.data, ()):
            field = ".".join(str(p) for p in where)
            missing = missing_glyphs(text, cmap) if not text.isascii() else []
            if missing:
                chars = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
                out.append(loaded.finding(where, "RG303", f"{field}: ký tự {chars} không có "
                                          f"trong phông {family} của bản PDF (sẽ hiện ô trống "
                                          "hoặc phông khác): bỏ ký tự hoặc viết bằng chữ",
                                          WARNING))
            word = max(long_word.findall(text), key=len, default=None)
            if word:
                size = f"{len(word):,}".replace(",", ".")
                if len(word) > MAX_WORD:  # laid out letter by letter, it takes minutes
                    out.append(loaded.finding(where, "RG125", f"{field}: một từ dài {size} ký "
                                              f"tự không có dấu cách ({word[:30]}…), quá "
                                              f"{MAX_WORD} ký tự: dán nhầm? thêm dấu cách "
                                              "hoặc xoá phần thừa"))
                else:
                    out.append(loaded.finding(where, "RG304", f"{field}: một từ dài {size} ký "
                                              f"tự không có dấu cách ({word[:30]}…): bản PDF sẽ "
                                              "ngắt giữa từ; kiểm tra lại (dán nhầm?) hoặc "
                                              "thêm dấu cách", WARNING))
    return out


def _texts(data, path: tuple):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _texts(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, path + (i,))
    elif isinstance(data, str):
        yield path, data
