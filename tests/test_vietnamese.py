"""Everything staff read is Vietnamese: `reportgen --help`, every command's --help, click's
usage errors, and every message for the files of the bad-input corpus (tests/bad/).

A text fails when, after code names are set aside (finding codes, options, paths, quoted
names, identifiers with '_'), a word of a list of common English words is left. The list
holds the words that English program texts are made of (click's, the OS's, YAML's), so a
leak shows up as soon as one sentence of it reaches a user."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.cli_vi import CATALOGUE, PLURALS

BAD = Path(__file__).resolve().parent / "bad"

# (data keys staff write, `value`, `document`, `number`, are code names and not listed;
# words that are also Vietnamese without tone marks are left out: a, an, do, in, no, to,
# can, may, than, run; "No" counts only capitalised, as English sentences start)
ENGLISH = set("""
the and or not nor but if then else of on at by for from with without into onto
is are was were be been being has have had does did done cannot could should would
will shall might must this that these those it its there here which who what when where
why how all any each every some such only also too very
usage option options argument arguments command commands show message exit help try mean
error errors warning missing invalid values required default version unknown unexpected
extra expected found got given got file files directory directories path exist exists
such permission denied space left device address already use used
while scanning parsing mapping sequence scalar block stream end character characters
documents allowed line column key keys quoted plain flow indentation
could cannot unable failed failure support supported format formats integer float
string range choose choice choices one more less than empty read write open close
please check see running again instead expected type types
""".split())

# set aside before looking for English: codes, options, paths, quoted names, identifiers
_ASIDE = [
    re.compile(r"RG\d{3}"),
    re.compile(r"--?[a-z][a-z-]*"),
    re.compile(r"`[^`]*`"),
    re.compile(r"'[^']*'"),
    re.compile(r'"[^"]*"'),
    re.compile(r"\[[a-z|]+\]"),                 # [text|json|github]
    re.compile(r"\S*[/\\]\S*"),                  # paths and URLs
    re.compile(r"\b\w+\.(?:yaml|yml|json|html|css|xlsx|xls|pdf|docx|md|txt|py)\b"),
    re.compile(r"\b\w*_\w*\b"),                  # identifiers: gtsx_cong_nghiep, value_x
    re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+\b"),    # slugs: bac-kan, tinh-mau
]


def english_words(text: str) -> list[str]:
    for pattern in _ASIDE:
        text = pattern.sub(" ", text)
    words = re.findall(r"\w+", text)  # whole words: "của" is not "a"
    return [w for w in words if w.isascii() and (w.lower() in ENGLISH or w == "No")]


def test_the_detector_finds_english_and_spares_code_names():
    assert english_words("Error: No such option: --frmat") == ["Error", "No", "such", "option"]
    assert english_words("[Errno 2] No such file or directory: 'x.yaml'") != []
    assert english_words("while scanning a quoted scalar") != []
    assert english_words("data/bac-kan/2022.yaml:61:16: lỗi RG201 xuat_khau + nhap_khau khác "
                         "tong_kim_ngach; viết 'value: 5' hoặc --format json") == []


def commands() -> list[str]:
    return sorted(main.commands)


def invoke(args: list[str]):
    return CliRunner().invoke(main, args, prog_name="reportgen")


def help_texts() -> dict[str, str]:
    out = {"reportgen --help": invoke(["--help"]).output}
    for name in commands():
        result = invoke([name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        out[f"reportgen {name} --help"] = result.output
    return out


def test_every_help_is_vietnamese():
    texts = help_texts()
    assert len(texts) == len(commands()) + 1 >= 10
    for where, text in texts.items():
        assert "Cách dùng: reportgen" in text and "Tuỳ chọn" in text, where
        assert "Hiện hướng dẫn này rồi thoát." in text, where
        assert english_words(text) == [], (where, english_words(text), text)


USAGE_ERRORS = {
    "unknown option": (["build", "--frmat", "pdf"], ["Không có tuỳ chọn", "Ý bạn là"]),
    "unknown command": (["buidl"], ["Không có lệnh 'buidl'", "Ý bạn là: 'build'"]),
    "missing option": (["export"], ["Thiếu tuỳ chọn '--province'"]),
    "invalid value": (["build", "--all", "--jobs", "0"], ["Giá trị không hợp lệ cho"]),
    "not a number": (["validate", "--year", "hai"], ["không phải số hợp lệ"]),
    "bad choice": (["validate", "--format", "xml"], ["không hợp lệ; chọn"]),
    "no argument": (["validate", "--province"], ["cần 1 giá trị"]),
    "extra argument": (["list", "thua"], ["Thừa tham số"]),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_click_usage_errors_are_vietnamese(case):
    args, parts = USAGE_ERRORS[case]
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert "Lỗi:" in result.output
    for part in parts:
        assert part in result.output, (part, result.output)
    assert english_words(result.output) == [], result.output


def test_every_catalogue_entry_is_vietnamese():
    for text in [*CATALOGUE.values(), *PLURALS.values()]:
        assert english_words(re.sub(r"\{[^}]*\}|%\([a-z]+\)s", " ", text)) == [], text


def test_build_status_words_are_vietnamese():
    from reportgen.build.pipeline import STATUS_WORDS
    assert set(STATUS_WORDS) == {"built", "skipped", "failed", "differs", "current"}
    for word in STATUS_WORDS.values():
        assert english_words(word) == [], word


def test_every_corpus_message_is_vietnamese(tree):
    """Each file of tests/bad/ through `validate --strict`: every line printed is Vietnamese."""
    names = sorted(p.name for p in BAD.glob("*.yaml"))
    assert len(names) >= 30
    for name in names:
        tree.write((BAD / name).read_bytes())
        result = tree.cli("validate", "--all", "--strict")
        assert result.exit_code == 1, (name, result.output)
        assert english_words(result.output) == [], (name, result.output)


def test_os_errors_are_said_in_vietnamese():
    import errno
    from reportgen.errors import os_reason
    for code in (errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EADDRINUSE, errno.EISDIR,
                 errno.EROFS, errno.EIO):
        text = os_reason(OSError(code, "Text from the OS"))
        assert "Text from" not in text and english_words(text) == [], text


def test_an_old_xls_workbook_is_named_with_what_to_do(tree, tmp_path):
    tree.write()
    book = tmp_path / "so-lieu.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an OLE2 (.xls) header
    result = tree.cli("import", str(book), "--province", "tinh-mau", "--year", "2022")
    assert result.exit_code == 1, result.output
    assert ".xls (Excel 97-2003)" in result.output and "Lưu thành" in result.output
    assert "openpyxl" not in result.output and english_words(result.output) == [], result.output


def test_a_busy_port_is_said_in_vietnamese(tree):
    import socket
    tree.write()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = tree.cli("preview", "--province", "tinh-mau", "--port", str(port))
    assert result.exit_code == 2, result.output
    assert "cổng này đang được chương trình khác dùng" in result.output
    assert "Address" not in result.output and english_words(result.output) == [], result.output


def test_missing_pango_is_said_with_what_to_install(monkeypatch):
    """Without Pango, `import weasyprint` raises an English OSError ("cannot load library
    'libgobject-2.0-0'"): the PDF writer says what to install instead."""
    import builtins

    from reportgen.errors import WriteError
    from reportgen.writers import pdf

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(WriteError) as info:
        pdf._import_weasyprint()
    err = info.value
    assert err.code == "RG402" and "Pango" in err.message and "--format docx,html" in err.message
    assert "cannot load" not in str(err) and english_words(str(err)) == [], str(err)
