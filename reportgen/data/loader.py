"""Safe YAML loading that keeps line numbers.

The file is composed into a node tree with ruamel.yaml (no Python objects are ever
constructed), then converted to plain data (dict, list, str, int, Decimal, bool, date,
None) while recording the line and column of every key and value. Problems become
findings: syntax, tabs, duplicate keys, non-UTF-8 bytes, byte-order marks, control
characters (surrogates, noncharacters, tag characters, Hangul fillers, soft hyphens: none can
be in a report, and a look-alike id is a different id), unsupported tags, alias bombs
(counted in nodes and in characters after expansion), oversized or too deeply nested files,
numbers out of range, ambiguous numbers such as an unquoted ``5.300`` (which YAML reads as
5.3) and numbers in another notation (``0x1A68``, ``0o15150``, ``6_760``, ``017``). All
text, keys included, is normalised to Unicode NFC, so a decomposed ``ước đạt`` equals the
composed one.

Codes: RG100 unreadable · RG101 syntax · RG102 tab · RG103 duplicate key · RG104 encoding ·
RG105 tag, merge or complex key · RG106 too large, too many nodes or characters, too deep ·
RG107 control, invisible or non-character · RG108 empty · RG110 ambiguous number or another
notation · RG111 not a finite number,
or out of range.
"""
from __future__ import annotations

import datetime as dt
import errno
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import ERROR, Finding, display_path, os_reason

MAX_BYTES = 5 * 1024 * 1024  # data files are a few kB; refuse anything absurd
MAX_NODES = 50_000  # after alias expansion (a report has a few thousand)
MAX_DEPTH = 40  # a period file nests 6 levels deep
# characters of all keys and values after alias expansion: no more than a file without
# aliases can hold (one long string repeated 20 000 times by aliases took 88 s to validate
# and the memory of the machine to build)
MAX_CHARS = MAX_BYTES

# Numbers a report can hold: at most 15 digits before the decimal mark and 6 after. Within
# these bounds every derived figure (growth, plan completion, sums) fits the 28 digits of
# the default decimal context, so no arithmetic can overflow.
MAX_INT_DIGITS = 15
MAX_FRAC_DIGITS = 6

Path_ = tuple  # a path into the data: ("sections", "cong_nghiep", "indicators", "gtsx")

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map",
                                    "seq")}
# An unquoted 5.300 or 1.586: a Vietnamese thousands group that YAML reads as a decimal.
# (0.500 is not ambiguous: no thousands group starts with 0.)
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
# C0 controls except tab/LF/CR, DEL, C1 controls (NEL included).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that make two equal-looking keys or numbers differ: zero-width
# spaces and joiners, direction marks and overrides, word joiner, a BOM inside the text,
# line and paragraph separators, the soft hyphen, the combining grapheme joiner, the
# Mongolian vowel separator, Hangul fillers (drawn as nothing) and Unicode tag characters
# (an invisible copy of ASCII).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                        "\u2028\u2029\ufff9-\ufffb\u00ad\u034f\u180e\u115f\u1160\u3164"
                        "\uffa0\U000e0000-\U000e007f]")
# Half of a UTF-16 surrogate pair ("\ud800" in double quotes): no file can be written with
# it, every build would fail. Noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF).
_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(p * 0x10000 + 0xfffe)}{chr(p * 0x10000 + 0xffff)}" for p in range(1, 17)) + "]")
_REFUSED = re.compile("|".join(r.pattern for r in (_CONTROL, _INVISIBLE, _SURROGATE,
                                                   _NONCHARACTER)))
_NAMES = {"\u00ad": "gạch nối mềm", "\u115f": "ký tự lấp Hangul", "\u1160": "ký tự lấp Hangul",
          "\u3164": "ký tự lấp Hangul", "\uffa0": "ký tự lấp Hangul",
          "\u200b": "dấu cách độ rộng 0", "\ufeff": "dấu BOM"}


