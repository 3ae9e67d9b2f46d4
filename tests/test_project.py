"""Finding the project (like git: upward from the working folder), --data/--templates before
or after the command and as environment variables, and the template chain: a province's
templates/, the project's templates/, then the theme shipped in the package."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.project import Project, find_root, located, theme_dir

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env or {})


@pytest.fixture
def project_dir(tree, monkeypatch):
    """A project holding only data/ (no templates/: the theme in the package is used)."""
    tree.write()
    (tree.templates / "layout.yaml").unlink()
    tree.templates.rmdir()
    for var in ("REPORTGEN_DATA", "REPORTGEN_TEMPLATES", "REPORTGEN_OUTPUT"):
        monkeypatch.delenv(var, raising=False)
    return tree


def test_theme_is_the_repository_templates_folder_in_a_checkout():
    assert theme_dir().resolve() == (ROOT / "templates").resolve()
    assert (theme_dir() / "report.html").is_file()


def test_found_upward_from_any_subfolder(project_dir, monkeypatch):
    sub = project_dir.province_dir  # data/tinh-mau: two levels below the root
    monkeypatch.chdir(sub)
    assert find_root() == project_dir.root.resolve()
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert "không có phát hiện nào (1 báo cáo)" in result.output


def test_located_paths_are_short_at_the_root(project_dir, monkeypatch):
    monkeypatch.chdir(project_dir.root)
    p = located()
    assert (p.data, p.templates, p.output) == (Path("data"), Path("templates"), Path("output"))


def test_no_project_anywhere_names_forms_that_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if find_root() is not None:  # some folder above tmp holds data/: nothing to test here
        pytest.skip("a folder above the temporary folder holds data/")
    result = invoke("validate")
    assert result.exit_code == 2
    assert "reportgen validate --data ĐƯỜNG_DẪN/data" in result.output
    assert "reportgen init" in result.output and "REPORTGEN_DATA" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_data_option_before_after_or_in_the_environment(project_dir, tmp_path, monkeypatch,
                                                        where):
    monkeypatch.chdir(tmp_path.parent)  # somewhere else
    data = str(project_dir.data)
    if where == "before":
        result = invoke("--data", data, "list")
    elif where == "after":
        result = invoke("list", "--data", data)
    else:
        result = invoke("list", env={"REPORTGEN_DATA": data})
    assert result.exit_code == 0, result.output
    assert "tinh-mau (Tỉnh Mẫu)" in result.output


def test_option_after_the_command_wins_over_the_environment(project_dir, tmp_path):
    result = invoke("list", "--data", str(project_dir.data),
                    env={"REPORTGEN_DATA": str(tmp_path / "nowhere")})
    assert result.exit_code == 0, result.output


def test_a_project_file_overrides_one_theme_file_and_keeps_the_rest(project_dir):
    """templates/layout.yaml in the project wins; report.html etc. still come from the theme."""
    project = Project(data=project_dir.data, templates=project_dir.templates)
    assert project.template_dirs == (theme_dir(),)
    project_dir.templates.mkdir()
    layout = project_dir.templates / "layout.yaml"
    layout.write_text((theme_dir() / "layout.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert project.template_dirs == (project_dir.templates, theme_dir())
    assert project.template_file("layout.yaml") == layout
    assert project.template_file("report.html") == theme_dir() / "report.html"
    css = project_dir.templates / "style" / "print.css"
    css.parent.mkdir()
    css.write_text("body { color: red; }", encoding="utf-8")
    assert project.template_file("style/print.css") == css
    own = project_dir.province_dir / "templates" / "style" / "print.css"
    own.parent.mkdir(parents=True)
    own.write_text("body { color: blue; }", encoding="utf-8")
    assert project.template_file("style/print.css", project_dir.province_dir) == own


def test_project_stylesheet_reaches_the_html(project_dir):
    from reportgen.build.pipeline import make_document, render_formats
    from reportgen.data.dataset import find_entries

    project = Project(data=project_dir.data, templates=project_dir.templates)
    (project_dir.templates / "style").mkdir(parents=True)
    (project_dir.templates / "style" / "print.css").write_text(
        (theme_dir() / "style" / "print.css").read_text(encoding="utf-8")
        + "\n.du-an-rieng { color: #123456; }\n", encoding="utf-8")
    entry = find_entries(project.data)[0]
    html = render_formats(project, make_document(project, entry), ("html",),
                          project.data / entry.slug)["html"].decode("utf-8")
    assert ".du-an-rieng { color: #123456; }" in html
    # and the theme's own rules are there too (the project file replaced, not emptied, it)
    assert "@page" in html


def test_missing_file_is_not_called_a_broken_link(tree):
    """RG100 for a file that never was a link says so; a real broken link is named as one."""
    from reportgen.data.loader import load_yaml
    missing = load_yaml(tree.root / "khong-co.yaml").findings[0]
    assert "tệp không tồn tại" in missing.message and "liên kết" not in missing.message
    link = tree.root / "lien-ket.yaml"
    os.symlink(tree.root / "da-xoa.yaml", link)
    broken = load_yaml(link).findings[0]
    assert "liên kết hỏng" in broken.message
