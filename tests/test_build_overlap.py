"""One report on two cores (reportgen/build/overlap.py): the PDF laid out in a forked helper
gives the same bytes as the single-process build, a helper that fails or dies changes nothing
but the time, and bad data still fails the report with its findings, leaving no process.

Each case runs in a new Python process: the helper is only used where WeasyPrint has not been
imported yet (a command), which the test process is not."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from seeded import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork")

_CASE = r"""
import hashlib, json, sys
from pathlib import Path
from reportgen.build import overlap
from reportgen.build.pipeline import make_document, render_formats
from reportgen.data.dataset import find_entries
from reportgen.project import Project

project = Project(data=Path("data"), templates=Path("templates"))
entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan" and e.period.slug == "2022")
pdir = project.data / entry.slug
kill = sys.argv[1] == "kill"
formats = ("pdf", "docx", "html")
assert overlap.worth_it(formats, 2) or overlap.cores() < 2
with overlap.PdfHelper(render_formats, project, pdir) as helper:
    doc = make_document(project, entry)
    if kill:
        helper.proc.terminate()
        helper.proc.join()
    out = overlap.render_with_helper(helper, render_formats, project, doc, formats, pdir)
    by_helper = helper.answer is not None and helper.answer[0] == "ok"
alive = helper.proc.is_alive()
serial = render_formats(project, doc, formats, pdir)
print(json.dumps({"same": {f: out[f] == serial[f] for f in formats},
                  "pages": [out["pdf"].pages, serial["pdf"].pages],
                  "by_helper": by_helper, "alive": alive,
                  "sha": hashlib.sha256(out["pdf"]).hexdigest()}))
"""


def _run(mode: str) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    proc = subprocess.run([sys.executable, "-c", _CASE, mode], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_helper_lays_out_the_same_pdf():
    got = _run("normal")
    assert got["by_helper"]  # the PDF did come from the forked helper
    assert got["same"] == {"pdf": True, "docx": True, "html": True}
    assert got["pages"][0] == got["pages"][1] == 5
    assert not got["alive"]


def test_a_dead_helper_only_costs_time():
    got = _run("kill")
    assert not got["by_helper"]  # rendered by the process itself instead
    assert got["same"] == {"pdf": True, "docx": True, "html": True}
    assert got["pages"][0] == 5
    assert not got["alive"]


def _tree(tmp_path):
    import shutil
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    return tmp_path


def _build(tmp_path, out, *extra):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-m", "reportgen", "--data", str(tmp_path / "data"),
                           "--templates", str(ROOT / "templates"), "build", "--province",
                           "bac-kan", "--year", "2022", "--out", str(out), *extra],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)


def test_one_report_command_with_and_without_a_second_process(tmp_path):
    root = _tree(tmp_path)
    two = _build(root, tmp_path / "two", "--jobs", "2")
    one = _build(root, tmp_path / "one", "--jobs", "1")
    assert two.returncode == one.returncode == 0, two.stderr + one.stderr
    for fmt in ("pdf", "docx", "html"):
        name = f"bac-kan/2022/bao-cao-bac-kan-2022.{fmt}"
        a, b = (tmp_path / "two" / name).read_bytes(), (tmp_path / "one" / name).read_bytes()
        assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest(), fmt
    record = json.loads((tmp_path / "two" / ".reportgen-build.json").read_text(encoding="utf-8"))
    assert list(record) == ["bac-kan/2022"]


def test_bad_data_with_a_helper_fails_with_the_finding(tmp_path):
    root = _tree(tmp_path)
    path = root / "data" / "bac-kan" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert "status: ước đạt" in text
    path.write_text(text.replace("status: ước đạt", "status: uoc dat", 1), encoding="utf-8")
    done = _build(root, tmp_path / "out", "--jobs", "2")
    assert done.returncode == 1
    assert "RG123" in done.stderr and "2022.yaml:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.pdf").exists()
