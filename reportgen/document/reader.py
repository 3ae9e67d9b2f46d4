"""Restricted HTML -> Document.

Templates emit a small HTML vocabulary that every writer can draw. Anything else is a
template error naming the template and line (checked statically on the template source by
`check_fragment`, and again on the rendered output by `read`).

Vocabulary (docs/templates.md repeats it for template authors):

=================  ====================================================================
element            allowed attributes / where
=================  ====================================================================
header             the frame: ``p[data-meta]`` children and ``meta[name, content]``
footer             the closing: ``p[data-meta]``, ``ul[data-meta=recipients] > li``
h1 h2 h3 h4        headings: Phần I / I. / 1. / a)
p                  ``class``: center, right, left, noindent
strong em br       inline emphasis and line breaks
ul ol li           lists (items hold inline content)
table              ``data-widths="1,4,1"``; children caption, thead, tbody, tr
th td              ``colspan``, ``rowspan``, ``class``: left, center, right
div                ``class="page-break"`` only, empty
section            transparent grouping, ``data-key``
meta               inside header: ``name`` (title, author, date), ``content``
aside              an appendix (phụ lục): its blocks are drawn after the closing, from a
                   new page (a page break is added when it does not start with one)
figure             a chart: ``data-chart`` (its name, see reportgen/render/charts.py),
                   ``data-width`` (mm, default 150), ``data-source`` (source line); empty
                   or holding one ``figcaption`` (inline content)
=================  ====================================================================
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Optional

from .types import (Block, Cell, Document, Emph, Heading, Image, Inline, LineBreak, ListBlock,
                       Meta, PageBreak, Paragraph, Row, Strong, Table, Text)
from ..errors import TemplateError

ALLOWED: dict[str, set[str]] = {
    "header": set(), "footer": set(), "section": {"data-key"},
    "h1": set(), "h2": set(), "h3": set(), "h4": set(),
    "p": {"class", "data-meta"}, "strong": set(), "em": set(), "br": set(),
    "ul": {"data-meta"}, "ol": set(), "li": set(),
    "table": {"data-widths"}, "caption": set(), "thead": set(), "tbody": set(), "tr": set(),
    "th": {"colspan", "rowspan", "class"}, "td": {"colspan", "rowspan", "class"},
    "div": {"class"}, "meta": {"name", "content"},
    "aside": set(), "figure": {"data-chart", "data-width", "data-source"}, "figcaption": set(),
}
CLASSES = {"p": {"center", "right", "left", "noindent"}, "th": {"left", "center", "right"},
           "td": {"left", "center", "right"}, "div": {"page-break"}}
META_FIELDS = {"parent_agency", "agency", "number", "nation", "motto", "place_date", "doc_type",
               "subject", "recipients_title", "recipients", "authority", "signer", "closing",
               "mark"}
VOID = {"br", "meta"}
INLINE = {"strong", "em", "br"}

# templates' output is marked <!--rg-template FILE--> … <!--/rg-template--> (render/templating.py)
SOURCE_MARK = "rg-template"
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)(>|$)")
_ATTR = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _vocabulary_error(tag: str, attr: Optional[str], file: Optional[str], line: int,
                      value: Optional[str] = None) -> TemplateError:
    if attr is None:
        allowed = ", ".join(sorted(ALLOWED))
        return TemplateError(f"thẻ <{tag}> không được hỗ trợ (mọi định dạng phải vẽ được): "
                             f"chỉ dùng {allowed}", file, line, code="RG505")
    if value is not None:
        ok = ", ".join(sorted(CLASSES.get(tag, ()) | ({"…"} if attr == "data-meta" else set())))
        return TemplateError(f"<{tag} {attr}=\"{value}\"> không được hỗ trợ: dùng {ok}", file,
                             line, code="RG505")
    allowed = ", ".join(sorted(ALLOWED[tag])) or "không có thuộc tính nào"
    return TemplateError(f"thuộc tính '{attr}' của <{tag}> không được hỗ trợ: {allowed}", file,
                         line, code="RG505")


def check_fragment(text: str, file: Optional[str], first_line: int) -> None:
    """Check literal template HTML (a Jinja data token) against the vocabulary."""
    stripped = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    for m in _TAG.finditer(stripped):
        line = first_line + stripped.count("\n", 0, m.start())
        tag = m.group(2).lower()
        if tag not in ALLOWED:
            raise _vocabulary_error(tag, None, file, line)
        if m.group(1):
            continue
        for am in _ATTR.finditer(m.group(3)):
            name = am.group(1).lower()
            if name == "/":
                continue
            if name not in ALLOWED[tag]:
                raise _vocabulary_error(tag, name, file, line)
            raw = am.group(3)
            if raw and name == "class" and "{" not in raw:
                for cls in raw.strip("\"'").split():
                    if cls not in CLASSES.get(tag, set()):
                        raise _vocabulary_error(tag, name, file, line, cls)


# ------------------------------------------------------------------ parse rendered HTML
@dataclass
class _El:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list = field(default_factory=list)  # _El or str


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = _El("#root", {}, 1)
        self.stack = [self.root]
        self.sources: list[str] = []  # templates open at this point of the output
        self.spans: list[tuple[int, Optional[str]]] = []  # (rendered line, template from there)

    def _fail(self, tag, attr=None, value=None):
        raise _vocabulary_error(tag, attr, self.source, self.getpos()[0], value)

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self._fail(tag)
        amap = {}
        for name, value in attrs:
            if name not in ALLOWED[tag]:
                self._fail(tag, name)
            if name == "class":
                for cls in (value or "").split():
                    if cls not in CLASSES.get(tag, set()):
                        self._fail(tag, name, cls)
            amap[name] = value or ""
        el = _El(tag, amap, self.getpos()[0])
        self.stack[-1].children.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise TemplateError(f"thẻ đóng </{tag}> không khớp thẻ mở nào", self.source,
                            self.getpos()[0], code="RG505")

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def handle_comment(self, data):
        """Template marks (reportgen/render/templating.py): which template wrote each line."""
        if data.startswith(SOURCE_MARK + " "):
            self.sources.append(data[len(SOURCE_MARK) + 1:])
            self.spans.append((self.getpos()[0], self.sources[-1]))
        elif data == "/" + SOURCE_MARK and self.sources:
            self.sources.pop()
            self.spans.append((self.getpos()[0], self.sources[-1] if self.sources else None))

    def template_at(self, line: int):
        """The template whose output holds rendered line `line` (None: not known)."""
        found = None
        for start, name in self.spans:
            if start > line:
                break
            found = name
        return found


_WS = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space: a no-break space (U+00A0) stays


def _inlines(el: _El, source: str) -> tuple[Inline, ...]:
    """Inline content with HTML whitespace rules: runs collapse, ends are trimmed."""
    out: list[Inline] = []

    def walk(node: _El, sink: list):
        for child in node.children:
            if isinstance(child, str):
                sink.append(Text(_WS.sub(" ", child)))
            elif child.tag == "br":
                sink.append(LineBreak())
            elif child.tag in ("strong", "em"):
                inner: list = []
                walk(child, inner)
                sink.append((Strong if child.tag == "strong" else Emph)(tuple(_merge(inner))))
            else:
                raise TemplateError(f"<{child.tag}> không được đặt trong <{node.tag}>: chỉ dùng "
                                    "chữ, <strong>, <em>, <br>", source, child.line, code="RG505")
    walk(el, out)
    return _trim(tuple(_merge(out)))


def _merge(nodes: list) -> list:
    out: list = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        else:
            out.append(n)
    return out


def _trim(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Strip spaces at the start and end, and around line breaks."""
    nodes = list(nodes)

    def strip_edge(i: int, left: bool) -> None:
        n = nodes[i]
        if isinstance(n, Text):
            nodes[i] = Text(n.text.lstrip() if left else n.text.rstrip())
        elif isinstance(n, (Strong, Emph)) and n.children:
            kids = list(n.children)
            j = 0 if left else len(kids) - 1
            if isinstance(kids[j], Text):
                kids[j] = Text(kids[j].text.lstrip() if left else kids[j].text.rstrip())
            nodes[i] = type(n)(tuple(kids))

    for i, n in enumerate(nodes):
        if i == 0:
            strip_edge(i, True)
        if i == len(nodes) - 1:
            strip_edge(i, False)
        if isinstance(n, LineBreak):
            if i > 0:
                strip_edge(i - 1, False)
            if i + 1 < len(nodes):
                strip_edge(i + 1, True)
    return tuple(n for n in nodes if not (isinstance(n, Text) and n.text == ""))


