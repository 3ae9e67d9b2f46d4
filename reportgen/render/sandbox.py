"""The sandbox staff templates run in, and the limits of one render.

Templates are untrusted input (a province may put its own in ``data/<slug>/templates/``).
They run in Jinja's `ImmutableSandboxedEnvironment` made stricter:

* attributes starting with ``_`` (``__class__``, ``__globals__``, ``__mro__`` …) and the
  internals the sandbox knows are refused (`SecurityError`, RG506 with template and line);
* templates read data, they do not call methods: on the report's own objects (figures,
  sections, the province, the layout) only fields and properties can be read, never a
  method (``province.model_dump()``, ``layout.parse_file('/etc/passwd')``); on plain
  values only a short list of harmless methods (`ALLOWED_METHODS`); ``str.format`` and
  every method that changes a list or dict are refused;
* operators and filters that make big values (``'a' * 10**9``, ``s + s`` in a loop,
  ``'%999999999d'``, ``x | center(10**9)``, ``replace``) are checked before they run.

`run_limited` renders in a child process (fork) with a time limit, a memory limit and an
output limit, so a template that loops forever, recurses or builds a huge string stops with
a TemplateError naming the template and line (RG507), never a hang, a `RecursionError` or
an exhausted machine, and a caller holding a lock (the preview) gets it back in time.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Optional

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..errors import TemplateError


@dataclass(frozen=True)
class Limits:
    """What one render may use. Tests lower `seconds`; nothing else should need to."""

    seconds: float = 30.0          # CPU time of one render (a report renders in < 1 s)
    memory: int = 1 << 30          # bytes of address space the render may add
    output: int = 50 << 20         # characters of HTML one render may produce
    size: int = 5_000_000          # characters (or items) one expression may build
    number: int = 100_000          # largest size-like argument (width, count) of a filter


LIMITS = Limits()

# methods a template may call on plain values (everything else is data to read)
_STR_METHODS = frozenset({
    "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip",
    "rstrip", "startswith", "endswith", "split", "rsplit", "splitlines", "partition",
    "rpartition", "replace", "join", "count", "find", "rfind", "index", "rindex",
    "removeprefix", "removesuffix", "isdigit", "isalpha", "isalnum", "isspace", "isupper",
    "islower", "isdecimal", "isnumeric", "istitle"})
ALLOWED_METHODS: dict[type, frozenset] = {
    str: _STR_METHODS,
    Markup: _STR_METHODS | {"striptags", "unescape"},
    dict: frozenset({"items", "keys", "values", "get"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
    dt.date: frozenset({"isoformat", "weekday", "isoweekday"}),
    dt.datetime: frozenset({"isoformat", "weekday", "isoweekday", "date"}),
}
# Jinja's own helper objects: their public methods are what templates use them for
_JINJA_TYPES = (jinja2.runtime.LoopContext, jinja2.runtime.Macro, jinja2.runtime.Namespace,
                jinja2.runtime.TemplateReference, jinja2.runtime.BlockReference,
                jinja2.environment.TemplateModule, jinja2.utils.Cycler, jinja2.utils.Joiner)

# filters whose numeric arguments set a size (width, count, length)
_SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate", "batch", "slice", "filesizeformat",
                  "round", "urlize", "random", "sum")
_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\*|\d+)(?:\.(\*|\d+))?")


class LimitExceeded(Exception):
    """A template asked for more than `Limits` allows (turned into RG507)."""


def _allowed_method(obj: Any, attr: str) -> bool:
    for kind in type(obj).__mro__:
        if kind in ALLOWED_METHODS:
            return attr in ALLOWED_METHODS[kind]
    return isinstance(obj, _JINJA_TYPES)


def _size(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def check_format_widths(fmt: Any, limits: Limits) -> None:
    """'%999999999d' would build a string of that width: refuse widths above the limit."""
    if isinstance(fmt, str):
        for m in _FORMAT_WIDTH.finditer(fmt):
            for part in m.groups():
                if part == "*" or (part and int(part) > limits.number):
                    raise LimitExceeded(f"độ rộng định dạng '{m.group(0)}' quá lớn "
                                        f"(tối đa {limits.number})")


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The environment every template runs in (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if callable(value):
            return _allowed_method(obj, attr)
        return True

    def wrap_str_format(self, value: Any):
        return None  # str.format / format_map: refused like any method not listed

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        limit = LIMITS.size
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    if _size(seq) * max(times, 0) > limit:
                        raise LimitExceeded(f"phép nhân tạo chuỗi/danh sách quá lớn "
                                            f"({_size(seq)} × {times}; tối đa {limit})")
        elif operator == "**":
            if isinstance(right, (int, float, Decimal)) and abs(right) > 1000:
                raise LimitExceeded(f"số mũ {right} quá lớn (tối đa 1000)")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and _size(left) + _size(right) > limit:
                raise LimitExceeded(f"phép cộng tạo chuỗi/danh sách quá lớn (tối đa {limit})")
        elif operator == "%":
            check_format_widths(left, LIMITS)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and name == "replace" and len(args) >= 2:
            _check_replace(owner, args[0], args[1])
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, (str, list, tuple)) and _size(result) > LIMITS.size:
            raise LimitExceeded(f"kết quả của {name or 'lời gọi'} quá lớn "
                                f"({_size(result)} ký tự/mục; tối đa {LIMITS.size})")
        return result


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grows = (len(new) - len(old)) * (text.count(old) if old else len(text) + 1)
        if len(text) + grows > LIMITS.size:
            raise LimitExceeded(f"replace tạo chuỗi quá lớn (tối đa {LIMITS.size} ký tự)")


def _guard_filter(name: str, fn: Callable) -> Callable:
    """A built-in filter with its size-like arguments and its result checked."""
    import functools

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not isinstance(a, (jinja2.runtime.Context, jinja2.Environment,
                                                        jinja2.nodes.EvalContext))]
        if name == "format" and values:
            check_format_widths(values[0], LIMITS)
        if name == "replace" and len(values) >= 3:
            _check_replace(values[0], values[1], values[2])
        if name in _SIZED_FILTERS:
            for a in values[1:] + list(kwargs.values()):
                if isinstance(a, (int, float, Decimal)) and not isinstance(a, bool) \
                        and abs(a) > LIMITS.number:
                    raise LimitExceeded(f"tham số {a} của bộ lọc '{name}' quá lớn "
                                        f"(tối đa {LIMITS.number})")
        result = fn(*args, **kwargs)
        if isinstance(result, (str, list)) and _size(result) > LIMITS.size:
            raise LimitExceeded(f"kết quả của bộ lọc '{name}' quá lớn (tối đa {LIMITS.size})")
        return result
    return guarded


def guard_builtin_filters(env: jinja2.Environment) -> None:
    for name, fn in list(jinja2.filters.FILTERS.items()):
        if env.filters.get(name) is fn:
            env.filters[name] = _guard_filter(name, fn)


# ------------------------------------------------------------------ where in a template
def template_frame(tb) -> tuple[Optional[str], int]:
    """(template file, line) of the innermost template frame of a traceback: a frame of a
    compiled template, or one of the frames Jinja puts in its place (`rewrite_traceback_stack`)
    when an exception leaves the render."""
    found: tuple[Optional[str], int] = (None, 0)
    while tb is not None:
        frame = tb.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            found = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        elif "__jinja_exception__" in frame.f_globals:
            found = (frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _frame_line(frame) -> tuple[Optional[str], int]:
    """(template file, line) of the innermost template frame at or above `frame`."""
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            return template.filename, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None, 0


def _generator_line(gen) -> tuple[Optional[str], int]:
    """(template file, line) where a suspended render generator stands (innermost)."""
    found: tuple[Optional[str], int] = (None, 0)
    while gen is not None:
        frame = getattr(gen, "gi_frame", None)
        if frame is not None:
            where = _frame_line(frame)
            if where[0]:
                found = where
        # an {% include %} iterates the included template's generator, kept in `gen`
        inner = getattr(gen, "gi_yieldfrom", None)
        if inner is None and frame is not None:
            inner = frame.f_locals.get("gen")
        gen = inner if inner is not gen else None
    return found


class _OutOfTime(BaseException):
    """Raised by the timer inside the render (a BaseException: no `except Exception` in a
    filter or in Jinja swallows it)."""


def limit_error(message: str, file: Optional[str], line: int) -> TemplateError:
    return TemplateError(f"mẫu vượt giới hạn: {message}: sửa vòng lặp, đệ quy hay phép tính ở "
                         "dòng này (xem docs/templates.md)", file, line, code="RG507")


def render_stream(chunks, limits: Limits) -> str:
    """Join a render generator's output, stopping at `limits.output` characters."""
    out: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limits.output:
            file, line = _generator_line(chunks)
            raise limit_error(f"báo cáo dài quá {limits.output} ký tự", file, line)
        out.append(chunk)
    return "".join(out)


