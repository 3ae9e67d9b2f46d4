"""The corpus of hostile templates, layouts and stylesheets (tests/bad_templates/).

Each file states on its first line what it must give: `expect CODE line N static|runtime
"text"`. A template case is installed as a province's own section template
(`data/tinh-mau/templates/sections/cong_nghiep.html`, a documented place), a layout case as
the province's `layout.yaml`, a stylesheet case as `templates/style/print.css`. Then:

* `reportgen build` fails that report with the code, the case's file and line and the text,
  exit 1, never 70, never a traceback, and nothing is written;
* `reportgen validate` reports the `static` cases (found without rendering) the same way.

Renders run under low limits here (2 s, 300 MB, 1 MB of output) so the slow cases stay short.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reportgen.render import sandbox
from seeded import ROOT

CORPUS = Path(__file__).parent / "bad_templates"
EXPECT = re.compile(r'expect (RG\d{3}) line (\d+) (static|runtime) "(.*)"')
CASES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".html", ".yaml", ".css"))


def expectation(path: Path) -> tuple[str, int, str, str]:
    m = EXPECT.search(path.read_text(encoding="utf-8").split("\n", 1)[0])
    assert m, f"{path.name}: first line must say: expect CODE line N static|runtime \"text\""
    return m[1], int(m[2]), m[3], m[4]


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(sandbox, "LIMITS", sandbox.Limits(seconds=2, memory=300 << 20,
                                                           output=1_000_000))


def install(tree, case: str) -> Path:
    """The tree with the case in its place; returns where the case now is."""
    shutil.copytree(ROOT / "templates", tree.templates, dirs_exist_ok=True)
    tree.write()
    source = CORPUS / case
    if case.endswith(".html"):
        target = tree.province_dir / "templates" / "sections" / "cong_nghiep.html"
    elif case.endswith(".yaml"):
        target = tree.province_dir / "layout.yaml"
    else:
        target = tree.templates / "style" / "print.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def test_every_case_states_what_it_expects():
    assert len(CASES) >= 20
    for case in CASES:
        expectation(CORPUS / case)


@pytest.mark.parametrize("case", CASES)
def test_build_fails_the_report_with_the_case_file_and_line(tree, low_limits, case):
    code, line, _, text = expectation(CORPUS / case)
    target = install(tree, case)
    out = tree.root / "out"
    result = tree.cli("build", "--province", tree.slug, "--format", "html", "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "lỗi nội bộ" not in result.output
    where = f"{target.relative_to(tree.root)}:{line}:" if line else str(target.relative_to(tree.root))
    hits = [ln for ln in result.output.splitlines() if f" {code} " in ln]
    assert hits, result.output
    assert any(where in ln and text in ln for ln in hits), (where, text, result.output)
    assert not list(out.rglob("*.html")), "a failed report wrote its file"


@pytest.mark.parametrize("case", [c for c in CASES if expectation(CORPUS / c)[2] == "static"])
def test_validate_reports_the_static_cases(tree, case):
    code, line, _, text = expectation(CORPUS / case)
    target = install(tree, case)
    result = tree.cli("validate", "--all")
    assert result.exit_code == 1, result.output
    assert f"{target.relative_to(tree.root)}:{line}:" in result.output, result.output
    assert f" {code} " in result.output and text in result.output, result.output


def test_a_template_cannot_run_a_command(tree, low_limits, tmp_path):
    """The original report: a province template ran `touch` through cycler's globals."""
    marker = tmp_path / "ran"
    install(tree, "globals_cycler.html")
    section = tree.province_dir / "templates" / "sections" / "cong_nghiep.html"
    section.write_text("{{ cycler.__init__.__globals__.os.system('touch %s') }}\n"
                       "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].system('touch %s') }}\n"
                       % (marker, marker), encoding="utf-8")
    for cmd in (["validate", "--all"], ["build", "--all", "--format", "html", "--out",
                                        str(tree.root / "out")]):
        result = tree.cli(*cmd)
        assert result.exit_code == 1, result.output
        assert "RG506" in result.output
    assert not marker.exists()


def test_templates_still_read_data_and_call_what_they_need(tree, low_limits):
    """The sandbox keeps what templates are for: fields, properties, dict views, macros,
    loop helpers, namespaces, filters, the chart and appendix functions."""
    install(tree, "globals_cycler.html")
    section = tree.province_dir / "templates" / "sections" / "cong_nghiep.html"
    section.write_text(
        "{%- from 'macros.html' import sentence with context %}\n"
        "{%- set ns = namespace(n=0) %}{% for f in sec.indicators.values() %}"
        "{% set ns.n = ns.n + 1 %}{% endfor %}\n"
        "<p>Có {{ ns.n }} chỉ tiêu; {{ sec.indicators.gtsx.label | lower }}, "
        "{{ sec.indicators.gtsx.value | value }}; {{ document.date.isoformat() }}; "
        "{{ 'a-b'.split('-') | join('+') }}; {{ appendix_rows() | length > 0 }}</p>\n",
        encoding="utf-8")
    out = tree.root / "out"
    result = tree.cli("build", "--province", tree.slug, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = next(out.rglob("*.html")).read_text(encoding="utf-8")
    assert "Có 2 chỉ tiêu; giá trị sản xuất công nghiệp, 1.100; 2023-01-05; a+b; True" in page
