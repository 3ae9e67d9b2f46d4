"""reportgen.data.loader: plain data with line marks, and findings instead of exceptions."""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from decimal import Decimal

import pytest

from reportgen.data import loader
from reportgen.data.parse import parse_model
from reportgen.errors import DataError, Finding
from reportgen.data.loader import load_yaml
from reportgen.data.rules import number_problem
from reportgen.data.model import PeriodData


def load(tmp_path, content, name="t.yaml"):
    p = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    p.write_bytes(content)
    return load_yaml(p)


def test_plain_data_and_types(tmp_path):
    got = load(tmp_path, "a: 1\nb: 12.5\nc: '12.5'\nd: true\ne: 2023-01-05\nf: ~\ng:\nh: chữ\n"
                         "i: [1, '2']\nj: '0x1F'\nk: 0\nl: -0\nm: 1000\nn: 0.500\n"
                         "o: 1.586.397\np: -3\n")
    assert got.findings == []
    assert got.data == {"a": 1, "b": Decimal("12.5"), "c": "12.5", "d": True,
                        "e": dt.date(2023, 1, 5), "f": None, "g": None, "h": "chữ", "i": [1, "2"],
                        "j": "0x1F", "k": 0, "l": 0, "m": 1000, "n": Decimal("0.500"),
                        "o": "1.586.397", "p": -3}
    assert type(got.data["b"]) is Decimal  # never a float


@pytest.mark.parametrize("written,read_as,advice", [
    ("0x1A68", "số hệ 16 = 6.760", "viết 6760 (hoặc '6.760' có dấu nháy)"),
    ("0o15150", "số hệ 8 = 6.760", "viết 6760"),
    ("0b101", "số hệ 2 = 5", "viết 5,"),
    ("+0x1F", "số hệ 16 = 31", "viết 31"),
    ("6_760", "YAML đọc là 6760", "viết 6760"),
    ("6_760.5", "YAML đọc là 6760.5", "viết 6760.5"),
    ("017", "số hệ 8 = 15", "viết 17 (bỏ số 0 ở đầu)"),
    ("089", "số 0 ở đầu", "viết 89"),
])
def test_numbers_in_another_notation_are_refused(tmp_path, written, read_as, advice):
    """YAML reads 0x1A68, 0o15150 and 6_760 silently as 6760 and 017 as 17 (YAML 1.1 tools:
    15); a staff member who wrote them meant something else. RG110 like an unquoted 5.300,
    at the value, saying what YAML reads and what to write."""
    got = load(tmp_path, f"a:\n  b: {written}\n")
    [f] = got.findings
    assert (f.code, f.line, f.column) == ("RG110", 2, 6)
    assert read_as in f.message and advice in f.message and written in f.message
    assert got.data == {"a": {"b": None}}


def test_marks_of_keys_values_and_list_items(tmp_path):
    got = load(tmp_path, "# chú thích\nsections:\n  cn:\n    items:\n      - một\n      - hai\n"
                         "    title:   Tiêu đề\n    empty:\n")
    assert got.key_marks[("sections", "cn", "title")] == (7, 5)
    assert got.marks[("sections", "cn", "title")] == (7, 14)
    assert got.marks[("sections", "cn", "items", 1)] == (6, 9)
    # an empty value points at its key, not at the next line
    assert got.marks[("sections", "cn", "empty")] == (8, 5)
    # a path that is not in the file falls back to its nearest ancestor
    assert got.where(("sections", "cn", "title", "nothing")) == (7, 14)
    assert got.where(("sections", "cn", "missing"), key=True) == (3, 3)
    assert got.where(("nowhere",)) == (2, 1)


def test_crlf_and_cr_line_endings_keep_line_numbers(tmp_path):
    lf = "a: 1\nb:\n  c: 2\n"
    for eol in ("\r\n", "\r"):
        got = load(tmp_path, lf.replace("\n", eol))
        assert got.findings == [] and got.data == {"a": 1, "b": {"c": 2}}
        assert got.marks[("b", "c")] == (3, 6)
    # a control character after CR-only line ends is reported on its own line
    got = load(tmp_path, "a: 1\rb: 2\rc: x\x1by\r")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG107", 3, 5)]