def translate_limits(fn: Callable[[], str]) -> str:
    """Run `fn` (a render), turning the ways a template can exhaust the process into RG507."""
    try:
        return fn()
    except LimitExceeded as exc:
        file, line = template_frame(exc.__traceback__)
        raise limit_error(str(exc), file, line) from None
    except RecursionError as exc:
        file, line = template_frame(exc.__traceback__)
        raise limit_error("đệ quy quá sâu (macro gọi chính nó, hoặc mẫu include chính nó)",
                          file, line) from None
    except MemoryError as exc:
        file, line = template_frame(exc.__traceback__)
        raise limit_error("hết bộ nhớ cho phép (chuỗi hay danh sách quá lớn)", file, line) from None
    except _OutOfTime as exc:
        file, line = template_frame(exc.__traceback__)
        raise limit_error(f"dựng quá {LIMITS.seconds:g} giây CPU (vòng lặp quá dài hoặc không dừng)",
                          file, line) from None


# ------------------------------------------------------------------ a render in a child
def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _child(fn: Callable[[], str], limits: Limits, wfd: int) -> None:
    import resource

    def out_of_time(signum, frame):
        raise _OutOfTime()

    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends us
        signal.signal(signal.SIGVTALRM, out_of_time)
        # CPU time, not wall time: a busy machine does not fail a normal render. Fires again
        # every second in case the first one landed where it was swallowed.
        signal.setitimer(signal.ITIMER_VIRTUAL, limits.seconds, 1.0)
        base = _vm_size()
        if base:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (base + limits.memory, resource.RLIM_INFINITY))
            except (ValueError, OSError):
                pass
        try:
            payload = ("ok", fn())
        except TemplateError as exc:  # already turned into a message with file and line
            payload = ("template", exc.message, exc.file, exc.line, exc.column, exc.code)
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        try:
            data = pickle.dumps(payload)
        except Exception:
            data = pickle.dumps(("bug", traceback.format_exc()))
    except BaseException:  # a bug in reportgen: the parent shows it as one
        status = 1
        try:
            data = pickle.dumps(("bug", traceback.format_exc()))
        except BaseException:
            data = b""
    try:
        view = memoryview(data)
        while view:
            n = os.write(wfd, view)
            view = view[n:]
    finally:
        os._exit(status)


