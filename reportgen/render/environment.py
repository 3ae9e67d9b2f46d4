"""The Jinja environment of the report templates: sandboxed (`sandbox.py`: data only, no
internals, limited work per render), autoescaping, the vnformat functions and the helpers as
filters, templates served from memory.

The templates were read at load time (`data/templates.py`, `dataset.load_templates`): the
loader here serves them from that object, each one's output between two comments naming its
file, and never opens a file. An undefined value says what exists instead and remembers the
template line that made it (`AuthoringUndefined`). One environment per set of sources and
process, so the same templates are compiled once.
"""
from __future__ import annotations

import functools
from typing import Any, Optional

import jinja2
from jinja2 import pass_context

from .. import vnformat
from ..data.layout import fill_title_text
from ..data.templates import TemplateSources
from ..document.markup import SOURCE_MARK  # <!--rg-template FILE--> … <!--/rg-template-->
from ..errors import TemplateError
from ..typography import unbreakable  # 'Sở Công Thương Thái Nguyên' on one line
from ..vnformat import lower_first, title_vn, upper_first
from .sandbox import ReportSandbox, guard_builtin_filters


@pass_context
def fill_title(ctx, text: str) -> str:
    """Fill {period_upper}, {next_upper}, {period}, {next}, {year} in a layout title (only
    these names: `layout.fill_title_text`; load_layout refuses any other)."""
    return fill_title_text(text, period=ctx["period_label"], next=ctx["next_label"],
                           period_upper=ctx["period_label"].upper(),
                           next_upper=ctx["next_label"].upper(), year=ctx["report"].period.year)


HELPERS = {"upper_first": upper_first, "lower_first": lower_first,
           "title_vn": title_vn, "fill_title": fill_title, "nobreak": unbreakable}


def make_environment(sources: TemplateSources) -> jinja2.Environment:
    """One environment per set of template sources (read at load time, `load_templates`) and
    process: the same templates are compiled once for every report that uses them."""
    return _environment(sources)


def nearest(name: str, candidates) -> Optional[str]:
    """The candidate a misspelt name most likely meant (close spelling, or a longer name that
    starts with it: 'du_an' -> 'du_an_hoa_luoi')."""
    import difflib
    names = [str(c) for c in candidates]
    near = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    if near:
        return near[0]
    longer = [c for c in names if len(str(name)) >= 3 and c.startswith(str(name))]
    return longer[0] if len(longer) == 1 else None


class _Message(str):
    """An undefined value's message, carrying where in a template the value was made."""

    origin: Optional[tuple[str, int]] = None


def _template_origin() -> Optional[tuple[str, int]]:
    """(template file, line) of the innermost template code running now."""
    import sys
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            return template.filename, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


class AuthoringUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message says what exists instead (for template authors):
    `sec.counts.du_an` -> "không có khoá 'du_an' (có: du_an_dien_gio); ý bạn là …?".

    It also remembers where it was made: `{% set x = sec.counts.du_an %}` fails only when
    `x` is used, maybe inside a macro of macros.html, but the mistake is on the `set` line."""

    __slots__ = ("_origin",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._origin = _template_origin()

    @property
    def _undefined_message(self) -> str:
        message = _Message(self._describe())
        message.origin = self._origin
        return message

    def _describe(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name, obj = self._undefined_name, self._undefined_obj
        if obj is jinja2.utils.missing:
            return f"'{name}' chưa được định nghĩa"
        if isinstance(obj, dict):
            keys = [str(k) for k in obj]
            near = nearest(name, keys)
            shown = ", ".join(keys[:12]) + (", …" if len(keys) > 12 else "") if keys else "trống"
            hint = f"; ý bạn là '{near}'?" if near else ""
            return f"không có khoá '{name}' (các khoá có: {shown}){hint}"
        what = type(obj).__name__
        ident = getattr(obj, "key", None) or getattr(obj, "id", None)
        if isinstance(ident, str):
            what += f" '{ident}'"
        attrs = [a for a in dir(obj) if not a.startswith(("_", "model_"))
                 and not callable(getattr(obj, a, None))]
        near = nearest(name, attrs)
        hint = f"; ý bạn là '{near}'?" if near else ""
        return f"{what} không có thuộc tính '{name}'{hint}"


class _MarkedLoader(jinja2.BaseLoader):
    """The templates read at load time (`data/templates.py`), from memory: no file is opened
    while rendering. Each template's output sits between two HTML comments naming its file
    (on its first and last line, so template line numbers do not move). The reader drops
    comments but uses these to name the template whose output is wrong, when the wrong HTML
    was built at run time (`|safe`) and no line of the template shows it."""

    def __init__(self, sources: TemplateSources):
        self.sources = sources

    def get_source(self, environment, template):
        found = self.sources.get(template)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        if found.source is None:
            raise TemplateError("tệp mẫu không phải UTF-8: mở bằng trình soạn thảo và lưu lại "
                                "dạng UTF-8", found.filename, code="RG501")
        filename = found.filename
        shown = filename if "--" not in filename and ">" not in filename else template
        return (f"<!--{SOURCE_MARK} {shown}-->{found.source}<!--/{SOURCE_MARK}-->", filename,
                lambda: True)

    def list_templates(self):
        return self.sources.names()


@functools.lru_cache(maxsize=32)
def _environment(sources: TemplateSources) -> jinja2.Environment:
    env = ReportSandbox(
        loader=_MarkedLoader(sources),
        undefined=AuthoringUndefined,
        autoescape=True,
        keep_trailing_newline=False,
    )
    guard_builtin_filters(env)
    env.filters.update({k: _refuse_undefined(f) for k, f in vnformat.FILTERS.items()})
    env.filters.update({k: _refuse_undefined(f) for k, f in HELPERS.items()})
    return env


def _refuse_undefined(fn):
    """A filter given an undefined value (`f.valeu | value`) fails as undefined (RG502,
    with the name and what exists) rather than as a number it cannot format."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, jinja2.Undefined):
                arg._fail_with_undefined_error()
        return fn(*args, **kwargs)
    return wrapper
