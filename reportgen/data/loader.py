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

What a file may hold (limits, characters, tags, numbers) and the message of each refusal
are `rules.py`; this module reads the file and applies them.

Codes: RG100 unreadable · RG101 syntax · RG102 tab · RG103 duplicate key · RG104 encoding ·
RG105 tag, merge or complex key · RG106 too large, too many nodes or characters, too deep ·
RG107 control, invisible or non-character · RG108 empty · RG110 ambiguous number or another
notation · RG111 not a finite number,
or out of range.
"""
from __future__ import annotations

import datetime as dt
import errno
import functools
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import ERROR, Finding, display_path, os_reason
from .rules import (ALLOWED_TAGS, AMBIGUOUS, LINES, MAX_BYTES, MAX_CHARS, MAX_DEPTH,
                    MAX_INT_DIGITS, MAX_NODES, TAG, encoding_problem, number_message,
                    number_problem, other_notation, refused_character, short_tag,
                    syntax_message, thousands, unclosed_quote)

Path_ = tuple  # a path into the data: ("sections", "cong_nghiep", "indicators", "gtsx")

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
            return fail(0, 0, "RG106", f"tệp quá lớn ({thousands(st.st_size)} byte, tối đa "
                        f"{thousands(MAX_BYTES)}): tệp số liệu chỉ vài kB, kiểm tra lại tệp")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:  # grew after stat
            return fail(0, 0, "RG106", f"tệp quá lớn (hơn {thousands(MAX_BYTES)} byte): tệp số liệu "
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
    problem = encoding_problem(raw)
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

    for no, line_text in enumerate(LINES.split(text), 1):
        bad = refused_character(line_text)
        if bad:
            return fail(no, bad[0] + 1, "RG107", f"{bad[1]} không được phép: xoá ký tự này "
                        "(thường do sao chép từ Word/Excel/web)")
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            return fail(no, len(line_text) - len(stripped) + 1, "RG102",
                        "dùng ký tự tab để thụt lề: YAML chỉ cho phép dấu cách, thay tab bằng "
                        "dấu cách (mỗi cấp 2 dấu cách)")

    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        node = _compose(text)
    except _TooDeep as deep:
        mark = deep.mark
        return fail(mark.line + 1, mark.column + 1, "RG106", "cấu trúc lồng nhau "
                    f"quá sâu (hơn {MAX_DEPTH} cấp): tệp số liệu chỉ cần vài cấp, "
                    "kiểm tra ngoặc [ { và thụt lề")
    except MarkedYAMLError as exc:
        code, message, mark = syntax_message(exc)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        quote = unclosed_quote(text, line) if code == "RG101" and line else None
        if quote and quote[0] < line:
            qline, qcol, q = quote
            return fail(qline, qcol, "RG101", f"lỗi cú pháp YAML: dấu nháy {q} mở ở đây chưa được "
                        f"đóng: thêm {q} ở cuối giá trị (vì thiếu dấu nháy đóng, YAML chỉ báo lỗi ở "
                        f"dòng {line})")
        return fail(line, col, code, message)
    except RecursionError:
        return fail(0, 0, "RG106", "cấu trúc lồng nhau quá sâu: kiểm tra ngoặc [ { và thụt lề")
    except (YAMLError, ValueError):
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


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


def _compose(text: str):
    """The node tree of `text`: with libyaml (ruamel.yaml.clib) when it is installed and
    the text parses, else with ruamel's pure-Python parser. Anything libyaml refuses, or
    nests too deep, goes to the pure parser, so every message and position a staff member
    reads comes from one parser; a file both accept gives the same nodes, tags, styles and
    marks (tests/test_loader.py compares the two on every YAML file of the project)."""
    node = _compose_c(text)
    return node if node is not _NOT_C else _compose_pure(text)


_NOT_C = object()
# where libyaml (YAML 1.1) and ruamel's YAML 1.2 scanner read a text differently: a tab as a
# separator (libyaml takes it, ruamel refuses it: RG102), a %YAML directive (ruamel then
# resolves as that version), the line breaks U+0085, U+2028 and U+2029
_C_DIFFERS = re.compile("[\t\x85\u2028\u2029]|^%", re.MULTILINE)


def _compose_c(text: str):
    """ruamel's composer and resolver over libyaml's events (no pure-Python scanner)."""
    try:
        from ruamel.yaml import CParser
    except ImportError:
        return _NOT_C
    if CParser is None or _C_DIFFERS.search(text):
        return _NOT_C
    from ruamel.yaml.resolver import VersionedResolver

    class Source:  # what ruamel's Composer asks of its loader
        max_depth = None

    source = Source()
    source._parser = CParser(text)
    source._resolver = VersionedResolver(loadumper=source)
    try:
        return _depth_composer()(loader=source).get_single_node()
    except Exception:  # noqa: BLE001 - the pure parser reads it again and says what is wrong
        return _NOT_C


def _compose_pure(text: str):
    """The node tree of `text` in one pass of ruamel's pure-Python safe parser (the
    round-trip one also gathers comments, which nothing here reads)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _depth_composer()
    return yaml.compose(text)