@pytest.mark.parametrize("char", ["\x1c", "\x1d", "\x1e", "\x85", "\x0b", "\x0c", "\u2028",
                                  "\u2029", "\ufeff", "\u202e", "\u200d"])
def test_characters_python_treats_as_line_breaks_are_still_caught(tmp_path, char):
    """str.splitlines() splits on these, so a per-line scan built on it never saw them."""
    got = load(tmp_path, f"a: 1\nb: x{char}y\n")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG107", 2, 5)]
    assert f"U+{ord(char):04X}" in got.findings[0].message


def test_nfc_everywhere(tmp_path):
    nfd = unicodedata.normalize("NFD", "Bắc Kạn")
    got = load(tmp_path, f"{nfd}: {nfd}\nq: '{nfd}'\nb: |\n  {nfd}\n")
    assert got.data == {"Bắc Kạn": "Bắc Kạn", "q": "Bắc Kạn", "b": "Bắc Kạn\n"}


@pytest.mark.parametrize("text,flagged", [
    ("5.300", True), ("1.586", True), ("-5.300", True), ("+1.586", True), ("999.999", True),
    ("0.500", False), ("12.5", False), ("1.5", False), ("1234.567", False), ("5.30", False),
    ("'5.300'", False), ("1.586.397", False), ("5.300e3", False),
])
def test_ambiguous_numbers(tmp_path, text, flagged):
    got = load(tmp_path, f"x: {text}\n")
    assert [f.code for f in got.findings] == (["RG110"] if flagged else [])
    if flagged:
        assert got.data == {"x": None}
        assert got.bad_paths == {("x",)}
        assert (got.findings[0].line, got.findings[0].column) == (1, 4)


def test_number_bounds():
    assert number_problem(Decimal(10 ** 15 - 1)) is None
    assert "quá lớn" in number_problem(Decimal(10 ** 15))
    assert "quá lớn" in number_problem(Decimal(-(10 ** 15)))
    assert number_problem(Decimal("0.000001")) is None
    assert "thập phân" in number_problem(Decimal("0.0000001"))
    assert number_problem(Decimal("5.1000000000")) is None  # trailing zeros are not digits
    assert number_problem(Decimal("0E-50")) is None
    assert "hữu hạn" in number_problem(Decimal("NaN"))
    assert "quá lớn" in number_problem(Decimal("1E+999999"))
    assert "thập phân" in number_problem(Decimal("1E-999999"))


@pytest.mark.parametrize("text", ["1e999999", "-1e999999", "1" + "0" * 400, "1" + "0" * 5000,
                                  "1e-999999", ".nan", ".NaN", ".inf", "-.Inf"])
def test_enormous_or_infinite_numbers_are_rg111(tmp_path, text):
    got = load(tmp_path, f"x: {text}\n")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG111", 1, 4)]
    assert got.data == {"x": None}
    assert len(str(got.findings[0])) < 300  # never the 5000 digits


def test_loader_findings_are_not_repeated_by_the_schema(tmp_path):
    """The loader replaced a value by None; the schema must not add 'missing number' on top."""
    got = load(tmp_path, "document:\n  number: 1e999999\n  date: 2023-01-05\n")
    assert parse_model(got, PeriodData) is None
    assert [f.code for f in got.findings] == ["RG111"]


def test_no_object_is_ever_constructed(tmp_path):
    marker = tmp_path / "ran"
    for doc in (f"x: !!python/object/apply:os.system ['touch {marker}']\n",
                f"!!python/object/apply:os.system ['touch {marker}']\n",
                f"? !!python/object/apply:os.system ['touch {marker}']\n: 1\n",
                "x: !!python/name:os.system\n", "x: !!binary aGk=\n", "x: !!set {a}\n",
                "x: !local 1\n", "!!python/object:os.system {}: 1\n"):
        got = load(tmp_path, doc)
        assert [f.code for f in got.findings] == ["RG105"], doc
        assert got.data is None
    assert not marker.exists()