def _text(el: _El, source: str) -> str:
    from .types import inline_text
    return inline_text(_inlines(el, source))


def _elements(el: _El, source: str) -> list[_El]:
    """Child elements; text between blocks must be blank."""
    out = []
    for child in el.children:
        if isinstance(child, str):
            if child.strip():
                raise TemplateError(f"chữ '{child.strip()[:40]}' nằm ngoài đoạn văn: đặt trong <p>",
                                    source, el.line, code="RG505")
        else:
            out.append(child)
    return out


def _span(el: _El, name: str, source: str) -> int:
    raw = el.attrs.get(name, "1") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise TemplateError(f"{name}=\"{raw}\" phải là số nguyên 1..100", source, el.line,
                            code="RG505")
    return int(raw)


def _table(el: _El, source: str) -> Table:
    rows: list[Row] = []
    caption: tuple[Inline, ...] = ()

    def add_rows(container: _El, header: bool):
        for tr in _elements(container, source):
            if tr.tag != "tr":
                raise TemplateError(f"<{tr.tag}> trong bảng: dùng <tr>", source, tr.line, code="RG505")
            cells = []
            for c in _elements(tr, source):
                if c.tag not in ("th", "td"):
                    raise TemplateError(f"<{c.tag}> trong <tr>: dùng <th> hoặc <td>", source,
                                        c.line, code="RG505")
                align = c.attrs.get("class", "center" if c.tag == "th" else "left") or "left"
                cells.append(Cell(_inlines(c, source), _span(c, "colspan", source),
                                  _span(c, "rowspan", source), c.tag == "th", align))
            rows.append(Row(tuple(cells), header))

    for child in _elements(el, source):
        if child.tag == "caption":
            caption = _inlines(child, source)
        elif child.tag == "thead":
            add_rows(child, True)
        elif child.tag == "tbody":
            add_rows(child, False)
        elif child.tag == "tr":
            add_rows(_El("tbody", {}, child.line, [child]), False)
        else:
            raise TemplateError(f"<{child.tag}> trong <table>", source, child.line, code="RG505")
    widths: tuple[int, ...] = ()
    if el.attrs.get("data-widths"):
        try:
            widths = tuple(int(w) for w in el.attrs["data-widths"].split(","))
        except ValueError:
            raise TemplateError("data-widths phải là các số nguyên cách nhau bởi dấu phẩy",
                                source, el.line, code="RG505") from None
    return Table(tuple(rows), caption, widths)


