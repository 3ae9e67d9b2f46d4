"""The staff stylesheet (`templates/style/print.css`) checked once for every format.

The HTML page inlines the stylesheet in a `<style>` element and the PDF is laid out from that
page, so one policy holds for both (and the DOCX, built from the same build):

* nothing is fetched: every `url(…)`, `@import` and `src:` must name a local file inside the
  allowed folders (`templates/`), the rule of the PDF's URL fetcher (`pdf.py`); a web
  address, `data:`, a relative name or a file elsewhere is refused (RG401);
* nothing can end the `<style>` element or start markup: `</style>`, `<script>`, `<!--` …
  anywhere, comments included, is refused (RG405).

Each refusal names the stylesheet's file and line. `inline_css` is the HTML writer's last
guard for a stylesheet that did not come through here: it escapes `</` so the text cannot
close the element.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..errors import WriteError

_MARKUP = re.compile(r"<\s*[/!?a-zA-Z]")


def allowed_url(url: str, roots: Iterable[Path]) -> bool:
    """A `file:` URL of a file inside one of `roots` (links followed), and nothing else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return any(path.is_relative_to(Path(r).resolve()) for r in roots)


def _urls(tokens) -> Iterable[tuple[str, int]]:
    """(url, line) of every url(…), url("…") and @import "…" in a tinycss2 token tree."""
    import tinycss2.ast as ast

    for tok in tokens or ():
        if isinstance(tok, ast.URLToken):
            yield tok.value, tok.source_line
        elif isinstance(tok, ast.FunctionBlock):
            if tok.lower_name in ("url", "src", "image-set", "image", "-webkit-image-set"):
                for arg in tok.arguments:
                    if isinstance(arg, ast.StringToken):
                        yield arg.value, arg.source_line
            yield from _urls(tok.arguments)
        elif isinstance(tok, ast.AtRule):
            if tok.lower_at_keyword in ("import", "namespace"):
                for arg in tok.prelude:
                    if isinstance(arg, ast.StringToken):
                        yield arg.value, arg.source_line
            yield from _urls(tok.prelude)
            yield from _urls(tok.content)
        elif isinstance(tok, (ast.QualifiedRule,)):
            yield from _urls(tok.prelude)
            yield from _urls(tok.content)
        elif isinstance(tok, (ast.SquareBracketsBlock, ast.ParenthesesBlock, ast.CurlyBracketsBlock)):
            yield from _urls(tok.content)
        elif isinstance(tok, ast.Declaration):
            yield from _urls(tok.value)


@functools.lru_cache(maxsize=8)
def _stylesheet_urls(css: str) -> tuple[tuple[str, int], ...]:
    """(url, line) of every URL the stylesheet names, parsed once per process and text (the
    check runs on every build; the files the URLs name are checked every time)."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return tuple(_urls(rules))


def check_stylesheet(css: str, source: Optional[Path | str], assets: Iterable[Path]) -> None:
    """Raise WriteError (RG401 a fetch, RG405 markup) naming `source` and the line."""
    roots = list(assets)
    m = _MARKUP.search(css)
    if m:
        line = css.count("\n", 0, m.start()) + 1
        shown = css[m.start():m.start() + 12].split("\n")[0]
        raise WriteError(f"bảng kiểu có '{shown}': chữ '<' cùng tên thẻ (như </style>, <script>, "
                         "<!--) không được có trong CSS, kể cả trong chú thích, vì trang HTML "
                         "chép nguyên bảng kiểu vào thẻ <style>: xoá đoạn này", source, line,
                         code="RG405")
    for url, line in _stylesheet_urls(css):
        if not allowed_url(url, roots):
            where = ", ".join(str(r) for r in roots) or "(không có)"
            raise WriteError(f"bảng kiểu đòi tải '{url[:200]}': báo cáo không tải gì từ mạng hay "
                             f"ngoài thư mục mẫu ({where}); xoá url(…) này, hoặc chép tệp vào "
                             "thư mục mẫu và ghi đường dẫn file:// tới nó", source, line,
                             code="RG401")


def inline_css(css: str) -> str:
    """The stylesheet as the text of a `<style>` element: `</` cannot close it (CSS reads
    `<\\/` as the same two characters inside a string or a comment)."""
    return css.replace("</", "<\\/")
