"""One test per finding code: a small data tree that triggers it (code, line, column,
severity, the helpful part of the message) and a near-identical one that does not.

The trees are written in tmp_path from the minimal valid province and period of
conftest.py (`tree` fixture), never copied from data/.
"""
from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

import pytest

from reportgen.data import loader
from reportgen.errors import ERROR, WARNING
from reportgen.vnformat import NumberFormatError, parse_number

PERIOD_FILE = "tinh-mau/2022.yaml"


def only(findings, code):
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, f"expected one {code}, got: {[str(f) for f in findings]}"
    return hits[0]


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def check(f, line: int, col: Optional[int], severity: str, *parts: str, file=PERIOD_FILE):
    assert f.file.endswith(file), str(f)
    assert (f.line, f.column if col is not None else None) == (line, col), str(f)
    assert f.severity == severity, str(f)
    for part in parts:
        assert part in f.message, f"{part!r} not in {f.message!r}"
    # the printed form every editor understands
    where = f"{f.file}:{line}:{col}: " if col else (f"{f.file}:{line}: " if line else f"{f.file}: ")
    assert str(f).startswith(f"{where}{severity} {f.code} "), str(f)


def parse_error(text: str) -> str:
    with pytest.raises(NumberFormatError) as info:
        parse_number(text)
    return str(info.value)


# ---------------------------------------------------------------------------------------
# Text edits of the valid period file: each case breaks one rule, its `good` twin does not.


@dataclass
class Case:
    code: str
    bad: tuple[str, str]  # (old, new) edit of VALID_PERIOD
    where: tuple[str, Optional[str]]  # (a text on the finding's line, the text at its column)
    parts: tuple[str, ...]
    good: Optional[tuple[str, str]] = None  # None: the valid file itself
    severity: str = ERROR
    col: bool = True
    extra: set = field(default_factory=set)  # other codes the bad file may also give


