"""Where a project's folders are, and where the package's own theme and schemas are.

A project is a folder holding ``data/`` (the marker; see `find_root`), optionally
``templates/`` (overrides of the theme, file by file) and ``output/``. Templates, the
layout and the stylesheet are looked up in a chain, first hit wins:

1. ``data/<province>/templates/`` (and ``data/<province>/layout.yaml``): one province;
2. the project's ``templates/``;
3. the theme that ships inside the package (``reportgen/theme/`` in an installed wheel,
   the repository's top-level ``templates/`` in a source checkout).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

PACKAGE = Path(__file__).resolve().parent

#: the folder whose presence marks a project root (like git's .git)
MARKER = "data"
#: environment variables that stand for --data, --templates and --out
ENV_DATA, ENV_TEMPLATES, ENV_OUTPUT = "REPORTGEN_DATA", "REPORTGEN_TEMPLATES", "REPORTGEN_OUTPUT"


def _packaged(installed: str, source: str) -> Path:
    """A folder shipped as package data (``reportgen/<installed>`` in a wheel), or its source
    folder in a checkout or an editable install (``<repo>/<source>``)."""
    inside = PACKAGE / installed
    if inside.is_dir():
        return inside
    return PACKAGE.parent / source


def theme_dir() -> Path:
    """The default templates, layout and stylesheet."""
    return _packaged("theme", "templates")


def schema_dir() -> Path:
    """The JSON Schemas of the data files."""
    return _packaged("schemas", "schema")


Dirs = Union[Path, str, Sequence[Union[Path, str]]]
LAYOUT_FILE = "layout.yaml"


def search_dirs(templates: Dirs) -> tuple[Path, ...]:
    """A template folder or a list of them as a tuple of paths (existing or not)."""
    if isinstance(templates, (str, os.PathLike)):
        return (Path(templates),)
    return tuple(Path(p) for p in templates)


def find_file(name: str | Path, templates: Dirs, province_dir: Optional[Path] = None) -> Path:
    """The file `name` (``layout.yaml``, ``style/print.css``) in force: the province's
    templates folder, then each template folder in turn; the last folder's path when
    none holds it (so a message names where it was expected)."""
    dirs = search_dirs(templates)
    chain = ([province_dir / "templates"] if province_dir is not None else []) + list(dirs)
    for folder in chain:
        path = folder / name
        if path.is_file():
            return path
    return dirs[-1] / name


def template_search_path(templates: Dirs, province_dir: Optional[Path] = None) -> list[Path]:
    """Where templates are looked for, first match wins: the province's own
    ``data/<slug>/templates/``, then each template folder (`Project.template_dirs`)."""
    paths = []
    if province_dir is not None and (province_dir / "templates").is_dir():
        paths.append(province_dir / "templates")
    paths.extend(search_dirs(templates))
    return [p.resolve() for p in paths]


def layout_path(templates: Dirs, province_dir: Optional[Path] = None) -> Path:
    """`data/<slug>/layout.yaml`, else the first template folder holding `layout.yaml`."""
    if province_dir is not None and (province_dir / LAYOUT_FILE).exists():
        return province_dir / LAYOUT_FILE
    return find_file(LAYOUT_FILE, search_dirs(templates))


@dataclass(frozen=True)
class Project:
    data: Path = Path("data")
    templates: Path = Path("templates")
    output: Path = Path("output")
    theme: Optional[Path] = field(default_factory=theme_dir)
    # a final build (`build --strict`): a warning, a draft among them (RG701), refuses the report
    strict: bool = False

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """The project's templates folder (when it exists), then the package theme."""
        dirs: list[Path] = []
        for d in (self.templates, self.theme):
            if d is not None and d.is_dir() and not any(_same(d, seen) for seen in dirs):
                dirs.append(d)
        return tuple(dirs) or (self.templates,)

    def template_file(self, name: str | Path, province_dir: Optional[Path] = None) -> Path:
        return find_file(name, self.template_dirs, province_dir)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def find_root(start: Optional[Path] = None) -> Optional[Path]:
    """The nearest folder at or above `start` (the working folder) that holds ``data/``,
    as git finds ``.git``; None when there is none up to the file system's root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_dir():
            return folder
    return None


def located(data: Optional[Path] = None, templates: Optional[Path] = None,
            output: Optional[Path] = None, start: Optional[Path] = None) -> Project:
    """The project for the given options (None: not given). Folders not given are taken from
    the project root found by `find_root`, else relative to the working folder. Paths are
    shown relative to the working folder when they lie below it."""
    root = find_root(start) if data is None else None
    if root is not None:
        root = _shorten(root)
    base = root if root is not None else Path()
    return Project(data=data if data is not None else base / "data",
                   templates=templates if templates is not None else base / "templates",
                   output=output if output is not None else base / "output")


def _shorten(path: Path) -> Path:
    """`path` relative to the working folder when below it (messages stay short)."""
    try:
        rel = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path
    return rel if str(rel) != "." else Path()


def template_sources(project: Project, province_dir: Optional[Path] = None) -> Iterable[Path]:
    """Every folder that may hold a template of this report, most specific first."""
    if province_dir is not None:
        yield province_dir / "templates"
    yield from project.template_dirs


def no_data_folder(data: Path) -> str:
    """The message for a missing data folder, with forms of the command that work."""
    from .errors import display_path
    return (f"không có thư mục số liệu {display_path(data)}/ (reportgen tìm thư mục data/ ở "
            "thư mục hiện tại và các thư mục cha): chạy lệnh trong thư mục dự án hoặc một thư "
            "mục con của nó, tạo dự án mới bằng 'reportgen init THƯ_MỤC --province TỈNH', hoặc "
            "chỉ rõ: 'reportgen validate --data ĐƯỜNG_DẪN/data' (hay biến môi trường "
            "REPORTGEN_DATA=ĐƯỜNG_DẪN/data)")
