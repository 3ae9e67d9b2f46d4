"""The report's layout: the order and titles of its parts and sections.

Read from ``layout.yaml`` in the template folders (the project's ``templates/``, then the
theme shipped in the package; see reportgen/project.py); a province may override it with
``data/<slug>/layout.yaml``. Adding, removing or reordering sections is an edit here plus a
template in ``templates/sections/``, no Python.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import Field, PrivateAttr

from ..errors import DataError, display_path
from ..project import LAYOUT_FILE, Dirs, find_file, layout_path, search_dirs, template_search_path
from .loader import load_yaml
from .model import Strict
from .parse import parse_model

#: the template of a section that has no template of its own (no `template:` in the layout and
#: no sections/<key>.html): intro, figures, counts and items
DEFAULT_SECTION_TEMPLATE = "sections/default.html"


DEFAULT_PRODUCTS_TITLE = "Sản phẩm chủ yếu"

# The names a part title may contain: "KẾT QUẢ THỰC HIỆN NHIỆM VỤ {period_upper}". Nothing
# else is substituted (a title is never given to str.format: '{period.__class__}' would
# print Python internals, '{nope}' would crash the build).
TITLE_FIELDS = ("period", "next", "period_upper", "next_upper", "year")
_TITLE_FIELD = re.compile(r"\{([^{}]*)\}|[{}]")


def title_problem(text: str) -> Optional[str]:
    """Why a part title cannot be filled (an unknown name or a stray brace), or None."""
    for m in _TITLE_FIELD.finditer(text):
        name = m.group(1)
        if name in TITLE_FIELDS:
            continue
        known = ", ".join("{%s}" % f for f in TITLE_FIELDS)
        if name is None:
            return (f"dấu '{m.group(0)}' lẻ trong tiêu đề: chỉ dùng ngoặc nhọn quanh một tên "
                    f"thay thế ({known})")
        near = difflib.get_close_matches(name.strip(), TITLE_FIELDS, n=1, cutoff=0.6)
        hint = f"ý bạn là '{{{near[0]}}}'? " if near else ""
        return f"'{{{name}}}' không phải tên thay thế được trong tiêu đề: {hint}dùng {known}"
    return None


def fill_title_text(text: str, **values: Any) -> str:
    """The title with each {name} of TITLE_FIELDS replaced (others refused: load_layout
    reports them first, this is the last guard)."""
    def repl(m: re.Match) -> str:
        name = m.group(1)
        if name not in TITLE_FIELDS or name not in values:
            raise ValueError(title_problem(m.group(0)) or f"tên thay thế lạ {m.group(0)!r}")
        return str(values[name])
    return _TITLE_FIELD.sub(repl, text)


class SectionSpec(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    template: Optional[str] = Field(
        None, description="mặc định sections/<key>.html, nếu không có thì sections/default.html")
    products_title: Optional[str] = Field(
        None, description="tiêu đề nhóm sản phẩm của phần này trong biểu phụ lục (mặc định "
        f"'{DEFAULT_PRODUCTS_TITLE}')")

    appendix: Union[bool, list[str]] = Field(
        True, description="Chỉ tiêu của phần này vào biểu phụ lục: true (tất cả chỉ tiêu chủ "
                          "yếu), false (không), hoặc danh sách mã chỉ tiêu được đưa vào")

    def in_appendix(self, figure_id: str) -> bool:
        """Whether an indicator or product of this section is a row of the appendix table."""
        return self.appendix if isinstance(self.appendix, bool) else figure_id in self.appendix

    # whether sections/<key>.html exists (set by load_layout; else the default template)
    _own_template: bool = PrivateAttr(True)

    @property
    def template_name(self) -> str:
        if self.template:
            return self.template
        return f"sections/{self.key}.html" if self._own_template else DEFAULT_SECTION_TEMPLATE


class PartSpec(Strict):
    title: str
    sections: list[SectionSpec]
    number_single: bool = Field(False, description="đánh số 'I.' cả khi phần chỉ có một mục")


class TrendSeries(Strict):
    title: str = Field(description="tiêu đề ô biểu đồ: 'Kim ngạch xuất nhập khẩu'")
    ids: list[str] = Field(min_length=1, description="mã chỉ tiêu, lấy mã đầu tiên có số liệu")


class ChartSpec(Strict):
    trend: list[TrendSeries] = Field(
        default_factory=list, description="các ô của biểu đồ xu hướng qua các kỳ")
    trend_caption: Optional[str] = Field(
        None, description="chú thích biểu đồ xu hướng, không kể 'qua các năm/kỳ' (bỏ trống: "
                          "ghép tiêu đề các ô có số liệu)")


class Layout(Strict):
    parts: list[PartSpec]
    charts: Optional[ChartSpec] = Field(
        None, description="chỉ tiêu của các biểu đồ (mặc định theo templates/layout.yaml)")
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

    @property
    def trend(self) -> list[TrendSeries]:
        """The panels of the trend chart (empty: no trend chart)."""
        return self.charts.trend if self.charts is not None else []

    @property
    def trend_caption(self) -> Optional[str]:
        """The trend chart's caption as the layout words it (None: made from its panels)."""
        return self.charts.trend_caption if self.charts is not None else None

    def products_title(self, key: str) -> str:
        """The title of a section's main products in the appendix table."""
        spec = next((s for s in self.sections if s.key == key), None)
        return (spec.products_title if spec is not None else None) or DEFAULT_PRODUCTS_TITLE

    def line_of(self, key: str) -> int:
        """Line of the entry `- key: …` for a section in the layout file (0 if unknown)."""
        return self._lines.get(key, 0)


def load_layout(templates: Dirs, province_dir: Optional[Path] = None) -> Layout:
    """The layout in force for a province; raises DataError with findings when broken.

    A province's own layout takes what it leaves out (the chart series, a section's products
    title) from the default layout (the first `layout.yaml` of the template folders)."""
    path = layout_path(templates, province_dir)
    layout = _read_layout(path)
    default_path = find_file(LAYOUT_FILE, search_dirs(templates))
    if path != default_path:
        default = _read_layout(default_path) if default_path.is_file() else None
        if default is not None:
            titles = {s.key: s.products_title for s in default.sections}
            parts = [part.model_copy(update={"sections": [
                s if s.products_title is not None
                else s.model_copy(update={"products_title": titles.get(s.key)})
                for s in part.sections]}) for part in layout.parts]
            layout = layout.model_copy(update={
                "parts": parts, "charts": layout.charts if layout.charts is not None else default.charts})
    dirs = template_search_path(templates, province_dir)
    if any((d / DEFAULT_SECTION_TEMPLATE).is_file() for d in dirs):
        for spec in layout.sections:
            spec._own_template = any((d / "sections" / f"{spec.key}.html").is_file() for d in dirs)
    return layout


def _read_layout(path: Path) -> Layout:
    loaded = load_yaml(path)
    layout = parse_model(loaded, Layout)
    if layout is not None:
        for i, part in enumerate(layout.parts):
            problem = title_problem(part.title)
            if problem:
                loaded.findings.append(loaded.finding(("parts", i, "title"), "RG123", problem))
    if layout is None or not loaded.ok:
        raise DataError(loaded.findings)
    layout._source = display_path(path)
    layout._lines = {s.key: loaded.where(("parts", i, "sections", j, "key"))[0]
                     for i, part in enumerate(layout.parts)
                     for j, s in enumerate(part.sections)}
    return layout
