"""Security and integrity (issue 18): one path policy for new/export/import, spreadsheet
formula injection, export never overwriting by mistake, staff CSS in the HTML, the build
record (per output, from the hash computed before rendering), the output folder lock, a
damaged record, `build --all` going on after a failure, the preview's render lock.

Every test works in its own tmp_path copy; none writes into the repository.
"""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportgen.build import batch, pipeline
from reportgen.build.record import LOCK, RECORD, load_record
from reportgen.cli import main
from reportgen.data.dataset import find_entries
from reportgen.project import Project
from reportgen.render import sandbox
from seeded import ROOT


def make_project(tmp_path: Path, *slugs: str) -> Project:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    for slug in slugs or ("bac-kan",):
        shutil.copytree(ROOT / "data" / slug, tmp_path / "data" / slug)
    return Project(data=tmp_path / "data", templates=tmp_path / "templates",
                   output=tmp_path / "out")


def cli(project: Project, *args: str):
    return CliRunner().invoke(main, ["--data", str(project.data), "--templates",
                                     str(project.templates), *args])


def no_crash(result) -> None:
    assert result.exit_code != 70, result.output
    assert "Traceback" not in result.output and "lỗi nội bộ" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


# ------------------------------------------------------------------ one path policy
@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "outside" / "secret.yaml"
    path.parent.mkdir()
    path.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return path


def test_new_never_reads_or_prints_a_linked_period_file(tmp_path, secret):
    project = make_project(tmp_path)
    (project.data / "bac-kan" / "2022.yaml").unlink()
    (project.data / "bac-kan" / "2022.yaml").symlink_to(secret)
    result = cli(project, "new", "--province", "bac-kan", "--year", "2023")
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert "là liên kết tới" in result.output and "root:x" not in result.output
    assert not (project.data / "bac-kan" / "2023.yaml").exists()


def test_new_export_import_refuse_a_province_folder_linked_outside(tmp_path):
    project = make_project(tmp_path)
    outside = tmp_path / "outside" / "bac-kan"
    shutil.move(str(project.data / "bac-kan"), outside)
    (project.data / "tinh-ngoai").symlink_to(outside, target_is_directory=True)
    book = tmp_path / "good.xlsx"
    shutil.copytree(outside, tmp_path / "data2" / "bac-kan")
    assert cli(Project(data=tmp_path / "data2", templates=project.templates),
               "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(book)).exit_code == 0
    before = tree_bytes(tmp_path / "outside")
    for args in (["new", "-p", "tinh-ngoai", "-y", "2023"],
                 ["export", "-p", "tinh-ngoai", "-y", "2022", "--xlsx", str(tmp_path / "o.xlsx")],
                 ["export", "-p", "tinh-ngoai", "--template-xlsx", str(tmp_path / "t.xlsx")],
                 ["import", str(book), "-p", "tinh-ngoai", "-y", "2022"]):
        result = cli(project, *args)
        no_crash(result)
        assert result.exit_code == 2, (args, result.output)
        assert "tinh-ngoai là liên kết tới" in result.output, result.output
    assert tree_bytes(tmp_path / "outside") == before
    assert not (tmp_path / "o.xlsx").exists() and not (tmp_path / "t.xlsx").exists()


# ------------------------------------------------------------------ formula injection
PAYLOADS = ['=HYPERLINK("http://127.0.0.1:9/x","bấm vào đây")', "=cmd|' /C calc'!A0",
            "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


def test_text_cells_are_written_as_text_and_round_trip_unchanged(tmp_path):
    project = make_project(tmp_path)
    path = project.data / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    labels = [line for line in text.splitlines() if line.strip().startswith("label: ")]
    for line, payload in zip(labels, PAYLOADS):
        text = text.replace(line, line[:line.index("label: ")] + "label: " + json.dumps(payload), 1)
    path.write_text(text, encoding="utf-8")
    book = tmp_path / "bk.xlsx"
    assert cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(book)).exit_code == 0

    wb = openpyxl.load_workbook(book)  # formulas as written, not evaluated
    cells = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    for payload in PAYLOADS:
        cell = cells[payload]
        assert cell.data_type == "s", (payload, cell.data_type)
        assert cell.quotePrefix, payload
    # no formula anywhere in the sheet XML
    import zipfile
    with zipfile.ZipFile(book) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)

    before = path.read_bytes()
    result = cli(project, "import", str(book), "-p", "bac-kan", "-y", "2022")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before  # unchanged: every label came back as written