def refused_character(text: str) -> tuple[int, str] | None:
    """(index, Vietnamese description) of the first character a data file may not hold."""
    m = _REFUSED.search(text)
    if not m:
        return None
    ch = m.group()
    code = ord(ch)
    if _CONTROL.match(ch):
        kind = "ký tự điều khiển"
    elif _SURROGATE.match(ch):
        kind = "nửa cặp thay thế UTF-16 (surrogate, không phải ký tự)"
    elif _NONCHARACTER.match(ch):
        kind = "mã không phải ký tự (noncharacter)"
    elif 0xE0000 <= code <= 0xE007F:
        kind = "ký tự thẻ Unicode (tag, vô hình)"
    else:
        kind = "ký tự vô hình" + (f" ({_NAMES[ch]})" if ch in _NAMES else "")
    return m.start(), f"{kind} U+{code:04X}"


_LINES = re.compile(r"\r\n|\r|\n")

_ERRNO = {
    errno.EACCES: "không có quyền đọc tệp: kiểm tra quyền truy cập",
    errno.EPERM: "không có quyền đọc tệp: kiểm tra quyền truy cập",
    errno.EISDIR: "đây là một thư mục, không phải tệp: đổi tên thư mục",
    errno.ELOOP: "liên kết vòng: xoá liên kết",
}


@dataclass
class Loaded:
    """Plain data from one YAML file with the position of every key and value."""

    path: Path
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # values replaced by None because of a finding here (the schema need not repeat it)
    bad_paths: set[Path_] = field(default_factory=set)
    # the file's bytes as read (None when it could not be read): what the PDF attaches
    raw: bytes | None = None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `path`, or of its nearest ancestor."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def finding(self, path: Path_, code: str, message: str, severity: str = ERROR,
                key: bool = False) -> Finding:
        line, col = self.where(path, key)
        return Finding(display_path(self.path), line, col, code, severity, message)

    def reject(self, path: Path_, code: str, message: str) -> None:
        """Record an error for the value at `path`, which the loader replaces by None."""
        self.findings.append(self.finding(path, code, message))
        self.bad_paths.add(tuple(path))


class _Abort(Exception):
    def __init__(self, finding_args: tuple):
        self.finding_args = finding_args


def _n(x: int) -> str:
    """An integer with Vietnamese thousands dots: 5.242.880."""
    return f"{x:,}".replace(",", ".")


def number_problem(d: Decimal) -> str | None:
    """Why a number cannot be a report figure (None when it can)."""
    if not d.is_finite():
        return "không phải là số hữu hạn"
    if d.is_zero():
        return None
    if d.adjusted() >= MAX_INT_DIGITS:
        return f"quá lớn (hơn {MAX_INT_DIGITS} chữ số trước dấu phẩy)"
    _, digits, exp = d.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if isinstance(exp, int) and -(exp + trailing) > MAX_FRAC_DIGITS:
        return f"có quá nhiều chữ số thập phân (tối đa {MAX_FRAC_DIGITS})"
    return None


def number_message(shown: str, problem: str) -> str:
    if len(shown) > 24:
        shown = shown[:12] + "…" + shown[-6:]
    return (f"số {shown} {problem}: kiểm tra lại (thừa chữ số 0? dán nhầm?), viết một số như "
            "1586.397 hoặc '1.586,397'")


_BASES = {"x": (16, "hệ 16"), "o": (8, "hệ 8"), "b": (2, "hệ 2")}
_PREFIXED = re.compile(r"^([+-]?)0([xXoObB])_*([0-9a-fA-F_]+)$")
_LEADING_ZERO = re.compile(r"^([+-]?)0+([0-9][0-9_]*)$")


