"""The report as a reader sees it: text extracted from the generated PDF and HTML."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.build.pipeline import make_document, output_path, render_formats
from reportgen.data.dataset import Entry, find_entries
from reportgen.errors import TemplateError
from reportgen.project import Project
from seeded import ROOT, missing_in_context, normalise, seeded_reports

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def rendered():
    """{slug-period: (manifest, outputs, page texts, document)} for every seeded report."""
    return {k: (s.manifest, s.outputs, s.pages, s.doc) for k, s in seeded_reports().items()}


def test_all_seeds_rendered(rendered):
    assert {"bac-kan-2022", "cao-bang-2021", "thai-nguyen-2021", "ben-tre-2021",
            "tinh-mau-2023-h1"} <= set(rendered)


def _report_and_layout(key):
    from reportgen.data.layout import load_layout
    s = seeded_reports()[key]
    report = s.manifest.load()
    return report, load_layout(s.project.templates, s.manifest.data_root / s.manifest.province)


def test_every_seed_figure_in_pdf_text_in_context(rendered):
    """Each figure in its section, in a clause naming its indicator (or with its unit):
    found anywhere in the text, 29 of the figures (7, 01, 100% …) also occur elsewhere."""
    missing = []
    for key, (m, _, pages, _) in rendered.items():
        report, layout = _report_and_layout(key)
        missing += [f"{key}: {x}" for x in
                    missing_in_context(" ".join(pages), report, layout, m.figures)]
    assert not missing, "figures missing from their context in the PDF text:\n" + "\n".join(missing)


def test_every_seed_figure_in_html_in_context(rendered):
    import html as htmlmod
    missing = []
    for key, (m, outputs, _, _) in rendered.items():
        report, layout = _report_and_layout(key)
        page = outputs["html"].decode("utf-8")
        text = normalise(htmlmod.unescape(re.sub(r"<[^>]+>", " ", page)))
        missing += [f"{key}: {x}" for x in missing_in_context(text, report, layout, m.figures)]
    assert not missing, "figures missing from their context in the HTML:\n" + "\n".join(missing)


def test_no_label_colon_number_lines(rendered):
    """A count or figure is said as a sentence: no body paragraph or list item is
    "Label: 12 đơn vị." (the data does not ask for one anywhere)."""
    from reportgen.document.types import body_texts
    line = re.compile(r"^[^:]{3,}: (trên |gần |hơn )?[\d.,/]+[^:;]{0,40}\.$")
    for key, (_, _, _, doc) in rendered.items():
        bad = [t for t in body_texts(doc) if line.match(normalise(t))]
        assert not bad, (key, bad)


def test_heading_not_repeated_and_no_lone_numeral(rendered):
    from reportgen.document.types import Heading, Paragraph, inline_text
    for key, (_, _, _, doc) in rendered.items():
        blocks = list(doc.blocks)
        for i, b in enumerate(blocks[:-1]):
            if isinstance(b, Heading) and isinstance(blocks[i + 1], Paragraph):
                title = re.sub(r"^[IVX]+\. ", "", inline_text(b.inlines)).strip().casefold()
                nxt = inline_text(blocks[i + 1].inlines).strip().rstrip(":").casefold()
                assert nxt != title, (key, title)
        # every part (level 1) has either no numbered section or at least "I." and "II."
        numbered: list[list[str]] = []
        for b in blocks:
            if isinstance(b, Heading) and b.level == 1:
                numbered.append([])
            elif isinstance(b, Heading) and b.level == 2 and numbered:
                m = re.match(r"^([IVX]+)\. ", inline_text(b.inlines))
                if m:
                    numbered[-1].append(m.group(1))
        for nums in numbered:
            assert nums == [] or len(nums) >= 2, (key, nums)


def test_a4_and_metadata(rendered):
    _, outputs, _, doc = rendered["bac-kan-2022"]
    import io
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1
    info = reader.metadata
    assert info.title.startswith("Báo cáo Kết quả thực hiện nhiệm vụ năm 2022")
    assert info.author == "Sở Công Thương Bắc Kạn"
    assert info["/CreationDate"].startswith("D:20230105")
    assert reader.trailer["/Root"]["/Lang"] == "vi"


def test_page_numbers_from_page_two(rendered):
    _, _, pages, _ = rendered["bac-kan-2022"]
    assert len(pages) >= 2
    assert not re.match(r"^\d+\b", pages[0]), "page 1 must carry no number"
    assert pages[0].startswith("UBND TỈNH BẮC KẠN")
    assert pages[1].startswith("2 "), pages[1][:40]


def test_fonts_are_times_metric(rendered):
    import io
    for key, (_, outputs, _, _) in rendered.items():
        reader = PdfReader(io.BytesIO(outputs["pdf"]))
        fonts = set()
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        assert fonts, key
        assert all(re.match(r"(Tinos|LiberationSerif|TimesNewRoman)", f) for f in fonts), fonts
        assert not any("DejaVu" in f for f in fonts), fonts


def test_header_texts(rendered):
    _, _, pages, _ = rendered["bac-kan-2022"]
    first = pages[0]
    for text in ("UBND TỈNH BẮC KẠN", "SỞ CÔNG THƯƠNG", "Số: 01/BC-SCT",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Bắc Kạn, ngày 05 tháng 01 năm 2023", "BÁO CÁO",
                 "Kết quả thực hiện nhiệm vụ năm 2022"):
        assert text in first, text
    # the closing ends the body: the last page before the appendix (phụ lục) pages
    appendix = next(i for i, p in enumerate(pages) if re.sub(r"^\d+ ", "", p).startswith("Phụ lục"))
    last = pages[appendix - 1]
    for text in ("Nơi nhận:", "GIÁM ĐỐC", "Hoàng Hà Bắc", "- Lưu: VT, KHTC.", "./."):
        assert text in last, text


def test_half_year_title(rendered):
    _, _, pages, _ = rendered["tinh-mau-2023-h1"]
    assert "Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2023" in pages[0]
    assert "6 tháng cuối năm 2023" in " ".join(pages)


def test_generated_sentence(rendered):
    _, _, pages, _ = rendered["bac-kan-2022"]
    text = " ".join(pages)
    assert ("Giá trị sản xuất công nghiệp (giá so sánh 2010) ước đạt 1.586,397 tỷ đồng, "
            "tăng 10,09% so với cùng kỳ năm 2021") in text
    assert "tăng từ 6,88% năm 2021 lên 7,69% năm 2022" in text


def test_output_layout_matches_issue():
    e = Entry("bac-kan", __import__("reportgen.data.period", fromlist=["Period"]).Period.parse("2022"),
              Path("x"))
    assert output_path(Path("output"), e, "pdf") == Path("output/bac-kan/2022/bao-cao-bac-kan-2022.pdf")


# ------------------------------------------------------------------ template errors
@pytest.fixture
def tree(tmp_path):
    """A copy of the templates and the Bắc Kạn data to break."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    project = Project(data=tmp_path / "data", templates=tmp_path / "templates")
    entry = find_entries(project.data)[0]
    return project, entry


