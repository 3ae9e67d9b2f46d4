"""The appendix "Biểu chỉ tiêu chủ yếu": right values in the right columns, read back from
the DOCX table cells (python-docx) and from the PDF (word positions), merged header cells,
its place after the signature, and the reader's vocabulary for it."""
from __future__ import annotations

import io
import re
import shutil

import docx
import pytest
from docx.oxml.ns import qn

from reportgen.render.appendix import frame, rows
from reportgen.data.dataset import find_entries
from reportgen.commands import load_checked
from reportgen.document.types import Image, PageBreak, Paragraph, Table, inline_text
from reportgen.errors import TemplateError
from reportgen.data.layout import load_layout
from reportgen.document.reader import read
from reportgen.typography import plain
from seeded import normalise, pdf_words, seeded_reports

HEADER = ["STT", "Chỉ tiêu", "Đơn vị tính"]
NUMBER_COLS = ("previous", "plan", "value", "plan_pct", "index")  # grid columns 3..7

# label -> (unit, Thực hiện năm trước, Kế hoạch, Ước thực hiện, TH/KH, TH/cùng kỳ), from the
# data files and the published articles (seeds/), written by hand
EXPECTED = {
    "bac-kan-2022": {
        "Giá trị tăng thêm ngành công nghiệp (giá so sánh 2010)": ("tỷ đồng", "", "", "", "", "110"),
        "Tỷ trọng khu vực công nghiệp trong cơ cấu kinh tế": ("%", "6,88", "", "7,69", "", ""),
        "Chỉ số sản xuất công nghiệp": ("%", "", "", "", "", "108,81"),
        "Giá trị sản xuất công nghiệp (giá so sánh 2010)":
            ("tỷ đồng", "", "", "1.586,397", "", "110,09"),
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng":
            ("tỷ đồng", "", "", "6.760", "107,3", "105,79"),
        "Chỉ số giá tiêu dùng bình quân": ("%", "", "", "", "", "100,45"),
        "Tổng kim ngạch xuất nhập khẩu": ("triệu USD", "", "", "34,410", "137,64", "100,56"),
        "Kim ngạch xuất khẩu": ("triệu USD", "", "", "22,003", "", ""),
        "Kim ngạch nhập khẩu": ("triệu USD", "", "", "12,407", "", ""),
        "Tỷ lệ hộ dân được sử dụng điện lưới quốc gia": ("%", "", "", "97,66", "", ""),
        "Nhiệm vụ cải cách hành chính hoàn thành": ("nhiệm vụ", "", "45", "45", "100", ""),
        "Nhiệm vụ UBND tỉnh giao hoàn thành trước và đúng hạn":
            ("nhiệm vụ", "", "454", "454", "100", ""),
    },
    "cao-bang-2021": {
        "Giá trị sản xuất công nghiệp (giá hiện hành)":
            ("tỷ đồng", "", "5.300", "5.300", "100", "112,77"),
        "Giá trị sản xuất công nghiệp (giá so sánh)":
            ("tỷ đồng", "", "4.200", "3.800", "90,48", "113,39"),
        "Quặng mangan": ("tấn", "", "", "64.600", "161", "181"),
        "Điện thương phẩm": ("triệu kWh", "", "", "598,41", "106,86", "104,14"),
        "Tổng kim ngạch xuất nhập khẩu qua địa bàn":
            ("triệu USD", "", "", "600", "127,65", "96,61"),
        "Kim ngạch nhập khẩu": ("triệu USD", "", "", "119", "198,3", "71,8"),
        "Giá trị hàng hóa giám sát": ("triệu USD", "", "", "195", "", ""),
        "Nhiệm vụ cải cách hành chính hoàn thành": ("nhiệm vụ", "", "39", "39", "100", ""),
    },
    "thai-nguyen-2021": {
        "Giá trị sản xuất công nghiệp": ("nghìn tỷ đồng", "", "", "trên 844", "100,38", "107,7"),
        "Tổng giá trị hàng hóa xuất khẩu": ("tỷ USD", "", "", "28,85", "102,4", "117,9"),
    },
    "ben-tre-2021": {
        "Kim ngạch xuất khẩu": ("triệu USD", "", "", "1.302,9", "", "93,24"),
        "Kim ngạch nhập khẩu": ("triệu USD", "", "", "900", "", "180,07"),
        "Công suất điện gió được công nhận phát điện, hòa lưới điện quốc gia (đến 31/10/2021)":
            ("MW", "", "", "93,7", "100", ""),
    },
    "tinh-mau-2023-h1": {
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng":
            ("tỷ đồng", "", "", "14.659,9", "54,5", "121,9"),
        "Tổng kim ngạch xuất nhập khẩu qua địa bàn tỉnh":
            ("triệu USD", "", "", "2.260", "59,5", "198,9"),
    },
}


