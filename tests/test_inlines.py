"""One walk over inline content (reportgen/document/inlines.py), used by every reader of it.

Plain text, the debug dump, the HTML writer and the DOCX writer each say what Text, Strong,
Emph and LineBreak become; none of them dispatches on the kinds itself.
"""
from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from reportgen.document import inlines as walk
from reportgen.document.types import (Document, Emph, Heading, LineBreak, Meta, Paragraph, Strong,
                                      Text, dump, inline_text)

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"
KINDS = {"Text", "Strong", "Emph", "LineBreak"}

NESTED = (Text("Đạt "), Strong((Text("1.586,397 <tỷ> đồng"), Emph((Text("ước"),)))), LineBreak(),
          Emph((Text("tăng 10,09%"),)))


def document() -> Document:
    meta = Meta(parent_agency="UBND TỈNH BẮC KẠN", agency="SỞ CÔNG THƯƠNG", number="Số: 01/BC-SCT",
                nation="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto="Độc lập - Tự do - Hạnh phúc",
                place_date="Bắc Kạn, ngày 05 tháng 01 năm 2023", doc_type="BÁO CÁO",
                subject=("Kết quả năm 2022",), signer="Nguyễn Văn An", date=dt.date(2023, 1, 5))
    return Document(meta, (Heading(1, (Text("Phần I"), LineBreak(), Text("KẾT QUẢ"))),
                           Paragraph(NESTED)))


def test_each_reader_writes_each_kind():
    assert inline_text(NESTED) == "Đạt 1.586,397 <tỷ> đồngước\ntăng 10,09%"
    assert ("<paragraph align=justify indent=True>Đạt <strong>1.586,397 <tỷ> đồng<em>ước</em>"
            "</strong><br/><em>tăng 10,09%</em>") in dump(document())
    from reportgen.writers import html
    page = html.render_text(document())
    assert ("<p>Đạt <strong>1.586,397 &lt;tỷ&gt; đồng<em>ước</em></strong><br>"
            "<em>tăng 10,09%</em></p>") in page
    assert '<h1 data-bookmark="Phần I. KẾT QUẢ">Phần I<br>KẾT QUẢ</h1>' in page
    from reportgen.writers.docx import render
    body = docx.Document(io.BytesIO(render(document()))).element.body
    p = [p for p in body.iter(qn("w:p")) if "Đạt" in "".join(t.text for t in p.iter(qn("w:t")))]
    runs = [(r.find(qn("w:t")).text if r.find(qn("w:t")) is not None else "<br>",
             r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None,
             r.find(f"{qn('w:rPr')}/{qn('w:i')}") is not None) for r in p[0].iter(qn("w:r"))]
    assert runs == [("Đạt ", False, False), ("1.586,397 <tỷ> đồng", True, False),
                    ("ước", True, True), ("<br>", False, False), ("tăng 10,09%", False, True)]


def test_all_four_readers_go_through_the_walker(monkeypatch):
    """Each of the four readers of inline content visits the nodes through InlineVisitor."""
    seen: list[str] = []
    visit = walk.InlineVisitor.visit

    def recording(self, node, *context):
        seen.append(type(self).__name__)
        return visit(self, node, *context)

    monkeypatch.setattr(walk.InlineVisitor, "visit", recording)
    from reportgen.writers import docx as docx_writer, html

    used = {}
    for name, run in (("plain text", lambda: inline_text(NESTED)),
                      ("dump", lambda: dump(document())),
                      ("HTML", lambda: html.render_text(document())),
                      ("DOCX", lambda: docx_writer.render(document()))):
        seen.clear()
        run()
        used[name] = set(seen)
    assert used["plain text"] == {"InlineString"}
    assert "InlineMarkup" in used["dump"]
    assert "_HtmlInlines" in used["HTML"]
    assert "_Runs" in used["DOCX"]


def test_an_unknown_inline_kind_is_refused_not_dropped():
    with pytest.raises(TypeError, match="unknown inline"):
        inline_text((Text("a"), "b"))


def _dispatches_on_inline_kinds(path: Path) -> list[int]:
    """Lines of `isinstance(x, <inline kind>)` calls in a module."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            kinds = node.args[1]
            names = {e.id for e in (kinds.elts if isinstance(kinds, ast.Tuple) else [kinds])
                     if isinstance(e, ast.Name)}
            if names & KINDS:
                lines.append(node.lineno)
    return lines


def test_no_module_dispatches_on_inline_kinds_but_the_walker():
    # the reader builds inline content (merging and trimming text at its edges), it does not
    # read it: it is the one other module allowed to look at the kinds
    allowed = {PACKAGE / "document" / "inlines.py", PACKAGE / "document" / "reader.py"}
    bad = [f"{p.relative_to(PACKAGE.parent)}:{line}" for p in sorted(PACKAGE.rglob("*.py"))
           if p not in allowed for line in _dispatches_on_inline_kinds(p)]
    assert not bad, "walk inline content with reportgen.document.inlines.InlineVisitor: " + \
        ", ".join(bad)


def test_the_checker_sees_a_dispatch(tmp_path):
    src = tmp_path / "x.py"
    src.write_text("def f(n):\n    if isinstance(n, (Strong, Emph)):\n        pass\n")
    assert _dispatches_on_inline_kinds(src) == [2]
