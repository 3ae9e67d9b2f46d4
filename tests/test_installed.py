"""Done-when of the packaging work: the built wheel, installed (not editable) in a fresh virtual
environment, used in an empty folder: `reportgen init`, fill the blanks, `reportgen build`
gives PDF, DOCX and HTML byte-identical to the same data built from this repository.

Cost: the wheel is built once per session from a clean copy of the sources (a stale
setuptools `build/` folder cannot leak into it); the fresh environment gets the wheel
without dependencies and borrows the already installed dependencies of the running
environment through a .pth file (installing WeasyPrint, lxml, Pillow and the rest again would take
minutes). `import reportgen` and the `reportgen` command come from the wheel:
the test checks it. Marked `wheel` (`pytest -m "not wheel"` leaves it out while editing).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.wheel

TOP_LEVEL_SKIP = {".venv", ".git", "build", "dist", "output", "tests", "bench", "seeds", "data",
                  "docs", ".pytest_cache", ".hypothesis"}


def SKIP(folder: str, names: list[str]) -> set[str]:
    """What the wheel's source copy leaves out (top-level folders only: reportgen/data stays)."""
    top = Path(folder).resolve() == ROOT
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info")
            or (top and n in TOP_LEVEL_SKIP)}


def run(args, cwd, env=None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "reportgen"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, src], cwd=out)
    (built,) = out.glob("reportgen_sct-*.whl")
    return built


@pytest.fixture(scope="session")
def fresh(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel installed (not editable)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv.parent)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel],
        cwd=venv.parent)
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    cwd=venv.parent).stdout.strip())
    (site / "zz-borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items()
            if not k.startswith("REPORTGEN_") and k not in ("SOURCE_DATE_EPOCH", "PYTHONPATH")}


def test_wheel_carries_theme_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in (ROOT / "templates").rglob("*"):
        if f.is_file():
            assert f"reportgen/theme/{f.relative_to(ROOT / 'templates').as_posix()}" in names, f
    for f in (ROOT / "schema").glob("*.schema.json"):
        assert f"reportgen/schemas/{f.name}" in names, f
    assert not any(n.startswith(("templates/", "schema/", "tests/")) for n in names)
    # only modules that exist in the sources (no stale files of an old build)
    modules = {n for n in names if n.endswith(".py")}
    assert modules == {p.relative_to(ROOT).as_posix() for p in (ROOT / "reportgen").rglob("*.py")}


def test_init_fill_build_in_an_empty_folder_equals_the_repository_build(fresh, tmp_path):
    env = clean_env()
    reportgen = fresh / "bin" / "reportgen"
    folder = tmp_path / "so-cong-thuong"
    folder.mkdir()
    where = run([fresh / "bin" / "python", "-c",
                 "import reportgen.project as p; print(p.__file__); print(p.theme_dir())"],
                cwd=folder, env=env).stdout.split()
    assert all(w.startswith(str(fresh)) for w in where), where  # the wheel, not this checkout

    run([reportgen, "init", "--province", "bac-kan", "--year", "2022"], cwd=folder, env=env)
    assert sorted(p.name for p in (folder / "data" / "bac-kan").iterdir()) == \
        ["2022.yaml", "province.yaml"]
    assert not (folder / "templates" / "report.html").exists()  # overrides only
    blanks = run([reportgen, "validate"], cwd=folder, env=env, check=False)
    assert blanks.returncode == 1 and "RG124" in blanks.stdout

    # fill the blanks: the office writes its figures into the two files init made
    for name in ("province.yaml", "2022.yaml"):
        shutil.copyfile(ROOT / "data" / "bac-kan" / name, folder / "data" / "bac-kan" / name)
    run([reportgen, "validate"], cwd=folder / "data" / "bac-kan", env=env)  # from a subfolder
    run([reportgen, "build", "--all"], cwd=folder, env=env)

    ref = tmp_path / "ref"
    run([Path(sys.prefix) / "bin" / "reportgen", "build", "--province", "bac-kan", "--year",
         "2022", "--out", ref], cwd=ROOT, env=env)
    for fmt in ("pdf", "docx", "html"):
        name = f"bac-kan/2022/bao-cao-bac-kan-2022.{fmt}"
        made = (folder / "output" / name).read_bytes()
        assert made == (ref / name).read_bytes(), fmt
        assert len(made) > 10_000, fmt
