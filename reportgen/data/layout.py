"""The report's layout: the order and titles of its parts and sections.

Read from ``layout.yaml`` in the template folders (the project's ``templates/``, then the
theme shipped in the package; see reportgen/project.py); a province may override it with
``data/<slug>/layout.yaml``. Adding, removing or reordering sections is an edit here plus a
template in ``templates/sections/``, no Python.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from pydantic import Field, PrivateAttr

from ..errors import DataError, display_path
from ..project import Dirs, find_file, search_dirs
from .loader import load_yaml
from .model import Strict
from .parse import parse_model

LAYOUT_FILE = "layout.yaml"


class SectionSpec(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    template: Optional[str] = Field(None, description="mặc định sections/<key>.html")

    @property
    def template_name(self) -> str:
        return self.template or f"sections/{self.key}.html"


class PartSpec(Strict):
    title: str
    sections: list[SectionSpec]
    number_single: bool = Field(False, description="đánh số 'I.' cả khi phần chỉ có một mục")


class Layout(Strict):
    parts: list[PartSpec]
    # where it was read from, for messages: the file and the line of each section's entry
    _source: str = PrivateAttr("templates/layout.yaml")
    _lines: dict = PrivateAttr(default_factory=dict)

    @property
    def section_keys(self) -> list[str]:
        return [s.key for p in self.parts for s in p.sections]

    @property
    def sections(self) -> list[SectionSpec]:
        return [s for p in self.parts for s in p.sections]

    @property
    def source(self) -> str:
        """The layout file in force (`templates/layout.yaml` or a province's override)."""
        return self._source

    def line_of(self, key: str) -> int:
        """Line of the entry `- key: …` for a section in the layout file (0 if unknown)."""
        return self._lines.get(key, 0)


def layout_path(templates: Dirs, province_dir: Optional[Path] = None) -> Path:
    """`data/<slug>/layout.yaml`, else the first template folder holding `layout.yaml`."""
    if province_dir is not None and (province_dir / LAYOUT_FILE).exists():
        return province_dir / LAYOUT_FILE
    return find_file(LAYOUT_FILE, search_dirs(templates))


def load_layout(templates: Dirs, province_dir: Optional[Path] = None) -> Layout:
    """The layout in force for a province; raises DataError with findings when broken."""
    path = layout_path(templates, province_dir)
    loaded = load_yaml(path)
    layout = parse_model(loaded, Layout)
    if layout is None or not loaded.ok:
        raise DataError(loaded.findings)
    layout._source = display_path(path)
    layout._lines = {s.key: loaded.where(("parts", i, "sections", j, "key"))[0]
                     for i, part in enumerate(layout.parts)
                     for j, s in enumerate(part.sections)}
    return layout
