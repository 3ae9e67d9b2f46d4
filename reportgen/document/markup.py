"""The restricted HTML of the templates: its vocabulary, and its parse into an element tree.

Templates emit a small HTML vocabulary that every writer can draw. Anything else is a
template error naming the template and line: checked statically on the template source by
`check_fragment`, and again while the rendered output is parsed by `TreeBuilder`, which also
keeps which template wrote each rendered line (`SOURCE_MARK` comments) so an error in HTML made
at run time names its template (`in_template`). `reader.py` turns the tree into a Document.

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

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Optional

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
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list = field(default_factory=list)  # _El or str


class TreeBuilder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = Element("#root", {}, 1)
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
        el = Element(tag, amap, self.getpos()[0])
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


def in_template(exc: TemplateError, builder: TreeBuilder, source: str) -> TemplateError:
    """The error moved to the template that wrote the line (the rendered output's line is no
    line of any file: the HTML was built at run time, `|safe` or a macro's output)."""
    from ..errors import display_path

    template = builder.template_at(exc.line) if exc.file == display_path(source) else None
    if not template:
        return exc
    return TemplateError(f"{exc.message} (HTML này được tạo lúc dựng, ví dụ qua |safe hay một "
                         f"macro, không có sẵn trong mẫu: xem các biểu thức của mẫu này)",
                         template, 0, code=exc.code)
