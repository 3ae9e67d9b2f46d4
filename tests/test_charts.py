"""Charts: which ones have data, reproducible SVG/PNG bytes, SVG without fonts, PNG at 200 dpi,
vector in the PDF, picture and caption in the DOCX, and the trend over three periods."""
from __future__ import annotations

import io
import re
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
def test_plan_completion_needs_two_figures(reports):
    names = {k: [i.name for i in s.doc.images] for k, s in reports.items()}
    assert names["bac-kan-2022"] == ["plan_completion"]  # bán lẻ 107,3% and XNK 137,64%
    assert names["cao-bang-2021"] == ["plan_completion"]
    assert names["thai-nguyen-2021"] == ["plan_completion"]
    assert names["tinh-mau-2023-h1"] == ["plan_completion"]
    assert names["ben-tre-2021"] == []  # one plan completion only: skipped
    assert all(i.ready for s in reports.values() for i in s.doc.images)


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
    assert not charts.available("trend", report, charts.history(tmp_path / "data" / "bac-kan",
                                                                 report.period))
    write_past(tmp_path / "data", ["2021"])  # two periods: still no trend
    report, _ = report_of(project, "bac-kan", "2022")
    past = charts.history(tmp_path / "data" / "bac-kan", report.period)
    assert [p.slug for p, _ in past] == ["2021"] and not charts.available("trend", report, past)
    write_past(tmp_path / "data", ["2020"])
    past = charts.history(tmp_path / "data" / "bac-kan", report.period)
    series = charts.trend_series(report, past)
    assert [s.title for s in series] == [t for t, _ in charts.TREND_SERIES]
    assert [str(v) for _, v in series[0].points] == ["1301.5", "1440.99", "1586.397"]


def test_trend_chart_in_the_report(three_years):
    _, _, doc, outputs = three_years
    assert [i.name for i in doc.images] == ["plan_completion", "trend"]
    captions = [inline_text(i.caption) for i in doc.images]
    assert captions[1] == ("Biểu đồ 2. Giá trị sản xuất công nghiệp, tổng mức bán lẻ và kim "
                           "ngạch xuất nhập khẩu qua các năm")
    assert outputs["html"].decode().count("<svg") == 2


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


def test_svg_needs_no_font_and_has_no_date(reports):
    svg = reports["bac-kan-2022"].doc.images[0].svg.decode()
    assert "<text" not in svg  # text drawn as paths (svg.fonttype 'path')
    assert "<dc:date>" not in svg and "font-family" not in svg
    assert re.search(r'<path id="[^"]+"', svg)  # glyph outlines


def test_png_is_sharp(reports):
    img = reports["bac-kan-2022"].doc.images[0]
    with PILImage.open(io.BytesIO(img.png)) as im:
        assert im.format == "PNG"
        dpi = im.info["dpi"]
        assert min(dpi) >= 199.9
        assert im.width >= img.width_mm / 25.4 * 200 - 1


def test_same_bytes_in_another_process(reports):
    img = reports["thai-nguyen-2021"].doc.images[0]
    code = ("import sys, hashlib\n"
            "from seeded import seeded_reports\n"
            "i = seeded_reports()['thai-nguyen-2021'].doc.images[0]\n"
            "print(hashlib.sha256(i.svg).hexdigest(), hashlib.sha256(i.png).hexdigest())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests", check=True,
                         capture_output=True, text=True, env={"PYTHONHASHSEED": "123",
                                                               "PATH": "/usr/bin:/bin"}).stdout
    import hashlib
    assert out.split() == [hashlib.sha256(img.svg).hexdigest(), hashlib.sha256(img.png).hexdigest()]


def test_draw_twice_same_bytes(three_years):
    project, report, _, _ = three_years
    past = charts.history(project.data / "bac-kan", report.period)
    for name in charts.NAMES:
        a, b = charts.draw(name, report, past), charts.draw(name, report, past)
        assert a.svg == b.svg and a.png == b.png, name


# ------------------------------------------------------------------ in each format
def test_pdf_chart_is_vector(reports):
    reader = PdfReader(io.BytesIO(reports["cao-bang-2021"].outputs["pdf"]))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            assert ref.get_object().get("/Subtype") != "/Image", "charts are vector, not bitmaps"
    last = reader.pages[-1]
    assert len(last.get_contents().get_data()) > 20000  # the bars and glyph outlines
    text = reports["cao-bang-2021"].pages[-1]
    assert "Biểu đồ 1. Tỷ lệ thực hiện kế hoạch năm 2021 của các chỉ tiêu chủ yếu" in text
    assert "Nguồn: Sở Công Thương Cao Bằng." in text


def test_html_inlines_svg_without_style_sheet(reports):
    html = reports["bac-kan-2022"].outputs["html"].decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "<style" not in svg and 'style="' not in svg and "data:" not in html
    assert '<figure class="chart"' in html and "<figcaption>Biểu đồ 1." in html


def test_docx_picture_with_caption(reports):
    s = reports["bac-kan-2022"]
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
