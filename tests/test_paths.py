"""Paths (issue #9): options and folder names never lead reportgen outside its folders.

- `--province` and `--period` are checked against their patterns before any path is built
  from them (exit 2, a message naming the rule);
- in `--data`, province folders and period files whose names do not match the patterns are
  ignored (not read, not built), and a symbolic link leading outside the data folder is
  refused (exit 2);
- `build --out` writes only inside the output folder: nothing else in the tree changes, and a
  folder in it that is a link to elsewhere fails that report instead of writing through it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import commands
from reportgen.build.pipeline import output_path
from reportgen.cli import main
from reportgen.commands import validate
from reportgen.data.dataset import find_entries
from reportgen.project import Project

ROOT = Path(__file__).resolve().parent.parent


def snapshot(root: Path) -> dict[str, object]:
    """Every file, folder and link under root (links not followed): content hash and mtime."""
    out: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            rel = str(p.relative_to(root))
            st = p.lstat()
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir",)
            else:
                out[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
    return out


def no_traceback(result) -> None:
    text = result.output
    assert "Traceback" not in text and "lỗi nội bộ" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.fixture
def tree(tmp_path):
    """templates/ and data/ with two provinces (copies), and the folder the CLI runs in."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    for slug in ("cao-bang", "thai-nguyen"):
        shutil.copytree(ROOT / "data" / slug, tmp_path / "data" / slug)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep.txt").write_text("không được đụng tới\n", encoding="utf-8")
    return tmp_path


def cli(tree: Path, *args: str):
    """`reportgen --data tree/data --templates tree/templates ARGS`, run in `tree`."""
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        return CliRunner().invoke(main, ["--data", str(tree / "data"), "--templates",
                                         str(tree / "templates"), *args])
    finally:
        os.chdir(cwd)


def project(tree: Path) -> Project:
    return Project(data=tree / "data", templates=tree / "templates", output=tree / "out")


# ---------------------------------------------------------------------------------------
# options


@pytest.mark.parametrize("slug", ["../../etc", "..", ".", "/etc", "cao-bang/../../x",
                                  "cao-bang/..", "cao-bang\n", "Cao-Bang", "cao_bang", "cao bang",
                                  "cao-bang-", "-cao-bang", "cao--bang", "bắc-kạn", "a\x00b",
                                  "~", "$HOME", "*"])
def test_bad_province_option_is_refused_before_any_path_is_built(tree, monkeypatch, slug):
    def must_not_run(*args, **kwargs):
        raise AssertionError("a path was built from the option")

    monkeypatch.setattr(commands, "find_entries", must_not_run)
    monkeypatch.setattr(commands, "load_inputs", must_not_run)
    monkeypatch.setattr("reportgen.build.pipeline.load_inputs", must_not_run)
    before = snapshot(tree)
    for command in (["build", "--province", slug, "--year", "2021", "--out", str(tree / "out")],
                    ["build", "--province", slug, "--all", "--out", str(tree / "out")],
                    ["validate", "--province", slug]):
        result = cli(tree, *command)
        no_traceback(result)
        assert result.exit_code == 2, (command, result.output)
        assert "không hợp lệ" in result.output and "ví dụ bac-kan" in result.output
    assert snapshot(tree) == before  # no output folder, nothing written


@pytest.mark.parametrize("args", [
    ("--province", "cao-bang", "--year", "2021", "--period", "../x"),
    ("--province", "cao-bang", "--year", "2021", "--period", "h1/../../x"),
    ("--province", "cao-bang", "--period", "../x"),
    ("--province", "cao-bang", "--period", "2021/../../../etc/passwd"),
    ("--province", "cao-bang", "--period", "2021\n"),
    ("--province", "cao-bang", "--period", "２０２１"),
    ("--province", "cao-bang", "--period", "2021-h1.yaml"),
    ("--all", "--period", "../../etc"),
])
def test_bad_period_option_is_refused(tree, monkeypatch, args):
    monkeypatch.setattr(commands, "load_inputs", lambda *a, **k: pytest.fail("loaded"))
    monkeypatch.setattr("reportgen.build.pipeline.load_inputs", lambda *a, **k: pytest.fail("loaded"))
    before = snapshot(tree)
    result = cli(tree, "build", *args, "--out", str(tree / "out"))
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "không hợp lệ" in result.output or "chọn --province" in result.output, result.output
    assert snapshot(tree) == before


# ---------------------------------------------------------------------------------------
# names in the data folder

ODD_FOLDERS = ["...", ".hidden", "cao-bang.", "Cao-Bang", "cao bang", "bắc-kạn", "cao-bang\n",
               "-x", "x-", "a--b", "cao_bang"]
ODD_FILES = ["2019.yml", "2019-h3.yaml", "19.yaml", "2019 .yaml", " 2019.yaml", "２０１９.yaml",
             "2019\n.yaml", "2019-H1.yaml", "..yaml", ".2019.yaml", "2019.yaml.bak", "2019.YAML",
             "02019.yaml", "2019-h1-x.yaml"]


def test_names_that_do_not_match_the_patterns_are_ignored(tree):
    good = tree / "data" / "cao-bang"
    for name in ODD_FOLDERS:
        shutil.copytree(good, tree / "data" / name)
    for name in ODD_FILES:
        shutil.copy(good / "2021.yaml", good / name)
    entries = [(e.slug, e.period.slug, e.path.name) for e in find_entries(tree / "data")]
    assert entries == [("cao-bang", "2021", "2021.yaml"), ("thai-nguyen", "2021", "2021.yaml")]

    summary = validate(project(tree), all_=True)
    # Thái Nguyên is a draft (RG701), Cao Bằng's price oddity a confirmed note (RG707)
    assert sorted(f.code for f in summary.findings) == ["RG701", "RG707"]
    assert summary.errors == 0 and len(summary.results) == 2

    result = cli(tree, "build", "--all", "--format", "html", "--out", str(tree / "out"))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tree / "out")) for p in (tree / "out").rglob("*")
                     if p.is_file())
    assert written == [".reportgen-build.json", ".reportgen-build.lock", "cao-bang/2021/bao-cao-cao-bang-2021.html",
                       "thai-nguyen/2021/bao-cao-thai-nguyen-2021.html"]


