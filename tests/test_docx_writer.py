"""Tests for reportgen.writers.docx: the typed Document drawn as a Word file.

Every check reads the DOCX back (python-docx and its XML): geometry, styles and fonts, the
frame, lists, merged table cells, page numbers, reproducible bytes, text order. The last test
round-trips through LibreOffice when it is installed.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from reportgen import geometry as g
from reportgen.document.types import (
    Cell,
    Document,
    Emph,
    Heading,
    LineBreak,
    ListBlock,
    Meta,
    PageBreak,
    Paragraph,
    Row,
    Strong,
    Table,
    Text,
    body_texts,
    frame_texts,
)
from reportgen.typography import plain
from reportgen.writers.docx import render

T = Text
TNR = "Times New Roman"
DATE = dt.date(2023, 1, 5)


def make_document(date: dt.date | None = DATE) -> Document:
    meta = Meta(
        parent_agency="UBND TỈNH BẮC KẠN",
        agency="SỞ CÔNG THƯƠNG",
        number="Số: 01/BC-SCT",
        nation="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        motto="Độc lập - Tự do - Hạnh phúc",
        place_date="Bắc Kạn, ngày 05 tháng 01 năm 2023",
        doc_type="BÁO CÁO",
        subject=("Kết quả thực hiện nhiệm vụ năm 2022", "và phương hướng, nhiệm vụ năm 2023"),
        recipients=("- UBND tỉnh (b/c);", "- Bộ Công Thương (b/c);", "- Lưu: VT, KHTC."),
        authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        signer="Nguyễn Văn An",
        title="Báo cáo kết quả thực hiện nhiệm vụ năm 2022",
        author="Sở Công Thương tỉnh Bắc Kạn",
        language="vi-VN",
        date=date,
    )
    table = Table(
        rows=(
            Row((
                Cell((T("STT"),), rowspan=2, header=True),
                Cell((T("Chỉ tiêu"),), rowspan=2, header=True),
                Cell((T("Đơn vị tính"),), rowspan=2, header=True),
                Cell((T("Ước thực hiện năm"),), rowspan=2, header=True),
                Cell((T("So sánh (%)"),), colspan=2, header=True),
            ), header=True),
            Row((Cell((T("TH/KH"),), header=True), Cell((T("TH/cùng kỳ"),), header=True)),
                header=True),
            Row((
                Cell((T("1"),), align="center"),
                Cell((T("Giá trị sản xuất công nghiệp"),)),
                Cell((T("tỷ đồng"),), align="center"),
                Cell((T("1.586,397"),), align="right"),
                Cell((T("105,76"),), align="right"),
                Cell((T("110,09"),), align="right"),
            )),
        ),
        caption=(T("Biểu 01: Các chỉ tiêu chủ yếu"),),
        widths=(6, 34, 12, 16, 16, 16),
    )
    blocks = (
        Heading(1, (T("Phần I"), LineBreak(), T("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2022"))),
        Heading(2, (T("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"),)),
        Heading(3, (T("1. Sản xuất công nghiệp"),)),
        Paragraph((
            T("Giá trị sản xuất công nghiệp ước đạt "), Strong((T("1.586,397 tỷ đồng"),)),
            T(", tăng "), Emph((T("10,09%"),)), T(" so với cùng kỳ."),
        )),
        ListBlock(True, ((T("Điện sản xuất đạt 300 triệu kWh;"),),
                         (T("Xi măng đạt 150 nghìn tấn."),))),
        Heading(4, (T("a) Thương mại"),)),
        ListBlock(True, ((T("Tổng mức bán lẻ đạt 6.760 tỷ đồng;"),),
                         (T("Xuất khẩu đạt 34,410 triệu USD."),))),
        ListBlock(False, ((T("Hoàn thành 04/15 sản phẩm;"),), (T("Thẩm định 07 hồ sơ."),))),
        Paragraph((T("Bảng tổng hợp"),), align="center"),
        Paragraph((T("Ghi chú không thụt đầu dòng."),), indent=False),
        PageBreak(),
        table,
        Paragraph((T("./."),)),
    )
    return Document(meta, blocks)


@pytest.fixture(scope="module")
def data() -> bytes:
    return render(make_document())


@pytest.fixture(scope="module")
def wdoc(data):
    return docx.Document(io.BytesIO(data))


class PlainParagraph(DocxParagraph):
    """A paragraph whose text reads no-break spaces and hyphens (a province's name in the
    header is kept on one line with them) as ordinary ones."""

    @property
    def text(self) -> str:
        return plain(super().text)


def body_paragraphs(wdoc) -> list[DocxParagraph]:
    """Every paragraph of the body in document order, table cells included."""
    return [PlainParagraph(p, wdoc) for p in wdoc.element.body.iter(qn("w:p"))]


def para(wdoc, text: str) -> DocxParagraph:
    found = [p for p in body_paragraphs(wdoc) if p.text == text]
    assert len(found) == 1, (text, [p.text for p in body_paragraphs(wdoc)])
    return found[0]


def style_by_id(wdoc, style_id: str):
    el = wdoc.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    assert el is not None, style_id
    return el


# ---------------------------------------------------------------- geometry
def test_a4_portrait_and_margins(wdoc):
    (sec,) = wdoc.sections
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert round(sec.top_margin.mm) == 20 and round(sec.bottom_margin.mm) == 20
    assert round(sec.left_margin.mm) == 30 and round(sec.right_margin.mm) == 15
    # and exactly what reportgen.geometry says (the stylesheet is checked against it too)
    lengths = (sec.page_width, sec.page_height, sec.top_margin, sec.right_margin,
               sec.bottom_margin, sec.left_margin)
    assert tuple(round(x.mm, 1) for x in lengths) == (  # Word keeps twips: 210 mm = 11906
        g.PAGE_WIDTH_MM, g.PAGE_HEIGHT_MM, g.MARGIN_TOP_MM, g.MARGIN_RIGHT_MM,
        g.MARGIN_BOTTOM_MM, g.MARGIN_LEFT_MM)


# ---------------------------------------------------------------- styles and fonts
def assert_times_everywhere(rpr, where: str):
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts is not None, where
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{slot}")) == TNR, (where, slot)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        assert fonts.get(qn(f"w:{theme}")) is None, (where, theme)
    lang = rpr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:val")) == "vi-VN", where
    assert lang.get(qn("w:eastAsia")) and lang.get(qn("w:bidi")), where
    sz, szcs = rpr.find(qn("w:sz")), rpr.find(qn("w:szCs"))
    assert sz is not None and szcs is not None, where
    assert sz.get(qn("w:val")) == szcs.get(qn("w:val")), where


STYLES = ["Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet",
          "List Number", "Header", "Bảng chỉ tiêu", "RG Header", "RG Agency", "RG Nation",
          "RG Motto", "RG Place Date", "RG Rule", "RG Title", "RG Subject",
          "RG Recipients Title", "RG Recipients", "RG Authority", "RG Signer", "RG Center",
          "RG Right", "RG Left", "RG NoIndent", "RG Caption", "RG Table", "RG Table Header",
          "RG Table Center", "RG Table Right"]


def test_doc_defaults_times_new_roman_vietnamese(wdoc):
    rpr = wdoc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert_times_everywhere(rpr, "docDefaults")


@pytest.mark.parametrize("name", STYLES)
def test_every_defined_style_has_times_in_all_slots(wdoc, name):
    style = wdoc.styles[name]
    assert_times_everywhere(style.element.find(qn("w:rPr")), name)


def test_no_theme_fonts_or_colours_left(data):
    styles_xml = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert not re.search(r"w:(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)=", styles_xml)
    assert not re.search(r"<w:color [^>]*w:themeColor", styles_xml)  # text colours


def test_normal_and_heading_styles(wdoc):
    normal = wdoc.styles["Normal"]
    pf = normal.paragraph_format
    assert normal.font.name == TNR and normal.font.size == Pt(14)
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert round(pf.first_line_indent.cm, 2) == 1.27
    assert pf.space_after == Pt(6)
    assert 1.0 <= pf.line_spacing <= 1.5
    for level in range(1, 5):
        h = wdoc.styles[f"Heading {level}"]
        assert h.font.bold is True and h.font.size == Pt(14), level
        assert h.font.color.rgb is not None and str(h.font.color.rgb) == "000000", level
        assert h.font.italic in (None, False), level
    assert wdoc.styles["Heading 1"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert wdoc.styles["Heading 2"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert wdoc.styles["Heading 2"].paragraph_format.first_line_indent == 0
    h3 = wdoc.styles["Heading 3"].paragraph_format
    assert h3.alignment == WD_ALIGN_PARAGRAPH.LEFT and round(h3.first_line_indent.cm, 2) == 1.27
    table_style = wdoc.styles["Bảng chỉ tiêu"]
    assert table_style.base_style.name == "Table Grid"
    assert table_style.font.size == Pt(12)


def test_body_paragraph_styles(wdoc):
    expected = {
        "Phần I\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2022": "Heading 1",
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU": "Heading 2",
        "1. Sản xuất công nghiệp": "Heading 3",
        "a) Thương mại": "Heading 4",
        "Giá trị sản xuất công nghiệp ước đạt 1.586,397 tỷ đồng, tăng 10,09% so với cùng kỳ.":
            "Normal",
        "Điện sản xuất đạt 300 triệu kWh;": "List Number",
        "Xuất khẩu đạt 34,410 triệu USD.": "List Number",
        "Hoàn thành 04/15 sản phẩm;": "List Bullet",
        "Bảng tổng hợp": "RG Center",
        "Ghi chú không thụt đầu dòng.": "RG NoIndent",
        "./.": "Normal",
        "BÁO CÁO": "RG Title",
        "Kết quả thực hiện nhiệm vụ năm 2022": "RG Subject",
        "UBND TỈNH BẮC KẠN": "RG Header",
        "SỞ CÔNG THƯƠNG": "RG Agency",
        "Độc lập - Tự do - Hạnh phúc": "RG Motto",
        "Bắc Kạn, ngày 05 tháng 01 năm 2023": "RG Place Date",
        "Nơi nhận:": "RG Recipients Title",
        "- Lưu: VT, KHTC.": "RG Recipients",
        "KT. GIÁM ĐỐC": "RG Authority",
        "Nguyễn Văn An": "RG Signer",
        "Biểu 01: Các chỉ tiêu chủ yếu": "RG Caption",
    }
    for text, style in expected.items():
        assert para(wdoc, text).style.name == style, text


def test_strong_and_emph_runs(wdoc):
    p = para(wdoc, "Giá trị sản xuất công nghiệp ước đạt 1.586,397 tỷ đồng, tăng 10,09% so với "
                   "cùng kỳ.")
    runs = {r.text: (r.bold, r.italic) for r in p.runs}
    assert runs["1.586,397 tỷ đồng"] == (True, None)
    assert runs["10,09%"] == (None, True)
    assert runs["Giá trị sản xuất công nghiệp ước đạt "] == (None, None)


def test_line_break_is_a_break_not_text(wdoc):
    p = para(wdoc, "Phần I\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2022")
    assert len(p._p.findall(f".//{qn('w:br')}")) == 1
    assert all("\n" not in t.text for t in p._p.iter(qn("w:t")))


# ---------------------------------------------------------------- frame
def test_frame_is_two_borderless_tables(wdoc):
    header, body_table, closing = wdoc.tables
    for t in (header, closing):
        assert len(t.columns) == 2
        assert t._tbl.tblPr.find(qn("w:tblStyle")) is None  # Normal Table: no borders
        borders = t._tbl.tblPr.find(qn("w:tblBorders"))
        assert all(b.get(qn("w:val")) in ("nil", "none") for b in borders)
    assert [plain(p.text) for p in header.cell(0, 0).paragraphs if p.text] == [
        "UBND TỈNH BẮC KẠN", "SỞ CÔNG THƯƠNG", "Số: 01/BC-SCT"]
    assert [plain(p.text) for p in header.cell(0, 1).paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Bắc Kạn, ngày 05 tháng 01 năm 2023"]
    # the short rules under the agency and the motto: bordered empty paragraphs
    for cell in header.rows[0].cells:
        rules = [p for p in cell.paragraphs if p.style.name == "RG Rule"]
        assert len(rules) == 1 and rules[0].text == ""
    assert [p.text for p in closing.cell(0, 0).paragraphs] == [
        "Nơi nhận:", "- UBND tỉnh (b/c);", "- Bộ Công Thương (b/c);", "- Lưu: VT, KHTC."]
    assert [p.text for p in closing.cell(0, 1).paragraphs] == [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
    rule = wdoc.styles["RG Rule"].element
    assert rule.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}") is not None


def _two_columns(table) -> tuple[int, int]:
    """Twips of the two columns: the grid and every cell width agree."""
    cols = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cells = [int(tc.tcPr.tcW.get(qn("w:w"))) for tc in table._tbl.tr_lst[0].tc_lst]
    assert cols == cells and len(cols) == 2, (cols, cells)
    return cols[0], cols[1]


def test_frame_columns_are_the_geometry_splits(wdoc):
    """Header 40/60 and closing 45/55: the splits of reportgen.geometry, which the stylesheet
    of the HTML and the PDF carries too (tests/test_geometry.py)."""
    header, _, closing = wdoc.tables
    text_twips = g.TEXT_WIDTH_MM * 1440 / 25.4
    for table, split in ((header, g.HEADER_SPLIT), (closing, g.CLOSING_SPLIT)):
        left, right = _two_columns(table)
        assert left + right == pytest.approx(text_twips, abs=1)
        assert left / (left + right) == pytest.approx(split, abs=0.001)


def test_frame_font_sizes(wdoc):
    s = wdoc.styles
    assert s["RG Header"].font.size == Pt(13) and not s["RG Header"].font.bold
    assert s["RG Agency"].font.size == Pt(13) and s["RG Agency"].font.bold
    assert s["RG Nation"].font.bold and s["RG Nation"].font.size in (Pt(12), Pt(13))
    assert s["RG Motto"].font.bold and s["RG Motto"].font.size in (Pt(13), Pt(14))
    assert s["RG Place Date"].font.italic and s["RG Place Date"].font.size == Pt(14)
    assert s["RG Title"].font.bold and s["RG Subject"].font.bold
    assert s["RG Recipients Title"].font.bold and s["RG Recipients Title"].font.italic
    assert s["RG Recipients Title"].font.size == Pt(12)
    assert s["RG Recipients"].font.size == Pt(11)
    assert s["RG Authority"].font.bold and s["RG Signer"].font.bold


# ---------------------------------------------------------------- lists
def num_id_of(p: DocxParagraph) -> int | None:
    num = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if num is None else int(num.get(qn("w:val")))


def test_numbered_lists_restart(wdoc):
    first = [para(wdoc, "Điện sản xuất đạt 300 triệu kWh;"), para(wdoc, "Xi măng đạt 150 nghìn tấn.")]
    second = [para(wdoc, "Tổng mức bán lẻ đạt 6.760 tỷ đồng;"),
              para(wdoc, "Xuất khẩu đạt 34,410 triệu USD.")]
    a, b = {num_id_of(p) for p in first}, {num_id_of(p) for p in second}
    assert len(a) == 1 and len(b) == 1 and a != b and None not in a | b
    numbering = wdoc.part.numbering_part.element
    abstract_ids = set()
    for num_id in a | b:
        num = numbering.num_having_numId(num_id)
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start is not None and start.get(qn("w:val")) == "1"
        abstract_ids.add(num.abstractNumId.val)
    (abstract_id,) = abstract_ids  # one definition, two instances
    lvl = numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']"
                         f"/{qn('w:lvl')}")
    assert lvl.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"


def test_bullet_list_uses_dash_from_numbering(wdoc):
    p = para(wdoc, "Hoàn thành 04/15 sản phẩm;")
    assert not p.text.startswith("-")
    style_num = wdoc.styles["List Bullet"].element.find(
        f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    num = wdoc.part.numbering_part.element.num_having_numId(int(style_num.get(qn("w:val"))))
    lvl = wdoc.part.numbering_part.element.find(
        f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{num.abstractNumId.val}']/{qn('w:lvl')}")
    assert lvl.find(qn("w:numFmt")).get(qn("w:val")) == "bullet"
    assert lvl.find(qn("w:lvlText")).get(qn("w:val")) == "-"


# ---------------------------------------------------------------- tables
def test_table_spans_header_rows_and_alignment(wdoc):
    table = wdoc.tables[1]
    assert table.style.name == "Bảng chỉ tiêu"
    trs = table._tbl.tr_lst
    assert len(table.columns) == 6
    row0 = trs[0].tc_lst
    assert [tc.grid_span for tc in row0] == [1, 1, 1, 1, 2]
    span_cell = row0[4]
    assert "".join(t.text for t in span_cell.iter(qn("w:t"))) == "So sánh (%)"
    assert row0[0].vMerge == "restart"  # STT rowspan=2
    assert trs[1].tc_lst[0].vMerge == "continue"
    assert trs[2].tc_lst[0].vMerge is None
    # grid positions: the second header row's cells sit under "So sánh (%)"
    assert table.cell(1, 4).text == "TH/KH" and table.cell(1, 5).text == "TH/cùng kỳ"
    assert table.cell(1, 0).text == "STT"  # the merged cell seen from the row below
    for i, tr in enumerate(trs):
        has = tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        assert has == (i < 2), i
    head = table.cell(0, 0).paragraphs[0]
    assert head.style.name == "RG Table Header"
    assert wdoc.styles["RG Table Header"].font.bold
    assert wdoc.styles["RG Table Header"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table.cell(2, 3).paragraphs[0].style.name == "RG Table Right"
    assert table.cell(2, 2).paragraphs[0].style.name == "RG Table Center"
    assert table.cell(2, 1).paragraphs[0].style.name == "RG Table"
    # relative widths 6:34:12:16:16:16
    cols = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(cols[1] / cols[0] - 34 / 6) < 0.05
    assert abs(sum(cols) - 9354) <= 1  # 165 mm of text width in twips
    # caption: bold centred paragraph right above the table
    prev = table._tbl.getprevious()
    assert DocxParagraph(prev, wdoc).text == "Biểu 01: Các chỉ tiêu chủ yếu"
    cap = wdoc.styles["RG Caption"]
    assert cap.font.bold and cap.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_grid_positions_after_rowspan_in_the_middle():
    rows = (
        Row((Cell((T("A"),)), Cell((T("B"),), rowspan=2), Cell((T("C"),)))),
        Row((Cell((T("D"),)), Cell((T("E"),)))),
        Row((Cell((T("F"),), colspan=2), Cell((T("G"),)))),
    )
    meta = make_document().meta
    w = docx.Document(io.BytesIO(render(Document(meta, (Table(rows),)))))
    t = w.tables[1]
    grid = [[t.cell(r, c).text for c in range(3)] for r in range(3)]
    assert grid == [["A", "B", "C"], ["D", "B", "E"], ["F", "F", "G"]]


# ---------------------------------------------------------------- page numbers, breaks
def test_page_number_field_and_bare_first_page(wdoc):
    (sec,) = wdoc.sections
    assert sec.different_first_page_header_footer
    assert sec._sectPr.find(qn("w:titlePg")) is not None
    header = sec.header
    assert not header.is_linked_to_previous
    p = header.paragraphs[0]._p
    kinds = [f.get(qn("w:fldCharType")) for f in p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [i.text for i in p.iter(qn("w:instrText"))] == [" PAGE "]
    hs = wdoc.styles["Header"]
    assert hs.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert hs.font.size == Pt(13) and hs.font.name == TNR
    first = sec.first_page_header
    assert not first.is_linked_to_previous
    assert "".join(p.text for p in first.paragraphs) == ""
    assert first._element.find(f".//{qn('w:fldChar')}") is None


def test_page_break_before_the_table_caption(wdoc):
    cap = para(wdoc, "Biểu 01: Các chỉ tiêu chủ yếu")
    assert cap.paragraph_format.page_break_before is True
    others = [p for p in body_paragraphs(wdoc) if p.paragraph_format.page_break_before]
    assert others == [cap] or [p.text for p in others] == [cap.text]


# ---------------------------------------------------------------- reproducibility, metadata
def test_identical_bytes_in_process_and_across_processes(data, tmp_path):
    assert render(make_document()) == data
    script = (
        "import sys, importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('t', {__file__!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "sys.stdout.buffer.write(m.render(m.make_document()))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"},
                         cwd=tmp_path).stdout
    assert out == data


def test_zip_entries_have_fixed_dates(data):
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2023, 1, 5, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert "docProps/thumbnail.jpeg" not in {i.filename for i in infos}


def test_core_properties_from_meta(wdoc):
    cp = wdoc.core_properties
    when = dt.datetime(2023, 1, 5, tzinfo=dt.timezone.utc)
    assert cp.created == when and cp.modified == when and cp.last_printed == when
    assert cp.title == "Báo cáo kết quả thực hiện nhiệm vụ năm 2022"
    assert cp.author == "Sở Công Thương tỉnh Bắc Kạn"
    assert cp.language == "vi-VN"
    assert cp.revision == 1


def test_no_date_gives_1980_and_still_reproducible():
    a = render(make_document(date=None))
    assert a == render(make_document(date=None))
    infos = zipfile.ZipFile(io.BytesIO(a)).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert docx.Document(io.BytesIO(a)).core_properties.created == dt.datetime(
        1980, 1, 1, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- text
def test_all_texts_in_order_and_nothing_else(wdoc):
    doc = make_document()
    head, closing = frame_texts(doc.meta)
    expected = head + body_texts(doc) + closing
    got = [p.text for p in body_paragraphs(wdoc) if p.text]
    assert got == expected


# ---------------------------------------------------------------- LibreOffice round trip
def test_libreoffice_converts_to_pdf_with_the_text(data, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice not installed: run bash scripts/setup.sh "
                    "(installs libreoffice-writer-nogui)")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed: run bash scripts/setup.sh (installs poppler-utils)")
    src = tmp_path / "report.docx"
    src.write_bytes(data)
    outdir = tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(src)],
                   capture_output=True, timeout=180)
    pdf = outdir / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000, "LibreOffice wrote no PDF"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout
    flat = " ".join(text.split())
    for phrase in ("UBND TỈNH BẮC KẠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                   "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2022",
                   "Giá trị sản xuất công nghiệp ước đạt 1.586,397 tỷ đồng, tăng 10,09% so với "
                   "cùng kỳ.", "1. Điện sản xuất đạt 300 triệu kWh;",
                   "1. Tổng mức bán lẻ đạt 6.760 tỷ đồng;", "2. Xuất khẩu đạt 34,410 triệu USD.",
                   "- Hoàn thành 04/15 sản phẩm;", "So sánh (%)", "TH/cùng kỳ", "Nguyễn Văn An"):
        assert phrase in flat, phrase
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2  # the page break
    # page 1 carries no page number; page 2 starts with "2"
    assert pages[1].split()[0] == "2"
    assert "Biểu 01: Các chỉ tiêu chủ yếu" in " ".join(pages[1].split())
    assert pages[0].split()[0] != "1"


@pytest.mark.parametrize("spans", [
    [(0, 0, 2, 1)],                            # two rows, one column
    [(0, 0, 1, 3)],                            # one row, three columns
    [(0, 0, 2, 2), (0, 2, 1, 2), (2, 1, 2, 3)],  # blocks side by side and below
    [(1, 1, 3, 2), (0, 0, 4, 1)],              # a block beside a taller one placed later
])
def test_merging_new_cells_writes_what_python_docx_writes(spans):
    """The writer merges the cells of a new table itself (python-docx's `merge` searched the
    whole table for every cell): the XML must be python-docx's, span for span."""
    from docx.oxml.ns import qn as q
    from lxml import etree

    from reportgen.writers.docx import _merge_new_cells

    def table():
        d = docx.Document()
        return d.add_table(rows=4, cols=5)._tbl

    ours, theirs = table(), table()
    for r, c, rs, cs in sorted(spans):
        _merge_new_cells(ours.tr_lst, r, c, rs, cs)
        theirs.tr_lst[r].tc_at_grid_offset(c).merge(
            theirs.tr_lst[r + rs - 1].tc_at_grid_offset(c + cs - 1))
    for tbl in (ours, theirs):  # python-docx adds up the widths: the writer sets every tcW after
        for tcw in tbl.iter(q("w:tcW")):
            tcw.set(q("w:w"), "0")
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert len(ours.findall(f".//{q('w:gridSpan')}")) == sum(rs for *_, rs, cs in spans if cs > 1)


def test_each_report_starts_from_an_untouched_copy_of_the_base_document():
    """The styled base document is opened once per process and copied for each report: a
    report written into the copy must leave the original as it was, and the next report
    the same bytes (a copy of a python-docx Document once used gave a body apart from its
    package: the second report came out empty)."""
    from reportgen.writers.docx import lang_tag
    from reportgen.writers.docx_styles import _opened_base, new_document

    first = render(make_document())
    assert render(make_document()) == first
    lang = lang_tag(make_document().meta.language)
    assert new_document(lang).paragraphs == []  # the original is still empty
    assert render(make_document()) == first
    assert _opened_base.cache_info().currsize >= 1