@functools.lru_cache(maxsize=1)
def _depth_composer():
    """ruamel's Composer refusing a mapping or list nested more than MAX_DEPTH deep at its
    opening, before its recursion can go deeper; a plain scalar's style is None from either
    parser (libyaml gives "")."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.events import MappingStartEvent, SequenceStartEvent

    class DepthComposer(Composer):
        nesting = 0

        def compose_node(self, parent, index):
            event = self.parser.peek_event()
            if not isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                return super().compose_node(parent, index)
            self.nesting += 1
            if self.nesting > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

        def compose_scalar_node(self, anchor):
            node = super().compose_scalar_node(anchor)
            node.style = node.style or None
            return node

    return DepthComposer


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _count_chars(state: dict, n: int, node) -> None:
    """Add `n` characters of text (a key or a value, counted at every alias use)."""
    state["chars"] += n
    if state["chars"] > MAX_CHARS:
        line, col = _mark(node)
        why = ("sau khi mở rộng alias (&/*): tệp số liệu không cần alias, hãy viết trực tiếp"
               if state["aliases"] else ": tệp số liệu chỉ vài kB, kiểm tra lại tệp")
        raise _Abort((line, col, "RG106", ERROR, f"quá nhiều chữ (hơn {thousands(MAX_CHARS)} ký tự) "
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
        raise _Abort((line, col, "RG106", ERROR, f"quá nhiều phần tử (hơn {thousands(MAX_NODES)}) {why}"))
    out.marks.setdefault(path, _mark(node))
    tag = node.tag or ""
    if tag == TAG + "merge":
        line, col = _mark(node)
        raise _Abort((line, col, "RG105", ERROR, "khoá gộp '<<' không được hỗ trợ: viết đủ các "
                      "khoá trực tiếp"))
    if tag and tag not in ALLOWED_TAGS:
        line, col = _mark(node)
        raise _Abort((line, col, "RG105", ERROR, f"thẻ YAML {short_tag(tag)!r} không được hỗ "
                      "trợ: bỏ thẻ, chỉ dùng giá trị thường"))
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and (key_node.tag == TAG + "merge"
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
            if ktag and ktag not in ALLOWED_TAGS:
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG105", ERROR, f"thẻ YAML {short_tag(ktag)!r} không "
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
    if not plain or tag == TAG + "str":
        # escapes in double quotes ("\x01", "\u200b", "\ud800") are not visible in the raw text
        bad = refused_character(value)
        if bad:
            out.reject(path, "RG107", f"giá trị có {bad[1]}: xoá ký tự này (hoặc mã thoát "
                       "\\x.., \\u.. trong dấu nháy kép)")
            return None
        return unicodedata.normalize("NFC", value)
    if tag == TAG + "float" and AMBIGUOUS.match(value.strip()):
        v = value.strip()
        whole = v.replace(".", "")
        vn = v.replace(".", ",")
        read_as = format(Decimal(v).normalize(), "f")
        out.reject(path, "RG110", f"{v} viết không có dấu nháy không rõ nghĩa (YAML đọc là "
                   f"{read_as}): viết {whole} hoặc '{v}' (có dấu nháy) nếu là {whole} theo cách "
                   f"viết Việt Nam, hoặc '{vn}' nếu là số thập phân")
        return None
    if tag in (TAG + "int", TAG + "float"):
        other = other_notation(value.strip())
        if other:
            out.reject(path, "RG110", other)
            return None
    if tag == TAG + "null":
        return None
    if tag == TAG + "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == TAG + "int":
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
    if tag == TAG + "float":
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
    if tag == TAG + "timestamp":
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            out.reject(path, "RG121", f"ngày {value!r} không hợp lệ: viết YYYY-MM-DD, ví dụ "
                       "2023-01-05")
            return None
    return unicodedata.normalize("NFC", value)