DrawChart = Callable[[str, float], tuple[bytes, bytes, str]]  # svg, png, alt text
_CHART_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_WIDTH_MM = 165  # the text width of the page (A4 less the margins)


def _figure(el: _El, source: str, draw: Optional[DrawChart]) -> Image:
    name = el.attrs.get("data-chart", "")
    if not _CHART_NAME.match(name):
        raise TemplateError(f'<figure> cần data-chart là tên biểu đồ (chữ thường, số, "_"), '
                            f"không phải {name!r}", source, el.line, code="RG505")
    raw = el.attrs.get("data-width", "150") or "150"
    try:
        width = float(raw)
    except ValueError:
        width = -1.0
    if not 20 <= width <= MAX_WIDTH_MM:
        raise TemplateError(f'data-width="{raw}" phải là số mm từ 20 đến {MAX_WIDTH_MM}', source,
                            el.line, code="RG505")
    caption: tuple[Inline, ...] = ()
    for child in _elements(el, source):
        if child.tag != "figcaption" or caption:
            raise TemplateError(f"<{child.tag}> trong <figure>: chỉ dùng một <figcaption>", source,
                                child.line, code="RG505")
        caption = _inlines(child, source)
    svg = png = b""
    alt = ""
    if draw is not None:
        try:
            svg, png, alt = draw(name, width)
        except ValueError as exc:  # a chart that does not exist or has no data
            raise TemplateError(str(exc), source, el.line, code="RG505") from None
    return Image(name, svg, png, caption=caption,
                 source=_WS.sub(" ", el.attrs.get("data-source", "")).strip(), width_mm=width,
                 alt=alt)


