"""Nothing after loading touches `data/`: the templates (a province's own included) and the
data files the PDF attaches are read by the loading stage, once; rendering and writing work
from memory.

Checked with an audit hook (`sys.addaudithook`) on every `open`, `os.listdir` and
`os.scandir`: once `load_inputs` has returned, any of these on a path under the data folder
is recorded and refused (an exception, so a forked render child fails the build too).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.build import pipeline
from reportgen.data.dataset import find_entries

_WATCH: dict = {"root": None, "seen": []}
_EVENTS = {"open", "os.listdir", "os.scandir"}


def _hook(event: str, args: tuple) -> None:
    root = _WATCH["root"]
    if root is None or event not in _EVENTS or not args:
        return
    target = args[0]
    if not isinstance(target, (str, bytes, os.PathLike)):
        return  # a file descriptor
    path = os.path.realpath(os.fsdecode(target))
    if path == root or path.startswith(root + os.sep):
        _WATCH["seen"].append((event, path))
        raise RuntimeError(f"{event} {path} after loading")


_installed = False


def _install() -> None:
    global _installed
    if not _installed:  # an audit hook cannot be removed: one for the session, off by default
        sys.addaudithook(_hook)
        _installed = True


def _watch_after_loading(project, monkeypatch) -> None:
    """From the moment `load_inputs` returns, refuse and record every read under data/."""
    real = pipeline.load_inputs

    def load_then_watch(*args, **kwargs):
        result = real(*args, **kwargs)
        _WATCH["root"] = os.path.realpath(project.data)
        return result

    _install()
    monkeypatch.setattr(pipeline, "load_inputs", load_then_watch)


PROVINCE_SECTION = """\
{%- from "macros.html" import body with context -%}
<p>Mẫu riêng của tỉnh cho phần quản lý nhà nước.</p>
{{ body(sec) }}
"""


def test_build_reads_nothing_under_data_after_loading(tree, tmp_path, monkeypatch):
    tree.write()
    # an earlier period (attached to the PDF) and a template of the province's own
    (tree.province_dir / "2021.yaml").write_bytes((tree.province_dir / "2022.yaml").read_bytes())
    own = tree.province_dir / "templates" / "sections" / "quan_ly_nha_nuoc.html"
    own.parent.mkdir(parents=True)
    own.write_text(PROVINCE_SECTION, encoding="utf-8")
    project = tree.project()
    entry = next(e for e in find_entries(project.data) if e.period.slug == "2022")

    _watch_after_loading(project, monkeypatch)
    try:
        res = pipeline.build_one(project, entry, ("pdf", "docx", "html"), tmp_path / "out",
                                 force=True)
    finally:
        _WATCH["root"] = None
    assert _WATCH["seen"] == [], _WATCH["seen"]
    assert res.status == "built", res.error
    html = (tmp_path / "out" / "tinh-mau" / "2022" / "bao-cao-tinh-mau-2022.html").read_text(
        encoding="utf-8")
    assert "Mẫu riêng của tỉnh cho phần quản lý nhà nước." in html  # the province's template
    pdf = PdfReader(tmp_path / "out" / "tinh-mau" / "2022" / "bao-cao-tinh-mau-2022.pdf")
    attached = {name: data[0] for name, data in pdf.attachments.items()}
    assert attached == {f"tinh-mau_{n}": (tree.province_dir / n).read_bytes()
                        for n in ("province.yaml", "2022.yaml", "2021.yaml")}


def test_the_watch_sees_a_read_under_data(tree):
    """The hook is not blind: reading a data file while watching is refused and recorded."""
    path = tree.write()
    _install()
    _WATCH["root"], _WATCH["seen"] = os.path.realpath(tree.data), []
    try:
        with pytest.raises(RuntimeError, match="after loading"):
            Path(path).read_bytes()
    finally:
        _WATCH["root"] = None
    assert _WATCH["seen"] == [("open", os.path.realpath(path))]
    _WATCH["seen"] = []


def test_a_province_template_not_in_utf8_is_named(tree):
    """Templates are decoded when loaded; one that is not UTF-8 is an RG501 naming its file
    (validate and build), not a crash while rendering."""
    tree.write()
    own = tree.province_dir / "templates" / "sections" / "quan_ly_nha_nuoc.html"
    own.parent.mkdir(parents=True)
    own.write_bytes("<p>Quán</p>\n".encode("cp1258"))  # Windows-1258, not UTF-8
    bad = [f for f in tree.findings() if f.code == "RG501"]
    assert len(bad) == 1 and bad[0].file.endswith("templates/sections/quan_ly_nha_nuoc.html")
    assert "không phải UTF-8" in bad[0].message


# a 2×2 red PNG: the picture a province's own stylesheet puts on page 1
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001449444154789c63f8cfc0f01f0418194066a00100e41f05fb2b6b2d840000000049454e44ae426082")


def test_a_province_stylesheet_and_its_files_are_read_at_load_time(tree, tmp_path, monkeypatch):
    """A province's own style/print.css, and the picture its url() names in its templates
    folder, are read by the loading stage: laying out the PDF reads nothing under data/, and
    the picture is in the PDF."""
    tree.write()
    style = tree.province_dir / "templates" / "style"
    style.mkdir(parents=True)
    picture = style / "logo.png"
    picture.write_bytes(_PNG)
    theme = (Path(pipeline.__file__).parents[1] / "theme" / "style" / "print.css")
    if not theme.is_file():  # a source checkout: the theme is the top-level templates/
        theme = Path(__file__).parents[1] / "templates" / "style" / "print.css"
    (style / "print.css").write_text(
        theme.read_text(encoding="utf-8")
        + f'\nh1 {{ background: url("{picture.resolve().as_uri()}") no-repeat; }}\n',
        encoding="utf-8")
    project = tree.project()
    entry = next(e for e in find_entries(project.data) if e.period.slug == "2022")

    _watch_after_loading(project, monkeypatch)
    try:
        res = pipeline.build_one(project, entry, ("pdf", "html"), tmp_path / "out", force=True)
    finally:
        _WATCH["root"] = None
    assert _WATCH["seen"] == [], _WATCH["seen"]
    assert res.status == "built", res.error
    import pikepdf
    with pikepdf.open(tmp_path / "out" / "tinh-mau" / "2022" / "bao-cao-tinh-mau-2022.pdf") as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                  and o.get("/Subtype") == "/Image"]
        assert any(int(o.get("/Width", 0)) == 2 and int(o.get("/Height", 0)) == 2
                   for o in images), [(o.get("/Width"), o.get("/Height")) for o in images]
