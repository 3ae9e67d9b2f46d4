"""`reportgen new`: a new period file from the last one, blanks to fill (RG124), no overwrite."""
from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.commands import load_checked
from reportgen.data.dataset import find_entries, load_report
from reportgen.data.validate import check
from reportgen.data.loader import load_yaml
from reportgen.data.period import Period
from reportgen.project import Project
from reportgen.authoring.scaffold import ScaffoldError, new_period
from reportgen.authoring.yamltext import yaml_str
from seeded import ROOT

TARGETS = """\
  phuong_huong:
    indicators:
      gtsx_cong_nghiep:
        label: Giá trị sản xuất công nghiệp
        unit: tỷ đồng
        price_basis: so sánh 2010
        status: phấn đấu đạt
        value: '1.750'
      ban_le:
        label: Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng
        unit: tỷ đồng
        status: phấn đấu đạt
        growth: '12,5'
"""


@pytest.fixture
def tree(tmp_path):
    """Bắc Kạn 2022 whose 'phương hướng' states two targets for 2023 (same ids as results)."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    path = tmp_path / "data" / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  phuong_huong:\n") == 1
    path.write_text(text.replace("  phuong_huong:\n", TARGETS), encoding="utf-8")
    return tmp_path


def run(tree: Path, *args: str):
    return CliRunner().invoke(main, ["--data", str(tree / "data"), "--templates",
                                     str(tree / "templates"), *args])


def project(tree: Path) -> Project:
    return Project(data=tree / "data", templates=tree / "templates")


def test_targets_may_share_the_id_of_their_result(tree):
    result = check(load_report(tree / "data", "bac-kan", "2022"))
    assert result.ok, [str(f) for f in result.findings]
    figures = result.report.figures
    assert figures["gtsx_cong_nghiep"].section == "cong_nghiep"  # the result, not the target
    target = result.report.sections["phuong_huong"].indicators["gtsx_cong_nghiep"]
    assert target.same_period == Decimal("1586.397")  # compared with this year's result


def test_new_year_from_last_year(tree):
    res = run(tree, "new", "--province", "bac-kan", "--year", "2023")
    assert res.exit_code == 0, res.output
    new = tree / "data" / "bac-kan" / "2023.yaml"
    assert re.search(r"^đã tạo .*bac-kan/2023\.yaml$", res.output, re.M), res.output
    assert "số liệu kỳ đó thành same_period" in res.output
    assert "2 kế hoạch" in res.output
    text = new.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/period.schema.json\n")
    old = load_yaml(tree / "data" / "bac-kan" / "2022.yaml").data
    data = load_yaml(new).data
    # same sections, same ids
    assert list(data["sections"]) == list(old["sections"])
    for key, sec in old["sections"].items():
        for group in ("indicators", "products", "counts"):
            assert list(data["sections"][key].get(group, {})) == list(sec.get(group, {})), key
    # last year's values as same_period, values left blank
    cn = data["sections"]["cong_nghiep"]["indicators"]
    assert cn["gtsx_cong_nghiep"]["value"] is None
    assert cn["gtsx_cong_nghiep"]["same_period"] == "1.586,397"
    assert cn["gtsx_cong_nghiep"]["label"] == "Giá trị sản xuất công nghiệp"
    assert cn["gtsx_cong_nghiep"]["price_basis"] == "so sánh 2010"
    assert "growth" not in cn["gtsx_cong_nghiep"]
    counts = data["sections"]["quan_ly_nha_nuoc"]["counts"]
    assert counts["nhiem_vu_cchc"]["value"] is None and counts["nhiem_vu_cchc"]["same_period"] == 45
    assert counts["nhiem_vu_cchc"]["total"] == 45
    # the targets for 2023 stated in 2022 become this year's plan
    assert cn["gtsx_cong_nghiep"]["plan"] == 1750  # whole numbers plain (yamltext policy)
    assert data["sections"]["thuong_mai"]["indicators"]["ban_le"]["plan_growth"] == "12,5"
    # narrative and document number/date: blanks with a comment
    assert data["sections"]["xuat_nhap_khau"]["items"] is None
    assert "intro" not in data["sections"]["cong_nghiep"]
    assert data["document"] == {"number": None, "date": None}
    assert re.search(r"^    items:  # viết các ý mới", text, re.M)
    # the targets of the new year are blanks too
    assert data["sections"]["phuong_huong"]["indicators"]["gtsx_cong_nghiep"]["value"] is None


def test_validate_reports_the_new_file_as_incomplete(tree):
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023").exit_code == 0
    res = run(tree, "validate", "--province", "bac-kan", "--year", "2023")
    assert res.exit_code == 1 and "lỗi nội bộ" not in res.output
    lines = [l for l in res.output.splitlines() if " lỗi RG" in l]
    assert lines and all(" lỗi RG124 " in l for l in lines), lines
    text = (tree / "data" / "bac-kan" / "2023.yaml").read_text(encoding="utf-8").splitlines()
    blanks = [i for i, l in enumerate(text, 1) if re.match(r"^\s*(value|number|date|items):( |$)", l)]
    assert sorted(int(l.split(":")[1]) for l in lines) == blanks
    assert "'number' còn trống (chưa điền): điền số văn bản" in res.output
    assert "'value' còn trống (chưa điền): điền số liệu kỳ này" in res.output
    assert "'items' còn trống (chưa điền): viết các ý mới" in res.output


def fill(path: Path) -> None:
    """Fill every blank the way an editor would: each value as last year's (same_period of
    the same block, else 1), a number, a date, one item per list."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)(value|number|date|items):  #", line)
        if not m:
            out.append(line)
            continue
        pad, key = m.groups()
        if key == "value":
            same = "1"
            for nxt in lines[i + 1:]:  # the rest of this indicator's block
                if not nxt.strip() or len(nxt) - len(nxt.lstrip()) < len(pad):
                    break
                if nxt.strip().startswith("same_period:"):
                    same = nxt.split(":", 1)[1].strip()
                    break
            out.append(f"{pad}value: {same}")
        else:
            out.append({"number": f"{pad}number: 2", "date": f"{pad}date: 2024-01-05",
                        "items": f"{pad}items:\n{pad}  - Một ý mới viết cho năm 2023."}[key])
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_filled_file_builds_with_the_plan_carried_over(tree):
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023").exit_code == 0
    path = tree / "data" / "bac-kan" / "2023.yaml"
    fill(path)
    entry = next(e for e in find_entries(tree / "data") if e.period.slug == "2023")
    result = load_checked(project(tree), entry)
    assert not [f for f in result.findings if f.is_error], [str(f) for f in result.findings]
    fig = result.report.figures["gtsx_cong_nghiep"]
    assert fig.plan == Decimal("1750") and fig.same_period == Decimal("1586.397")
    assert fig.plan_pct == Decimal("90.65")  # 1.586,397 / 1.750
    assert result.report.figures["ban_le"].plan_growth == Decimal("12.5")
    res = run(tree, "build", "--province", "bac-kan", "--year", "2023", "--format", "html",
              "--out", str(tree / "out"))
    assert res.exit_code == 0, res.output
    html = (tree / "out" / "bac-kan" / "2023" / "bao-cao-bac-kan-2023.html").read_text("utf-8")
    assert "đạt 90,65% kế hoạch năm (kế hoạch năm 1.750 tỷ đồng)" in html
    assert "(kế hoạch tăng 12,5%)" in html


