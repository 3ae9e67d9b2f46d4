"""Jinja's errors as `TemplateError`s a template author can act on: the template's file and
line, the code (RG501 syntax or an unknown filter/test, RG502 undefined, RG503 missing
template, RG504 a figure that cannot be formatted, RG506 refused by the sandbox) and, for a
misspelt name, the name that exists ('ý bạn là …?')."""
from __future__ import annotations

from typing import Optional

import jinja2

from ..data.figures import Report
from ..data.layout import Layout
from ..errors import TemplateError
from .context import context
from .environment import HELPERS, nearest
from .sandbox import SecurityError, security_error


def syntax_error(exc: jinja2.TemplateSyntaxError, filename: str) -> TemplateError:
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
        near = nearest(bad, jinja2.tests.TESTS)
        hint = f": ý bạn là '{near}'?" if near else ""
        msg = f"không có phép thử '{bad}' (sau 'is'){hint}"
    else:
        return None
    return msg


def translate(exc: Exception, env: jinja2.Environment, report: Report,
              layout: Layout) -> Exception:
    """The TemplateError for an error met while rendering (the error itself when it is not a
    template mistake: a bug, re-raised as it is)."""
    if isinstance(exc, SecurityError):
        file, line = getattr(exc.message, "origin", None) or _template_frame(exc)
        return security_error(exc, file, line)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_error(exc, exc.filename or "")
    if isinstance(exc, jinja2.UndefinedError):
        message = exc.message or ""
        file, line = getattr(message, "origin", None) or _template_frame(exc)
        if message.endswith("chưa được định nghĩa"):  # a bare name: suggest one that exists
            bad = message.split("'")[1]
            near = nearest(bad, _known_names(env, report, layout))
            if near:
                message += f"; ý bạn là '{near}'?"
        return TemplateError(f"biến chưa định nghĩa: {message} (kiểm tra tên biến, xem "
                             "docs/templates.md, hoặc khoá trong tệp số liệu)", file, line,
                             code="RG502")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"không tìm thấy mẫu '{exc.name}'", code="RG503")
    if isinstance(exc, jinja2.TemplateRuntimeError):
        unknown = _unknown_name(exc.message or "")
        if unknown is None:
            return exc
        file, line = _template_frame(exc)
        return TemplateError(unknown, file, line, code="RG501")
    if isinstance(exc, (TypeError, ValueError, ArithmeticError)):
        file, line = _template_frame(exc)
        return TemplateError(f"không định dạng được số liệu: {exc}", file, line, code="RG504")
    return exc


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