@pytest.fixture(scope="module")
def reports():
    return seeded_reports()


def appendix_table(doc) -> Table:
    tables = [b for b in doc.appendix if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def docx_appendix_rows(data: bytes) -> list[list[str]]:
    """The appendix table of a DOCX as grid rows of cell texts (merged cells repeated)."""
    d = docx.Document(io.BytesIO(data))
    tables = [t for t in d.tables if t.style is not None and t.style.name == "Bảng chỉ tiêu"]
    assert len(tables) == 1, "one appendix table"
    return [[normalise(c.text) for c in r.cells] for r in tables[0].rows]


LOGICAL = {"Thực hiện": "previous", "Kế hoạch": "plan", "Ước thực hiện": "value",
           "TH/KH": "plan_pct", "TH/ cùng kỳ": "index"}


def grid_columns(grid: list[list[str]]) -> list[str]:
    """The logical number columns of a DOCX appendix grid, read from its two header rows."""
    out = []
    for top, low in zip(grid[0][3:], grid[1][3:]):
        text = low if top == "So sánh (%)" else top
        out.append(next(v for k, v in LOGICAL.items() if text.startswith(k)))
    return out


def full_row(grid_row: list[str], columns: list[str]) -> list[str]:
    """A grid row as STT, label, unit and all five number columns ('' where left out)."""
    by = dict(zip(columns, grid_row[3:]))
    return grid_row[:3] + [by.get(c, "") for c in NUMBER_COLS]


def model_rows(s):
    result = load_checked(s.project, next(e for e in find_entries(s.project.data)
                                          if f"{e.slug}-{e.period.slug}" == s.key))
    layout = load_layout(s.project.templates, s.project.data / result.report.slug)
    return result.report, layout, rows(result.report, layout)


# ------------------------------------------------------------------ DOCX cells
def test_docx_cells_hold_the_expected_values(reports):
    for key, expected in EXPECTED.items():
        grid = docx_appendix_rows(reports[key].outputs["docx"])
        cols = grid_columns(grid)
        by_label = {r[1]: full_row(r, cols) for r in grid[2:]
                    if r[0] and not re.fullmatch(r"[IVX]+", r[0])}
        for label, (unit, *numbers) in expected.items():
            assert label in by_label, f"{key}: no row {label!r} in {list(by_label)}"
            row = by_label[label]
            assert row[2] == unit, (key, label, row)
            assert row[3:] == numbers, (key, label, row)


def test_docx_table_equals_appendix_rows_everywhere(reports):
    for key, s in reports.items():
        _, _, expected = model_rows(s)
        grid = docx_appendix_rows(s.outputs["docx"])
        cols = grid_columns(grid)
        assert grid[0][:3] == HEADER
        # a column is shown when some row has a figure in it, and only then
        assert cols == [c for c in NUMBER_COLS if any(getattr(r, c) for r in expected)], key
        body = grid[2:]
        assert len(body) == len(expected), key
        for r, got in zip(expected, body):
            if r.is_group:
                assert got[0] == r.stt and set(got[1:]) == {r.label.upper()}, (key, got)
            else:
                assert full_row(got, cols) == [r.stt, r.label, plain(r.unit), *r.numbers], (key, got)


def test_unknown_figures_are_empty_cells_never_zero_or_nan(reports):
    for key, s in reports.items():
        report, layout, _ = model_rows(s)
        df = frame(report, layout)
        full = docx_appendix_rows(s.outputs["docx"])
        cols = grid_columns(full)
        grid = full[2:]
        for (_, rec), cells in zip(df.iterrows(), grid):
            if rec["kind"] == "group":
                continue
            for col, text in zip(NUMBER_COLS, full_row(cells, cols)[3:]):
                if rec[col] is None:
                    assert text == "", (key, rec["label"], col, text)
                else:
                    assert text and text != "0", (key, rec["label"], col)
        for row in grid:
            assert not any(re.search(r"\bnan\b|\bNone\b|\binf\b", c, re.I) for c in row), row


def test_group_rows_follow_layout_sections(reports):
    _, _, r = model_rows(reports["bac-kan-2022"])
    groups = [(x.stt, x.label) for x in r if x.is_group]
    assert groups == [("I", "Sản xuất công nghiệp"), ("II", "Thương mại, dịch vụ"),
                      ("III", "Xuất nhập khẩu"), ("IV", "Điện và năng lượng"),
                      ("V", "Công tác quản lý nhà nước")]
    _, _, r = model_rows(reports["cao-bang-2021"])
    stt = {x.label: x.stt for x in r}
    assert stt["Sản phẩm công nghiệp chủ yếu"] == "3"
    assert [stt[k] for k in ("Quặng mangan", "Đường RE", "Thiếc thỏi", "Điện thương phẩm")] == \
        ["3.1", "3.2", "3.3", "3.4"]
    assert stt["Kim ngạch xuất khẩu"] == "-"  # a part of the total above it


def test_dataframe_keeps_decimals(reports):
    report, layout, _ = model_rows(reports["bac-kan-2022"])
    df = frame(report, layout)
    row = df[df["id"] == "tong_kim_ngach"].iloc[0]
    assert str(row["value"]) == "34.410" and row["previous"] is None
    assert df["value"].dtype == object


# ------------------------------------------------------------------ merged header (DOCX XML)
def test_docx_header_cells_are_merged(reports):
    d = docx.Document(io.BytesIO(reports["bac-kan-2022"].outputs["docx"]))
    tbl = next(t for t in d.tables if t.style is not None and t.style.name == "Bảng chỉ tiêu")._tbl
    tr1, tr2 = tbl.tr_lst[:2]
    for tr in (tr1, tr2):
        assert tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None, "repeated header row"

    def props(tc):
        pr = tc.tcPr
        span = pr.find(qn("w:gridSpan")) if pr is not None else None
        vm = pr.find(qn("w:vMerge")) if pr is not None else None
        return (int(span.get(qn("w:val"))) if span is not None else 1,
                None if vm is None else (vm.get(qn("w:val")) or "continue"))

    first = [props(tc) for tc in tr1.tc_lst]
    assert first == [(1, "restart")] * 6 + [(2, None)], first
    second = [props(tc) for tc in tr2.tc_lst]
    assert second == [(1, "continue")] * 6 + [(1, None), (1, None)], second
    # a group row: STT, then the title across the other seven columns
    group = tbl.tr_lst[2]
    assert [props(tc) for tc in group.tc_lst] == [(1, None), (7, None)]
    # Bến Tre has no previous-year value and no plan value: those columns are left out
    d = docx.Document(io.BytesIO(reports["ben-tre-2021"].outputs["docx"]))
    tbl = next(t for t in d.tables if t.style is not None and t.style.name == "Bảng chỉ tiêu")._tbl
    tr1 = tbl.tr_lst[0]
    assert [props(tc) for tc in tr1.tc_lst] == [(1, "restart")] * 4 + [(2, None)]
    assert [props(tc) for tc in tbl.tr_lst[2].tc_lst] == [(1, None), (5, None)]


# ------------------------------------------------------------------ PDF: words by position


MM = 72 / 25.4


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (scripts/setup.sh)")
def test_pdf_values_in_the_right_columns(reports):
    for key, s in reports.items():
        table = appendix_table(s.doc)
        total = sum(table.widths)
        edges = [30 * MM]
        for w in table.widths:
            edges.append(edges[-1] + 165 * MM * w / total)
        cols = [c for c in NUMBER_COLS if any(getattr(r, c) for r in model_rows(s)[2])]
        first_page = next(i for i, p in enumerate(s.pages, 1) if p.lstrip("0123456789 ").startswith(
            "Phụ lục"))
        words = [w for w in pdf_words(s.outputs["pdf"]) if w[0] >= first_page]

        def column(w) -> int:
            mid = (w[1] + w[3]) / 2
            return next((i for i in range(len(edges) - 1) if edges[i] <= mid < edges[i + 1]), -1)

        _, _, expected = model_rows(s)
        stt_words = [w for w in words if column(w) == 0 and w[5] != "STT"
                     and w[2] > 0 and re.fullmatch(r"[IVX]+|\d+(\.\d+)?|-", w[5])]
        stt_words.sort(key=lambda w: (w[0], w[2]))
        assert [w[5] for w in stt_words][:len(expected)] == [r.stt for r in expected], key
        for r, sw in zip(expected, stt_words):
            if r.is_group:
                continue
            centre = (sw[2] + sw[4]) / 2
            for col, want in zip(range(3, 3 + len(cols)), [getattr(r, c) for c in cols]):
                got = " ".join(w[5] for w in sorted(words, key=lambda w: w[1])
                               if w[0] == sw[0] and column(w) == col
                               and abs((w[2] + w[4]) / 2 - centre) < 3)
                assert got == want, f"{key}: {r.label} column {col}: {got!r} != {want!r}"
        text = " ".join(s.pages[first_page - 1:])
        for label, (_, *numbers) in EXPECTED.get(key, {}).items():
            for n in numbers:
                assert n in text, (key, label, n)


# ------------------------------------------------------------------ place in the document
def test_appendix_follows_the_signature_on_its_own_page(reports):
    for key, s in reports.items():
        assert s.doc.appendix and isinstance(s.doc.appendix[0], PageBreak), key
        first = s.doc.appendix[1]
        assert isinstance(first, Paragraph) and inline_text(first.inlines).startswith("Phụ lục")
        # PDF: the closing ends a page, the appendix opens the next one
        closing = max(i for i, p in enumerate(s.pages) if "Nơi nhận:" in p)
        assert s.pages[closing].rstrip().endswith(s.doc.meta.signer or s.doc.meta.authority[-1])
        assert re.sub(r"^\d+ ", "", s.pages[closing + 1]).startswith("Phụ lục"), key
        # DOCX: after the closing table, a paragraph with a page break before it
        d = docx.Document(io.BytesIO(s.outputs["docx"]))
        body = list(d.element.body.iterchildren())
        closing = max(i for i, el in enumerate(body) if el.tag == qn("w:tbl")
                      and "Nơi nhận:" in "".join(t.text or "" for t in el.iter(qn("w:t"))))
        nxt = next(el for el in body[closing + 1:] if el.tag == qn("w:p")
                   and "".join(t.text or "" for t in el.iter(qn("w:t"))).strip())
        assert "".join(t.text for t in nxt.iter(qn("w:t"))).startswith("Phụ lục"), key
        assert nxt.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None, key


def test_appendix_title_and_numbering(reports):
    texts = [plain(inline_text(b.inlines)) for b in reports["cao-bang-2021"].doc.appendix
             if isinstance(b, Paragraph)]
    assert texts[:3] == ["Phụ lục I", "BIỂU CHỈ TIÊU CHỦ YẾU NGÀNH CÔNG THƯƠNG NĂM 2021",
                         "(Kèm theo Báo cáo số 03/BC-SCT ngày 05/01/2022 của Sở Công Thương "
                         "Cao Bằng)"]
    assert "Phụ lục II" in texts  # the charts
    # Bến Tre has no chart (one plan completion only): one appendix, not numbered
    bt = reports["ben-tre-2021"].doc
    assert not bt.images
    assert [inline_text(b.inlines) for b in bt.appendix if isinstance(b, Paragraph)][0] == "Phụ lục"
    h1 = appendix_table(reports["tinh-mau-2023-h1"].doc)
    head = [inline_text(c.inlines) for c in h1.rows[0].cells]
    assert head[3] == "Ước thực hiện 6 tháng đầu năm 2023"  # no previous, no plan value
    bk = appendix_table(reports["bac-kan-2022"].doc)
    head = [inline_text(c.inlines) for c in bk.rows[0].cells]
    assert head[3:6] == ["Thực hiện năm 2021", "Kế hoạch năm 2022", "Ước thực hiện năm 2022"]


# ------------------------------------------------------------------ reader vocabulary
META = '<header><p data-meta="agency">SỞ</p></header>'


def test_aside_is_the_appendix_and_starts_a_page():
    doc = read(META + "<p>thân</p><footer><p data-meta=\"signer\">A</p></footer>"
               "<aside><p>Phụ lục</p><table><tr><td>1</td></tr></table></aside>")
    assert [type(b) for b in doc.blocks] == [Paragraph]
    assert [type(b) for b in doc.appendix] == [PageBreak, Paragraph, Table]
    doc = read(META + '<aside><div class="page-break"></div><p>x</p></aside>')
    assert [type(b) for b in doc.appendix] == [PageBreak, Paragraph]


def test_nested_aside_and_bad_figure_are_template_errors():
    with pytest.raises(TemplateError) as info:
        read(META + "<aside><section><aside><p>x</p></aside></section></aside>")
    assert info.value.code == "RG505"
    with pytest.raises(TemplateError):
        read(META + '<figure data-chart="Bad Name"></figure>')
    with pytest.raises(TemplateError):
        read(META + '<figure data-chart="trend" data-width="400"></figure>')
    with pytest.raises(TemplateError):
        read(META + '<figure data-chart="trend"><p>x</p></figure>')
    doc = read(META + '<figure data-chart="trend" data-width="120" data-source="Nguồn: X">'
                      "<figcaption>Biểu đồ <strong>1</strong></figcaption></figure>")
    img = doc.blocks[0]
    assert isinstance(img, Image) and img.name == "trend" and img.width_mm == 120
    assert inline_text(img.caption) == "Biểu đồ 1" and img.source == "Nguồn: X" and not img.ready