@pytest.mark.parametrize("doc", ["x: " + "[" * 1000 + "]" * 1000 + "\n",
                                 "x: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
                                 "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"])
def test_deep_nesting_is_rg106_not_a_recursion_error(tmp_path, doc):
    got = load(tmp_path, doc)
    assert [f.code for f in got.findings] == ["RG106"]
    assert got.findings[0].line >= 1


def test_alias_bomb_stops_at_the_node_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_NODES", 1000)
    doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
          "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    got = load(tmp_path, doc)
    assert [f.code for f in got.findings] == ["RG106"]
    assert "alias" in got.findings[0].message
    # many plain nodes without any alias: the message does not blame aliases
    got = load(tmp_path, "x: [" + ", ".join(["1"] * 2000) + "]\n")
    assert [f.code for f in got.findings] == ["RG106"]
    assert "alias" not in got.findings[0].message


def test_unreadable_things_are_rg100(tmp_path):
    got = load_yaml(tmp_path / "khong-co.yaml")
    assert [(f.code, f.line) for f in got.findings] == [("RG100", 0)]
    assert "không tồn tại" in got.findings[0].message
    got = load_yaml(tmp_path)
    assert [f.code for f in got.findings] == ["RG100"] and "thư mục" in got.findings[0].message


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read(tmp_path):
    import os
    fifo = tmp_path / "ong.yaml"
    os.mkfifo(fifo)
    got = load_yaml(fifo)  # would block forever if opened
    assert [f.code for f in got.findings] == ["RG100"]


def test_syntax_error_positions(tmp_path):
    got = load(tmp_path, "a: 1\nb: c: d\n")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG101", 2, 5)]
    got = load(tmp_path, "a: 1\nb\nc: 2\n")
    assert [(f.code, f.line) for f in got.findings] == [("RG101", 2)]
    assert "thiếu dấu ':'" in got.findings[0].message
    got = load(tmp_path, "a: 1\n---\nb: 2\n")
    assert [(f.code, f.line) for f in got.findings] == [("RG101", 2)]
    assert "một tài liệu" in got.findings[0].message
    got = load(tmp_path, "a: *khong_co\n")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG101", 1, 4)]
    got = load(tmp_path, "a: \"mở\nb: 1\nc: 2\n")
    assert [(f.code, f.line, f.column) for f in got.findings] == [("RG101", 1, 4)]


def test_duplicate_key_names_both_lines(tmp_path):
    got = load(tmp_path, "a:\n  b: 1\n  c: 2\n  b: 3\n")
    [f] = got.findings
    assert (f.code, f.line, f.column) == ("RG103", 4, 3)
    assert "dòng 2" in f.message


def test_merge_key_is_refused_even_quoted_elsewhere(tmp_path):
    assert [f.code for f in load(tmp_path, "a: &x {b: 1}\nc:\n  <<: *x\n").findings] == ["RG105"]
    assert load(tmp_path, "c:\n  '<<': 1\n").findings == []  # a quoted '<<' is just a key


def test_fuzzed_files_never_raise(tree):
    """Random damage to a valid data tree (seeded): findings or a report, never an exception."""
    tree.write()
    path = tree.province_dir / "2022.yaml"
    rng = random.Random(20230105)
    pieces = ["\t", "'", '"', ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "? ", "\n",
              "  ", "#", "5.300", ".nan", "1e999", "\x00", "\xa0", "ạ", "\u0323", "%", "@", ",",
              "|", ">", "---\n", "~", "-1", "<<: "]
    base = tree.period_text.encode("utf-8")
    for _ in range(100):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.random()
            if action < 0.4:
                data[at:at] = rng.choice(pieces).encode("utf-8")
            elif action < 0.7:
                del data[at:at + rng.randint(1, 12)]
            elif action < 0.85:
                data[at] = rng.randrange(256)
            else:
                end = min(len(data), at + rng.randint(1, 80))
                data[at:at] = data[at:end]
        path.write_bytes(bytes(data))
        for f in tree.findings():
            assert isinstance(f, Finding)
            assert f.code.startswith("RG") and f.message


