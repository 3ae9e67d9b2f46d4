"""HTML writer: the Document as a self-contained HTML page with the print stylesheet inlined.

The PDF writer renders exactly this page with WeasyPrint, so the two never differ.
Charts (`Image` blocks) are inlined as `<svg>` elements: the page stays self-contained and
the PDF gets vector graphics without fetching anything. The appendix (phụ lục) follows the
closing.
"""
from __future__ import annotations

import re
from html import escape

from .. import frame, geometry
from .stylesheet import inline_css

from ..document.inlines import InlineMarkup, Text
from ..document.types import (Block, Cell, Document, Heading, Image, LineBreak, ListBlock, Meta,
                              PageBreak, Paragraph, Table, inline_text)


class _HtmlInlines(InlineMarkup):
    """Inline content as HTML: text escaped, `<br>`, `<strong>`, `<em>`."""

    line_break_text = "<br>"

    def text(self, node: Text) -> str:
        return escape(node.text, quote=False)


_inl = _HtmlInlines()


def _p(cls: str, text: str) -> str:
    return f'<p class="{cls}">{escape(text, quote=False)}</p>'


def _rule(cls: str, width_mm: float) -> str:
    """A rule sized from the text it underlines (reportgen.frame), centred."""
    return f'<div class="rule {cls}" style="width:{width_mm:.2f}mm"></div>'


def _frame(meta: Meta) -> str:
    parent = frame.fit_parent_agency(meta.parent_agency)
    left = [f'<p class="parent-agency" style="font-size:{parent.size:g}pt">'
            + "<br>".join(escape(line, quote=False) for line in parent.lines) + "</p>",
            _p("agency", meta.agency), _rule("agency-rule", frame.agency_rule_mm(meta.agency)),
            _p("number", meta.number)]
    right = [_p("nation", meta.nation), _p("motto", meta.motto),
             _rule("motto-rule", frame.motto_rule_mm(meta.motto)), _p("place-date", meta.place_date)]
    split = geometry.HEADER_SPLIT * 100  # the closing's split is in the stylesheet
    head = (f'<table class="frame"><tr><td class="left" style="width:{split:g}%">' + "".join(left) +
            f'</td><td class="right" style="width:{100 - split:g}%">' + "".join(right) +
            "</td></tr></table>")
    mark = _p("draft-mark", meta.mark) if meta.mark else ""
    title = [_p("doc-type", meta.doc_type)] + [_p("subject", s) for s in meta.subject]
    rule = _rule("subject-rule", frame.subject_rule_mm(meta.subject)) if meta.subject else ""
    return mark + head + "\n" + "".join(title) + rule + "\n"


def _closing(meta: Meta) -> str:
    """The closing sentence, "Nơi nhận" and the signature: one block a page never splits."""
    left = [_p("recipients-title", meta.recipients_title)] + [_p("recipient", r) for r in meta.recipients]
    right = [_p("authority", a) for a in meta.authority] + ['<div class="signature-space"></div>']
    if meta.signer:
        right.append(_p("signer", meta.signer))
    sentence = f"<p>{escape(meta.closing, quote=False)}</p>" if meta.closing else ""
    return ('<div class="closing-block">' + sentence +
            '<table class="closing"><tr><td class="left">' + "".join(left) +
            '</td><td class="right">' + "".join(right) + "</td></tr></table></div>\n")


def _cell(c: Cell) -> str:
    tag = "th" if c.header else "td"
    attrs = f' class="align-{c.align}"'
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    return f"<{tag}{attrs}>{_inl(c.inlines)}</{tag}>"


def _table(t: Table) -> str:
    parts = ['<table class="data">']
    if t.caption:
        parts.append(f"<caption>{_inl(t.caption)}</caption>")
    if t.widths:
        total = sum(t.widths) or 1
        parts.append("<colgroup>" + "".join(
            f'<col style="width:{w * 100 / total:.2f}%">' for w in t.widths) + "</colgroup>")
    head = [r for r in t.rows if r.header]
    body = [r for r in t.rows if not r.header]
    if head:
        parts.append("<thead>" + "".join(
            "<tr>" + "".join(_cell(c) for c in r.cells) + "</tr>" for r in head) + "</thead>")
    parts.append("<tbody>" + "".join(
        "<tr>" + "".join(_cell(c) for c in r.cells) + "</tr>" for r in body) + "</tbody>")
    parts.append("</table>")
    return "".join(parts)


