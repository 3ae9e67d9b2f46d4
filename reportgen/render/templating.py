"""The Jinja environment and the rendering of a report's restricted HTML.

Templates come from memory: the loading stage read the chain (``data/<slug>/templates/``, a
province's overrides, then ``templates/`` and the package theme) into a `TemplateSources`
(`data/templates.py`); no file is opened while rendering. Jinja runs sandboxed (`reportgen/sandbox.py`: data only, no
internals, limited work per render) with StrictUndefined and autoescaping, with the
vnformat functions as filters. Every template is checked before rendering: an element or
attribute outside the vocabulary of `reader.py` is an error naming the template and line.
Errors from Jinja (undefined variable, unknown filter, syntax) are turned into
`TemplateError`s with the template's name and line.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any, Optional

import jinja2
from jinja2 import pass_context

from .. import vnformat
from . import appendix, charts
from ..errors import TemplateError, display_path
from ..data.figures import Report
from ..data.layout import Layout, fill_title_text
from ..data.templates import TemplateSources
from ..document.reader import check_fragment
from ..vnformat import lower_first, title_vn, upper_first
from .sandbox import (LIMITS, ReportSandbox, SecurityError, guard_builtin_filters, render_stream,
                      run_limited, security_error, translate_limits)

REPORT_TEMPLATE = "report.html"



from ..typography import unbreakable  # 'Sở Công Thương Thái Nguyên' on one line
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


def _nearest(name: str, candidates) -> Optional[str]:
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
            near = _nearest(name, keys)
            shown = ", ".join(keys[:12]) + (", …" if len(keys) > 12 else "") if keys else "trống"
            hint = f"; ý bạn là '{near}'?" if near else ""
            return f"không có khoá '{name}' (các khoá có: {shown}){hint}"
        what = type(obj).__name__
        ident = getattr(obj, "key", None) or getattr(obj, "id", None)
        if isinstance(ident, str):
            what += f" '{ident}'"
        attrs = [a for a in dir(obj) if not a.startswith(("_", "model_"))
                 and not callable(getattr(obj, a, None))]
        near = _nearest(name, attrs)
        hint = f"; ý bạn là '{near}'?" if near else ""
        return f"{what} không có thuộc tính '{name}'{hint}"


from ..document.reader import SOURCE_MARK  # noqa: E402  <!--rg-template FILE--> … <!--/rg-template-->


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


def period_labels(report: Report) -> dict[str, str]:
    """Wording of the period, the same period a year earlier, and the next period."""
    p = report.period
    style = report.province.style
    return {"period_label": p.label,
            "next_label": p.next.label,
            "prev_label": p.previous.label,
            "prev_year": p.year - 1,
            "same_base": vnformat.format_base(style.base, p.year - 1, p.half),
            "plan_label": style.plan_name}


def _chart_functions(report: Report):
    """`has_chart(name)` and `chart(name, caption, source=None, width=150)` for templates.

    `chart` emits ``<figure data-chart=…>`` when the chart has data (see render/charts.py)
    and nothing otherwise; the reader draws the picture from the report."""
    from markupsafe import Markup

    def has_chart(name: str) -> bool:
        return charts.available(name, report)

    def chart(name: str, caption: str = "", source: Optional[str] = None, width: int = 150):
        if not has_chart(name):
            return ""
        if source is None:
            source = f"Nguồn: {title_vn(report.province.agency)} {report.province.name}."
        return Markup('<figure data-chart="{}" data-width="{}" data-source="{}">'
                      "<figcaption>{}</figcaption></figure>").format(name, width, source, caption)

    return has_chart, chart


def _fill_function(report: Report):
    def fill(section: str, pattern: str) -> str:
        """An author's sentence with its placeholders filled (reportgen/sentences.py)."""
        from ..data.sentences import fill as fill_sentence, finish
        return finish(fill_sentence(report, section, pattern))
    return fill


def _appendix_function(report: Report, layout: Layout):
    def appendix_rows(task_units=("nhiệm vụ",)):
        """The rows of the table "Biểu chỉ tiêu chủ yếu" (render/appendix.py)."""
        return appendix.rows(report, layout, tuple(task_units))

    def appendix_table(task_units=("nhiệm vụ",)):
        """The table "Biểu chỉ tiêu chủ yếu": rows, shown columns, widths (render/appendix.py)."""
        return appendix.table(report, layout, tuple(task_units))
    appendix_rows.table = appendix_table
    return appendix_rows


def context(report: Report, layout: Layout) -> dict[str, Any]:
    """What templates see (documented in docs/templates.md)."""
    labels = period_labels(report)
    has_chart, chart = _chart_functions(report)
    from ..data.doccheck import has_next_part, is_draft, signer_of

    document = report.data.document
    # the subject promises only the parts the report holds (RG702 when a stated one does not)
    subject = document.subject or (
        f"Kết quả thực hiện nhiệm vụ {labels['period_label']}"
        + (f"\nvà phương hướng, nhiệm vụ {labels['next_label']}" if has_next_part(report) else ""))
    return {
        "report": report,
        "province": report.province,
        "period": report.period,
        "document": document,
        "signer": signer_of(report),
        "draft": is_draft(report),
        "subject_text": " ".join(subject.split()),
        "sections": report.sections,
        "layout": layout,
        "subject_lines": subject.split("\n"),
        "doc_title": "Báo cáo " + subject.replace("\n", " "),
        "appendix_rows": (rows_fn := _appendix_function(report, layout)),
        "appendix_table": rows_fn.table,
        "fill": _fill_function(report),
        "has_chart": has_chart,
        "chart": chart,
        "chart_names_all": list(charts.NAMES),
        **labels,
    }


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
    near = _nearest(name, _template_names(env))
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
            near = stems.get(_nearest(Path(name).stem, stems) or "")
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
        raise _syntax_error(exc, filename) from None
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