# ---------------------------------------------------------------------------------------
# symbolic links in the data folder


def _outside_province(tree: Path) -> Path:
    outside = tree / "elsewhere" / "tinh-ngoai"
    shutil.copytree(tree / "data" / "cao-bang", outside)
    return outside


@pytest.mark.parametrize("kind", ["province-folder", "period-file", "previous-period",
                                  "province-yaml", "templates-folder", "template-file"])
def test_link_leading_outside_the_data_folder_is_refused(tree, kind):
    outside = _outside_province(tree)
    pdir = tree / "data" / "cao-bang"
    if kind == "province-folder":
        (tree / "data" / "tinh-ngoai").symlink_to(outside, target_is_directory=True)
        link = tree / "data" / "tinh-ngoai"
    elif kind == "period-file":
        (pdir / "2021.yaml").unlink()
        (link := pdir / "2021.yaml").symlink_to(outside / "2021.yaml")
    elif kind == "previous-period":  # read as same-period values and by the trend chart
        (link := pdir / "2020.yaml").symlink_to(outside / "2021.yaml")
    elif kind == "province-yaml":
        (pdir / "province.yaml").unlink()
        (link := pdir / "province.yaml").symlink_to(outside / "province.yaml")
    elif kind == "templates-folder":
        (link := pdir / "templates").symlink_to(tree / "templates", target_is_directory=True)
    else:
        (pdir / "templates" / "sections").mkdir(parents=True)
        (link := pdir / "templates" / "sections" / "cong_nghiep.html").symlink_to(
            tree / "templates" / "sections" / "default.html")
    before = snapshot(tree)
    slug = link.relative_to(tree / "data").parts[0]
    for command in (["validate", "--all"],
                    ["build", "--province", slug, "--out", str(tree / "out")]):
        result = cli(tree, *command)
        no_traceback(result)
        assert result.exit_code == 2, (command, result.output)
        assert "là liên kết tới" in result.output and "ngoài thư mục số liệu" in result.output
        assert link.name in result.output
    assert snapshot(tree) == before
    # build --all: that province fails alone, the others are built (exit 1 at the end)
    result = cli(tree, "build", "--all", "--format", "html", "--out", str(tree / "out"))
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert "là liên kết tới" in result.output and link.name in result.output
    built = {p.relative_to(tree / "out").parts[0] for p in (tree / "out").rglob("*.html")}
    others = {e.slug for e in find_entries(tree / "data")} - {slug}
    assert built == others and others, (built, result.output)


def test_links_inside_the_data_folder_and_broken_links_are_not_refused(tree):
    pdir = tree / "data" / "cao-bang"
    # a province kept under another name, through a link that stays in data/
    (tree / "data" / "cao-bang-2").symlink_to(pdir, target_is_directory=True)
    result = cli(tree, "validate", "--all")
    assert result.exit_code == 0, result.output
    assert "(3 báo cáo)" in result.output
    # a broken link is the loader's RG100 (tests/test_findings.py), not a refusal
    (pdir / "2022.yaml").symlink_to(tree / "elsewhere" / "khong-co.yaml")
    result = cli(tree, "validate", "--province", "cao-bang")
    no_traceback(result)
    assert result.exit_code == 1 and "RG100" in result.output, result.output


# ---------------------------------------------------------------------------------------
# --out


def test_build_writes_only_inside_out(tree):
    out = tree / "work" / "out"
    (tree / "work").mkdir()
    # a leftover-looking temporary file outside out/ and in the linked folder: not touched
    stray = tree / "work" / ".bao-cao-cao-bang-2021.pdf.999999999.abcdefgh.tmp"
    stray.write_bytes(b"not ours")
    os.utime(stray, (1, 1))
    before = snapshot(tree)
    result = cli(tree, "build", "--all", "--out", str(out))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    after = snapshot(tree)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed and all(k == "work/out" or k.startswith("work/out/") for k in changed), changed
    assert {k for k in changed if after.get(k, ("dir",))[0] != "dir"} == {
        "work/out/.reportgen-build.json", "work/out/.reportgen-build.lock",
        *(f"work/out/{s}/2021/bao-cao-{s}-2021.{f}" for s in ("cao-bang", "thai-nguyen")
          for f in ("pdf", "docx", "html"))}


def test_a_link_inside_out_is_not_written_through(tree):
    out = tree / "out"
    out.mkdir()
    (out / "cao-bang").symlink_to(tree / "elsewhere", target_is_directory=True)
    stale = tree / "elsewhere" / "2021" / ".bao-cao-cao-bang-2021.html.999999999.abcdefgh.tmp"
    stale.parent.mkdir()
    stale.write_bytes(b"")
    before = snapshot(tree / "elsewhere")
    result = cli(tree, "build", "--all", "--format", "html", "--out", str(out))
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert "dẫn ra ngoài thư mục kết quả" in result.output
    assert snapshot(tree / "elsewhere") == before  # nothing written, nothing cleaned there
    # the other province is built as usual
    entry = next(e for e in find_entries(tree / "data") if e.slug == "thai-nguyen")
    assert output_path(out, entry, "html").is_file()
