"""Hostile input (issue #9): text in the data is shown, never executed or fetched; the PDF
renderer fetches nothing outside the templates folder and nothing from the network.

YAML is loaded safely and within limits; those are tested with the findings, not repeated
here: no Python tag runs (tests/test_findings.py::test_rg105_no_code_runs, and the corpus
file tests/bad/python_tag.yaml), alias bombs and nesting
(test_rg106_billion_laughs, test_rg106_too_deep, tests/bad/alias_bomb.yaml, too_deep.yaml),
size (test_rg106_too_large, test_rg106_size_limit_is_exact).

No network host other than 127.0.0.1 is contacted: the "remote" URLs point at a socket this
test listens on, which must never see a connection.
"""
from __future__ import annotations

import base64
import html
import io
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from reportgen.build.pipeline import build_one, make_document, render_formats
from reportgen.data.dataset import find_entries
from reportgen.errors import TemplateError, WriteError
from reportgen.project import Project
from reportgen.document.reader import read
from reportgen.writers import pdf as pdf_writer

ROOT = Path(__file__).resolve().parent.parent

# a valid 1×1 PNG: a file the renderer could draw if it were allowed to read it
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAF"
                       "BQIAX8jx0gAAAABJRU5ErkJggg==")

PAYLOADS = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    '<img src="file:///etc/passwd">',
    '<a href="http://example.com">bấm vào đây</a>',
    "{{ ''.__class__.__mro__ }}",
    "<!-- chú thích --> &amp; &lt;b&gt; ]]>",
    "${HOME} $(id) `id` %s %(x)s {0}",
]