# attributes of Python internals (frames, code, functions) a template has no use for
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


def _syntax_error(exc: jinja2.TemplateSyntaxError, filename: str) -> TemplateError:
    msg = exc.message or "lỗi cú pháp"
    return TemplateError(_unknown_name(msg) or f"lỗi cú pháp mẫu: {msg}",
                         exc.filename or filename, exc.lineno or 0, code="RG501")


def _unknown_name(msg: str) -> Optional[str]:
    """Jinja's "No filter/test named 'x'" as a message naming the nearest one (Jinja reports
    these when compiling, or when rendering for a filter or test inside an `if`)."""
    if "No filter named" in msg:
        bad = msg.split("'")[1] if "'" in msg else msg
        import difflib
        from ..vnformat import FILTERS
        names = list(FILTERS) + list(HELPERS) + list(jinja2.filters.FILTERS)
        near = difflib.get_close_matches(bad, names, n=1)
        hint = f": ý bạn là '{near[0]}'?" if near else ": xem danh sách bộ lọc trong docs/filters.md"
        msg = f"không có bộ lọc '{bad}'{hint}"
    elif "No test named" in msg:
        bad = msg.split("'")[1] if "'" in msg else msg
        near = _nearest(bad, jinja2.tests.TESTS)
        hint = f": ý bạn là '{near}'?" if near else ""
        msg = f"không có phép thử '{bad}' (sau 'is'){hint}"
    else:
        return None
    return msg


def template_findings(sources: TemplateSources, layout: Layout,
                      province_dir: Optional[Path] = None) -> list:
    """`reportgen validate`'s check of the templates a province uses (syntax, filters, HTML
    vocabulary, unsafe names): the first problem as a Finding, or []. `sources`: the
    province's template chain as loaded (`dataset.load_templates`); `province_dir` only
    names the province's own folder in messages."""
    from ..errors import ERROR, Finding

    env = make_environment(sources)
    try:
        check_layout_templates(env, layout, province_dir)
        check_templates(env, [REPORT_TEMPLATE] + [s.template_name for s in layout.sections])
    except TemplateError as exc:
        return [Finding(exc.file or REPORT_TEMPLATE, exc.line, exc.column, exc.code, ERROR,
                        exc.message)]
    return []


def render_html(report: Report, layout: Layout, sources: TemplateSources,
                province_dir: Optional[Path] = None) -> str:
    """Render the report's restricted HTML from the templates read at load time (`sources`;
    `province_dir` only names the province's own folder in messages). Raises TemplateError
    naming template and line."""
    env = make_environment(sources)
    check_layout_templates(env, layout, province_dir)
    names = [REPORT_TEMPLATE] + [s.template_name for p in layout.parts for s in p.sections
                                 if s.key in report.sections]
    check_templates(env, names)
    from . import appendix, charts  # noqa: F401  (imported before the fork: the child inherits)
    # in a child process with a time, memory and output limit (reportgen/sandbox.py)
    return run_limited(lambda: _render(env, report, layout), what=REPORT_TEMPLATE)


def _render(env: jinja2.Environment, report: Report, layout: Layout) -> str:
    """The render itself, every template mistake turned into a TemplateError."""
    try:
        return translate_limits(lambda: render_stream(
            env.get_template(REPORT_TEMPLATE).generate(context(report, layout)), LIMITS))
    except SecurityError as exc:
        file, line = getattr(exc.message, "origin", None) or _template_frame(exc)
        raise security_error(exc, file, line) from None
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, exc.filename or "") from None
    except jinja2.UndefinedError as exc:
        message = exc.message or ""
        file, line = getattr(message, "origin", None) or _template_frame(exc)
        if message.endswith("chưa được định nghĩa"):  # a bare name: suggest one that exists
            bad = message.split("'")[1]
            near = _nearest(bad, _known_names(env, report, layout))
            if near:
                message += f"; ý bạn là '{near}'?"
        raise TemplateError(f"biến chưa định nghĩa: {message} (kiểm tra tên biến, xem "
                            "docs/templates.md, hoặc khoá trong tệp số liệu)", file, line,
                            code="RG502") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"không tìm thấy mẫu '{exc.name}'", code="RG503") from None
    except jinja2.TemplateRuntimeError as exc:
        unknown = _unknown_name(exc.message or "")
        if unknown is None:
            raise
        file, line = _template_frame(exc)
        raise TemplateError(unknown, file, line, code="RG501") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        file, line = _template_frame(exc)
        raise TemplateError(f"không định dạng được số liệu: {exc}", file, line,
                            code="RG504") from None


def _known_names(env: jinja2.Environment, report: Report, layout: Layout) -> list[str]:
    """Names a template can use: the context, Jinja's globals, the macros of macros.html."""
    import re
    names = list(context(report, layout)) + list(env.globals) + ["sec", "spec"]
    try:
        source = env.loader.get_source(env, "macros.html")[0]
        names += re.findall(r"\{%-?\s*macro\s+(\w+)", source)
    except jinja2.TemplateNotFound:
        pass
    return names


def _template_frame(exc: BaseException) -> tuple[Optional[str], int]:
    """The innermost traceback frame that belongs to a template file."""
    tb = exc.__traceback__
    found: tuple[Optional[str], int] = (None, 0)
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname.endswith((".html", ".jinja", ".j2")):
            found = (fname, tb.tb_lineno)
        tb = tb.tb_next
    return found
