"""reportgen build: reproducible bytes, incremental skips, --check, atomic writes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.build import pipeline as build_mod
from reportgen.build.batch import build
from reportgen.build.pipeline import output_path
from reportgen.data.dataset import find_entries
from reportgen.project import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path):
    """Bắc Kạn 2022 plus a 2021 file made from it (so 2022 depends on 2021)."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    shutil.copytree(ROOT / "data" / "cao-bang", tmp_path / "data" / "cao-bang")
    # 6.760 / 6.390 − 1 = 5,79%: the stated growth of 2022 agrees with this 2021 value
    (tmp_path / "data" / "bac-kan" / "2021.yaml").write_text(
        "document:\n  number: 2\n  date: 2022-01-06\nsections:\n  thuong_mai:\n"
        "    indicators:\n      ban_le:\n        label: Tổng mức bán lẻ\n"
        "        unit: tỷ đồng\n        value: '6.390'\n", encoding="utf-8")
    return Project(data=tmp_path / "data", templates=tmp_path / "templates",
                   output=tmp_path / "output")


def statuses(results):
    return {f"{r.entry.slug}/{r.entry.period.slug}": r.status for r in results}


FORMATS = ("pdf", "docx", "html")


def test_two_builds_identical_bytes(project, tmp_path):
    entries = find_entries(project.data)
    build(project, entries, FORMATS, tmp_path / "a")
    build(project, entries, FORMATS, tmp_path / "b", jobs=2)
    for e in entries:
        for fmt in FORMATS:
            a = output_path(tmp_path / "a", e, fmt).read_bytes()
            b = output_path(tmp_path / "b", e, fmt).read_bytes()
            assert a == b, (e.slug, e.period.slug, fmt)


def test_incremental_skip_and_dependency(project):
    out = project.output
    entries = find_entries(project.data)
    first = build(project, entries, FORMATS, out)
    assert set(statuses(first).values()) == {"built"}
    second = build(project, entries, FORMATS, out)
    assert set(statuses(second).values()) == {"skipped"}
    # the previous period feeds the next one's same-period values
    p = project.data / "bac-kan" / "2021.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    third = statuses(build(project, entries, FORMATS, out))
    assert third == {"bac-kan/2021": "built", "bac-kan/2022": "built", "cao-bang/2021": "skipped"}
    # a template change rebuilds everything; --force too
    t = project.templates / "sections" / "default.html"
    t.write_text(t.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert set(statuses(build(project, entries, FORMATS, out)).values()) == {"built"}
    assert set(statuses(build(project, entries, FORMATS, out, force=True)).values()) == {"built"}


def test_check_names_changed_outputs(project):
    out = project.output
    entries = find_entries(project.data)
    build(project, entries, FORMATS, out)
    assert set(statuses(build(project, entries, FORMATS, out, check=True)).values()) == {"current"}
    target = output_path(out, entries[0], "html")
    target.write_bytes(target.read_bytes() + b"<!-- edited -->")
    results = build(project, entries, FORMATS, out, check=True)
    changed = [r for r in results if r.status == "differs"]
    assert len(changed) == 1 and changed[0].files == [target]


def test_failure_mid_write_keeps_previous_file(project, monkeypatch):
    out = project.output
    entries = [e for e in find_entries(project.data) if e.slug == "cao-bang"]
    build(project, entries, FORMATS, out)
    target = output_path(out, entries[0], "pdf")
    before = target.read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_mod.os, "fsync", broken_fsync)
    results = build(project, entries, FORMATS, out, force=True)
    assert results[0].status == "failed" and "đĩa đã đầy" in results[0].error
    assert "No space" not in results[0].error  # the OS's English text is not shown
    assert target.read_bytes() == before
    leftovers = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_bad_data_fails_that_report_only(project):
    p = project.data / "cao-bang" / "2021.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("document:", "document:\n  numbr: 3", 1),
                 encoding="utf-8")
    results = statuses(build(project, find_entries(project.data), ("html",), project.output))
    assert results["cao-bang/2021"] == "failed"
    assert results["bac-kan/2022"] == "built"


def test_help_and_validate_do_not_import_weasyprint():
    import subprocess
    import sys
    code = ("import sys; from click.testing import CliRunner; from reportgen.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); "
            "r2 = CliRunner().invoke(main, ['validate', '--all']); "
            "print('weasyprint' in sys.modules, 'docx' in sys.modules, r.exit_code)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False", "0"], out.stderr


def test_noop_rebuild_imports_no_data_model(project):
    """A rebuild with nothing to do decides from the input hashes alone: the data model
    (pydantic), the templates (Jinja) and the writers are never imported (issue 17: a no-op
    rebuild ≤ 5 % of a full build; importing the model was most of its time)."""
    import subprocess
    import sys
    args = ["--data", str(project.data), "--templates", str(project.templates), "build", "--all",
            "--format", "html", "--jobs", "2", "--out", str(project.output)]
    code = ("import sys; from click.testing import CliRunner; from reportgen.cli import main; "
            f"r = CliRunner().invoke(main, {args!r}); "
            "heavy = ('pydantic', 'jinja2', 'weasyprint', 'docx', 'reportgen.data.model'); "
            "print(r.exit_code, [m for m in heavy if m in sys.modules]); print(r.output)")
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert first.stdout.startswith("0 ") and "đã dựng" in first.stdout, first.stdout + first.stderr
    again = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert again.stdout.startswith("0 []\n"), again.stdout + again.stderr
    assert "bỏ qua (không đổi)" in again.stdout and "đã dựng" not in again.stdout


def test_repeated_builds_in_one_process_keep_memory_flat(project):
    """make_document and render_formats set the loaded libraries aside from the garbage
    collector (gc.freeze) once; the garbage of each build must still be collected: ten more
    builds in the same process (as the preview makes them) leave no more objects than the
    first ones did. (With the objects frozen for every build and thawed after, each build
    left ~16 000 more objects and 13 MB behind.)"""
    import gc

    entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan")

    def build_once():
        doc = build_mod.make_document(project, entry)
        build_mod.render_formats(project, doc, ("html", "docx"))

    def tracked():
        gc.collect()
        return len(gc.get_objects()) + gc.get_freeze_count()

    for _ in range(3):
        build_once()
    before = tracked()
    for _ in range(10):
        build_once()
    after = tracked()
    assert gc.get_freeze_count() > 10_000  # the libraries are set aside
    assert after - before < 2_000, (before, after)


def test_renderer_versions_are_importlib_metadata_s():
    """The versions in the input hash are read from the wheels' folder names (importing
    importlib.metadata cost a third of a no-op rebuild): the same answers it gives."""
    from importlib.metadata import version

    build_mod.renderer_versions.cache_clear()
    expected = " ".join(f"{n}={version(n)}" for n in build_mod.RENDERERS)
    assert build_mod.renderer_versions() == expected