def _other_notation(v: str) -> str | None:
    """Why an unquoted number written in another notation (0x1A68, 0o15150, 0b101, 6_760,
    017) is refused: YAML reads it as another number than a reader of the report would, or
    YAML tools disagree on it. None for an ordinary number."""
    m = _PREFIXED.match(v)
    if m:
        base, name = _BASES[m[2].lower()]
        try:
            number = int(m[1] + m[3].replace("_", ""), base)
        except ValueError:
            number = None
        read_as = "" if number is None else f" = {_n(number)}"
        write = ("viết số thập phân" if number is None else f"viết {number}" + (
            f" (hoặc '{_n(number)}' có dấu nháy)" if abs(number) >= 1000 else ""))
        return (f"{v} viết không có dấu nháy là số {name}{read_as}, không phải số thập phân: "
                f"{write}, hoặc '{v}' trong dấu nháy nếu là chữ")
    m = _LEADING_ZERO.match(v)
    if m:
        digits = m[2].replace("_", "")
        octal = f" (YAML 1.1 đọc là số hệ 8 = {_n(int(digits, 8))})" if set(digits) <= set(
            "01234567") else ""
        return (f"{v} viết không có dấu nháy với số 0 ở đầu không rõ nghĩa{octal}: viết "
                f"{int(digits)} (bỏ số 0 ở đầu), hoặc '{v}' trong dấu nháy nếu là chữ")
    if "_" in v:
        clean = v.replace("_", "")
        return (f"{v} viết không có dấu nháy với dấu gạch dưới (YAML đọc là {clean}): viết "
                f"{clean}, hoặc số kiểu Việt Nam trong dấu nháy (dấu chấm ngăn cách hàng "
                "nghìn, dấu phẩy thập phân, ví dụ '6.760')")
    return None


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _syntax_message(exc) -> tuple[str, str, Any]:
    """(code, Vietnamese message, mark) for a ruamel syntax error."""
    problem = (exc.problem or exc.context or "cú pháp sai").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    advice = "kiểm tra thụt lề, dấu ':' và dấu nháy ở dòng này hoặc dòng trước"
    if "'\\t'" in problem:
        return ("RG102", "ký tự tab không được dùng trong YAML (ngoài dấu nháy): thay tab bằng "
                "dấu cách", mark)
    if "quoted scalar" in context and exc.context_mark is not None:
        mark = exc.context_mark
        advice = "thiếu dấu nháy đóng: thêm dấu nháy ở cuối giá trị bắt đầu tại đây"
    elif "simple key" in context and exc.context_mark is not None:
        mark = exc.context_mark
        advice = "thiếu dấu ':' sau khoá ở dòng này (viết khoá: giá trị)"
    elif "flow sequence" in context or "flow mapping" in context:
        if exc.context_mark is not None:
            mark = exc.context_mark
        advice = "ngoặc [ ] hoặc { } mở ở đây chưa được đóng, hoặc thiếu dấu ','"
    elif problem.startswith("mapping values are not allowed"):
        advice = ("dấu ':' không được đứng ở đây: nếu giá trị có dấu ':' thì đặt cả giá trị "
                  "trong dấu nháy, nếu không thì kiểm tra thụt lề")
    elif "cannot start any token" in problem:
        advice = "giá trị không được bắt đầu bằng ký tự này: đặt cả giá trị trong dấu nháy"
    elif "another document" in problem:
        advice = "tệp chỉ được có một tài liệu YAML: xoá dòng '---' hoặc '...'"
    elif "undefined alias" in problem:
        advice = "alias (*tên) chưa được định nghĩa: tệp số liệu không cần alias, viết trực tiếp"
    elif "<block end>" in problem:
        advice = "thụt lề không khớp với các dòng trên: các khoá cùng cấp phải thẳng cột"
    # ruamel's own wording ("mapping values are not allowed here") is English: the advice
    # above says what it means for a data file instead
    return "RG101", f"lỗi cú pháp YAML: {advice}", mark


_OPENING_QUOTE = re.compile(r"""^[ ]*(?:-[ ]+)*(?:[^'"#\s][^#]*?:[ ]+)?(?P<q>['"])""")
_CLOSED = {"'": re.compile(r"(?:[^']|'')*'"), '"': re.compile(r'(?:[^"\\]|\\.)*"')}


def _unclosed_quote(text: str, upto: int) -> tuple[int, int, str] | None:
    """The first value before line `upto` whose opening quote is not closed on its line.

    YAML lets a quoted value run over several lines, so a forgotten closing quote is only
    noticed lines later; a data file never needs that, so point at the opening quote.
    """
    for no, line in enumerate(_LINES.split(text)[:upto], 1):
        m = _OPENING_QUOTE.match(line)
        if m and not _CLOSED[m["q"]].match(line, m.end()):
            return no, m.start("q") + 1, m["q"]
    return None


