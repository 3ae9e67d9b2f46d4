"""`reportgen import` of broken and hostile workbooks (tests/bad_xlsx/): every one is a
finding naming the workbook (and the sheet or cell), exit 1, no traceback, nothing written.
The archive's sizes, the sheets' dimensions and their XML are checked before openpyxl reads
anything (reportgen/authoring/xlsx_limits.py): a zip bomb or a cell in row 1 048 576 used to
take minutes and gigabytes. Values that came from the workbook are named by their cell
(`tinh-mau.xlsx:Chỉ tiêu!H2`), never by a line of a YAML file that was not written."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "bad_xlsx"))
import make  # noqa: E402  (tests/bad_xlsx/make.py)

from reportgen.authoring.spreadsheet import SHEET  # noqa: E402


def corpus_table() -> dict[str, str]:
    text = (HERE / "bad_xlsx" / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \| (RG\d{3}) \|", text, re.M))


@pytest.fixture
def project(tree):
    """The test province (tests/conftest.py) and its exported workbook."""
    from reportgen.authoring.spreadsheet_export import export_workbook
    from reportgen.data.dataset import check_period

    tree.write()
    book = tree.root / "tinh-mau.xlsx"
    export_workbook(tree.project(), "tinh-mau", check_period("2022"), book)
    return tree, book


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def run_import(tree, book: Path):
    before = snapshot(tree.data)
    result = tree.cli("import", str(book), "-p", "tinh-mau", "-y", "2022")
    text = result.output
    assert "Traceback" not in text and "lỗi nội bộ" not in text, text
    assert result.exit_code == 1, (result.exit_code, text)
    assert snapshot(tree.data) == before  # nothing written
    return text


def test_corpus_and_its_table_agree():
    files = {p.name for p in (HERE / "bad_xlsx").glob("*.xlsx")}
    assert files == set(corpus_table()) == set(make.SMALL)
    assert max((HERE / "bad_xlsx" / f).stat().st_size for f in files) < 20_000


@pytest.mark.parametrize("name,code", sorted(corpus_table().items()))
def test_corpus_workbook(project, name, code):
    tree, _ = project
    book = tree.root / name
    book.write_bytes((HERE / "bad_xlsx" / name).read_bytes())
    out = run_import(tree, book)
    first = out.splitlines()[0]
    assert first.startswith(f"{name}") or first.startswith(str(book)), out
    assert f"lỗi {code} " in first, out


@pytest.mark.parametrize("make_it,where,says", [
    (make.truncated, f":{SHEET}: ", "hỏng (XML sai ở dòng"),
    (make.malformed, f":{SHEET}: ", "hỏng (XML sai ở dòng"),
    (make.entity_bomb, f":{SHEET}: ", "khai báo DTD hoặc thực thể XML"),
    (make.last_row, f":{SHEET}: ", "A1:L1048576 (tới dòng 1.048.576, tối đa 5.000)"),
    (make.far_cell, f":{SHEET}!D1048576: ", "ô D1048576 (dòng 1.048.576) nằm ngoài bảng"),
    (make.not_a_zip, ": ", "không phải bảng tính Excel"),
])
def test_each_kind_is_rg602_naming_the_workbook(project, make_it, where, says):
    tree, book = project
    book.write_bytes(make_it(book.read_bytes()))
    out = run_import(tree, book)
    assert f"tinh-mau.xlsx{where}" in out and "RG602" in out and says in out, out


def test_zip_bomb_is_refused_from_the_archive_listing(project, monkeypatch):
    """40 MiB of one letter in a cell: about 40 kB of archive (the reported one was 530 kB for
    512 MiB); refused from the declared sizes, before anything is inflated."""
    import zipfile

    tree, book = project
    book.write_bytes(make.zip_bomb(book.read_bytes(), 40 * 1024 * 1024))
    assert book.stat().st_size < 200_000

    def no_inflating(*args, **kwargs):
        raise AssertionError("a part was read before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    out = run_import(tree, book)
    assert "RG602" in out and "giải nén ra 41.9" in out and "xl/worksheets/sheet1.xml" in out, out


def test_cell_longer_than_excel_allows_is_named(project):
    tree, book = project
    book.write_bytes(make.long_cell(book.read_bytes(), 40_000))
    out = run_import(tree, book)
    assert f"tinh-mau.xlsx:{SHEET}!D2: lỗi RG602 ô có 40.000 ký tự" in out, out


def _edit(book: Path, **cells) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(book)


def _row(book: Path, key: str) -> int:
    ws = openpyxl.load_workbook(book)[SHEET]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == key)


def test_values_from_the_workbook_are_named_by_their_cell(project):
    """Out of range, rounded to zero, invisible characters: each at its cell, all at once."""
    tree, book = project
    r, s = _row(book, "gtsx"), _row(book, "san_luong_dien")
    _edit(book, **{f"H{r}": 1e20, f"F{s}": 0.0000001, f"D{s}": "Sản lượng\u200b điện",
                   f"E{r}": "tỷ\u00adđồng"})
    out = run_import(tree, book)
    lines = out.splitlines()
    expect = {f"H{r}": "quá lớn (hơn 15 chữ số", f"F{s}": "quá nhỏ: làm tròn",
              f"D{s}": "U+200B", f"E{r}": "U+00AD"}
    for cell, says in expect.items():
        hit = [line for line in lines if f"tinh-mau.xlsx:{SHEET}!{cell}: lỗi RG601" in line]
        assert hit and says in hit[0], (cell, out)
    assert ".yaml" not in out


def test_arithmetic_finding_names_the_cell_not_a_line_never_written(project):
    """growth 12 where 1.100 / 1.000 is +10 %: RG202 at the growth cell of the workbook."""
    tree, book = project
    r = _row(book, "gtsx")
    _edit(book, **{f"J{r}": 12})
    out = run_import(tree, book)
    assert re.search(rf"tinh-mau\.xlsx:{SHEET}!J{r}: lỗi RG202 .*'10,00'", out), out


def test_data_file_that_would_be_too_large_names_the_workbook(project, monkeypatch):
    from reportgen.authoring.spreadsheet import SpreadsheetError
    from reportgen.authoring.spreadsheet_import import import_workbook
    from reportgen.data import loader
    from reportgen.data.dataset import check_period

    tree, book = project
    r = _row(book, "gtsx")
    _edit(book, **{f"D{r}": "Giá trị sản xuất " * 1500})
    monkeypatch.setattr(loader, "MAX_BYTES", 20_000)
    with pytest.raises(SpreadsheetError) as info:
        import_workbook(tree.project(), book, "tinh-mau", check_period("2022"))
    text = str(info.value)
    assert f"tinh-mau.xlsx:{SHEET}!D{r}: lỗi RG106" in text, text
    assert "ô dài nhất có 25.499 ký tự" in text


def test_a_normal_workbook_still_imports(project):
    """The checks refuse nothing an export writes: a changed figure goes in."""
    tree, book = project
    r = _row(book, "xuat_khau")
    _edit(book, **{f"H{r}": 22.5, f"H{_row(book, 'tong_kim_ngach')}": 34.907})
    result = tree.cli("import", str(book), "-p", "tinh-mau", "-y", "2022")
    assert result.exit_code == 0, result.output
    assert "value: '22,500'" in (tree.province_dir / "2022.yaml").read_text(encoding="utf-8")
