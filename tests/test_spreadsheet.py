"""Spreadsheets: export -> import round trips on every seeded file, edits land in place, every
unreadable cell is named (sheet!cell) and leaves the data file untouched, blank templates."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.data.dataset import find_entries
from reportgen.errors import DataError
from reportgen.data.period import Period
from reportgen.project import Project
from reportgen.authoring.spreadsheet import HEADERS, INFO_SHEET, SHEET, SpreadsheetError, read_number
from reportgen.authoring.spreadsheet_export import export_workbook
from reportgen.authoring.spreadsheet_import import import_workbook
from seeded import ROOT

SEEDED = [(ROOT / "data", e) for e in find_entries(ROOT / "data")] + \
    [(ROOT / "tests" / "fixtures" / "data", e) for e in find_entries(ROOT / "tests" / "fixtures" / "data")]
COL = {h: i for i, h in enumerate(HEADERS, start=1)}


def copy_project(tmp_path: Path, data_root: Path, slug: str) -> Project:
    shutil.copytree(data_root / slug, tmp_path / "data" / slug)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return Project(data=tmp_path / "data", templates=tmp_path / "templates")


@pytest.fixture
def bac_kan(tmp_path):
    project = copy_project(tmp_path, ROOT / "data", "bac-kan")
    book = tmp_path / "bk.xlsx"
    export_workbook(project, "bac-kan", Period.parse("2022"), book)
    return project, book, project.data / "bac-kan" / "2022.yaml"


def row_of(ws, key: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == key)


def cli(project: Project, *args: str):
    return CliRunner().invoke(main, ["--data", str(project.data), "--templates",
                                     str(project.templates), *args])


# ------------------------------------------------------------------ round trip
@pytest.mark.parametrize("root,entry", SEEDED, ids=[f"{e.slug}-{e.period.slug}" for _, e in SEEDED])
def test_round_trip_leaves_the_data_file_unchanged(tmp_path, root, entry):
    project = copy_project(tmp_path, root, entry.slug)
    path = project.data / entry.slug / entry.path.name
    before = path.read_bytes()
    book = tmp_path / "x.xlsx"
    result = cli(project, "export", "-p", entry.slug, "--period", entry.period.slug, "--xlsx", str(book))
    assert result.exit_code == 0, result.output
    result = cli(project, "import", str(book), "-p", entry.slug, "--period", entry.period.slug)
    assert result.exit_code == 0, result.output
    assert "không có gì thay đổi" in result.output
    assert path.read_bytes() == before
    # and through a save by a spreadsheet program (openpyxl here): values read back the same
    wb = openpyxl.load_workbook(book)
    wb.save(book)
    import_workbook(project, book, entry.slug, entry.period)
    assert path.read_bytes() == before


def test_exported_cells(bac_kan):
    _, book, _ = bac_kan
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    assert tuple(c.value for c in ws[1]) == HEADERS
    r = row_of(ws, "tong_kim_ngach")
    assert ws.cell(r, 1).value == "xuat_nhap_khau" and ws.cell(r, 2).value == "chỉ tiêu"
    cell = ws.cell(r, COL["Thực hiện"])
    assert cell.value == pytest.approx(34.41) and cell.number_format == "#,##0.000"
    assert ws.cell(r, COL["Tỷ lệ thực hiện kế hoạch (%)"]).value == pytest.approx(137.64)
    assert ws.cell(r, COL["Kế hoạch năm"]).value is None  # not stated: empty, not 0
    r = row_of(ws, "ho_so")
    assert ws.cell(r, 2).value == "số đếm" and ws.cell(r, COL["Thực hiện"]).value == 13126
    info = wb[INFO_SHEET]
    assert (info["B1"].value, info["B2"].value, info["B3"].value, info["B4"].value) == \
        ("bac-kan", "2022", 1, "2023-01-05")


# ------------------------------------------------------------------ edits in place
def test_edits_change_only_those_values(bac_kan):
    project, book, path = bac_kan
    before = path.read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    ws.cell(row_of(ws, "ban_le"), COL["Thực hiện"]).value = 6800
    ws.cell(row_of(ws, "ban_le"), COL["Tăng/giảm so với cùng kỳ (%)"]).value = None  # unknown
    ws.cell(row_of(ws, "ban_le"), COL["Tỷ lệ thực hiện kế hoạch (%)"]).value = None
    ws.cell(row_of(ws, "ho_dung_dien"), COL["Thực hiện"]).value = "98,1"  # Vietnamese text
    ws.cell(row_of(ws, "gtsx_cong_nghiep"), COL["Thực hiện"]).value = 1600.5  # shown 0.000
    wb.save(book)
    result = import_workbook(project, book, "bac-kan", Period.parse("2022"))
    assert result.wrote and not result.created
    after = path.read_text(encoding="utf-8")
    removed = [l for l in before.splitlines() if l not in after.splitlines()]
    added = [l for l in after.splitlines() if l not in before.splitlines()]
    assert sorted(added) == sorted(["        value: 6800", "        value: '98,1'",
                                    "        value: '1.600,500'"])
    assert sorted(removed) == sorted(["        value: 6760", "        growth: '5,79'",
                                      "        plan_completion: '107,3'", "        value: '97,66'",
                                      "        value: '1.586,397'"])
    comments = [l for l in before.splitlines() if l.lstrip().startswith("#")]
    assert comments and all(c in after.splitlines() for c in comments)  # comments kept
    assert "- Tăng cường xúc tiến đầu tư, thu hút doanh nghiệp" in after  # narrative items kept


def test_new_indicator_row_is_added(bac_kan):
    project, book, path = bac_kan
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    ws.append(["nang_luong", "chỉ tiêu", "dien_thuong_pham", "Điện thương phẩm", "triệu kWh",
               None, None, "321,5", None, "4,2", None, None])
    wb.save(book)
    import_workbook(project, book, "bac-kan", Period.parse("2022"))
    text = path.read_text(encoding="utf-8")
    assert ("      dien_thuong_pham:\n        label: Điện thương phẩm\n        unit: triệu kWh\n"
            "        value: '321,5'\n        growth: '4,2'\n") in text


# ------------------------------------------------------------------ cells that cannot be read
def test_bad_cells_are_named_and_nothing_is_written(bac_kan):
    project, book, path = bac_kan
    before = path.read_bytes()
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    r_ban_le, r_hs, r_xk = row_of(ws, "ban_le"), row_of(ws, "ho_so"), row_of(ws, "xuat_khau")
    ws.cell(r_ban_le, COL["Thực hiện"]).value = "sáu nghìn"
    ws.cell(r_hs, COL["Thực hiện"]).value = 13126.5
    ws.cell(r_xk, COL["Thực hiện cùng kỳ"]).value = dt.datetime(2022, 5, 1)
    ws.cell(r_xk, COL["Kế hoạch năm"]).value = "1,586.397"
    ws.cell(r_hs, COL["Kế hoạch năm"]).value = 5  # a count has no plan
    ws.cell(row_of(ws, "iip"), 1).value = "cong_nghiep_x"
    wb.save(book)
    result = cli(project, "import", str(book), "-p", "bac-kan", "-y", "2022")
    assert result.exit_code == 1
    out = result.output
    assert "Traceback" not in out
    lines = [l for l in out.splitlines() if "RG601" in l]
    cells = {l.split(": lỗi")[0].split(":", 1)[1] for l in lines}
    assert cells == {f"Chỉ tiêu!H{r_ban_le}", f"Chỉ tiêu!H{r_hs}", f"Chỉ tiêu!F{r_xk}",
                     f"Chỉ tiêu!G{r_xk}", f"Chỉ tiêu!G{r_hs}", f"Chỉ tiêu!A{row_of(ws, 'iip')}"}
    assert "sáu nghìn" in out and "số nguyên" in out and "ngày tháng" in out
    assert "đổi chỗ hai dấu" in out  # English-style number: the reason says what to do
    assert path.read_bytes() == before


def test_formula_without_result_is_named(bac_kan):
    project, book, path = bac_kan
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    r = row_of(ws, "tong_kim_ngach")
    ws.cell(r, COL["Thực hiện"]).value = f"=H{row_of(ws, 'xuat_khau')}+H{row_of(ws, 'nhap_khau')}"
    wb.save(book)  # openpyxl stores no computed result
    with pytest.raises(SpreadsheetError) as info:
        import_workbook(project, book, "bac-kan", Period.parse("2022"))
    assert [(p.sheet, p.cell) for p in info.value.problems] == [(SHEET, f"H{r}")]
    assert "công thức" in info.value.problems[0].reason


def test_workbook_of_another_province_or_layout(bac_kan, tmp_path):
    project, book, path = bac_kan
    wb = openpyxl.load_workbook(book)
    wb[INFO_SHEET]["B2"] = "2021"
    wb[SHEET]["H1"] = "Giá trị"
    wb.save(book)
    with pytest.raises(SpreadsheetError) as info:
        import_workbook(project, book, "bac-kan", Period.parse("2022"))
    assert [(p.cell, p.code) for p in info.value.problems] == [("H1", "RG602")]
    wb[SHEET]["H1"] = "Thực hiện"
    wb.save(book)
    with pytest.raises(SpreadsheetError) as info:
        import_workbook(project, book, "bac-kan", Period.parse("2022"))
    assert [(p.sheet, p.cell, p.code) for p in info.value.problems] == [(INFO_SHEET, "B2", "RG603")]
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    result = cli(project, "import", str(junk), "-p", "bac-kan", "-y", "2022")
    assert result.exit_code == 1 and "RG602" in result.output and "Traceback" not in result.output


def test_result_that_does_not_validate_is_not_written(bac_kan):
    project, book, path = bac_kan
    before = path.read_bytes()
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    ws.cell(row_of(ws, "xuat_khau"), COL["Thực hiện"]).value = 25  # parts no longer add up
    wb.save(book)
    with pytest.raises(DataError) as info:
        import_workbook(project, book, "bac-kan", Period.parse("2022"))
    # the total's cell: its value came from the workbook (not a line of a file never written)
    total = f"bk.xlsx:{SHEET}!H{row_of(ws, 'tong_kim_ngach')}: lỗi RG201"
    assert total in str(info.value) and ".yaml" not in str(info.value)
    assert path.read_bytes() == before


# ------------------------------------------------------------------ blank template
def test_template_filled_and_imported_as_a_new_period(tmp_path):
    project = copy_project(tmp_path, ROOT / "data", "cao-bang")
    book = tmp_path / "mau.xlsx"
    result = cli(project, "export", "--template-xlsx", str(book), "-p", "cao-bang")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    numbers = [ws.cell(r, c).value for r in range(2, ws.max_row + 1) for c in range(6, 13)]
    assert set(numbers) == {None}  # blank
    assert ws.cell(row_of(ws, "quang_mangan"), 4).value == "Quặng mangan"
    assert wb[INFO_SHEET]["B1"].value == "cao-bang" and wb[INFO_SHEET]["B2"].value is None
    # without a document number and date the new file cannot be made: the cells are named
    result = cli(project, "import", str(book), "-p", "cao-bang", "-y", "2022")
    assert result.exit_code == 1
    assert f"{INFO_SHEET}!B3" in result.output and f"{INFO_SHEET}!B4" in result.output
    assert not (project.data / "cao-bang" / "2022.yaml").exists()
    wb[INFO_SHEET]["B3"] = 4
    wb[INFO_SHEET]["B4"] = "2023-01-06"
    for r in range(2, ws.max_row + 1):  # counts need a value
        if ws.cell(r, 2).value == "số đếm":
            ws.cell(r, 8).value = 5
    ws.cell(row_of(ws, "quang_mangan"), 8).value = 70000
    wb.save(book)
    result = cli(project, "import", str(book), "-p", "cao-bang", "-y", "2022")
    assert result.exit_code == 0, result.output
    text = (project.data / "cao-bang" / "2022.yaml").read_text(encoding="utf-8")
    assert "document:\n  number: 4\n  date: 2023-01-06\n" in text
    assert "      quang_mangan:\n        label: Quặng mangan\n        unit: tấn\n        value: 70000\n" in text
    # the new period builds: its same-period values come from 2021
    from reportgen.commands import load_checked
    entry = next(e for e in find_entries(project.data) if e.period.slug == "2022")
    assert load_checked(project, entry).ok


# ------------------------------------------------------------------ details
def test_read_number():
    from decimal import Decimal
    assert read_number(34.41, "#,##0.000") == Decimal("34.410")
    assert str(read_number(34.41, "#,##0.000")) == "34.410"
    assert read_number(0.30000000000000004, "General") == Decimal("0.3")
    assert read_number(0.1277, "0.00%") == Decimal("12.77")
    assert read_number(" 1.586,397 ", "@") == Decimal("1586.397")
    assert read_number("-", "General") is None and read_number(None, "General") is None
    assert read_number(4.0, "General", integer=True) == 4
    for bad in (True, "abc", float("nan"), dt.date(2022, 1, 1)):
        with pytest.raises(ValueError):
            read_number(bad, "General")


def test_help_loads_no_heavy_module():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom reportgen.cli import main\n"
            "for args in (['--help'], ['export', '--help'], ['import', '--help']):\n"
            "    assert CliRunner().invoke(main, args).exit_code == 0\n"
            "heavy = {'weasyprint', 'matplotlib', 'pandas', 'openpyxl', 'docx'}\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_blanks_left_by_new_export_empty_and_import_fills_them(tmp_path):
    """`reportgen new` leaves `value:` blanks: export shows an empty cell, import fills it."""
    project = copy_project(tmp_path, ROOT / "data", "bac-kan")
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("        value: 6760\n") == 1
    path.write_text(text.replace("        value: 6760\n", "        value:\n"), encoding="utf-8")
    book = tmp_path / "b.xlsx"
    export_workbook(project, "bac-kan", Period.parse("2022"), book)
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    cell = ws.cell(row_of(ws, "ban_le"), COL["Thực hiện"])
    assert cell.value is None
    cell.value = 6760
    wb.save(book)
    import_workbook(project, book, "bac-kan", Period.parse("2022"))
    assert path.read_text(encoding="utf-8") == text