def test_never_overwrites(tree):
    path = tree / "data" / "bac-kan" / "2022.yaml"
    before = path.read_bytes()
    res = run(tree, "new", "--province", "bac-kan", "--year", "2022")
    assert res.exit_code != 0
    assert "đã có" in res.output and "không ghi đè" in res.output
    assert path.read_bytes() == before
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023").exit_code == 0
    second = run(tree, "new", "--province", "bac-kan", "--year", "2023")
    assert second.exit_code == 1 and "RG140" in second.output
    assert not list((tree / "data" / "bac-kan").glob(".*.tmp"))  # no temporary left behind


def test_never_overwrites_even_in_a_race(tree, monkeypatch):
    """The file appearing between the check and the write is not replaced (link, not rename)."""
    import reportgen.authoring.scaffold as scaffold
    target = tree / "data" / "bac-kan" / "2023.yaml"
    real = scaffold._last_file

    def sneaky(*args):
        target.write_text("viết tay\n", encoding="utf-8")
        return real(*args)

    monkeypatch.setattr(scaffold, "_last_file", sneaky)
    with pytest.raises(ScaffoldError):
        new_period(project(tree), "bac-kan", Period.parse("2023"))
    assert target.read_text(encoding="utf-8") == "viết tay\n"


def test_half_year_takes_the_annual_plan(tree):
    res = run(tree, "new", "--province", "bac-kan", "--year", "2023", "--period", "h1")
    assert res.exit_code == 0, res.output
    data = load_yaml(tree / "data" / "bac-kan" / "2023-h1.yaml").data
    gtsx = data["sections"]["cong_nghiep"]["indicators"]["gtsx_cong_nghiep"]
    assert gtsx["plan"] == 1750        # the year's plan ("kế hoạch năm")
    assert "same_period" not in gtsx    # 2022 is not the same period as 2023-h1
    assert "Không có tệp 2022-h1.yaml" in (tree / "data" / "bac-kan" / "2023-h1.yaml").read_text("utf-8")