def test_data_error_without_findings_does_not_crash():
    err = DataError([])
    assert "RG100" in str(err) and err.exit_code == 1


# ------------------------------------------------------- libyaml and the pure parser agree
def _tree(node, seen=None):
    """A node tree as plain tuples: kind, tag, value, style and position of every node."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    seen = set() if seen is None else seen
    if node is None:  # no document
        return None
    if id(node) in seen:  # an alias: the same node again
        return ("alias", node.start_mark.line, node.start_mark.column)
    seen.add(id(node))
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, MappingNode):
        return ("map", str(node.tag), where,
                [(_tree(k, seen), _tree(v, seen)) for k, v in node.value])
    if isinstance(node, SequenceNode):
        return ("seq", str(node.tag), where, [_tree(v, seen) for v in node.value])
    return ("scalar", str(node.tag), where, node.value, node.style)


_TRICKY = [
    "a: 1\nb: '1'\nc: \"x\\ty\"\nd: 1.5\ne: 0o17\nf: 017\ng: 1_000\nh: yes\ni: ~\nj: 2022-01-05\n",
    "a: >-\n  một hai\n  ba\n\n  bốn\nb: |\n  x\n   y\n",
    "a: &x {b: [1, 2, {c: d}]}\ne: *x\n",
    "- a\n- - b\n  - c\n-\n  d: e\n",
    "? [a]\n: b\n",
    "a: b # chú thích\n# chú thích\nc: 'd # e'\n",
    "a: 5.300\nb: '1.586,397'\nc: -6.76\nd: .inf\ne: !!str 5\n",
    "a: x:y\nb: '''q'''\nc: \"\\u1ebf\"\nd: \"\\/\"\n",
    "---\na: 1\n...\n",
    "a: [1, 2\n",        # broken: both refuse, the pure parser says why
    "a:\tb\n",           # a tab after the colon: libyaml would take it
    "%YAML 1.1\n---\na: yes\n",
]


def _yaml_texts():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted({*root.glob("data/**/*.yaml"), *root.glob("tests/**/*.yaml"),
                    *root.glob("templates/**/*.yaml"), *root.glob("reportgen/**/*.yaml")})
    return ([(str(f.relative_to(root)), f.read_bytes().decode("utf-8", "replace"))
             for f in files] + [(f"tricky {i}", t) for i, t in enumerate(_TRICKY)])


def test_libyaml_and_the_pure_parser_give_the_same_nodes():
    """`load_yaml` composes with libyaml when ruamel.yaml.clib is installed and falls back to
    ruamel's pure-Python parser for anything libyaml refuses or reads differently (tabs,
    directives, other line breaks): on every YAML file of the project, and on texts chosen to
    differ, the two give the same tree, or libyaml declines."""
    from ruamel.yaml import CParser

    if CParser is None:
        pytest.skip("ruamel.yaml.clib không được cài: chỉ có trình đọc thuần Python")
    texts = _yaml_texts()
    assert len(texts) > 100
    agreed = declined = 0
    for name, text in texts:
        c = loader._compose_c(text)
        if c is loader._NOT_C:
            declined += 1
            continue
        try:
            pure = loader._compose_pure(text)
        except Exception as exc:  # libyaml accepted what the pure parser refuses
            raise AssertionError(f"{name}: libyaml đọc được, ruamel thuần báo {exc}") from None
        assert _tree(c) == _tree(pure), name
        agreed += 1
    assert agreed > 100 and declined >= 3  # the broken text, the tab and the directive