def _append(path: Path, text: str) -> int:
    """Append lines to a template; return the line number of the first appended line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + text.splitlines()) + "\n", encoding="utf-8")
    return len(lines) + 1


def test_unsupported_tag_names_template_and_line(tree):
    project, entry = tree
    path = project.templates / "sections" / "default.html"
    line = _append(path, '<p>ok</p>\n<img src="x.png">')
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    err = info.value
    assert err.file.endswith("sections/default.html") and err.line == line + 1
    assert "<img>" in err.message and err.code == "RG505"


def test_unsupported_attribute(tree):
    project, entry = tree
    path = project.templates / "sections" / "default.html"
    line = _append(path, '<p style="color:red">x</p>')
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    assert info.value.line == line and "style" in info.value.message


def test_undefined_variable_names_template_and_line(tree):
    project, entry = tree
    path = project.templates / "sections" / "default.html"
    line = _append(path, "<p>{{ sec.khong_co }}</p>")
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    err = info.value
    assert err.file.endswith("sections/default.html") and err.line == line
    assert "khong_co" in err.message and err.code == "RG502"


def test_misspelt_filter_suggests_the_right_one(tree):
    project, entry = tree
    path = project.templates / "sections" / "default.html"
    line = _append(path, "<p>{{ 5 | percnt }}</p>")
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    assert info.value.line == line and "'percent'" in info.value.message


def test_data_text_is_escaped_not_executed(tree):
    project, entry = tree
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "- Triển khai các dự án năng lượng tái tạo", "- <img src='file:///etc/passwd'> {{ 7*7 }} Triển khai")
    path.write_text(text, encoding="utf-8")
    doc = make_document(project, entry)
    outputs = render_formats(project, doc, ("html", "pdf"))
    assert "&lt;img src='file:///etc/passwd'&gt; {{ 7*7 }}" in outputs["html"].decode()
