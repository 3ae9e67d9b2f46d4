"""The DOCX of each seeded report: same text as the PDF, Word styles, and LibreOffice's view."""
from __future__ import annotations

import html

import io
import os
import re
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from seeded import missing_in_context, normalise, pdf_pages_text, seeded_reports

FRAME_TABLES = 2  # the header and the closing are borderless tables drawn by the writer


def para_text(p) -> str:
    """Text of a w:p element; a line break counts as a space."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")):
        out.append(el.text or "" if el.tag == qn("w:t") else " ")
    return "".join(out)


def is_frame_table(tbl) -> bool:
    """The header and the closing are borderless tables without the body table style
    (body and appendix tables use "Bảng chỉ tiêu", style id BangChiTieu)."""
    style = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    return style is None or style.get(qn("w:val")) != "BangChiTieu"


def docx_blocks(data: bytes) -> tuple[list[str], list[str]]:
    """(frame paragraphs, body paragraphs) of a DOCX, non-empty, in document order.

    Body paragraphs include the body tables and the appendix after the closing."""
    d = docx.Document(io.BytesIO(data))
    body = d.element.body
    frame, flow = [], []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = para_text(child)
            if text.strip():
                flow.append(normalise(text))
        elif child.tag == qn("w:tbl"):
            texts = []
            for p in child.iter(qn("w:p")):
                text = para_text(p)
                if text.strip():
                    texts.append(normalise(text))
            (frame if is_frame_table(child) else flow).extend(texts)
    return frame, flow


def docx_flow_items(data: bytes) -> list[tuple[str, object]]:
    """The body and appendix in document order: ("p", text) for a paragraph, ("table",
    (header cells, body cells)) for a body or appendix table (frame tables left out)."""
    d = docx.Document(io.BytesIO(data))
    items: list[tuple[str, object]] = []
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = para_text(child)
            if text.strip():
                items.append(("p", normalise(text)))
        elif child.tag == qn("w:tbl") and not is_frame_table(child):
            head, cells = [], []
            for tr in child.iterchildren(qn("w:tr")):
                repeated = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
                for p in tr.iter(qn("w:p")):
                    text = normalise(para_text(p))
                    if text:
                        (head if repeated else cells).append(text)
            items.append(("table", (head, cells)))
    return items


def pdf_flow(pages: list[str]) -> str:
    """The PDF text with the page numbers (top of pages 2…) removed."""
    out = [pages[0]]
    for i, page in enumerate(pages[1:], start=2):
        out.append(re.sub(rf"^{i} ", "", page))
    return " ".join(out)


@pytest.fixture(scope="module")
def reports():
    return seeded_reports()


def _table_region_leftover(region: str, head: list[str], cells: list[str], key: str) -> str:
    """Check a table's text against its PDF region; return what is left ('' when all fit).

    pdftotext reads table cells column block by column block, and interleaves the lines of
    side-by-side cells that wrap, so a table is compared as a multiset of words: every word
    of every cell must be in the region, and all the region has beyond them is the header
    rows, which repeat on every page the table covers."""
    from collections import Counter

    found = Counter(region.split())
    body = Counter(w for c in cells for w in c.split())
    header = Counter(w for c in head for w in c.split())
    missing = (body + header) - found
    assert not missing, f"{key}: table words not in the PDF table: {sorted(missing)}"
    rest = found - body
    extra = [w for w in rest if w not in header]
    return " ".join(extra)


def test_docx_text_equals_pdf_text(reports):
    for key, s in reports.items():
        frame, _ = docx_blocks(s.outputs["docx"])
        pdf = pdf_flow(s.pages)
        for text in frame:  # the two-column frame: order between columns may differ
            assert text in pdf, f"{key}: frame text {text!r} not in PDF"
            pdf = pdf.replace(text, " ", 1)
        pdf = normalise(pdf)
        items = docx_flow_items(s.outputs["docx"])
        pos, leftover = 0, []
        for n, (kind, value) in enumerate(items):
            if kind == "p":
                i = pdf.find(value, pos)
                assert i >= 0, f"{key}: DOCX paragraph not found in order in the PDF: {value[:80]!r}"
                leftover.append(pdf[pos:i])
                pos = i + len(value)
                continue
            # a table: its region ends where the next paragraph starts
            nxt = next((v for k, v in items[n + 1:] if k == "p"), None)
            end = len(pdf) if nxt is None else pdf.find(nxt, pos)
            assert end >= 0, f"{key}: DOCX paragraph after a table not in the PDF: {nxt[:80]!r}"
            leftover.append(_table_region_leftover(pdf[pos:end], *value, key))
            pos = end
        leftover.append(pdf[pos:])
        # all that the PDF has beyond the DOCX paragraphs: list bullets drawn by CSS, and the
        # words of the charts (text in the PDF's vector chart, a picture in the DOCX)
        rest = "".join(leftover).replace(" ", "")
        words = [html.unescape(w).replace(" ", "") for img in s.doc.images
                 for w in re.findall(r">([^<]+)</text>", img.svg.decode("utf-8"))]
        for word in sorted(words, key=len, reverse=True):  # '100%' is inside 'Kế hoạch (100%)'
            assert word in rest, (key, word)
            rest = rest.replace(word, "", 1)
        assert set(rest) <= {"-"}, (key, leftover)


def _in_context(s, text: str) -> list[str]:
    from reportgen.data.layout import load_layout
    report = s.manifest.load()
    layout = load_layout(s.project.templates, s.manifest.data_root / s.manifest.province)
    return missing_in_context(text, report, layout, s.manifest.figures)


def test_every_seed_figure_in_docx_in_context(reports):
    for key, s in reports.items():
        frame, flow = docx_blocks(s.outputs["docx"])
        missing = _in_context(s, " ".join(flow))
        assert not missing, f"{key}: {missing}"


def test_docx_layout_read_back(reports):
    d = docx.Document(io.BytesIO(reports["bac-kan-2022"].outputs["docx"]))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.5) and abs(sec.page_height - Mm(297)) < Mm(0.5)
    assert abs(sec.left_margin - Mm(30)) < Mm(0.5) and abs(sec.right_margin - Mm(15)) < Mm(0.5)
    assert abs(sec.top_margin - Mm(20)) < Mm(0.5) and abs(sec.bottom_margin - Mm(20)) < Mm(0.5)
    assert sec.different_first_page_header_footer
    fonts = d.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(slot)) == "Times New Roman", slot
    normal = d.styles["Normal"]
    assert normal.font.size.pt == 14
    used = {p.style.name for p in d.paragraphs if p.text.strip()}
    assert {"Normal", "Heading 1", "Heading 2", "List Bullet"} <= used, used
    header_xml = sec.header._element.xml
    assert "PAGE" in header_xml
    assert sec.first_page_header._element.xpath("string(.)").strip() == ""


def test_docx_bytes_reproducible(reports):
    from reportgen.writers.docx import render
    s = reports["cao-bang-2021"]
    assert render(s.doc) == s.outputs["docx"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice not installed: run `bash scripts/setup.sh` "
                    "(installs libreoffice-writer-nogui) to check the DOCX as Word users see it")
def test_libreoffice_opens_each_docx(reports, tmp_path):
    profile = (tmp_path / "profile").as_uri()
    for key, s in reports.items():
        src = tmp_path / f"{key}.docx"
        src.write_bytes(s.outputs["docx"])
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "lo")] + sorted(str(p) for p in tmp_path.glob("*.docx")),
                   capture_output=True, timeout=300, env=env)
    for key, s in reports.items():
        out = tmp_path / "lo" / f"{key}.pdf"
        assert out.exists(), f"LibreOffice did not convert {key}.docx"  # it exits 0 on failure
        data = out.read_bytes()
        pages = pdf_pages_text(data)
        assert abs(len(pages) - len(s.pages)) <= 1, (key, len(pages), len(s.pages))
        missing = _in_context(s, " ".join(pages))
        assert not missing, f"{key}: {missing}"