def test_new_province(tree):
    res = run(tree, "new", "--province", "tinh-moi", "--year", "2024")
    assert res.exit_code == 0, res.output
    pdir = tree / "data" / "tinh-moi"
    assert (pdir / "province.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schema/province.schema.json\n")
    province = load_yaml(pdir / "province.yaml").data
    assert province["name"] is None and province["recipients"][-1] == "Lưu: VT, KHTC"
    period = load_yaml(pdir / "2024.yaml").data
    layout_keys = ["chi_dao_dieu_hanh", "cong_nghiep", "thuong_mai", "xuat_nhap_khau",
                   "nang_luong", "quan_ly_nha_nuoc", "danh_gia_chung", "phuong_huong"]
    assert list(period["sections"]) == layout_keys
    res = run(tree, "validate", "--province", "tinh-moi", "--year", "2024")
    assert res.exit_code == 1 and "lỗi nội bộ" not in res.output
    codes = set(re.findall(r" lỗi (RG\d+) ", res.output))
    assert codes == {"RG124"}, res.output
    assert "province.yaml:" in res.output and "'name' còn trống (chưa điền): điền tên tỉnh" in res.output


def test_source_with_blanks_is_refused_clearly(tree):
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023").exit_code == 0
    res = run(tree, "new", "--province", "bac-kan", "--year", "2024", "--period", "h1")
    assert res.exit_code == 1
    assert "2023.yaml chưa điền xong" in res.output


def test_bad_options(tree):
    assert run(tree, "new", "--province", "../etc", "--year", "2023").exit_code == 2
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023", "--period", "q3").exit_code == 2


@pytest.mark.parametrize("text", ["Lưu: VT, KHTC", "- gạch đầu", "#1", "'nháy'", '"kép"',
                                  "2023", "1.586,397", "yes", "null", "a # b", "kết thúc:",
                                  "bình thường", "tỷ lệ %", "* sao", "{x}", "đầu  cuối "])
def test_yaml_str_round_trips(tmp_path, text):
    path = tmp_path / "x.yaml"
    path.write_text(f"label: {yaml_str(text)}\n", encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded.ok, loaded.findings
    assert loaded.data == {"label": text}


def test_an_id_twice_among_the_targets_is_still_rg206(tree):
    path = tree / "data" / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TARGETS, TARGETS + """\
    products:
      ban_le:
        label: Bán lẻ
        status: phấn đấu đạt
        growth: 12
"""), encoding="utf-8")
    codes = [f.code for f in check(load_report(tree / "data", "bac-kan", "2022")).findings]
    assert codes.count("RG206") == 1, codes


def test_a_dangling_province_link_is_a_finding_not_a_crash(tree):
    """`new` for a province folder that is a link to nowhere used to crash with
    FileExistsError (exit 70); it is RG140 naming the file, and nothing is created."""
    link = tree / "data" / "tinh-moi"
    link.symlink_to(tree / "khong-co")
    res = run(tree, "new", "--province", "tinh-moi", "--year", "2024")
    assert res.exit_code == 1, res.output
    assert "RG140" in res.output and "tinh-moi/province.yaml" in res.output
    assert "Traceback" not in res.output and "lỗi nội bộ" not in res.output
    assert not (tree / "khong-co").exists()


def test_an_authors_sentences_carry_over(tree):
    """A section's `sentences:` (the author's words, numbers bound to carried counts) come to
    the new period with a comment to check the words; filled, the file builds the sentence."""
    path = tree / "data" / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    sec = "  quan_ly_nha_nuoc:\n"
    assert text.count(sec) == 1
    data = load_yaml(path).data["sections"]["quan_ly_nha_nuoc"]
    count = next(iter(data["counts"]))
    pattern = f"{{{count}}} là số của năm; câu có dấu: và {{{{ngoặc}}}}"
    lines = text.split(sec, 1)
    # the sentence goes right under the section key, before its counts
    path.write_text(lines[0] + sec + f"    sentences:\n      - '{pattern}'\n" + lines[1],
                    encoding="utf-8")
    assert run(tree, "new", "--province", "bac-kan", "--year", "2023").exit_code == 0
    new = tree / "data" / "bac-kan" / "2023.yaml"
    out = new.read_text(encoding="utf-8")
    assert re.search(r"^    # câu của năm 2022: .*sửa lời văn cho kỳ này", out, re.M), out
    assert load_yaml(new).data["sections"]["quan_ly_nha_nuoc"]["sentences"] == [pattern]
    fill(new)
    res = run(tree, "build", "--province", "bac-kan", "--year", "2023", "--format", "html",
              "--out", str(tree / "out"))
    assert res.exit_code == 0, res.output
    html = (tree / "out" / "bac-kan" / "2023" / "bao-cao-bac-kan-2023.html").read_text("utf-8")
    assert "là số của năm; câu có dấu: và {ngoặc}" in html