# ------------------------------------------------------------------ export overwrite
@pytest.mark.parametrize("target,why", [
    ("data/bac-kan/2022.yaml", "đuôi .xlsx"),
    ("data/bac-kan/x.xlsx", "thư mục số liệu"),
    ("templates/x.xlsx", "thư mục mẫu"),
    ("notes.txt", "đuôi .xlsx"),
])
def test_export_refuses_data_templates_and_other_kinds(tmp_path, monkeypatch, target, why):
    project = make_project(tmp_path)
    (tmp_path / "notes.txt").write_text("ghi chú", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = tree_bytes(tmp_path)
    for flag in ([], ["--force"]):
        result = cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", target, *flag)
        no_crash(result)
        assert result.exit_code == 2 and why in result.output, result.output
    assert tree_bytes(tmp_path) == before


def test_export_replaces_a_workbook_only_with_force(tmp_path):
    project = make_project(tmp_path)
    book = tmp_path / "bk.xlsx"
    assert cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(book)).exit_code == 0
    first = book.read_bytes()
    result = cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(book))
    assert result.exit_code == 2 and "--force" in result.output, result.output
    fake = tmp_path / "fake.xlsx"
    fake.write_text("không phải bảng tính", encoding="utf-8")
    result = cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(fake), "--force")
    assert result.exit_code == 2 and "không phải tệp .xlsx" in result.output
    assert fake.read_text(encoding="utf-8") == "không phải bảng tính"
    result = cli(project, "export", "-p", "bac-kan", "-y", "2022", "--xlsx", str(book), "--force")
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(io.BytesIO(book.read_bytes())).sheetnames == \
        openpyxl.load_workbook(io.BytesIO(first)).sheetnames


# ------------------------------------------------------------------ staff CSS in the HTML
def test_html_writer_never_lets_the_stylesheet_close_its_element():
    from reportgen.document.reader import read
    from reportgen.writers import html

    doc = read("<p>Báo cáo</p>", "kiem-thu.html")
    page = html.render_text(doc, css="/* </style><script>alert(1)</script> */ p { margin: 0 }")
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags and parser.tags.count("style") == 1
    assert page.count("</style>") == 1


def test_stylesheet_inside_templates_may_name_a_local_file(tmp_path):
    from reportgen.writers.stylesheet import check_stylesheet

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "logo.png").write_bytes(b"x")
    check_stylesheet(f"h1 {{ background: url({(tmp_path / 'templates' / 'logo.png').as_uri()}) }}",
                     "print.css", [tmp_path / "templates"])


# ------------------------------------------------------------------ the build record
def build(project: Project, *args: str):
    return cli(project, "build", "--format", "html", "--out", str(project.output), *args)


def test_record_holds_input_and_output_hashes_and_skips_only_when_both_match(tmp_path):
    project = make_project(tmp_path)
    assert build(project, "--all").exit_code == 0
    record = json.loads((project.output / RECORD).read_text(encoding="utf-8"))
    entry = record["bac-kan/2022"]
    html = project.output / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.html"
    import hashlib
    assert entry["outputs"] == {"html": hashlib.sha256(html.read_bytes()).hexdigest()}
    assert len(entry["input"]) == 64

    result = build(project, "--all")
    assert "bac-kan 2022: bỏ qua (không đổi)" in result.output
    # the file on disk was replaced by something else: rebuilt, not skipped
    html.write_text("<p>cũ</p>", encoding="utf-8")
    result = build(project, "--all")
    assert "bac-kan 2022: đã dựng" in result.output, result.output
    assert "Bắc Kạn" in html.read_text(encoding="utf-8")


def test_a_data_edit_during_the_build_is_never_recorded_as_built(tmp_path, monkeypatch):
    """Overlapping edit: the report is rendered from the data as it was when its hash was
    taken, then the data changes. The record must hold the hash of what was rendered, so
    the next build sees the change and rebuilds (it used to say "skipped")."""
    project = make_project(tmp_path)
    entry = find_entries(project.data)[0]
    real = pipeline.make_document
    path = project.data / "bac-kan" / "2022.yaml"

    def render_then_edit(proj, e, checked=None):
        doc = real(proj, e, checked)
        path.write_text(path.read_text(encoding="utf-8") + "\n# sửa trong lúc dựng\n",
                        encoding="utf-8")
        return doc

    monkeypatch.setattr(pipeline, "make_document", render_then_edit)
    results = batch.build(project, [entry], ("html",), project.output)
    assert [r.status for r in results] == ["built"]
    monkeypatch.setattr(pipeline, "make_document", real)
    results = batch.build(project, [entry], ("html",), project.output)
    assert [r.status for r in results] == ["built"]  # not "skipped"
    results = batch.build(project, [entry], ("html",), project.output)
    assert [r.status for r in results] == ["skipped"]