@pytest.fixture(scope="module")
def listener():
    """A TCP socket on 127.0.0.1 standing for any remote host: it must get no connection."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock, f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def assert_never_contacted(listener) -> None:
    sock, _ = listener
    with pytest.raises(BlockingIOError):
        conn, _ = sock.accept()
        conn.close()


def squash(text: str) -> str:
    """Text without any whitespace (PDF and DOCX break lines where they like)."""
    return re.sub(r"\s+", "", text)


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Cao Bằng 2021 with every payload as a narrative item, in an intro, a label and the
    document subject; built once in the three formats."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "data" / "cao-bang", root / "data" / "cao-bang")
    path = root / "data" / "cao-bang" / "2021.yaml"
    text = path.read_text(encoding="utf-8")
    items = "".join(f"      - {yaml_quote(p)}\n" for p in PAYLOADS)
    text = text.replace("    items:\n", "    items:\n" + items, 1)
    text = re.sub(r"(?m)^    intro: Giá trị tính.*$",
                  lambda m: f"    intro: {yaml_quote(PAYLOADS[0] + ' Giá trị ' + PAYLOADS[1])}", text,
                  count=1)
    text = text.replace("        label: Quặng mangan", f"        label: {yaml_quote('Quặng <b>mangan</b> {{ 7*7 }}')}", 1)
    text = text.replace("  date: ", f"  subject: {yaml_quote('Kết quả {{ 6*7 }} <i>năm</i> 2021')}\n  date: ", 1)
    path.write_text(text, encoding="utf-8")
    project = Project(data=root / "data", templates=root / "templates", output=root / "out")
    [entry] = find_entries(project.data)
    doc = make_document(project, entry)
    fetched: list[str] = []
    real_fetcher = pdf_writer._fetcher

    def recording_fetcher(allowed, style=None):
        inner = real_fetcher(allowed, style)
        fetch = inner.fetch

        def record(url, headers=None):
            fetched.append(url)
            return fetch(url, headers)
        inner.fetch = record
        return inner

    pdf_writer._fetcher = recording_fetcher
    try:
        outputs = render_formats(project, doc, ("pdf", "docx", "html"))
    finally:
        pdf_writer._fetcher = real_fetcher
    return outputs, fetched


def test_html_shows_the_payloads_escaped(hostile):
    outputs, _ = hostile
    page = outputs["html"].decode("utf-8")
    for p in PAYLOADS:
        assert html.escape(p, quote=False) in page, p
    assert "<script" not in page and "<img" not in page and "<a " not in page
    assert "<b>" not in page and "<i>" not in page
    assert html.escape("Quặng <b>mangan</b> {{ 7*7 }}", quote=False) in page
    assert "Kết quả {{ 6*7 }} &lt;i&gt;năm&lt;/i&gt; 2021" in page
    assert "Kết quả 42" not in page and "mangan</b> 49" not in page  # nothing computed
    assert "root:x:0:0" not in page


def test_pdf_shows_the_payloads_literally_and_fetches_nothing(hostile, tmp_path):
    outputs, fetched = hostile
    (tmp_path / "r.pdf").write_bytes(outputs["pdf"])
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = squash(text)
    for p in PAYLOADS:
        assert squash(p) in flat, p
    assert squash("Quặng <b>mangan</b> {{ 7*7 }}") in flat
    assert squash("{{ 6*7 }} <i>năm</i>") in flat
    assert "root:x:0:0" not in text
    assert fetched == []  # no image, stylesheet or font was asked for


def test_docx_shows_the_payloads_literally(hostile):
    import docx

    outputs, _ = hostile
    document = docx.Document(io.BytesIO(outputs["docx"]))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(c.text for c in row.cells)
    flat = squash("\n".join(texts))
    for p in PAYLOADS:
        assert squash(p) in flat, p
    assert squash("Quặng <b>mangan</b> {{ 7*7 }}") in flat
    assert "root:x:0:0" not in flat


# ---------------------------------------------------------------------------------------
# hostile templates


@pytest.fixture
def template_project(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "thai-nguyen", tmp_path / "data" / "thai-nguyen")
    project = Project(data=tmp_path / "data", templates=tmp_path / "templates",
                      output=tmp_path / "out")
    return project, find_entries(project.data)[0]


def _add_to_template(project: Project, text: str) -> Path:
    path = project.templates / "report.html"
    source = path.read_text(encoding="utf-8")
    marker = next(m for m in ("</header>", "</footer>") if m in source)
    path.write_text(source.replace(marker, marker + "\n" + text, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("fragment", [
    '<img src="file:///etc/passwd">',
    '<p><img src="file:///etc/passwd"></p>',
    '<a href="http://127.0.0.1:9/x">x</a>',
    '<p style="background: url(file:///etc/passwd)">x</p>',
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "<script>alert(1)</script>",
    '<iframe src="file:///etc/passwd"></iframe>',
    '<object data="file:///etc/passwd"></object>',
    # made at render time, so only the check of the rendered page sees it
    """{{ '<img src="file:///etc/passwd">' | safe }}""",
    """{{ '<p style="background: url(http://127.0.0.1:9/x)">x</p>' | safe }}""",
])
def test_template_asking_for_a_resource_is_an_error(template_project, fragment):
    project, entry = template_project
    _add_to_template(project, fragment)
    with pytest.raises(TemplateError) as err:
        make_document(project, entry)
    assert err.value.code == "RG505", str(err.value)
    assert "không được hỗ trợ" in str(err.value)


@pytest.mark.parametrize("css", [
    "body {{ background: url({outside}) }}",
    "@import url({outside});",  # (put first: @import is ignored after other rules)
    "@font-face {{ font-family: X; src: url({outside}) }} p {{ font-family: X }}",
    "body {{ background: url({remote}/x.png) }}",
    "@import url({remote}/x.css);",
    "@font-face {{ font-family: X; src: url({remote}/x.ttf) }} p {{ font-family: X }}",
])
def test_stylesheet_asking_for_a_resource_fails_the_build_with_rg401(template_project, listener,
                                                                    tmp_path, css):
    project, entry = template_project
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(PNG)
    sheet = project.templates / "style" / "print.css"
    rule = css.format(outside=secret.as_uri(), remote=listener[1])
    own = sheet.read_text(encoding="utf-8")
    sheet.write_text(rule + "\n" + own if rule.startswith("@import") else own + "\n" + rule,
                     encoding="utf-8")
    result = build_one(project, entry, ("pdf",), project.output)
    assert result.status == "failed" and "RG401" in result.error, result.error
    assert not (project.output / "thai-nguyen").exists()
    assert_never_contacted(listener)


# ---------------------------------------------------------------------------------------
# the PDF writer's URL fetcher, directly


@pytest.fixture
def allowed(tmp_path):
    """An allowed folder (like templates/) with an image, and a valid image outside it."""
    (tmp_path / "allowed").mkdir()
    (tmp_path / "allowed" / "ok.png").write_bytes(PNG)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(PNG)
    (tmp_path / "allowed" / "link.png").symlink_to(tmp_path / "outside" / "secret.png")
    return tmp_path


def _render(css: str, root: Path) -> bytes:
    doc = read("<p>Báo cáo</p>", "kiem-thu.html")
    return pdf_writer.render(doc, css=css, assets=[root / "allowed"])


def test_fetcher_reads_a_file_inside_the_allowed_folder(allowed):
    # the control: the same kind of image, allowed, renders (so refusals below are refusals)
    for url in [(allowed / "allowed" / "ok.png").as_uri(),
                "file://localhost" + str(allowed / "allowed" / "ok.png"),
                (allowed / "allowed" / "ok.png").as_uri() + "?v=1#x"]:
        assert _render(f"body {{ background: url('{url}') }}", allowed).startswith(b"%PDF")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "{outside}",
    "FILE://{outside_path}",
    "file://localhost{outside_path}",
    "file://127.0.0.1{outside_path}",
    "{allowed_uri}/../outside/secret.png",
    "{allowed_uri}/%2e%2e/outside/secret.png",
    "{allowed_uri}/link.png",  # a link inside the folder to a file outside it
    "{outside}#/../../allowed/ok.png",  # urllib drops the fragment, the check must too
    "{outside}?/../../allowed/ok.png",
    "{remote}/x.png",
    "{remote}/x.png#{allowed_uri}",
    "https://127.0.0.1:{port}/x.png",
    "ftp://127.0.0.1:{port}/x.png",
    "data:image/png;base64,{png}",
])
def test_fetcher_refuses_everything_else(allowed, listener, url):
    outside = allowed / "outside" / "secret.png"
    url = url.format(outside=outside.as_uri(), outside_path=str(outside),
                     allowed_uri=(allowed / "allowed").as_uri(), remote=listener[1],
                     port=listener[1].rsplit(":", 1)[1],
                     png=base64.b64encode(PNG).decode())
    with pytest.raises(WriteError) as err:
        _render(f"body {{ background: url('{url}') }}", allowed)
    assert err.value.code == "RG401"
    assert "báo cáo không tải gì từ mạng" in str(err.value)  # the staff's language
    assert_never_contacted(listener)


def test_relative_urls_are_not_resolved_against_anything(allowed, listener):
    # no base URL: WeasyPrint ignores these (with a warning) without asking the fetcher
    port = listener[1].rsplit(":", 1)[1]
    for url in [f"//127.0.0.1:{port}/x.png", "../outside/secret.png", "/etc/passwd"]:
        assert _render(f"body {{ background: url('{url}') }}", allowed).startswith(b"%PDF")
    assert_never_contacted(listener)
