"""Rendering a report's restricted HTML: the template step of the pipeline.

`render_html` checks the templates (`checks.py`), then renders ``report.html`` in the
environment (`environment.py`) with the report's context (`context.py`), in a child process
with a time, memory and output limit (`sandbox.py`); every mistake becomes a `TemplateError`
naming the template and line (`translate.py`). `template_findings` is `reportgen validate`'s
check of the same templates, without rendering. Templates come from memory (read at load
time, `data/templates.py`): nothing here opens a file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import jinja2

from ..data.figures import Report
from ..data.layout import Layout
from ..data.templates import TemplateSources
from ..errors import TemplateError
from .checks import check_layout_templates, check_templates
from .context import context
from .environment import make_environment
from .sandbox import LIMITS, SecurityError, render_stream, run_limited, translate_limits
from .translate import translate

REPORT_TEMPLATE = "report.html"


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
    except (SecurityError, jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise translate(exc, env, report, layout) from None
