"""What the wheel carries: every package of reportgen/, the theme (templates/) and the JSON
Schemas (schema/), under the distribution name chosen because `reportgen` on PyPI is another
project; the lock file pins every runtime dependency."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_python_package_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "reportgen").rglob("*.py")
             if "__pycache__" not in p.parts}
    missing = found - listed
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_theme_and_schema_folders_map_to_packages_with_all_their_files():
    dirs = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert dirs == {"reportgen.theme": "templates", "reportgen.schemas": "schema"}
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for package, folder in dirs.items():
        for f in (ROOT / folder).rglob("*"):
            if not f.is_file() or "__pycache__" in f.parts:
                continue
            sub = f.parent.relative_to(ROOT / folder).parts
            owner = ".".join((package, *sub))
            assert owner in listed, f"{f}: package {owner} not listed"
            assert any(Path(f.name).match(g) for g in data.get(owner, [])), \
                f"{f.relative_to(ROOT)} matches no package-data glob of {owner}"


def test_distribution_name_is_not_the_unrelated_reportgen():
    assert PYPROJECT["project"]["name"] == "reportgen-sct"
    assert PYPROJECT["project"]["scripts"] == {"reportgen": "reportgen.cli:main"}


def test_lock_pins_every_runtime_dependency():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {m[0].lower().replace("_", "-").replace(".", "-")
              for m in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}
    for dep in PYPROJECT["project"]["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", dep)[0].lower().replace("_", "-").replace(".", "-")
        assert name in pinned, f"{name} is not pinned in requirements.lock (run pip-compile)"