CASES = {
    # RG101 syntax
    "RG101-unclosed-quote": Case(
        "RG101", ("value: '22,003'", "value: '22,003"), ("value: '22,003", "'"),
        ("dấu nháy ' mở ở đây chưa được đóng", "thêm ' ở cuối giá trị"),
        good=("value: '22,003'", "value: '22,003'  # đã đóng nháy")),
    "RG101-colon-in-value": Case(
        "RG101", ("label: Kim ngạch xuất khẩu", "label: Kim ngạch: xuất khẩu"),
        ("Kim ngạch: xuất", ": xuất"), ("đặt cả giá trị trong dấu nháy",),
        good=("label: Kim ngạch xuất khẩu", "label: 'Kim ngạch: xuất khẩu'")),
    "RG101-indent": Case(
        "RG101", ("        unit: tỷ đồng", "       unit: tỷ đồng"), ("unit: tỷ đồng", "unit"),
        ("thụt lề",), good=("        unit: tỷ đồng", "        unit:  tỷ đồng")),
    "RG101-unclosed-bracket": Case(
        "RG101", ("parts: [xuat_khau, nhap_khau]", "parts: [xuat_khau, nhap_khau"),
        ("parts: [xuat_khau", "["), ("chưa được đóng",)),
    # RG102 tab
    "RG102-tab-indent": Case(
        "RG102", ("        value: '22,003'", "      \t  value: '22,003'"), ("value: '22,003'", "\t"),
        ("tab", "dấu cách"), good=("label: Kim ngạch xuất khẩu", "label: 'Kim ngạch\txuất khẩu'")),
    "RG102-tab-after-colon": Case(
        "RG102", ("value: '22,003'", "value:\t'22,003'"), ("'22,003'", "\t"), ("tab",)),
    # RG103 duplicate key
    "RG103-duplicate": Case(
        "RG103", ("        value: '22,003'\n", "        value: '22,003'\n        value: '22,004'\n"),
        ("value: '22,004'", "value"), ("'value' bị lặp", "gộp"),
        good=("        value: '22,003'\n", "        value: '22,003'\n        note: '22,004'\n")),
    # RG105 tags, merge keys, complex keys
    "RG105-python-tag": Case(
        "RG105", ("        value: '22,003'\n",
                  "        value: '22,003'\n        note: !!python/object/apply:os.system ['false']\n"),
        ("note: !!python", "!!python"), ("!!python/object/apply:os.system", "bỏ thẻ"),
        good=("        value: '22,003'\n",
              "        value: '22,003'\n        note: '!!python/object/apply:os.system'\n")),
    "RG105-merge-key": Case(
        "RG105", ("      nhap_khau:\n", "      nhap_khau:\n        <<: {note: gộp}\n"),
        ("<<: {note", "<<"), ("'<<'",),
        good=("      nhap_khau:\n", "      nhap_khau:\n        note: '<<: {note: gộp}'\n")),
    "RG105-complex-key": Case(
        "RG105", ("document:\n", "? [a, b]\n: 1\ndocument:\n"), ("? [a, b]", "["),
        ("khoá phức hợp",), good=("document:\n", "'[a, b]': 1\ndocument:\n"), extra={"RG120"}),
    # RG107 control and invisible characters
    "RG107-bell": Case(
        "RG107", ("label: Kim ngạch xuất khẩu", "label: Kim ngạch\x07 xuất khẩu"),
        ("Kim ngạch\x07", "\x07"), ("U+0007", "xoá ký tự")),
    "RG107-escaped-control": Case(
        "RG107", ("label: Kim ngạch xuất khẩu", 'label: "Kim ngạch\\x01 xuất khẩu"'),
        ('"Kim ngạch', '"'), ("U+0001",),
        good=("label: Kim ngạch xuất khẩu", 'label: "Kim ngạch\\t xuất khẩu"')),
    "RG107-zero-width-in-key": Case(
        "RG107", ("        growth: 10", "        gro\u200bwth: 10"), ("gro\u200bwth", "\u200b"),
        ("U+200B", "vô hình")),
    "RG107-nel": Case(
        "RG107", ("label: Kim ngạch xuất khẩu", "label: Kim ngạch\x85 xuất khẩu"),
        ("Kim ngạch\x85", "\x85"), ("U+0085",),
        good=("label: Kim ngạch xuất khẩu", "label: Kim ngạch\xa0xuất khẩu")),
    # RG110 ambiguous numbers
    "RG110-5.300": Case(
        "RG110", ("value: '5.300'", "value: 5.300"), ("value: 5.300", "5.300"),
        ("YAML đọc là 5.3", "viết 5300", "'5.300'", "'5,300'")),
    "RG110-1.586": Case(
        "RG110", ("value: '5.300'", "value: 1.586"), ("value: 1.586", "1.586"),
        ("YAML đọc là 1.586", "viết 1586", "'1,586'"),
        good=("value: '5.300'", "value: 5.3"), extra={"RG301"}),
    # RG111 not a finite number / out of range
    "RG111-nan": Case(
        "RG111", ("value: '5.300'", "value: .nan"), ("value: .nan", ".nan"),
        ("không phải là số hữu hạn",), good=("value: '5.300'", "value: 5300")),
    "RG111-inf": Case(
        "RG111", ("        growth: 10", "        growth: -.inf"), ("growth: -.inf", "-.inf"),
        ("không phải là số hữu hạn",), good=("        growth: 10", "        growth: 10.0")),
    "RG111-1e999999": Case(
        "RG111", ("value: '5.300'", "value: 1e999999"), ("value: 1e999999", "1e999999"),
        ("quá lớn",), good=("value: '5.300'", "value: 5.3e3")),
    "RG111-10**400": Case(
        "RG111", ("value: '5.300'", "value: 1" + "0" * 400), ("value: 1000", "1000"),
        ("quá lớn",)),
    "RG111-quoted-huge": Case(
        "RG111", ("value: '5.300'", "value: '1.000.000.000.000.000.000'"),
        ("value: '1.000.000", "'1.000"), ("quá lớn", "'1.586,397'"),
        good=("value: '5.300'", "value: '1.000.000.000'"), extra={"RG301"}),
    "RG111-too-many-decimals": Case(
        "RG111", ("value: '5.300'", "value: '5,00000001'"), ("value: '5,0", "'5,0"),
        ("chữ số thập phân",), good=("value: '5.300'", "value: '5,000001'")),
    # RG120 unknown key
    "RG120-growht": Case(
        "RG120", ("        growth: 10", "        growht: 10"), ("growht: 10", "growht"),
        ("khoá lạ 'growht'", "ý bạn là 'growth'?")),
    "RG120-no-near-key": Case(
        "RG120", ("        growth: 10", "        zzz: 10"), ("zzz: 10", "zzz"),
        ("khoá lạ 'zzz'", "các khoá hợp lệ: label, unit, value")),
    # RG121 wrong type
    "RG121-list-for-mapping": Case(
        "RG121", ("document:\n  number: 1\n  date: 2023-01-05\n",
                  "document:\n  - number: 1\n  - date: 2023-01-05\n"),
        ("- number: 1", "-"), ("'document' sai kiểu", "cần một bảng khoá", "không phải danh sách")),
    "RG121-mapping-for-list": Case(
        "RG121", ("parts: [xuat_khau, nhap_khau]", "parts: {xuat_khau: 1}"),
        ("parts: {", "{"), ("cần một danh sách",)),
    "RG121-abc": Case(
        "RG121", ("value: '5.300'", "value: abc"), ("value: abc", "abc"),
        ("'value' sai kiểu", parse_error("abc"))),
    "RG121-english-number": Case(
        "RG121", ("value: '5.300'", "value: '1,586.397'"), ("value: '1,586.397'", "'1,586"),
        (parse_error("1,586.397"), "đổi chỗ hai dấu"), good=("value: '5.300'", "value: '5.586,397'")),
    "RG121-two-commas": Case(
        "RG121", ("value: '5.300'", "value: '12,7,7'"), ("value: '12,7,7'", "'12"),
        (parse_error("12,7,7"), "một dấu phẩy"), good=("value: '5.300'", "value: '5.127,7'")),
    "RG121-scientific-string": Case(
        "RG121", ("value: '5.300'", "value: '1e999999'"), ("value: '1e999999'", "'1e"),
        ("khoa học",)),
    "RG121-bool": Case(
        "RG121", ("value: '5.300'", "value: true"), ("value: true", "true"),
        ("cần một số", "true/false")),
    "RG121-count-not-integer": Case(
        "RG121", ("        value: 5\n", "        value: '5,5'\n"), ("value: '5,5'", "'5,5'"),
        ("số nguyên",), extra={"RG201"}),
    "RG121-date-as-number": Case(
        "RG121", ("date: 2023-01-05", "date: 20230105"), ("date: 20230105", "2023"),
        ("không phải ngày", "YYYY-MM-DD"), good=("date: 2023-01-05", "date: '2023-01-05'")),
    "RG121-impossible-date": Case(
        "RG121", ("date: 2023-01-05", "date: 2023-02-30"), ("date: 2023-02-30", "2023"),
        ("YYYY-MM-DD",), good=("date: 2023-01-05", "date: 2023-02-28")),
    "RG121-empty-section": Case(
        "RG121", ("  quan_ly_nha_nuoc:\n    counts:", "  quan_ly_nha_nuoc:\n  khac:\n    counts:"),
        ("  quan_ly_nha_nuoc:", "quan"), ("'quan_ly_nha_nuoc' sai kiểu", "giá trị trống"),
        extra={"RG208"}),
    "RG121-below-minimum": Case(
        "RG121", ("  number: 1", "  number: 0"), ("number: 0", "0"), ("cần ≥ 1",)),
    # RG122 missing required key
    "RG122-label": Case(
        "RG122", ("        label: Sản lượng điện\n", ""), ("san_luong_dien:", "san"),
        ("thiếu khoá bắt buộc 'label'", "san_luong_dien")),
    "RG122-document": Case(
        "RG122", ("document:\n  number: 1\n  date: 2023-01-05\n", ""), ("sections:", "sections"),
        ("thiếu khoá bắt buộc 'document'",)),
    # RG123 a value not in the allowed list
    "RG123-status": Case(
        "RG123", ("status: ước đạt", "status: uoc dat"), ("status: uoc dat", "uoc"),
        ("'uoc dat' không hợp lệ", "ý bạn là 'ước đạt'?", "'dự kiến đạt'"),
        good=("status: ước đạt", "status: " + unicodedata.normalize("NFD", "ước đạt"))),
    "RG123-price-basis": Case(
        "RG123", ("        unit: tỷ đồng\n", "        unit: tỷ đồng\n        price_basis: so sanh 2010\n"),
        ("price_basis:", "so sanh"), ("ý bạn là 'so sánh 2010'?",),
        good=("        unit: tỷ đồng\n", "        unit: tỷ đồng\n        price_basis: so sánh 2010\n")),
    # RG201 parts do not add up
    "RG201-indicator": Case(
        "RG201", ("value: '34,410'", "value: '34,400'"), ("value: '34,400'", "'34"),
        ("xuat_khau + nhap_khau = 34,410", "tong_kim_ngach = 34,400", "triệu USD")),
    "RG201-count": Case(
        "RG201", ("        value: 5\n", "        value: 4\n"), ("        value: 120", "120"),
        ("ho_so_dung_han + ho_so_qua_han = 119", "ho_so = 120")),
    # RG202 growth disagrees with same_period
    "RG202": Case(
        "RG202", ("        growth: 10", "        growth: 12"), ("growth: 12", "12"),
        ("growth = 12%", "1.100 so với 1.000", "sửa growth thành '10,00'"),
        good=("        growth: 10", "        growth: '10,0'")),
    # RG203 plan completion disagrees with plan
    "RG203": Case(
        "RG203", ("plan_completion: 110", "plan_completion: 120"), ("plan_completion: 120", "120"),
        ("plan_completion = 120%", "1.100/1.000", "'110,00'"),
        good=("plan_completion: 110", "plan_completion: '110,0'")),
    # RG204 a count above its total
    "RG204": Case(
        "RG204", ("        value: 5\n        total: 120", "        value: 5\n        total: 4"),
        ("        value: 5", "5"), ("5 lớn hơn tổng 4", "value ≤ total"),
        good=("        value: 5\n        total: 120", "        value: 5\n        total: 5")),
    # RG205 a part that is no indicator
    "RG205-unknown": Case(
        "RG205", ("parts: [xuat_khau, nhap_khau]", "parts: [xuat_khau, nhap_khua]"),
        ("parts: [xuat_khau", "nhap_khua"), ("'nhap_khua'", "ý bạn là 'nhap_khau'?")),
    "RG205-itself": Case(
        "RG205", ("parts: [xuat_khau, nhap_khau]", "parts: [tong_kim_ngach]"),
        ("parts: [tong", "tong"), ("chính chỉ tiêu này",)),
    # RG207 a count change disagrees
    "RG207": Case(
        "RG207", ("change: 20", "change: 25"), ("change: 25", "25"),
        ("change = 25%", "120 so với 100", "sửa change thành '20,00'"),
        good=("change: 20", "change: '20,0'")),
    # RG208 a section the layout does not know
    "RG208": Case(
        "RG208", ("  cong_nghiep:", "  cong_ngiep:"), ("cong_ngiep:", "cong"),
        ("'cong_ngiep' không có trong bố cục", "ý bạn là 'cong_nghiep'?")),
    # RG301 implausible growth (warning)
    "RG301-computed": Case(
        "RG301", ("same_period: '5.000'", "same_period: 400"), ("value: '5.300'", "'5.300'"),
        ("1.225,00%", "trên 1000%"), good=("same_period: '5.000'", "same_period: 500"),
        severity=WARNING),
    "RG301-stated": Case(
        "RG301", ("        growth: 10\n", "        growth: 1200\n"), ("growth: 1200", "1200"),
        ("1.200%",), severity=WARNING, extra={"RG202"}),
    # RG302 negative value (warning), negative count (error)
    "RG302-indicator": Case(
        "RG302", ("value: '5.300'", "value: '-5.300'"), ("value: '-5.300'", "'-5"),
        ("giá trị âm (âm 5.300) (triệu kWh)",), severity=WARNING),
    "RG302-count": Case(
        "RG302", ("        value: 5\n        total", "        value: -5\n        total"),
        ("value: -5", "-5"), ("số đếm âm (-5)",), extra={"RG201"}),
    # RG209 a plan at or below zero
    "RG209": Case(
        "RG209", ("value: '5.300'", "value: '5.300'\n        plan: 0"), ("plan: 0", "0"),
        ("phải lớn hơn 0", "plan_growth")),
    "RG301-plan": Case(
        "RG301", ("value: '5.300'", "value: '5.300'\n        plan: 5"), ("plan: 5", "5"),
        ("106.000,00%", "trên 1000%"), severity=WARNING),
}


