"""Static checks of the templates before anything is rendered.

Every template a report uses (and every one it includes or imports) is parsed and compiled
(syntax, unknown filters), its names checked for Python internals (RG506: what the sandbox
would refuse anyway, reported at the line), and its literal HTML checked against the reader's
vocabulary (`document/reader.py`): an element or attribute outside it is an error naming the
template and line. Every section of the layout must have its template (RG503). Results are
remembered per file content, so unchanged templates are checked once per process.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

import jinja2

from ..data.layout import Layout
from ..document.markup import check_fragment
from ..errors import TemplateError, display_path
from .environment import nearest
from .translate import syntax_error


def check_templates(env: jinja2.Environment, names: list[str]) -> None:
    """Static check of every template used: syntax, filters, and the HTML vocabulary."""
    seen: set[str] = set()
    todo: list[tuple[str, Optional[tuple[str, str]]]] = [(n, None) for n in names]
    while todo:
        name, referrer = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            raise _missing_template(env, name, referrer) from None
        todo.extend((ref, (filename, source)) for ref in _checked(env, name, source, filename))


def _template_names(env: jinja2.Environment) -> list[str]:
    try:
        return env.loader.list_templates()
    except (TypeError, OSError):
        return []


def _missing_template(env: jinja2.Environment, name: str,
                      referrer: Optional[tuple[str, str]]) -> TemplateError:
    """RG503 for a template that `{% include %}`/`{% import %}` names, at the line naming it."""
    near = nearest(name, _template_names(env))
    hint = f"ý bạn là '{near}'? " if near else ""
    if referrer is None:
        return TemplateError(f"không tìm thấy mẫu '{name}': {hint}tạo tệp templates/{name}",
                             name, code="RG503")
    filename, source = referrer
    line = next((i for i, text in enumerate(source.splitlines(), 1)
                 if f'"{name}"' in text or f"'{name}'" in text), 0)
    return TemplateError(f"không tìm thấy mẫu '{name}': {hint}tạo tệp templates/{name} hoặc "
                         "sửa tên mẫu ở dòng này", filename, line, code="RG503")


def check_layout_templates(env: jinja2.Environment, layout: Layout,
                           province_dir: Optional[Path] = None) -> None:
    """Every section of the layout has its template (whether or not the data has it yet):
    RG503 naming the layout file and the line of the section's entry otherwise."""
    for spec in layout.sections:
        name = spec.template_name
        try:
            env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            stems = {Path(n).stem: n for n in _template_names(env) if n.startswith("sections/")}
            near = stems.get(nearest(Path(name).stem, stems) or "")
            hint = f" (mẫu gần giống: '{near}')" if near else ""
            own = (f" hoặc {display_path(province_dir / 'templates' / name)} (riêng tỉnh này)"
                   if province_dir is not None else "")
            raise TemplateError(
                f"phần '{spec.key}' trong bố cục không có tệp mẫu '{name}'{hint}: tạo tệp "
                f"templates/{name} (mọi tỉnh){own}, hoặc sửa 'key'/'template' của mục này, "
                "hoặc xoá mục khỏi bố cục (xem docs/templates.md)",
                layout.source, layout.line_of(spec.key), code="RG503") from None


def _checked(env: jinja2.Environment, name: str, source: str, filename: str) -> list[str]:
    """Check one template (syntax, filters, HTML vocabulary); returns the templates it uses.
    Results are remembered per file content, so unchanged templates are checked once."""
    key = (filename, hashlib.sha1(source.encode("utf-8")).hexdigest())
    if key in _CHECKED:
        return _CHECKED[key]
    try:
        ast = env.parse(source, name, filename)
        env.get_template(name)  # compiles (unknown filters fail here) and caches
    except jinja2.TemplateSyntaxError as exc:
        raise syntax_error(exc, filename) from None
    check_safety(ast, filename)
    # literal HTML of the template, with its line numbers
    for lineno, token_type, value in env.lex(source, name, filename):
        if token_type == "data":
            check_fragment(value, filename, lineno)
    _CHECKED[key] = refs = _referenced(ast)
    return refs


_CHECKED: dict[tuple[str, str], list[str]] = {}


def _private(name: object) -> bool:
    return isinstance(name, str) and (name.startswith("_") or name in _INTERNALS)


_INTERNALS = frozenset({"mro", "func_globals", "func_code", "gi_frame", "gi_code", "cr_frame",
                        "cr_code", "ag_frame", "ag_code", "f_globals", "f_locals", "f_back",
                        "f_builtins", "tb_frame", "tb_next", "im_func", "im_self", "im_class"})


def check_safety(ast, filename: str) -> None:
    """RG506 before rendering for what the sandbox would refuse anyway: a name starting with
    '_' (`x.__class__`, `x['__globals__']`, `x | attr('__mro__')`) or a Python internal."""
    from jinja2 import nodes

    bad: list[tuple[int, str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Name)):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args \
                and isinstance(node.args[0], nodes.Const):
            name = node.args[0].value
        elif isinstance(node, nodes.Name):
            name = node.name if node.name.startswith("__") else None
        if _private(name):
            bad.append((node.lineno, name))
    if bad:
        line = min(n for n, _ in bad)
        names = ", ".join(f"'{n}'" for n in sorted({n for ln, n in bad if ln == line}))
        raise TemplateError(f"mẫu truy cập {names}: không được phép. Mẫu chỉ đọc số liệu "
                            "(trường và thuộc tính), không dùng tên bắt đầu bằng '_' hay "
                            "phần bên trong của Python (xem docs/templates.md)",
                            filename, line, code="RG506")


def _referenced(ast) -> list[str]:
    from jinja2 import meta
    return [n for n in meta.find_referenced_templates(ast) if n]