_SVG_START = re.compile(rb"<svg[\s>]")
_SVG_STYLE_SHEET = re.compile(r"<style[^>]*>\s*\*\s*\{([^}<]*)\}\s*</style>")
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')


def _presentation(declarations: str) -> str:
    """'fill: none; stroke: #000' -> ' fill="none" stroke="#000"' (SVG presentation
    attributes: the page's CSS parser, which knows no SVG property, never sees them)."""
    out = []
    for decl in declarations.split(";"):
        name, sep, value = decl.partition(":")
        if sep and re.fullmatch(r"[a-z-]+", name.strip()) and '"' not in value:
            out.append(f' {name.strip()}="{value.strip()}"')
    return "".join(out)


def inline_svg(svg: bytes) -> str:
    """The <svg> element of an SVG file for inlining in the page: no XML declaration or
    DOCTYPE, and its styles as presentation attributes (a `<style>` inside an inline SVG
    would apply to the whole page)."""
    m = _SVG_START.search(svg)
    if m is None:
        raise ValueError("not an SVG document")
    text = svg[m.start():].decode("utf-8").strip()
    sheet = _SVG_STYLE_SHEET.search(text)
    if sheet:  # matplotlib's `*{stroke-linejoin: round; …}`: inherited from the root instead
        text = text[:sheet.start()] + text[sheet.end():]
        text = text.replace("<svg", "<svg" + _presentation(sheet.group(1)), 1)
    return _STYLE_ATTR.sub(lambda a: _presentation(a.group(1)), text)


def _image(b: Image) -> str:
    if not b.ready:  # a chart the build did not draw: nothing to show
        return ""
    svg = inline_svg(b.svg)
    if b.alt:  # the text alternative: read by screen readers and tagged as the PDF Figure's Alt
        alt = escape(b.alt, quote=True)
        svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg{m.group(1)} role="img" aria-label="{alt}">'
                     f"<title>{alt}</title>", svg, count=1)
    parts = [f'<figure class="chart" style="width:{b.width_mm:g}mm">', svg]
    if b.caption:
        parts.append(f"<figcaption>{_inl(b.caption)}</figcaption>")
    if b.source:
        parts.append(f'<p class="source">{escape(b.source, quote=False)}</p>')
    parts.append("</figure>")
    return "".join(parts)


def body_html(doc: Document) -> str:
    return blocks_html(doc.blocks)


def blocks_html(blocks: tuple[Block, ...]) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            attr = ""
            if LineBreak() in b.inlines:  # "Phần I<br>KẾT QUẢ …"
                label = ". ".join(part.strip() for part in inline_text(b.inlines).split("\n"))
                attr = f' data-bookmark="{escape(label, quote=True)}"'  # the PDF bookmark
            out.append(f"<h{b.level}{attr}>{_inl(b.inlines)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            cls = [] if b.align == "justify" else [b.align]
            if not b.indent and b.align == "justify":
                cls.append("noindent")
            attr = f' class="{" ".join(cls)}"' if cls else ""
            out.append(f"<p{attr}>{_inl(b.inlines)}</p>")
        elif isinstance(b, ListBlock):
            tag = "ol" if b.ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inl(i)}</li>" for i in b.items) + f"</{tag}>")
        elif isinstance(b, Table):
            out.append(_table(b))
        elif isinstance(b, PageBreak):
            out.append('<div class="page-break"></div>')
        elif isinstance(b, Image):
            out.append(_image(b))
    return "\n".join(o for o in out if o)


def render_text(doc: Document, css: str = "") -> str:
    """The complete HTML page as text."""
    m = doc.meta
    head = ['<meta charset="utf-8">', f"<title>{escape(m.title)}</title>"]
    if m.author:
        head.append(f'<meta name="author" content="{escape(m.author)}">')
    if m.date:
        iso = m.date.isoformat()
        head.append(f'<meta name="dcterms.created" content="{iso}">')
        head.append(f'<meta name="dcterms.modified" content="{iso}">')
    head.append('<meta name="generator" content="reportgen">')
    if css:
        head.append(f"<style>\n{inline_css(css)}\n</style>")
    return (f'<!DOCTYPE html>\n<html lang="{escape(m.language)}">\n<head>\n' + "\n".join(head) +
            "\n</head>\n<body>\n" + _frame(m) + body_html(doc) + "\n" + _closing(m) +
            (f'<div class="appendix">\n{blocks_html(doc.appendix)}\n</div>\n' if doc.appendix else "")
            + "</body>\n</html>\n")


def render(doc: Document, css: str = "", **_: object) -> bytes:
    return render_text(doc, css).encode("utf-8")
