"""Restricted HTML -> Document.

`markup.py` parses the rendered templates into an element tree, refusing anything outside the
vocabulary (its docstring lists it); this module reads that tree into the typed `Document`:
the frame (``header``/``footer`` ``data-meta`` fields), blocks, inline content with HTML white
space rules, tables with spans, charts drawn through the function it is given, and the
appendix. Anything misplaced is a template error naming the template and line.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Optional

from ..errors import TemplateError
from ..geometry import TEXT_WIDTH_MM
from .inlines import inline_text
from .markup import META_FIELDS, Element, TreeBuilder, in_template
from .types import (Block, Cell, Document, Emph, Heading, Image, Inline, LineBreak, ListBlock,
                    Meta, PageBreak, Paragraph, Row, Strong, Table, Text)

_WS = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space: a no-break space (U+00A0) stays


def _inlines(el: Element, source: str) -> tuple[Inline, ...]:
    """Inline content with HTML whitespace rules: runs collapse, ends are trimmed."""
    out: list[Inline] = []

    def walk(node: Element, sink: list):
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


def _text(el: Element, source: str) -> str:
    return inline_text(_inlines(el, source))


def _elements(el: Element, source: str) -> list[Element]:
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


def _span(el: Element, name: str, source: str) -> int:
    raw = el.attrs.get(name, "1") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise TemplateError(f"{name}=\"{raw}\" phải là số nguyên 1..100", source, el.line,
                            code="RG505")
    return int(raw)


def _table(el: Element, source: str) -> Table:
    rows: list[Row] = []
    caption: tuple[Inline, ...] = ()

    def add_rows(container: Element, header: bool):
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
            add_rows(Element("tbody", {}, child.line, [child]), False)
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
MAX_WIDTH_MM = TEXT_WIDTH_MM  # a chart is at most as wide as the text


def _figure(el: Element, source: str, draw: Optional[DrawChart]) -> Image:
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
        raise TemplateError(f'data-width="{raw}" phải là số mm từ 20 đến {MAX_WIDTH_MM:g}', source,
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


def _blocks(container: Element, source: str, meta: dict) -> list[Block]:
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


def _frame(el: Element, source: str, meta: dict) -> None:
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


def read(html: str, source: str = "report.html", charts: Optional[DrawChart] = None) -> Document:
    """Parse rendered restricted HTML into the Document; TemplateError on anything else.

    `charts(name, width_mm) -> (svg, png)` draws each ``<figure data-chart>``, so the
    Document is complete when it leaves here; without it the pictures stay empty."""
    builder = TreeBuilder(source)
    try:
        builder.feed(html)
        builder.close()
        meta: dict = {"#draw": charts}
        blocks = _blocks(builder.root, source, meta)
    except TemplateError as exc:
        raise in_template(exc, builder, source) from None

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