def _encoding_problem(raw: bytes) -> str | None:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "tệp mã hoá UTF-32: lưu lại dạng UTF-8 (không BOM)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "tệp mã hoá UTF-16: lưu lại dạng UTF-8 (không BOM)"
    if raw.startswith(b"\xef\xbb\xbf"):
        return ("tệp bắt đầu bằng dấu BOM ('UTF-8 with BOM'): lưu lại dạng UTF-8 không BOM "
                "(Notepad: Save as, Encoding 'UTF-8')")
    head = raw[:4096]
    if len(head) >= 2 and head.count(0) * 4 >= len(head):
        # ASCII text in UTF-16 without a BOM: every other byte is zero
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) * 3 >= len(head) // 2:
            return "tệp mã hoá UTF-16 (không có BOM): lưu lại dạng UTF-8 (không BOM)"
    return None


def load_yaml(path: str | Path) -> Loaded:
    """Load one data file; never raises for bad content, returns findings instead."""
    path = Path(path)
    out = Loaded(path)
    shown = display_path(path)

    def fail(line: int, col: int, code: str, msg: str) -> Loaded:
        out.findings.append(Finding(shown, line, col, code, ERROR, msg))
        out.data = None
        return out

    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            return fail(0, 0, "RG100", f"không đọc được tệp: {_ERRNO[errno.EISDIR]}")
        if not stat.S_ISREG(st.st_mode):
            return fail(0, 0, "RG100", "không đọc được tệp: không phải tệp thường (thiết bị, "
                        "ống dẫn…): dùng một tệp YAML")
        if st.st_size > MAX_BYTES:
            return fail(0, 0, "RG106", f"tệp quá lớn ({_n(st.st_size)} byte, tối đa "
                        f"{_n(MAX_BYTES)}): tệp số liệu chỉ vài kB, kiểm tra lại tệp")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:  # grew after stat
            return fail(0, 0, "RG106", f"tệp quá lớn (hơn {_n(MAX_BYTES)} byte): tệp số liệu "
                        "chỉ vài kB, kiểm tra lại tệp")
    except OSError as exc:
        if exc.errno == errno.ENOENT:  # a link whose target is gone, or no file at all
            reason = ("liên kết hỏng (tệp đích không còn): tạo lại tệp đích hoặc xoá liên kết"
                      if path.is_symlink() else "tệp không tồn tại: tạo tệp này hoặc kiểm tra "
                      "tên và đường dẫn")
        else:
            reason = _ERRNO.get(exc.errno) or os_reason(exc)
        return fail(0, 0, "RG100", f"không đọc được tệp: {reason}")

    out.raw = raw
    problem = _encoding_problem(raw)
    if problem:
        return fail(1, 1, "RG104", problem)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[start:exc.start].decode("utf-8", "replace")) + 1
        end = raw.find(b"\n", exc.start)
        guess = raw[start: end if end >= 0 else len(raw)].decode("cp1258", "replace")
        guess = unicodedata.normalize("NFC", guess).strip()
        if len(guess) > 40:
            guess = guess[:40] + "…"
        return fail(line, col, "RG104", f"tệp không phải UTF-8 (byte 0x{raw[exc.start]:02X}; có "
                    "thể là Windows-1258 hoặc TCVN3, đọc theo Windows-1258 dòng này là "
                    f"{guess!r}): mở bằng trình soạn thảo và lưu lại dạng UTF-8")
    if not text.strip():
        return fail(1, 1, "RG108", "tệp rỗng: cần ít nhất các khoá bắt buộc (document: number, "
                    "date; xem README)")

    for no, line_text in enumerate(_LINES.split(text), 1):
        bad = refused_character(line_text)
        if bad:
            return fail(no, bad[0] + 1, "RG107", f"{bad[1]} không được phép: xoá ký tự này "
                        "(thường do sao chép từ Word/Excel/web)")
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            return fail(no, len(line_text) - len(stripped) + 1, "RG102",
                        "dùng ký tự tab để thụt lề: YAML chỉ cho phép dấu cách, thay tab bằng "
                        "dấu cách (mỗi cấp 2 dấu cách)")

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import (MappingEndEvent, MappingStartEvent, SequenceEndEvent,
                                    SequenceStartEvent)

    yaml = YAML(typ="rt", pure=True)
    try:
        # First pass over the events (no recursion) to refuse absurd nesting before the
        # recursive composer sees it.
        depth = 0
        for event in yaml.parse(text):
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return fail(mark.line + 1, mark.column + 1, "RG106", "cấu trúc lồng nhau "
                                f"quá sâu (hơn {MAX_DEPTH} cấp): tệp số liệu chỉ cần vài cấp, "
                                "kiểm tra ngoặc [ { và thụt lề")
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        code, message, mark = _syntax_message(exc)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        quote = _unclosed_quote(text, line) if code == "RG101" and line else None
        if quote and quote[0] < line:
            qline, qcol, q = quote
            return fail(qline, qcol, "RG101", f"lỗi cú pháp YAML: dấu nháy {q} mở ở đây chưa được "
                        f"đóng: thêm {q} ở cuối giá trị (vì thiếu dấu nháy đóng, YAML chỉ báo lỗi ở "
                        f"dòng {line})")
        return fail(line, col, code, message)
    except RecursionError:
        return fail(0, 0, "RG106", "cấu trúc lồng nhau quá sâu: kiểm tra ngoặc [ { và thụt lề")
    except (YAMLError, ValueError) as exc:
        return fail(0, 0, "RG101", "lỗi cú pháp YAML: kiểm tra thụt lề, dấu ':' và dấu nháy "
                    "trong tệp")
    if node is None:
        return fail(1, 1, "RG108", "tệp không có nội dung YAML (chỉ có chú thích): cần ít nhất "
                    "các khoá bắt buộc (xem README)")

    state = {"nodes": 0, "aliases": False, "seen": set(), "chars": 0}
    try:
        out.data = _convert(node, (), out, state)
    except _Abort as abort:
        out.findings.append(Finding(shown, *abort.finding_args))
        out.data = None
        return out
    except RecursionError:
        return fail(0, 0, "RG106", "cấu trúc lồng nhau quá sâu: kiểm tra ngoặc [ { và thụt lề")
    if out.data is None and not out.findings:
        return fail(1, 1, "RG108", "tệp không có nội dung (chỉ có '---', '~' hoặc null): "
                    "cần ít nhất các khoá bắt buộc (xem README)")
    return out


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _count_chars(state: dict, n: int, node) -> None:
    """Add `n` characters of text (a key or a value, counted at every alias use)."""
    state["chars"] += n
    if state["chars"] > MAX_CHARS:
        line, col = _mark(node)
        why = ("sau khi mở rộng alias (&/*): tệp số liệu không cần alias, hãy viết trực tiếp"
               if state["aliases"] else ": tệp số liệu chỉ vài kB, kiểm tra lại tệp")
        raise _Abort((line, col, "RG106", ERROR, f"quá nhiều chữ (hơn {_n(MAX_CHARS)} ký tự) "
                      f"{why}"))