def _blocks(container: _El, source: str, meta: dict) -> list[Block]:
    out: list[Block] = []
    for el in _elements(container, source):
        tag = el.tag
        if tag in ("header", "footer"):
            _frame(el, source, meta)
        elif tag == "aside":
            if container.tag == "aside" or meta.get("#in-aside"):
                raise TemplateError("<aside> (phụ lục) không được lồng trong <aside>", source,
                                    el.line, code="RG505")
            meta["#in-aside"] = True
            blocks = _blocks(el, source, meta)
            meta["#in-aside"] = False
            if blocks and not isinstance(blocks[0], PageBreak):
                blocks.insert(0, PageBreak())
            meta.setdefault("#appendix", []).extend(blocks)
        elif tag == "figure":
            out.append(_figure(el, source, meta.get("#draw")))
        elif tag == "section":
            out.extend(_blocks(el, source, meta))
        elif tag in ("h1", "h2", "h3", "h4"):
            out.append(Heading(int(tag[1]), _inlines(el, source)))
        elif tag == "p":
            cls = el.attrs.get("class", "")
            align = next((c for c in ("center", "right", "left") if c in cls.split()), "justify")
            inl = _inlines(el, source)
            if inl:
                out.append(Paragraph(inl, align, "noindent" not in cls.split() and align == "justify"))
        elif tag in ("ul", "ol"):
            items = []
            for li in _elements(el, source):
                if li.tag != "li":
                    raise TemplateError(f"<{li.tag}> trong danh sách: dùng <li>", source, li.line,
                                        code="RG505")
                items.append(_inlines(li, source))
            if items:
                out.append(ListBlock(tag == "ol", tuple(items)))
        elif tag == "table":
            out.append(_table(el, source))
        elif tag == "div":
            if el.attrs.get("class") != "page-break" or el.children:
                raise TemplateError('<div> chỉ dùng làm ngắt trang: <div class="page-break"></div>',
                                    source, el.line, code="RG505")
            out.append(PageBreak())
        else:
            raise TemplateError(f"<{tag}> phải nằm trong đoạn văn hoặc tiêu đề", source, el.line,
                                code="RG505")
    return out


def _frame(el: _El, source: str, meta: dict) -> None:
    for child in _elements(el, source):
        if child.tag == "meta":
            meta["@" + child.attrs.get("name", "")] = child.attrs.get("content", "")
            continue
        key = child.attrs.get("data-meta")
        if key not in META_FIELDS:
            raise TemplateError(f"<{child.tag}> trong <{el.tag}> cần data-meta là một trong "
                                f"{', '.join(sorted(META_FIELDS))}", source, child.line, code="RG505")
        if child.tag == "ul":
            meta.setdefault(key, []).extend(_text(li, source) for li in _elements(child, source))
        else:
            meta.setdefault(key, []).append(_text(child, source))


def _in_template(exc: TemplateError, builder: _TreeBuilder, source: str) -> TemplateError:
    """The error moved to the template that wrote the line (the rendered output's line is no
    line of any file: the HTML was built at run time, `|safe` or a macro's output)."""
    from ..errors import display_path

    template = builder.template_at(exc.line) if exc.file == display_path(source) else None
    if not template:
        return exc
    return TemplateError(f"{exc.message} (HTML này được tạo lúc dựng, ví dụ qua |safe hay một "
                         f"macro, không có sẵn trong mẫu: xem các biểu thức của mẫu này)",
                         template, 0, code=exc.code)


def read(html: str, source: str = "report.html", charts: Optional[DrawChart] = None) -> Document:
    """Parse rendered restricted HTML into the Document; TemplateError on anything else.

    `charts(name, width_mm) -> (svg, png)` draws each ``<figure data-chart>``, so the
    Document is complete when it leaves here; without it the pictures stay empty."""
    builder = _TreeBuilder(source)
    try:
        builder.feed(html)
        builder.close()
        meta: dict = {"#draw": charts}
        blocks = _blocks(builder.root, source, meta)
    except TemplateError as exc:
        raise _in_template(exc, builder, source) from None

    def one(key: str) -> str:
        return " ".join(meta.get(key, []))

    date = None
    if meta.get("@date"):
        try:
            date = dt.date.fromisoformat(meta["@date"])
        except ValueError:
            raise TemplateError(f"<meta name=\"date\"> phải là YYYY-MM-DD, không phải {meta['@date']!r}",
                                source, 0, code="RG505") from None
    m = Meta(
        parent_agency=one("parent_agency"), agency=one("agency"), number=one("number"),
        nation=one("nation"), motto=one("motto"), place_date=one("place_date"),
        doc_type=one("doc_type"), subject=tuple(meta.get("subject", [])),
        recipients_title=one("recipients_title") or "Nơi nhận:",
        recipients=tuple(meta.get("recipients", [])), authority=tuple(meta.get("authority", [])),
        signer=one("signer"), closing=one("closing"), mark=one("mark"),
        title=meta.get("@title", ""), author=meta.get("@author", ""),
        language="vi", date=date)
    return Document(m, tuple(blocks), tuple(meta.get("#appendix", [])))