def run_limited(fn: Callable[[], str], limits: Optional[Limits] = None,
                what: Optional[str] = None) -> str:
    """`fn()` (a render) in a forked child under `limits`; its TemplateError comes back as a
    TemplateError, a bug as RuntimeError. Without fork (not POSIX), `fn()` runs here."""
    limits = limits or LIMITS
    if not hasattr(os, "fork"):
        return fn()
    rfd, wfd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(rfd)
        _child(fn, limits, wfd)
    os.close(wfd)
    chunks: list[bytes] = []
    # the child's CPU timer fires first; this wall-time backstop is for a child that waits
    deadline = time.monotonic() + 4 * limits.seconds + 30
    killed = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([rfd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(rfd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:  # Ctrl-C or an error here: the child must not outlive us
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(rfd)
    _, status = os.waitpid(pid, 0)
    if killed:
        raise limit_error(f"dựng quá {4 * limits.seconds + 30:g} giây mà chưa xong", what, 0)
    try:
        payload = pickle.loads(b"".join(chunks))
    except Exception:
        payload = None
    if payload is None:
        sig = -os.waitstatus_to_exitcode(status) if os.WIFSIGNALED(status) else 0
        why = "hết bộ nhớ cho phép" if sig in (signal.SIGKILL, signal.SIGSEGV) else \
            f"tiến trình dựng dừng bất thường (mã {os.waitstatus_to_exitcode(status)})"
        raise limit_error(why, what, 0)
    if payload[0] == "ok":
        return payload[1]
    if payload[0] == "template":
        _, message, file, line, column, code = payload
        raise TemplateError(message, file, line, column, code=code)
    raise RuntimeError(f"lỗi khi dựng mẫu:\n{payload[1]}")


def security_error(exc: SecurityError, file: Optional[str], line: int) -> TemplateError:
    detail = exc.message or ""
    m = re.search(r"access to attribute '([^']*)' of '([^']*)'", detail)
    if m:
        detail = f"thuộc tính '{m.group(1)}' của {m.group(2)}"
    return TemplateError(f"mẫu truy cập {detail}: không được phép. Mẫu chỉ đọc số liệu (trường "
                         "và thuộc tính), không dùng tên bắt đầu bằng '_' và không gọi phương "
                         "thức của đối tượng (xem docs/templates.md)", file, line, code="RG506")