@pytest.mark.parametrize("name", list(CASES))
def test_finding(tree, name):
    case = CASES[name]
    bad = tree.edit(tree.period_text, *case.bad)
    tree.write(bad)
    findings = tree.findings()
    f = only(findings, case.code)
    line, col = tree.pos(bad, *case.where)
    check(f, line, col if case.col else None, case.severity, *case.parts)
    assert codes(findings) <= {case.code} | case.extra, [str(x) for x in findings]

    good = tree.edit(tree.period_text, *case.good) if case.good else tree.period_text
    tree.write(good)
    findings = tree.findings()
    assert case.code not in codes(findings), [str(x) for x in findings]
    if not case.extra and name != "RG105-complex-key":
        assert findings == [], [str(x) for x in findings]


def test_valid_tree_has_no_findings(tree):
    tree.write()
    assert tree.findings() == []


def test_strict_turns_warnings_into_errors(tree):
    tree.write(tree.edit(tree.period_text, "same_period: '5.000'", "same_period: 400"))
    assert only(tree.findings(), "RG301").severity == WARNING
    assert only(tree.findings(strict=True), "RG301").severity == ERROR


# ---------------------------------------------------------------------------------------
# Codes that need bytes, files or folders rather than a text edit.


def test_rg100_folder_instead_of_file(tree):
    tree.write(period=None)
    (tree.province_dir / "2022.yaml").mkdir()
    f = only(tree.findings(), "RG100")
    check(f, 0, None, ERROR, "không đọc được tệp", "thư mục")
    assert str(f) == f"{f.file}: lỗi RG100 {f.message}"