def test_parallel_workers_carry_the_hash_they_rendered(tmp_path):
    project = make_project(tmp_path, "bac-kan", "cao-bang")
    entries = find_entries(project.data)
    results = batch.build(project, entries, ("html",), project.output, jobs=2)
    record = load_record(project.output)
    for r in results:
        assert r.status == "built" and r.digest
        assert record[f"{r.entry.slug}/{r.entry.period.slug}"]["input"] == r.digest
        assert r.digest == pipeline.input_hash(project, r.entry, ("html",))


@pytest.mark.parametrize("content", ["[]", '"x"', "null", "42", "{\"bac-kan/2022\": \"abc\"}",
                                     "{\"bac-kan/2022\": {\"input\": 1}}", "không phải json",
                                     "folder"])
def test_a_record_of_the_wrong_shape_is_treated_as_empty(tmp_path, content):
    project = make_project(tmp_path)
    project.output.mkdir()
    record = project.output / RECORD
    if content == "folder":
        record.mkdir()
    else:
        record.write_text(content, encoding="utf-8")
    result = build(project, "--all")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "bac-kan 2022: đã dựng" in result.output
    if content in ("[]", '"x"', "null", "42", "không phải json", "folder"):
        assert "cảnh báo RG404" in result.output, result.output
    if content != "folder":
        assert "bac-kan/2022" in json.loads(record.read_text(encoding="utf-8"))


def test_a_build_holding_the_folder_refuses_another(tmp_path):
    from filelock import FileLock

    project = make_project(tmp_path)
    project.output.mkdir()
    with FileLock(str(project.output / LOCK)):
        result = build(project, "--all")
    no_crash(result)
    assert result.exit_code == 1
    assert "RG403" in result.output and "đang được một lần dựng khác dùng" in result.output
    assert not list(project.output.rglob("*.html"))
    assert build(project, "--all").exit_code == 0  # released: the next build runs


# ------------------------------------------------------------------ build --all goes on
def test_build_all_builds_every_report_it_can(tmp_path, monkeypatch):
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the crash file stays in here
    monkeypatch.setattr(sandbox, "LIMITS", sandbox.Limits(seconds=2))
    project = make_project(tmp_path, "bac-kan", "ben-tre", "cao-bang", "thai-nguyen")
    # three broken provinces, three ways: a layout title, a template loop, a bug
    (project.data / "ben-tre" / "layout.yaml").write_text(
        (project.templates / "layout.yaml").read_text(encoding="utf-8").replace(
            "{period_upper}", "{nope}"), encoding="utf-8")
    own = project.data / "cao-bang" / "templates" / "sections"
    own.mkdir(parents=True)
    (own / "cong_nghiep.html").write_text("{% for i in range(100000) %}{% for j in range(100000) %}"
                                          "{% endfor %}{% endfor %}", encoding="utf-8")
    real = pipeline.make_document

    def buggy(proj, entry, checked=None):
        if entry.slug == "thai-nguyen":
            raise KeyError("lỗi giả")
        return real(proj, entry, checked)

    monkeypatch.setattr(pipeline, "make_document", buggy)
    result = build(project, "--all", "-j", "1")
    assert "bac-kan 2022: đã dựng" in result.output
    assert "ben-tre" in result.output and "{nope}" in result.output
    assert "RG507" in result.output and "cong_nghiep.html:1" in result.output
    assert "KeyError" in result.output and "reportgen-crash-" in result.output
    assert list(tmp_path.glob("reportgen-crash-*.txt"))
    assert "3/4 báo cáo không dựng được" in result.output
    assert result.exit_code == 70  # a bug among the failures keeps its exit code, at the end
    assert list(load_record(project.output)) == ["bac-kan/2022"]
    assert (project.output / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.html").exists()


# ------------------------------------------------------------------ preview render lock
def test_preview_render_lock_is_released_after_an_endless_template(tmp_path, monkeypatch):
    from reportgen.authoring.preview import PreviewServer

    monkeypatch.setattr(sandbox, "LIMITS", sandbox.Limits(seconds=1))
    project = make_project(tmp_path)
    own = project.data / "bac-kan" / "templates" / "sections" / "cong_nghiep.html"
    own.parent.mkdir(parents=True)
    own.write_text("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                   "{% endfor %}", encoding="utf-8")
    srv = PreviewServer(project, find_entries(project.data)[0], port=0, log=lambda m: None)
    try:
        page = srv.page().decode("utf-8")
        assert "RG507" in page and "cong_nghiep.html" in page
        assert srv._render_lock.acquire(timeout=0)
        srv._render_lock.release()
        own.unlink()
        srv.check()
        assert "Bắc Kạn" in srv.page().decode("utf-8")
    finally:
        srv.close()
