"""The Jinja environment and the rendering of a report's restricted HTML.

Templates are found through a loader chain: ``data/<slug>/templates/`` (a province's
overrides) then ``templates/``. Jinja runs with StrictUndefined and autoescaping, with the
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

from . import vnformat
from .errors import TemplateError
from .figures import Report
from .layout import Layout
from .reader import check_fragment

REPORT_TEMPLATE = "report.html"

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    """4 -> 'IV' (part and section numbers)."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def title_vn(text: str) -> str:
    """'SỞ CÔNG THƯƠNG' -> 'Sở Công Thương' (agency names in running text)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


@pass_context
def fill_title(ctx, text: str) -> str:
    """Fill {period_upper}, {next_upper}, {period}, {next}, {year} in a layout title."""
    return text.format(period=ctx["period_label"], next=ctx["next_label"],
                       period_upper=ctx["period_label"].upper(), next_upper=ctx["next_label"].upper(),
                       year=ctx["report"].period.year)


HELPERS = {"roman": roman, "upper_first": upper_first, "lower_first": lower_first,
           "title_vn": title_vn, "fill_title": fill_title}


def make_environment(templates: Path, province_dir: Optional[Path] = None) -> jinja2.Environment:
    """One environment per template search path and process; Jinja recompiles a template
    when its file changes (auto_reload), so caching is safe for long-lived processes."""
    return _environment(tuple(str(p) for p in _search_path(templates, province_dir)))


def _search_path(templates: Path, province_dir: Optional[Path]) -> list[Path]:
    paths = []
    if province_dir is not None and (province_dir / "templates").is_dir():
        paths.append(province_dir / "templates")
    paths.append(templates)
    return [p.resolve() for p in paths]


@functools.lru_cache(maxsize=32)
def _environment(paths: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(paths)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=False,
        auto_reload=True,
    )
    env.filters.update(vnformat.FILTERS)
    env.filters.update(HELPERS)
    return env


def period_labels(report: Report) -> dict[str, str]:
    """Wording of the period, the previous and the next one."""
    p = report.period
    if p.half == "h1":
        return {"period_label": f"6 tháng đầu năm {p.year}",
                "next_label": f"6 tháng cuối năm {p.year}",
                "prev_label": f"6 tháng đầu năm {p.year - 1}",
                "same_base": f"cùng kỳ năm {p.year - 1}",
                "plan_label": "kế hoạch năm"}
    if p.half == "h2":
        return {"period_label": f"6 tháng cuối năm {p.year}",
                "next_label": f"năm {p.year + 1}",
                "prev_label": f"6 tháng cuối năm {p.year - 1}",
                "same_base": f"cùng kỳ năm {p.year - 1}",
                "plan_label": "kế hoạch năm"}
    return {"period_label": f"năm {p.year}", "next_label": f"năm {p.year + 1}",
            "prev_label": f"năm {p.year - 1}", "same_base": f"cùng kỳ năm {p.year - 1}",
            "plan_label": "kế hoạch năm"}


def context(report: Report, layout: Layout) -> dict[str, Any]:
    """What templates see (documented in docs/templates.md)."""
    labels = period_labels(report)
    document = report.data.document
    subject = document.subject or (
        f"Kết quả thực hiện nhiệm vụ {labels['period_label']}\n"
        f"và phương hướng, nhiệm vụ {labels['next_label']}")
    return {
        "report": report,
        "province": report.province,
        "period": report.period,
        "document": document,
        "signer": document.signer or report.province.signer,
        "sections": report.sections,
        "layout": layout,
        "subject_lines": subject.split("\n"),
        "doc_title": "Báo cáo " + subject.replace("\n", " "),
        **labels,
    }


def check_templates(env: jinja2.Environment, names: list[str]) -> None:
    """Static check of every template used: syntax, filters, and the HTML vocabulary."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"không tìm thấy mẫu '{name}': tạo tệp templates/{name} "
                                "hoặc sửa tên trong layout.yaml", name, code="RG503") from None
        todo.extend(_checked(env, name, source, filename))


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
    # literal HTML of the template, with its line numbers
    for lineno, token_type, value in env.lex(source, name, filename):
        if token_type == "data":
            check_fragment(value, filename, lineno)
    _CHECKED[key] = refs = _referenced(ast)
    return refs


_CHECKED: dict[tuple[str, str], list[str]] = {}


def _referenced(ast) -> list[str]:
    from jinja2 import meta
    return [n for n in meta.find_referenced_templates(ast) if n]


def _syntax_error(exc: jinja2.TemplateSyntaxError, filename: str) -> TemplateError:
    msg = exc.message or "lỗi cú pháp"
    if "No filter named" in msg:
        bad = msg.split("'")[1] if "'" in msg else msg
        import difflib
        from .vnformat import FILTERS
        names = list(FILTERS) + list(HELPERS) + list(jinja2.filters.FILTERS)
        near = difflib.get_close_matches(bad, names, n=1)
        hint = f": ý bạn là '{near[0]}'?" if near else ": xem danh sách bộ lọc trong docs/filters.md"
        msg = f"không có bộ lọc '{bad}'{hint}"
    else:
        msg = f"lỗi cú pháp mẫu: {msg}"
    return TemplateError(msg, exc.filename or filename, exc.lineno or 0, code="RG501")


def render_html(report: Report, layout: Layout, templates: Path,
                province_dir: Optional[Path] = None) -> str:
    """Render the report's restricted HTML. Raises TemplateError naming template and line."""
    env = make_environment(templates, province_dir)
    names = [REPORT_TEMPLATE] + [s.template_name for p in layout.parts for s in p.sections
                                 if s.key in report.sections]
    check_templates(env, names)
    try:
        return env.get_template(REPORT_TEMPLATE).render(context(report, layout))
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, exc.filename or "") from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc, templates)
        raise TemplateError(f"biến chưa định nghĩa: {exc.message}; kiểm tra tên biến (xem "
                            "docs/templates.md) hoặc khoá trong tệp số liệu", file, line,
                            code="RG502") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"không tìm thấy mẫu '{exc.name}'", code="RG503") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        file, line = _template_frame(exc, templates)
        raise TemplateError(f"không định dạng được số liệu: {exc}", file, line,
                            code="RG504") from None


def _template_frame(exc: BaseException, templates: Path) -> tuple[Optional[str], int]:
    """The innermost traceback frame that belongs to a template file."""
    tb = exc.__traceback__
    found: tuple[Optional[str], int] = (None, 0)
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if fname.endswith((".html", ".jinja", ".j2")):
            found = (fname, tb.tb_lineno)
        tb = tb.tb_next
    return found