def test_rg100_broken_link(tree):
    tree.write(period=None)
    (tree.province_dir / "2022.yaml").symlink_to(tree.root / "khong-co.yaml")
    check(only(tree.findings(), "RG100"), 0, None, ERROR, "liên kết hỏng")


def test_rg100_permission_denied(tree, monkeypatch):
    tree.write()

    def refuse(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(loader, "open", refuse, raising=False)
    findings = tree.findings()
    assert {f.code for f in findings} == {"RG100"}
    check(only([f for f in findings if f.file.endswith(PERIOD_FILE)], "RG100"), 0, None, ERROR,
          "không có quyền đọc")
    monkeypatch.undo()
    assert tree.findings() == []


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters with separate tone marks."""
    out = b""
    for c in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", c)
        for i in range(len(d), 0, -1):  # the longest precomposed head the code page has
            try:
                out += unicodedata.normalize("NFC", d[:i]).encode("cp1258") + d[i:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def test_rg104_windows_1258(tree):
    text = tree.period_text
    raw = text.encode("utf-8").replace("Kim ngạch xuất khẩu".encode(), cp1258("Kim ngạch xuất khẩu"))
    tree.write(raw)
    line, col = tree.pos(text, "Kim ngạch xuất khẩu", "ạ")
    # 'a' is plain ASCII in Windows-1258; the tone mark after it is the first bad byte
    check(only(tree.findings(), "RG104"), line, col + 1, ERROR, "không phải UTF-8", "Windows-1258",
          "đọc theo Windows-1258 dòng này là 'label: Kim ngạch xuất khẩu'", "lưu lại dạng UTF-8")
    tree.write(text)
    assert tree.findings() == []


def test_rg104_latin1(tree):
    tree.write(tree.period_text.replace("Lưu VT", "x").encode("utf-8").replace(
        "Kim ngạch xuất khẩu".encode(), "Export café".encode("latin-1")))
    line, col = tree.pos(tree.period_text, "Kim ngạch xuất khẩu", "Kim")
    check(only(tree.findings(), "RG104"), line, col + len("Export caf"), ERROR, "0xE9")


@pytest.mark.parametrize("encoding,part", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16 (không có BOM)"),
                                           ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
                                           ("utf-8-sig", "BOM")])
def test_rg104_utf16_utf32_bom(tree, encoding, part):
    tree.write(tree.period_text.encode(encoding))
    check(only(tree.findings(), "RG104"), 1, 1, ERROR, part, "UTF-8")
    tree.write(tree.period_text.encode("utf-8"))
    assert tree.findings() == []


def test_rg105_no_code_runs(tree):
    marker = tree.root / "da-chay"
    text = tree.edit(tree.period_text, "        value: '22,003'\n",
                     f"        value: '22,003'\n        note: !!python/object/apply:os.system "
                     f"['touch {marker}']\n")
    tree.write(text)
    assert "RG105" in codes(tree.findings())
    assert not marker.exists()


def test_rg106_too_large(tree):
    """A 50 MB file, made here (never committed): refused from its size, without parsing it."""
    tree.write(period=None)
    with open(tree.province_dir / "2022.yaml", "wb") as fh:
        fh.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    check(only(tree.findings(), "RG106"), 0, None, ERROR, "tệp quá lớn", "52.428.803 byte",
          "tối đa 5.242.880")


def test_rg106_size_limit_is_exact(tree, monkeypatch):
    path = tree.write()
    monkeypatch.setattr(loader, "MAX_BYTES", path.stat().st_size)
    assert tree.findings() == []
    monkeypatch.setattr(loader, "MAX_BYTES", path.stat().st_size - 1)
    assert codes(tree.findings()) == {"RG106"}


BOMB = """\
lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_rg106_billion_laughs(tree):
    tree.write(BOMB + tree.period_text)
    f = only(tree.findings(), "RG106")
    # the node limit is reached while expanding *a: at one of the 'lol' items of line 1
    lols = [i + 1 for i in range(len(BOMB.split("\n")[0])) if BOMB.startswith("lol", i)][1:]
    check(f, 1, f.column, ERROR, "quá nhiều phần tử", "alias", "viết trực tiếp")
    assert f.column in lols
    # one harmless alias is fine
    tree.write(tree.edit(tree.edit(tree.period_text, "unit: triệu kWh", "unit: &don_vi triệu kWh"),
                         "        value: '22,003'", "        value: '22,003'\n        note: *don_vi"))
    assert tree.findings() == []


def test_rg106_too_deep(tree):
    depth = loader.MAX_DEPTH  # the note's list starts at level 6 of the file
    deep = "[" * depth + "]" * depth
    text = tree.edit(tree.period_text, "        value: '22,003'\n",
                     f"        value: '22,003'\n        note: {deep}\n")
    tree.write(text)
    line, col = tree.pos(text, "note: [", "[")
    check(only(tree.findings(), "RG106"), line, col + (depth - 5), ERROR, "lồng nhau quá sâu")
    shallow = "[" * 30 + "]" * 30
    tree.write(tree.edit(tree.period_text, "        value: '22,003'\n",
                         f"        value: '22,003'\n        note: {shallow}\n"))
    assert codes(tree.findings()) == {"RG121"}  # a note is text; but not too deep


@pytest.mark.parametrize("content", ["", "   \n\n", "# chỉ có chú thích\n# dòng hai\n", "---\n",
                                     "~\n", "--- # trống\n...\n"])
def test_rg108_empty(tree, content):
    tree.write(content)
    check(only(tree.findings(), "RG108"), 1, 1, ERROR, "cần ít nhất các khoá bắt buộc")
    tree.write("# chỉ có chú thích\n" + tree.period_text)
    assert tree.findings() == []


def test_rg108_empty_province(tree):
    tree.write(province="# chưa viết\n")
    check(only(tree.findings(), "RG108"), 1, 1, ERROR, file="tinh-mau/province.yaml")


def test_rg110_not_for_quoted_or_unambiguous(tree):
    """'5.300' quoted is 5300; 0.500 cannot be a thousands group; 1.586.397 is a string."""
    for value, expect in [("'5.300'", "5300"), ("0.500", "0.500"), ("1.586.397", "1586397")]:
        text = tree.edit(tree.period_text, "value: '5.300'\n        same_period: '5.000'",
                         f"value: {value}\n        same_period: {value}")
        tree.write(text)
        assert tree.findings() == [], value
        from reportgen.data.dataset import load_report
        rep = load_report(tree.data, tree.slug, "2022").report
        assert str(rep.figures["san_luong_dien"].value) == expect


def test_rg130_missing_province(tree):
    tree.write(province=None)
    f = only(tree.findings(), "RG130")
    check(f, 0, None, ERROR, "không có province.yaml", "name, parent_agency", file="tinh-mau/province.yaml")
    tree.write()
    assert tree.findings() == []


def test_rg120_in_province(tree):
    text = tree.edit(tree.province_text, "place: Tỉnh Mẫu", "plase: Tỉnh Mẫu")
    tree.write(province=text)
    findings = tree.findings()
    line, col = tree.pos(text, "plase")
    check(only(findings, "RG120"), line, col, ERROR, "ý bạn là 'place'?",
          file="tinh-mau/province.yaml")
    check(only(findings, "RG122"), 1, 1, ERROR, "thiếu khoá bắt buộc 'place'",
          file="tinh-mau/province.yaml")


def line_numbers(text: str, line: str) -> list[int]:
    return [no for no, t in enumerate(text.split("\n"), 1) if t == line]


def test_rg206_same_id_in_two_sections(tree):
    text = tree.edit(tree.period_text, "  xuat_nhap_khau:\n",
                     "      xuat_khau:\n        label: Xuất khẩu hàng công nghiệp\n  xuat_nhap_khau:\n")
    tree.write(text)
    first, second = line_numbers(text, "      xuat_khau:")
    check(only(tree.findings(), "RG206"), second, 7, ERROR, f"mã 'xuat_khau' đã dùng ở dòng {first}",
          "mã riêng")
    tree.write(text.replace("      xuat_khau:\n        label: Xuất khẩu hàng",
                            "      xuat_khau_cn:\n        label: Xuất khẩu hàng"))
    # only that an appendix row needs a unit (RG708) remains
    assert [f.code for f in tree.findings()] == ["RG708"]


def test_rg206_same_id_in_counts_and_indicators(tree):
    text = tree.edit(tree.period_text, "      ho_so_qua_han:", "      gtsx:")
    text = text.replace("[ho_so_dung_han, ho_so_qua_han]", "[ho_so_dung_han, gtsx]")
    tree.write(text)
    first, second = line_numbers(text, "      gtsx:")
    check(only(tree.findings(), "RG206"), second, 7, ERROR, f"đã dùng ở dòng {first}")


# ---------------------------------------------------------------------------------------
# Unicode normalisation


def test_decomposed_status_is_accepted(tree):
    nfd = unicodedata.normalize("NFD", "ước đạt")
    assert nfd != "ước đạt"
    tree.write(tree.edit(tree.period_text, "status: ước đạt", f"status: '{nfd}'"))
    assert tree.findings() == []
    from reportgen.data.dataset import load_report
    rep = load_report(tree.data, tree.slug, "2022").report
    assert rep.figures["gtsx"].status == "ước đạt"


def test_decomposed_key_is_the_composed_key(tree):
    """Keys are NFC too: a decomposed id is valid alone and a duplicate of its composed twin."""
    composed, decomposed = "sản_lượng", unicodedata.normalize("NFD", "sản_lượng")
    assert composed != decomposed
    text = tree.edit(tree.period_text, "      san_luong_dien:", f"      {decomposed}:")
    tree.write(text)
    assert tree.findings() == []
    from reportgen.data.dataset import load_report
    assert composed in load_report(tree.data, tree.slug, "2022").report.figures

    text = tree.edit(text, "      gtsx:\n", f"      {composed}:\n        label: Sản lượng\n      gtsx:\n")
    tree.write(text)
    [first] = line_numbers(text, f"      {composed}:")
    [second] = line_numbers(text, f"      {decomposed}:")
    check(only(tree.findings(), "RG103"), second, 7, ERROR, f"'{composed}' bị lặp",
          f"đã có ở dòng {first}")


def test_decomposed_province_name_is_composed(tree):
    tree.write(province=tree.edit(tree.province_text, "name: Tỉnh Mẫu",
                                  "name: " + unicodedata.normalize("NFD", "Tỉnh Mẫu")))
    from reportgen.data.dataset import load_report
    assert load_report(tree.data, tree.slug, "2022").report.province.name == "Tỉnh Mẫu"
