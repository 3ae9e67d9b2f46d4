"""Charts: which ones are worth drawing, reproducible SVG/PNG bytes from one drawing, PNG at
200 dpi, vector text in the PDF, picture and caption in the DOCX, the trend over three periods,
the plan line kept off value labels, labels unbroken inside brackets, the half-year pace."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image as PILImage
from pypdf import PdfReader

from reportgen.render import charts
from reportgen.build.pipeline import make_document, render_formats
from reportgen.commands import load_checked
from reportgen.data.dataset import find_entries
from reportgen.document.types import Image, inline_text
from reportgen.render.drawing import Line, Text
from reportgen.errors import TemplateError
from reportgen.project import Project
from seeded import ROOT, seeded_reports


@pytest.fixture(scope="module")
def reports():
    return seeded_reports()


def report_of(project: Project, slug: str, period: str):
    entry = next(e for e in find_entries(project.data)
                 if e.slug == slug and e.period.slug == period)
    result = load_checked(project, entry)
    assert result.ok, [str(f) for f in result.findings]
    return result.report, entry


PAST = {  # earlier Bắc Kạn years, agreeing with the growth stated for 2022
    "2021": ("2022-01-06", "'1.440,99'", "'6.390'", "'34,218'"),
    "2020": ("2021-01-06", "'1.301,5'", "'6.120'", "'30,05'"),
}


def write_past(data: Path, years) -> None:
    for year in years:
        date, gtsx, ban_le, xnk = PAST[year]
        (data / "bac-kan" / f"{year}.yaml").write_text(
            f"document:\n  number: 3\n  date: {date}\nsections:\n"
            f"  cong_nghiep:\n    indicators:\n      gtsx_cong_nghiep:\n"
            f"        label: Giá trị sản xuất công nghiệp\n        unit: tỷ đồng\n"
            f"        price_basis: so sánh 2010\n        value: {gtsx}\n"
            f"  thuong_mai:\n    indicators:\n      ban_le:\n"
            f"        label: Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng\n"
            f"        unit: tỷ đồng\n        value: {ban_le}\n"
            f"  xuat_nhap_khau:\n    indicators:\n      tong_kim_ngach:\n"
            f"        label: Tổng kim ngạch xuất nhập khẩu\n        unit: triệu USD\n"
            f"        value: {xnk}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    """Bắc Kạn 2020, 2021 and 2022: the trend chart has its three periods."""
    root = tmp_path_factory.mktemp("trend")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", root / "data" / "bac-kan")
    write_past(root / "data", ["2020", "2021"])
    project = Project(data=root / "data", templates=root / "templates")
    report, entry = report_of(project, "bac-kan", "2022")
    doc = make_document(project, entry)
    return project, report, doc, render_formats(project, doc, ("pdf", "docx", "html"))


# ------------------------------------------------------------------ which charts
def test_plan_completion_is_drawn_only_when_worth_a_page(reports):
    names = {k: [i.name for i in s.doc.images] for k, s in reports.items()}
    assert names["cao-bang-2021"] == ["plan_completion"]  # ten bars from 90,48% to 198,3%
    assert names["bac-kan-2022"] == []  # two bars (bán lẻ 107,3%, XNK 137,64%): the text says it
    assert names["tinh-mau-2023-h1"] == []  # two bars
    assert names["thai-nguyen-2021"] == []  # three bars within 2,02 points (100,38 … 102,4)
    assert names["ben-tre-2021"] == []  # one plan completion only
    assert all(i.ready for s in reports.values() for i in s.doc.images)
    tn, _ = report_of(reports["thai-nguyen-2021"].project, "thai-nguyen", "2021")
    pcts = [b.pct for b in charts.plan_bars(tn)]
    assert len(pcts) >= charts.MIN_BARS and max(pcts) - min(pcts) < charts.MIN_SPREAD
    # no chart: no "Phụ lục II" and no caption in the PDF either
    assert not any("Biểu đồ" in page for page in reports["bac-kan-2022"].pages)


def with_plans(tmp_path, pcts: dict[str, str], period="2022", slug="bac-kan",
               source=ROOT / "data"):
    """A copy of a province whose figures state these plan completions."""
    shutil.copytree(source / slug, tmp_path / "data" / slug)
    path = tmp_path / "data" / slug / f"{period}.yaml"
    text = path.read_text(encoding="utf-8")
    for key, pct in pcts.items():
        at = text.index(f"      {key}:\n")
        end = text.index("\n", text.index("value:", at))
        text = text[:end] + f"\n        plan_completion: '{pct}'" + text[end:]
    path.write_text(text, encoding="utf-8")
    project = Project(data=tmp_path / "data", templates=ROOT / "templates")
    return report_of(project, slug, period)[0]


def test_plan_completion_spread_decides(tmp_path):
    report = with_plans(tmp_path, {"gtsx_cong_nghiep": "103,2"})
    bars = charts.plan_bars(report)
    assert [str(b.pct) for b in bars] == ["103.2", "107.3", "137.64"]
    assert charts.available("plan_completion", report)  # three bars, 34 points apart


def test_plan_line_never_crosses_a_value_label(tmp_path, reports):
    cb, _ = report_of(reports["cao-bang-2021"].project, "cao-bang", "2021")
    near = with_plans(tmp_path, {"gtsx_cong_nghiep": "97,85", "xuat_khau": "99,2"})
    for report in (cb, near):
        d = charts.drawing("plan_completion", report)
        plan = [i for i in d.of_role("plan") if isinstance(i, Line)]
        values = d.of_role("value")
        assert plan and len(values) == len(charts.plan_bars(report))
        x = plan[0].x1
        crossed = [v.text for v in values if v.box[0] <= x <= v.box[2]]
        assert crossed, "a label straddles the line: the case under test"
        for v in values:
            left, top, right, bottom = v.box
            for seg in plan:
                assert not (left <= seg.x1 <= right and seg.y1 < bottom and seg.y2 > top), \
                    f"the plan line crosses the value label {v.text}"
        # the line still runs from the top of the plot to the axis between the labels
        assert min(s.y1 for s in plan) < min(v.box[1] for v in values)
        assert sum(s.y2 - s.y1 for s in plan) > 0.6 * (max(s.y2 for s in plan) - min(s.y1 for s in plan))


def test_labels_do_not_break_inside_brackets(reports):
    label = "Giá trị sản xuất công nghiệp (giá so sánh 2010)"
    for width in (60, 90, 120, 160):
        lines = charts.wrap(label, width, 10)
        assert " ".join(lines) == label
        assert all(ln.count("(") == ln.count(")") for ln in lines), lines
    assert charts.wrap(label, 150, 10)[-1] == "(giá so sánh 2010)"
    cb, _ = report_of(reports["cao-bang-2021"].project, "cao-bang", "2021")
    labels = [t.text for t in charts.drawing("plan_completion", cb).of_role("label")]
    assert "(giá hiện hành)" in labels and "(giá so sánh)" in labels
    assert all(t.count("(") == t.count(")") for t in labels)


def test_half_year_compares_with_the_half_year_pace(reports):
    h1, _ = report_of(reports["tinh-mau-2023-h1"].project, "tinh-mau", "2023-h1")
    assert charts.plan_pace(h1.period) == 50
    bars = {str(b.pct): b.met for b in charts.plan_bars(h1)}
    assert bars == {"54.5": True, "59.5": True}  # ahead of the mid-year pace, not "below plan"
    d = charts.plan_completion_drawing(h1, 150)
    assert {r.fill for r in d.of_role("bar")} == {charts.COLOR_MET}
    texts = [t.text for t in d.items if isinstance(t, Text)]
    assert "Tiến độ 6 tháng (50% KH năm)" in texts and "Đạt, vượt tiến độ 6 tháng" in texts
    assert "Chậm so với tiến độ 6 tháng" not in texts  # no such bar: no legend entry
    plan = [i for i in d.of_role("plan") if isinstance(i, Line)][0]
    ticks = {t.text: t.x for t in d.of_role("tick") if isinstance(t, Text)}
    assert abs(plan.x1 - (ticks["40%"] + ticks["60%"]) / 2) < 0.01  # the line stands at 50%
    # a year report keeps the 100% line, and 54,5% would be short of it
    cb, _ = report_of(reports["cao-bang-2021"].project, "cao-bang", "2021")
    assert charts.plan_pace(cb.period) == 100
    assert {str(b.pct): b.met for b in charts.plan_bars(cb)}["90.48"] is False


def test_plan_bars_values(reports):
    s = reports["cao-bang-2021"]
    report, _ = report_of(s.project, "cao-bang", "2021")
    bars = {b.label: str(b.pct) for b in charts.plan_bars(report)}
    assert bars["Giá trị sản xuất công nghiệp (giá so sánh)"] == "90.48"
    assert bars["Quặng mangan"] == "161"
    assert "Giá trị hàng hóa giám sát" not in bars  # no plan


def test_trend_needs_three_periods(tmp_path):
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    project = Project(data=tmp_path / "data", templates=ROOT / "templates")
    report, _ = report_of(project, "bac-kan", "2022")
    assert report.history == () and not charts.available("trend", report)
    write_past(tmp_path / "data", ["2021"])  # two periods: still no trend
    report, _ = report_of(project, "bac-kan", "2022")
    assert [p.slug for p, _ in report.history] == ["2021"]
    assert not charts.available("trend", report)
    write_past(tmp_path / "data", ["2020"])  # earlier periods are loaded with the report
    report, _ = report_of(project, "bac-kan", "2022")
    assert [p.slug for p, _ in report.history] == ["2020", "2021"]
    series = charts.trend_series(report)
    assert [s.title for s in series] == [p.title for p in report.layout.trend]
    assert [str(v) for _, v in series[0].points] == ["1301.5", "1440.99", "1586.397"]


def test_trend_chart_in_the_report(three_years):
    _, _, doc, outputs = three_years
    assert [i.name for i in doc.images] == ["trend"]  # plan completion: two bars only
    captions = [inline_text(i.caption) for i in doc.images]
    assert captions[0] == ("Biểu đồ 1. Giá trị sản xuất công nghiệp, tổng mức bán lẻ và kim "
                           "ngạch xuất nhập khẩu qua các năm")
    assert outputs["html"].decode().count("<svg") == 1
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(outputs["pdf"])).pages)
    assert "1.440,99" in text and "34,218" in text and "6T" not in text  # bar values, years


def test_unknown_chart_is_a_template_error(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    t = tmp_path / "templates" / "appendix.html"
    t.write_text(t.read_text(encoding="utf-8") + "\n{{ chart('banh_ngot', 'x') }}\n",
                 encoding="utf-8")
    project = Project(data=tmp_path / "data", templates=tmp_path / "templates")
    with pytest.raises(TemplateError) as info:
        make_document(project, find_entries(project.data)[0])
    assert "banh_ngot" in info.value.message and info.value.file.endswith("appendix.html")


# ------------------------------------------------------------------ the pictures
def test_axis_numbers_are_vietnamese():
    assert charts.axis_number(1500.0) == "1.500"
    assert charts.axis_number(12.5) == "12,5"
    assert charts.axis_number(0.0) == "0"
    assert charts.axis_number(1e6) == "1.000.000"
    assert charts.axis_percent(150.0) == "150%"
    assert charts.axis_number(0.30000000000000004) == "0,3"


def test_svg_text_in_the_report_font_and_no_date(reports):
    svg = reports["cao-bang-2021"].doc.images[0].svg.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "font-family=\"'Times New Roman'" in svg  # the family of the body text
    assert ">Quặng mangan</text>" in svg and ">198,3%</text>" in svg
    assert "<dc:date>" not in svg and " id=" not in svg and "<script" not in svg


def test_png_is_sharp(reports):
    img = reports["cao-bang-2021"].doc.images[0]
    with PILImage.open(io.BytesIO(img.png)) as im:
        assert im.format == "PNG"
        dpi = im.info["dpi"]
        assert min(dpi) >= 199.9
        assert im.width >= img.width_mm / 25.4 * 200 - 1


def test_same_bytes_in_another_process(reports):
    img = reports["cao-bang-2021"].doc.images[0]
    code = ("import sys, hashlib\n"
            "from seeded import seeded_reports\n"
            "i = seeded_reports()['cao-bang-2021'].doc.images[0]\n"
            "print(hashlib.sha256(i.svg).hexdigest(), hashlib.sha256(i.png).hexdigest())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", check=True,
                         capture_output=True, text=True, env={"PYTHONHASHSEED": "123",
                                                               "PATH": "/usr/bin:/bin"}).stdout
    import hashlib
    assert out.split() == [hashlib.sha256(img.svg).hexdigest(), hashlib.sha256(img.png).hexdigest()]


def test_draw_twice_same_bytes(three_years):
    project, report, _, _ = three_years
    a, b = charts.draw("trend", report), charts.draw("trend", report)
    assert a.svg == b.svg and a.png == b.png


# ------------------------------------------------------------------ in each format
def test_pdf_chart_is_vector(reports):
    reader = PdfReader(io.BytesIO(reports["cao-bang-2021"].outputs["pdf"]))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            assert ref.get_object().get("/Subtype") != "/Image", "charts are vector, not bitmaps"
    text = reports["cao-bang-2021"].pages[-1]
    # the chart's words are text in the PDF (searchable), in the order drawn
    assert "Quặng mangan" in text and "198,3%" in text and "Kế hoạch (100%)" in text
    assert "Biểu đồ 1. Tỷ lệ thực hiện kế hoạch năm 2021 của các chỉ tiêu chủ yếu" in text
    assert "Nguồn: Sở Công Thương Cao Bằng." in text


def test_html_inlines_svg_without_style_sheet(reports):
    html = reports["cao-bang-2021"].outputs["html"].decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "<style" not in svg and 'style="' not in svg and "data:" not in html
    assert '<figure class="chart"' in html and "<figcaption>Biểu đồ 1." in html


def test_docx_picture_with_caption(reports):
    s = reports["cao-bang-2021"]
    img = s.doc.images[0]
    names = zipfile.ZipFile(io.BytesIO(s.outputs["docx"])).namelist()
    media = [n for n in names if n.startswith("word/media/")]
    assert media == ["word/media/image1.png"]
    assert zipfile.ZipFile(io.BytesIO(s.outputs["docx"])).read(media[0]) == img.png
    d = docx.Document(io.BytesIO(s.outputs["docx"]))
    shape = d.inline_shapes[0]
    assert abs(shape.width - Mm(img.width_mm)) < Mm(0.1)
    body = list(d.element.body.iterchildren(qn("w:p")))
    pic = next(i for i, p in enumerate(body) if p.find(".//" + qn("w:drawing")) is not None)
    texts = ["".join(t.text for t in p.iter(qn("w:t"))) for p in body[pic + 1:pic + 3]]
    assert texts == [inline_text(img.caption), img.source]
    assert body[pic].find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None \
        or d.styles["RG Figure"].paragraph_format.keep_with_next
    docpr = body[pic].find(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert docpr.get("descr") == inline_text(img.caption)


def test_documents_without_chart_draw_nothing():
    from reportgen.writers import writer
    from reportgen.document.types import Document, Meta
    meta = Meta("P", "A", "Số: 01", "N", "M", "X, ngày", "BÁO CÁO", ("s",))
    doc = Document(meta, (Image("plan_completion"),))  # not drawn by a build: left out
    assert "<figure" not in writer("html")(doc).decode()
    assert b"word/media" not in writer("docx")(doc)


def test_cache_gives_the_same_bytes_and_knows_the_data(tmp_path, reports):
    cb, _ = report_of(reports["cao-bang-2021"].project, "cao-bang", "2021")
    charts.clear_cache()
    first = charts.cached_draw("plan_completion", cb, 150)
    assert charts.cached_draw("plan_completion", cb, 150) is first  # remembered
    assert first.svg == charts.draw("plan_completion", cb, 150).svg  # same as drawn anew
    assert first.png == reports["cao-bang-2021"].doc.images[0].png
    # other figures: another key, another picture
    report = with_plans(tmp_path, {"gtsx_cong_nghiep": "103,2"})
    other = charts.cached_draw("plan_completion", report, 150)
    assert other.svg != first.svg and b"103,2%" in other.svg
    charts.clear_cache()
    assert charts.cached_draw("plan_completion", cb, 150) is not first


def test_a_province_names_its_own_trend_indicators_in_its_layout(tmp_path):
    """Indicator ids are the province's: with other ids the default layout finds no trend,
    and the province's own layout.yaml naming them brings the trend chart back."""
    import re as _re
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    write_past(tmp_path / "data", ["2020", "2021"])
    renamed = {"gtsx_cong_nghiep": "gia_tri_sxcn", "ban_le": "tong_muc_ban_le",
               "tong_kim_ngach": "kim_ngach_xnk", "xuat_khau": "kim_ngach_xk"}
    for f in (tmp_path / "data" / "bac-kan").glob("20*.yaml"):
        text = f.read_text(encoding="utf-8")
        for old, new in renamed.items():
            text = _re.sub(rf"\b{old}\b", new, text)
        f.write_text(text, encoding="utf-8")
    project = Project(data=tmp_path / "data", templates=ROOT / "templates")
    report, entry = report_of(project, "bac-kan", "2022")
    assert len(report.history) == 2 and not charts.available("trend", report)

    default = (ROOT / "templates" / "layout.yaml").read_text(encoding="utf-8")
    own = default[:default.index("\ncharts:")] + (
        "\ncharts:\n  trend:\n"
        "    - title: Giá trị sản xuất công nghiệp\n      ids: [gia_tri_sxcn]\n"
        "    - title: Kim ngạch xuất nhập khẩu\n      ids: [kim_ngach_xnk, kim_ngach_xk]\n")
    (tmp_path / "data" / "bac-kan" / "layout.yaml").write_text(own, encoding="utf-8")
    report, entry = report_of(project, "bac-kan", "2022")
    series = charts.trend_series(report)
    assert [(s.title, s.unit) for s in series] == [("Giá trị sản xuất công nghiệp", "tỷ đồng"),
                                                    ("Kim ngạch xuất nhập khẩu", "triệu USD")]
    assert [str(v) for _, v in series[0].points] == ["1301.5", "1440.99", "1586.397"]
    doc = make_document(project, entry)
    (trend,) = [i for i in doc.images if i.name == "trend"]
    assert trend.ready and "Kim ngạch" in trend.svg.decode() and "bán lẻ" not in trend.svg.decode()
    # the caption names what the chart shows, not the default layout's three indicators
    assert charts.caption("trend", report) == ("Giá trị sản xuất công nghiệp và kim ngạch xuất "
                                               "nhập khẩu qua các năm")
    # a province layout without `products_title` keeps the default layout's
    assert report.layout.products_title("cong_nghiep") == "Sản phẩm công nghiệp chủ yếu"
    # a caption the layout words itself wins
    (tmp_path / "data" / "bac-kan" / "layout.yaml").write_text(
        own.replace("\ncharts:\n", "\ncharts:\n  trend_caption: Sản xuất và xuất khẩu\n"),
        encoding="utf-8")
    report, entry = report_of(project, "bac-kan", "2022")
    assert charts.caption("trend", report) == "Sản xuất và xuất khẩu qua các năm"