def _convert(node, path: Path_, out: Loaded, state: dict) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    state["nodes"] += 1
    if id(node) in state["seen"]:
        state["aliases"] = True
    else:
        state["seen"].add(id(node))
    if state["nodes"] > MAX_NODES:
        line, col = _mark(node)
        why = ("sau khi mở rộng alias (&/*): tệp số liệu không cần alias, hãy viết trực tiếp"
               if state["aliases"] else ": tệp số liệu chỉ có vài nghìn phần tử, kiểm tra lại tệp")
        raise _Abort((line, col, "RG106", ERROR, f"quá nhiều phần tử (hơn {_n(MAX_NODES)}) {why}"))
    out.marks.setdefault(path, _mark(node))
    tag = node.tag or ""
    if tag == _TAG + "merge":
        line, col = _mark(node)
        raise _Abort((line, col, "RG105", ERROR, "khoá gộp '<<' không được hỗ trợ: viết đủ các "
                      "khoá trực tiếp"))
    if tag and tag not in _ALLOWED_TAGS:
        line, col = _mark(node)
        raise _Abort((line, col, "RG105", ERROR, f"thẻ YAML {_short_tag(tag)!r} không được hỗ "
                      "trợ: bỏ thẻ, chỉ dùng giá trị thường"))
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and (key_node.tag == _TAG + "merge"
                                                     or (key_node.value == "<<"
                                                         and key_node.style is None)):
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG105", ERROR, "khoá gộp '<<' không được hỗ trợ: "
                              "viết đủ các khoá trực tiếp"))
            if not isinstance(key_node, ScalarNode):
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG105", ERROR, "khoá phức hợp (danh sách hay bảng "
                              "làm khoá, '? ') không được hỗ trợ: khoá phải là một chữ đơn"))
            ktag = key_node.tag or ""
            if ktag and ktag not in _ALLOWED_TAGS:
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG105", ERROR, f"thẻ YAML {_short_tag(ktag)!r} không "
                              "được hỗ trợ: bỏ thẻ, chỉ dùng giá trị thường"))
            raw_key = str(key_node.value)
            bad = refused_character(raw_key)
            if bad:
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG107", ERROR, f"khoá có {bad[1]}: xoá ký tự này "
                              "(hai mã trông giống nhau sẽ là hai mã khác nhau)"))
            _count_chars(state, len(raw_key), key_node)
            key = unicodedata.normalize("NFC", raw_key)
            kpath = path + (key,)
            if key in result:
                line, col = _mark(key_node)
                first = out.key_marks.get(kpath, (0, 0))[0]
                raise _Abort((line, col, "RG103", ERROR, f"khoá {key!r} bị lặp (đã có ở dòng "
                              f"{first}): gộp hai mục làm một hoặc xoá một"))
            out.key_marks[kpath] = _mark(key_node)
            if (isinstance(value_node, ScalarNode) and value_node.value == ""
                    and value_node.style is None):
                out.marks[kpath] = _mark(key_node)  # an empty value: point at its key
            else:
                out.marks[kpath] = _mark(value_node)
            result[key] = _convert(value_node, kpath, out, state)
        return result
    if isinstance(node, SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            out.marks[path + (i,)] = _mark(child)
            items.append(_convert(child, path + (i,), out, state))
        return items
    _count_chars(state, len(str(node.value)), node)
    return _scalar(node, path, out)


def _scalar(node, path: Path_, out: Loaded) -> Any:
    value = str(node.value)
    tag = node.tag or ""
    plain = node.style is None  # not quoted, not a block scalar
    if not plain or tag == _TAG + "str":
        # escapes in double quotes ("\x01", "\u200b", "\ud800") are not visible in the raw text
        bad = refused_character(value)
        if bad:
            out.reject(path, "RG107", f"giá trị có {bad[1]}: xoá ký tự này (hoặc mã thoát "
                       "\\x.., \\u.. trong dấu nháy kép)")
            return None
        return unicodedata.normalize("NFC", value)
    if tag == _TAG + "float" and _AMBIGUOUS.match(value.strip()):
        v = value.strip()
        whole = v.replace(".", "")
        vn = v.replace(".", ",")
        read_as = format(Decimal(v).normalize(), "f")
        out.reject(path, "RG110", f"{v} viết không có dấu nháy không rõ nghĩa (YAML đọc là "
                   f"{read_as}): viết {whole} hoặc '{v}' (có dấu nháy) nếu là {whole} theo cách "
                   f"viết Việt Nam, hoặc '{vn}' nếu là số thập phân")
        return None
    if tag in (_TAG + "int", _TAG + "float"):
        other = _other_notation(value.strip())
        if other:
            out.reject(path, "RG110", other)
            return None
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == _TAG + "int":
        text = value.replace("_", "").strip()
        try:
            number = int(text, 0)
        except ValueError:
            try:  # 017 (not allowed with base 0) or more digits than int() converts
                number = int(Decimal(text))
            except (InvalidOperation, ValueError):
                return unicodedata.normalize("NFC", value)
        if abs(number) >= 10 ** MAX_INT_DIGITS:
            out.reject(path, "RG111", number_message(value, f"quá lớn (hơn {MAX_INT_DIGITS} chữ số)"))
            return None
        return number
    if tag == _TAG + "float":
        try:
            number = Decimal(value.replace("_", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            out.reject(path, "RG111", f"{value!r} không phải là số hữu hạn (NaN, vô cực): viết một "
                       "số, ví dụ 1586.397 hoặc '1.586,397', hoặc bỏ khoá nếu chưa có số liệu")
            return None
        problem = number_problem(number)
        if problem:
            out.reject(path, "RG111", number_message(value, problem))
            return None
        return number
    if tag == _TAG + "timestamp":
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            out.reject(path, "RG121", f"ngày {value!r} không hợp lệ: viết YYYY-MM-DD, ví dụ "
                       "2023-01-05")
            return None
    return unicodedata.normalize("NFC", value)
