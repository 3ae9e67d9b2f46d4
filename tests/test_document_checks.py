"""Whole-document checks (RG701–RG708, reportgen/doccheck.py): each defect of issue 14,
reintroduced into a copy of the seeded data, is caught at its file and line; the seeded data
itself validates with no error (the drafts warn) and `--strict` fails only on the drafts.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reportgen import typography
from reportgen.commands import validate
from reportgen.errors import ERROR, NOTE, WARNING
from reportgen.project import Project

from conftest import VALID_PERIOD, VALID_PROVINCE

UNSIGNED = VALID_PROVINCE.replace("  name: Người Ký Thử\n", "")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "data"


def copy_data(tmp_path: Path, *slugs: str, src: Path = ROOT / "data") -> Path:
    data = tmp_path / "data"
    for slug in slugs:
        shutil.copytree(src / slug, data / slug)
    return data


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in a file; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def findings(data: Path, strict: bool = False):
    return validate(Project(data=data, templates=ROOT / "templates"), strict=strict).findings


def only(fs, code):
    return [f for f in fs if f.code == code]


# ------------------------------------------------------------------ RG701 draft
def test_no_signer_name_is_a_draft_warning_strict_refuses(tree):
    assert UNSIGNED != VALID_PROVINCE
    tree.write(province=UNSIGNED)
    fs = only(tree.findings(), "RG701")
    assert len(fs) == 1 and fs[0].severity == WARNING
    assert fs[0].file.endswith("tinh-mau/province.yaml")
    assert fs[0].line == tree.pos(UNSIGNED, "signer:")[0]
    assert "DỰ THẢO" in fs[0].message and "KT. GIÁM ĐỐC" in fs[0].message
    assert [f.severity for f in only(tree.findings(strict=True), "RG701")] == [ERROR]


def test_deputy_with_name_is_not_a_draft(tree):
    tree.write(province=UNSIGNED.replace(
        "signer:\n  authority: [GIÁM ĐỐC]\n",
        "signer:\n  authority: [KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC]\n  name: Người Ký Thử\n"))
    assert only(tree.findings(strict=True), "RG701") == []


def test_signer_in_the_period_file_overrides_and_is_checked_there(tree):
    period = VALID_PERIOD.replace("  date: 2023-01-05\n",
                                  "  date: 2023-01-05\n  signer:\n    authority: [GIÁM ĐỐC]\n"
                                  "    name: ''\n")
    path = tree.write(period=period, province=VALID_PROVINCE)
    fs = only(tree.findings(), "RG701")
    assert [(Path(f.file).name, f.line) for f in fs] == [(path.name, tree.pos(period, "name: ''")[0])]


def test_seeded_drafts_warn_and_strict_fails_only_on_them():
    fs = findings(ROOT / "data")
    assert not [f for f in fs if f.is_error]
    assert {(f.code, Path(f.file).parent.name) for f in fs if f.severity == WARNING} == {
        ("RG701", "thai-nguyen")}
    strict = validate(Project(data=ROOT / "data", templates=ROOT / "templates"), strict=True)
    assert sorted(r.slug for r in strict.results if not r.ok) == ["thai-nguyen"]
    # the provinces whose article names the director are signed with that name
    for slug, name in (("bac-kan", "Hoàng Hà Bắc"), ("cao-bang", "Nguyễn Anh Quế"),
                       ("ben-tre", "Nguyễn Văn Bé Sáu")):
        assert f"name: {name}" in (ROOT / "data" / slug / "province.yaml").read_text("utf-8")


# ------------------------------------------------------------------ RG702 promised part
def test_subject_promising_an_absent_part_is_an_error(tmp_path):
    data = copy_data(tmp_path, "ben-tre")
    line = edit(data / "ben-tre/2021.yaml", "  date: 2022-01-05\n",
                "  date: 2022-01-05\n  subject: Kết quả thực hiện nhiệm vụ năm 2021 và phương "
                "hướng, nhiệm vụ năm 2022\n")
    fs = only(findings(data), "RG702")
    assert [(f.line, f.severity) for f in fs] == [(line + 1, ERROR)]
    assert "phuong_huong" in fs[0].message


def test_empty_next_part_is_a_warning(tmp_path):
    data = copy_data(tmp_path, "ben-tre")
    path = data / "ben-tre/2021.yaml"
    path.write_text(path.read_text("utf-8") + "\n  phuong_huong: {}\n", encoding="utf-8")
    fs = only(findings(data), "RG702")
    assert [f.severity for f in fs] == [WARNING]


# ------------------------------------------------------------------ RG703 dates
def test_meeting_after_the_report_date_is_caught(tmp_path):
    data = copy_data(tmp_path, "tinh-mau", src=FIXTURE)
    line = edit(data / "tinh-mau/2023-h1.yaml",
                "      - Phối hợp thực hiện các nhiệm vụ thuộc lĩnh vực của ngành",
                "      - Chiều 10/7, Sở tổ chức hội nghị sơ kết 6 tháng đầu năm.\n"
                "      - Phối hợp thực hiện các nhiệm vụ thuộc lĩnh vực của ngành")
    fs = only(findings(data), "RG703")
    assert [(f.line, f.severity) for f in fs] == [(line, WARNING)]
    assert "10/07/2023" in fs[0].message and "05/07/2023" in fs[0].message


@pytest.mark.parametrize("text, caught", [
    ("Ban hành Kế hoạch số 07/KH-SCT ngày 27/01/2022.", False),
    ("Họp ngày 10/01/2023 để sơ kết.", True),
    ("Họp ngày 10 tháng 01 năm 2023.", True),
    ("Sáng 6/1 Sở họp giao ban.", True),
    ("Sáng 4/1 Sở họp giao ban.", False),
    ("Rà soát 9/9 thủ tục, 8/13 sản phẩm.", False),
    ("Quyết định số 10/2022/QĐ-UBND ngày 28/3/2022.", False),
])
def test_dates_in_narrative(tree, text, caught):
    period = VALID_PERIOD + f"    items:\n      - '{text}'\n"
    tree.write(period=period)
    assert bool(only(tree.findings(), "RG703")) is caught


def test_future_dates_in_the_next_part_are_plans(tree):
    period = VALID_PERIOD + "  phuong_huong:\n    items:\n      - Hoàn thành trước ngày 30/6/2023.\n"
    tree.write(period=period)
    assert only(tree.findings(), "RG703") == []


# ------------------------------------------------------------------ RG704 period of a figure
def test_figure_labelled_with_another_year_needs_its_period(tmp_path):
    data = copy_data(tmp_path, "bac-kan")
    line = edit(data / "bac-kan/2022.yaml", "        period: 2021\n", "")
    fs = only(findings(data), "RG704")
    assert [(f.line, f.severity) for f in fs] == [(line - 4, WARNING)]
    assert "period: 2021" in fs[0].message


def test_period_after_the_report_is_an_error(tmp_path):
    data = copy_data(tmp_path, "bac-kan")
    edit(data / "bac-kan/2022.yaml", "        period: 2021\n", "        period: 2024\n")
    assert [f.severity for f in only(findings(data), "RG704")] == [ERROR]


# ------------------------------------------------------------------ RG705 padding
def test_mixed_zero_padding_is_caught_with_a_fix(tmp_path):
    data = copy_data(tmp_path, "bac-kan")
    line = edit(data / "bac-kan/2022.yaml", "        unit: nội dung\n",
                "        unit: nội dung\n        pad: 0\n")
    fs = only(findings(data), "RG705")
    assert [(f.line, f.severity) for f in fs] == [(line + 1, WARNING)]
    assert "'7'" in fs[0].message and "'07'" in fs[0].message and "bỏ 'pad: 0'" in fs[0].message


def test_seeded_counts_under_ten_follow_one_rule(reports_text):
    text = reports_text["bac-kan-2022"]
    assert "07 nội dung" in text and "07 hồ sơ" in text and "09/09 thủ tục" in text
    assert not re.search(r"(?<![\d.,/])[1-9] (nội dung|hồ sơ|văn bản|thủ tục)", text)


# ------------------------------------------------------------------ RG706 tone marks
def test_mixed_tone_marks_are_caught_with_a_fix(tmp_path):
    data = copy_data(tmp_path, "bac-kan")
    line = edit(data / "bac-kan/2022.yaml", "ưu tiên nguồn vốn xã hội hóa", "ưu tiên nguồn vốn xã hội hoá")
    fs = only(findings(data), "RG706")
    assert [(f.line, f.severity) for f in fs] == [(line, WARNING)]
    assert "'hoá'" in fs[0].message and "viết 'hóa'" in fs[0].message


def test_tone_mark_styles_convert_both_ways():
    old = "Hàng hóa, thủy điện, Tỉnh ủy, CỘNG HÒA, khỏe; quý, hoàn thành, huyện, khoản."
    new = typography.to_style(old, typography.HOAS)
    assert new == "Hàng hoá, thuỷ điện, Tỉnh uỷ, CỘNG HOÀ, khoẻ; quý, hoàn thành, huyện, khoản."
    assert typography.to_style(new, typography.HOA) == old
    assert typography.styles_in(old) == {typography.HOA}
    assert typography.styles_in(new) == {typography.HOAS}


def test_province_style_writes_the_whole_report_in_one_style(tmp_path):
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.document.types import body_texts, frame_texts

    data = copy_data(tmp_path, "bac-kan")
    edit(data / "bac-kan/province.yaml", "  pad: 2\n", "  pad: 2\n  tone_marks: hoá\n")
    project = Project(data=data, templates=ROOT / "templates")
    doc = make_document(project, find_entries(data)[0])
    head, closing = frame_texts(doc.meta)
    text = " ".join(head + body_texts(doc) + closing)
    assert "CỘNG HOÀ" in text and "hàng hoá" in text and "Tỉnh uỷ" in text
    assert typography.styles_in(text) == {typography.HOAS}


# ------------------------------------------------------------------ RG707 price bases
def test_current_price_growth_below_comparable_is_a_warning(tmp_path):
    data = copy_data(tmp_path, "cao-bang")
    line = edit(data / "cao-bang/2021.yaml", "        confirmed: [RG707]\n", "")
    fs = only(findings(data), "RG707")
    assert [(f.line, f.severity) for f in fs] == [(line - 3, WARNING)]
    assert "12,77" in fs[0].message and "13,39" in fs[0].message
    assert [f.severity for f in only(findings(data, strict=True), "RG707")] == [ERROR]


def test_confirmed_warning_is_a_note_that_strict_accepts():
    fs = only(findings(ROOT / "data", strict=True), "RG707")
    assert [(Path(f.file).parent.name, f.severity) for f in fs] == [("cao-bang", NOTE)]


# ------------------------------------------------------------------ RG708 units
def test_appendix_row_without_unit_is_caught(tmp_path):
    data = copy_data(tmp_path, "bac-kan")
    edit(data / "bac-kan/2022.yaml", "        label: Chỉ số sản xuất công nghiệp\n        unit: '%'\n",
         "        label: Chỉ số sản xuất công nghiệp\n")
    fs = only(findings(data), "RG708")
    assert len(fs) == 1 and "iip" in fs[0].message and fs[0].severity == WARNING


# ------------------------------------------------------------------ the narrative
COLLOQUIAL = ("gỡ khó", "gỡ vướng", "giữ đà", "tạo nền", "hút vốn", "tấp nập", "lo hậu cần",
              "xe chở hàng", "báo cho")


def _narrative_files():
    return sorted((ROOT / "data").glob("*/*.yaml")) + sorted(FIXTURE.glob("*/*.yaml"))


@pytest.mark.parametrize("path", _narrative_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_colloquial_words(path):
    text = path.read_text("utf-8")
    for word in COLLOQUIAL:
        # "tháo gỡ khó khăn", "thu hút vốn" are the official terms; "gỡ khó", "hút vốn" not
        hits = [m for m in re.finditer(re.escape(word), text)
                if not text[max(0, m.start() - 5):m.start()].lower().endswith(("tháo ", "thu "))]
        assert not hits, f"{path}: '{word}'"


@pytest.fixture(scope="module")
def reports_text():
    from seeded import seeded_reports
    return {k: " ".join(s.pages) for k, s in seeded_reports().items()}


@pytest.mark.parametrize("key, present, absent", [
    ("ben-tre-2021", ["mục tiêu hỗ trợ chuyển đổi số của Kế hoạch năm 2021", "tham mưu UBND tỉnh ban hành",
                      "mục tiêu kép"], ["được hỗ trợ chuyển đổi số theo kế hoạch"]),
    ("thai-nguyen-2021", ["Tham mưu UBND tỉnh và Ban Chỉ đạo phòng, chống dịch", "mục tiêu kép"],
     ["Cùng Ban Chỉ đạo"]),
    ("cao-bang-2021", ["một cửa liên thông", "Kế hoạch số 1744/KH-SCT ngày 30/12/2020",
                       "Công văn số 841/UBND-VX ngày 15/4/2021",
                       "Nghị quyết số 128/NQ-CP ngày 11/10/2021"], ["phần lớn"]),
    ("bac-kan-2022", ["Kế hoạch số 07/KH-SCT ngày 27/01/2022", "Quyết định số 20/2022/QĐ-UBND ngày 16/6/2022",
                      "xếp loại xuất sắc", "02/19"], ["PAPI"]),
    ("tinh-mau-2023-h1", ["sôi động hơn"], ["hội nghị sơ kết"]),
])
def test_seeded_reports_say_what_the_articles_say(reports_text, key, present, absent):
    text = typography.plain(reports_text[key])
    for p in present:
        assert p in text, (key, p)
    for a in absent:
        assert a not in text, (key, a)


# ------------------------------------------------------------------ appendix columns
def test_previous_year_column_filled_from_the_previous_period_file(tmp_path):
    """"Thực hiện năm trước" comes from data/<tỉnh>/<năm trước>.yaml when it exists; without
    it a column empty in every row is left out."""
    from reportgen.data.dataset import load_report
    from reportgen.data.layout import load_layout
    from reportgen.render.appendix import table

    data = copy_data(tmp_path, "ben-tre")
    layout = load_layout(ROOT / "templates")
    before = table(load_report(data, "ben-tre", "2021").report, layout)
    assert not before.shows("previous") and not before.shows("plan")
    (data / "ben-tre" / "2020.yaml").write_text(
        "document:\n  number: 3\n  date: 2021-01-05\nsections:\n"
        "  thuong_mai:\n    indicators:\n      ban_le:\n        label: Tổng mức bán lẻ\n"
        "        unit: tỷ đồng\n        value: '48.063'\n", encoding="utf-8")
    after = table(load_report(data, "ben-tre", "2021").report, layout)
    assert after.shows("previous")
    row = next(r for r in after.rows if r.id == "ban_le")
    assert row.previous == "48.063" and row.value == "49.000"


def test_layout_lists_a_row_that_is_not_a_main_indicator(tmp_path):
    from reportgen.data.dataset import load_report
    from reportgen.data.layout import load_layout
    from reportgen.render.appendix import rows

    data = copy_data(tmp_path, "bac-kan")
    report = load_report(data, "bac-kan", "2022").report
    assert "tiet_kiem_tthc" not in {r.id for r in rows(report, load_layout(ROOT / "templates"))}
    layout = (ROOT / "templates" / "layout.yaml").read_text("utf-8").replace(
        "        title: Công tác quản lý nhà nước\n        appendix: false\n",
        "        title: Công tác quản lý nhà nước\n        appendix: [tiet_kiem_tthc]\n")
    (data / "bac-kan" / "layout.yaml").write_text(layout, encoding="utf-8")
    got = {r.id: r for r in rows(report, load_layout(ROOT / "templates", data / "bac-kan"))}
    assert got["tiet_kiem_tthc"].value == "119.430.400"
    # the score of 2021 goes in the column of 2021 when its section is listed
    layout = layout.replace("appendix: [tiet_kiem_tthc]", "appendix: [diem_cchc_2021]")
    (data / "bac-kan" / "layout.yaml").write_text(layout, encoding="utf-8")
    got = {r.id: r for r in rows(report, load_layout(ROOT / "templates", data / "bac-kan"))}
    assert got["diem_cchc_2021"].previous == "90,01" and got["diem_cchc_2021"].value == ""
