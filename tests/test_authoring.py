"""Template authoring (docs/templates.md): a new section from a template and data alone, and
the messages a template author gets for the usual mistakes (each with file, line, what to do).

The fixture `tests/fixtures/authoring/data/ben-tre/` is the walkthrough of docs/templates.md:
Bến Tre moves its wind power figures into a section of its own, `dien_gio`, with a province
template (`templates/sections/dien_gio.html`) and a province layout (`layout.yaml`). No Python
knows the key `dien_gio`.
"""
from __future__ import annotations

import html as htmlmod
import io
import re
import shutil
from pathlib import Path

import docx
import pytest

from reportgen.build.pipeline import make_document, render_formats
from reportgen.commands import load_checked
from reportgen.data.dataset import find_entries
from reportgen.document.types import body_texts
from reportgen.errors import DataError, TemplateError
from reportgen.project import Project
from seeded import ROOT, normalise, pdf_pages_text

FIXTURE = ROOT / "tests" / "fixtures" / "authoring" / "data"
WIND = ("05 dự án", "93,7 MW", "220 MW")
BEFORE, HEADING, AFTER = "IV. Xuất nhập khẩu", "V. Phát triển điện gió", "VI. Công tác quản lý nhà nước"


def html_text(data: bytes) -> str:
    return normalise(htmlmod.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8"))))


def docx_text(data: bytes) -> str:
    """Body paragraphs and table cells in document order."""
    d = docx.Document(io.BytesIO(data))
    return normalise(" ".join(t.text for t in d.element.body.iter()
                              if t.tag.endswith("}t") and t.text))


def assert_in_order(text: str, where: str) -> None:
    """The new section sits between its neighbours of the layout, with its figures."""
    start = text.index(BEFORE)
    head = text.index(HEADING, start)
    end = text.index(AFTER, head)
    body = text[head:end]
    for fig in WIND:
        assert fig in body, f"{where}: {fig!r} not in the new section: {body[:300]!r}"
    positions = [body.index(f) for f in WIND]
    assert positions == sorted(positions), f"{where}: figures out of order {positions}"


@pytest.fixture
def authoring(tmp_path):
    """A writable copy of the walkthrough: templates/ and data/ben-tre/ with its overrides."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(FIXTURE, tmp_path / "data")
    project = Project(data=tmp_path / "data", templates=tmp_path / "templates")
    return project, find_entries(project.data)[0], project.data / "ben-tre"


# ------------------------------------------------------------------ a new section, no Python
def test_new_section_from_fixture_in_pdf_docx_html():
    project = Project(data=FIXTURE, templates=ROOT / "templates")
    (entry,) = find_entries(project.data)
    assert load_checked(project, entry).findings == []
    doc = make_document(project, entry)
    out = render_formats(project, doc, ("pdf", "docx", "html"))
    assert_in_order(html_text(out["html"]), "HTML")
    assert_in_order(" ".join(pdf_pages_text(out["pdf"])), "PDF")
    assert_in_order(docx_text(out["docx"]), "DOCX")
    # the section's own sentence and table, written by the province template
    text = html_text(out["html"])
    assert ("Đến 31/10/2021, toàn tỉnh có 05 dự án điện gió được công nhận phát điện, hòa lưới "
            "điện quốc gia với tổng công suất 93,7 MW, đạt 100% kế hoạch năm.") in text
    assert "Công suất điện gió lắp đặt hoàn thành đến cuối năm đạt 220 MW." in text


def test_reorder_and_remove_sections_by_layout_only(authoring):
    project, entry, pdir = authoring
    layout = pdir / "layout.yaml"
    text = layout.read_text(encoding="utf-8")
    # move dien_gio first and drop xuat_nhap_khau from the layout and the data
    entry_text = "      - key: dien_gio\n        title: Phát triển điện gió\n"
    text = text.replace(entry_text, "")
    text = text.replace("    sections:\n      - key: chi_dao_dieu_hanh",
                        "    sections:\n" + entry_text + "      - key: chi_dao_dieu_hanh", 1)
    text = text.replace("      - key: xuat_nhap_khau\n        title: Xuất nhập khẩu\n", "")
    layout.write_text(text, encoding="utf-8")
    data = (pdir / "2021.yaml").read_text(encoding="utf-8")
    start, end = data.index("  xuat_nhap_khau:\n"), data.index("  # Phần mới")
    (pdir / "2021.yaml").write_text(data[:start] + data[end:], encoding="utf-8")
    out = html_text(render_formats(project, make_document(project, entry), ("html",))["html"])
    assert "I. Phát triển điện gió" in out
    assert out.index("I. Phát triển điện gió") < out.index("II. Công tác chỉ đạo, điều hành")
    assert "Xuất nhập khẩu" not in out.split("Nơi nhận")[0]


# ------------------------------------------------------------------ messages for authors
def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) in a file; return the line number where `new` starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def _template(pdir: Path) -> Path:
    return pdir / "templates" / "sections" / "dien_gio.html"


def _error(project, entry) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        make_document(project, entry)
    return info.value


def test_undefined_key_names_template_line_and_the_keys_that_exist(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "sec.counts.du_an_hoa_luoi", "sec.counts.du_an")
    err = _error(project, entry)
    assert err.code == "RG502"
    assert err.file.endswith("ben-tre/templates/sections/dien_gio.html") and err.line == line
    assert "không có khoá 'du_an'" in err.message
    assert "ý bạn là 'du_an_hoa_luoi'?" in err.message
    assert "docs/templates.md" in err.message


def test_undefined_attribute_suggests_the_right_one(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "<p>{{ sentence(lap_dat) }}.</p>",
                 "<p>{{ lap_dat.valeu }}</p>")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG502", line)
    assert "Figure 'cong_suat_lap_dat' không có thuộc tính 'valeu'; ý bạn là 'value'?" in err.message


def test_undefined_given_to_a_filter_is_an_undefined_error(authoring):
    """Not "cannot format a number": the message names what is undefined."""
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "{{ lap_dat.value | value(lap_dat.unit) }}",
                 "{{ lap_dat.valeu | value(lap_dat.unit) }}")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG502", line)
    assert "không có thuộc tính 'valeu'; ý bạn là 'value'?" in err.message


def test_undefined_variable_suggests_a_context_name(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "<caption>Điện gió {{ period_label }}</caption>",
                 "<caption>Điện gió {{ period_lable }}</caption>")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG502", line)
    assert err.file.endswith("dien_gio.html")
    assert "'period_lable' chưa được định nghĩa; ý bạn là 'period_label'?" in err.message


def test_misspelt_filter_names_the_nearest(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "{{ '2021-10-31' | short_date }}", "{{ '2021-10-31' | shortdate }}")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG501", line)
    assert err.file.endswith("dien_gio.html")
    assert "không có bộ lọc 'shortdate': ý bạn là 'short_date'?" == err.message


def test_misspelt_test_names_the_nearest(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "{%- if hoa_luoi.plan_pct is not none %}",
                 "{%- if hoa_luoi.plan_pct is not nnone %}")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG501", line)
    assert "không có phép thử 'nnone'" in err.message and "ý bạn là 'none'?" in err.message


def test_unsupported_element_names_template_line_and_vocabulary(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), "<p>{{ sentence(lap_dat) }}.</p>",
                 "<p>{{ sentence(lap_dat) }}.</p>\n<span>MW</span>")
    err = _error(project, entry)
    assert (err.code, err.line) == ("RG505", line + 1)
    assert err.file.endswith("dien_gio.html")
    assert "thẻ <span> không được hỗ trợ" in err.message and "chỉ dùng" in err.message
    assert "table" in err.message and "strong" in err.message


def test_section_without_its_own_template_uses_the_default(authoring):
    """No sections/<key>.html and no `template:`: the section is written by
    sections/default.html (intro, figures, counts, items)."""
    project, entry, pdir = authoring
    _template(pdir).unlink()
    texts = body_texts(make_document(project, entry))
    head = next(i for i, x in enumerate(texts) if x.endswith("Phát triển điện gió"))
    section = " ".join(texts[head + 1:head + 4])
    assert "điện gió" in section.lower() and "MW" in section, section


def test_layout_section_without_template(authoring):
    """A template the layout names (`template:`) that does not exist is RG503 at its entry."""
    project, entry, pdir = authoring
    _template(pdir).unlink()
    layout = pdir / "layout.yaml"
    line = _edit(layout, "      - key: dien_gio\n",
                 "      - key: dien_gio\n        template: sections/dien_gio.html\n")
    err = _error(project, entry)
    assert err.code == "RG503"
    assert err.file.endswith("ben-tre/layout.yaml") and err.line == line
    assert "phần 'dien_gio' trong bố cục không có tệp mẫu 'sections/dien_gio.html'" in err.message
    assert "templates/sections/dien_gio.html (mọi tỉnh)" in err.message
    assert "ben-tre/templates/sections/dien_gio.html (riêng tỉnh này)" in err.message


def test_layout_section_without_template_even_before_its_data(authoring):
    """The layout is checked as a whole: a named template that is missing shows before any
    data exists."""
    project, entry, pdir = authoring
    _edit(pdir / "layout.yaml", "      - key: dien_gio\n", "      - key: dien_gio\n"
          "        title: Phát triển điện gió\n      - key: dien_mat_troi\n"
          "        template: sections/dien_mat_troi.html\n")
    err = _error(project, entry)
    assert err.code == "RG503" and "'dien_mat_troi'" in err.message
    assert "gần giống" not in err.message  # a new section, not a misspelling
    _edit(pdir / "layout.yaml", "template: sections/dien_mat_troi.html",
          "template: sections/dien_gioo.html")
    err = _error(project, entry)
    assert err.code == "RG503" and "'sections/dien_gioo.html'" in err.message
    assert "(mẫu gần giống: 'sections/dien_gio.html')" in err.message


def test_data_section_missing_from_layout(authoring):
    project, entry, pdir = authoring
    (pdir / "layout.yaml").unlink()  # back to templates/layout.yaml, which has no dien_gio
    data = (pdir / "2021.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(data.splitlines(), 1) if t == "  dien_gio:")
    findings = [f for f in load_checked(project, entry).findings if f.code == "RG208"]
    assert len(findings) == 1
    f = findings[0]
    assert f.file.endswith("ben-tre/2021.yaml") and f.line == line and f.is_error
    assert "phần 'dien_gio' không có trong bố cục báo cáo" in f.message
    assert "thêm mục '- key: dien_gio' có title vào templates/layout.yaml" in f.message
    assert "sections/dien_gio.html" in f.message
    with pytest.raises(DataError) as info:
        make_document(project, entry)
    assert "RG208" in str(info.value)


def test_misspelt_data_section_names_the_province_layout(authoring):
    project, entry, pdir = authoring
    _edit(pdir / "2021.yaml", "  dien_gio:\n", "  dien_gioo:\n")
    (f,) = [f for f in load_checked(project, entry).findings if f.code == "RG208"]
    assert "ý bạn là 'dien_gio'?" in f.message
    assert "ben-tre/layout.yaml" in f.message and "templates/layout.yaml" not in f.message


def test_missing_included_template_names_the_including_line(authoring):
    project, entry, pdir = authoring
    line = _edit(_template(pdir), '{%- from "macros.html" import', '{%- from "macro.html" import')
    err = _error(project, entry)
    assert err.code == "RG503" and err.file.endswith("dien_gio.html") and err.line == line
    assert "không tìm thấy mẫu 'macro.html': ý bạn là 'macros.html'?" in err.message
