"""The package flows one way: no module imports a later stage, and no import circle.

Every module under `reportgen/` is parsed with `ast` (imports inside functions included, since
a lazy import is still a dependency) and mapped to its stage; importing a module of a higher
stage fails, and so does any cycle among the modules, within a stage too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

# Lowest first. A module may import its own stage and the stages before it.
STAGES = ["base", "data", "document", "render", "writers", "build", "publish", "authoring",
          "cli"]
TOP_LEVEL = {  # modules directly under reportgen/
    "reportgen": "base", "reportgen.errors": "base", "reportgen.vnformat": "base",
    "reportgen.vnnumber": "base", "reportgen.vnwording": "base", "reportgen.vntext": "base",
    "reportgen.project": "base", "reportgen.fileio": "base",
    "reportgen.typography": "base", "reportgen.frame": "base", "reportgen.geometry": "base",
    "reportgen.cli": "cli", "reportgen.commands": "cli", "reportgen.__main__": "cli",
    "reportgen.cli_vi": "cli", "reportgen.findings": "cli",  # click texts; validate --format
}
# The stages after loading work from the model only: they never read the data folder.
DISK_READERS = {"reportgen.data.loader", "reportgen.data.dataset"}
AFTER_LOADING = {"document", "render", "writers"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage(module: str) -> str:
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    sub = module.split(".")[1]
    if sub not in STAGES:
        raise AssertionError(f"{module}: no stage; add reportgen/{sub} to STAGES or TOP_LEVEL")
    return sub


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(module: str, path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, imported reportgen module) for every import in the file, however nested."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("reportgen")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("reportgen"):
                continue
            # `from pkg import mod` imports the submodule when there is one
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            found += [(node.lineno, t) for t in subs] or [(node.lineno, target)]
    return found


def graph() -> dict[str, list[tuple[int, str]]]:
    mods = modules()
    known = set(mods)
    out = {}
    for name, path in mods.items():
        edges = []
        for line, target in imports(name, path, known):
            while target not in known:  # `reportgen.x.y.Name` written as a dotted import
                target = target.rpartition(".")[0]
            if target != name:
                edges.append((line, target))
        out[name] = edges
    return out


def test_every_module_has_a_stage():
    for name in modules():
        assert stage(name) in STAGES


def test_no_module_imports_a_later_stage():
    mods = modules()
    bad = []
    for name, edges in graph().items():
        for line, target in edges:
            if STAGES.index(stage(target)) > STAGES.index(stage(name)):
                rel = mods[name].relative_to(PACKAGE.parent)
                bad.append(f"{rel}:{line}: {name} ({stage(name)}) imports {target} "
                           f"({stage(target)}), a later stage")
    assert not bad, "\n".join(bad)


def test_nothing_after_loading_reads_the_data_folder():
    mods = modules()
    bad = [f"{mods[name].relative_to(PACKAGE.parent)}:{line}: {name} imports {target}"
           for name, edges in graph().items() if stage(name) in AFTER_LOADING
           for line, target in edges if target in DISK_READERS]
    assert not bad, "\n".join(bad)


def test_no_import_circle():
    g = {name: sorted({t for _, t in edges}) for name, edges in graph().items()}
    # packages import nothing of their children here; a child importing its package is no circle
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in g.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for name in g:
        if name not in state and (cycle := visit(name)):
            pytest.fail("import circle: " + " -> ".join(cycle))


def test_the_checker_sees_function_level_imports(tmp_path):
    src = tmp_path / "reportgen" / "render" / "x.py"
    src.parent.mkdir(parents=True)
    src.write_text("def f():\n    from ..cli import main\n    from . import charts\n")
    found = imports("reportgen.render.x", src, {"reportgen.render.charts"})
    assert found == [(2, "reportgen.cli"), (3, "reportgen.render.charts")]
