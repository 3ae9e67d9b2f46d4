"""Safe YAML loading that keeps line numbers.

The file is composed into a node tree with ruamel.yaml (no Python objects are ever
constructed), then converted to plain data (dict, list, str, int, Decimal, bool, date,
None) while recording the line and column of every key and value. Problems become
findings: syntax, tabs, duplicate keys, non-UTF-8 bytes, byte-order marks, control
characters, unsupported tags, alias bombs, oversized files, and ambiguous numbers such as an
unquoted ``5.300`` (which YAML reads as 5.3). All text is normalised to Unicode NFC.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import ERROR, Finding, display_path

MAX_BYTES = 5 * 1024 * 1024  # data files are a few kB; refuse anything absurd
MAX_NODES = 200_000  # after alias expansion

Path_ = tuple  # a path into the data: ("sections", "cong_nghiep", "indicators", "gtsx")

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map",
                                    "seq", "merge")}
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


@dataclass
class Loaded:
    """Plain data from one YAML file with the position of every key and value."""

    path: Path
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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
        return out

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return fail(0, 0, "RG106", f"tệp quá lớn ({size:,} byte, tối đa {MAX_BYTES:,}): "
                        "tệp số liệu chỉ vài kB, kiểm tra lại tệp")
        raw = path.read_bytes()
    except OSError as exc:
        return fail(0, 0, "RG100", f"không đọc được tệp: {exc.strerror or exc}")

    if raw.startswith(b"\xef\xbb\xbf"):
        return fail(1, 1, "RG104", "tệp bắt đầu bằng dấu BOM: lưu lại dạng UTF-8 không BOM")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail(1, 1, "RG104", "tệp mã hoá UTF-16: lưu lại dạng UTF-8 (không BOM)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return fail(line, col, "RG104", "tệp không phải UTF-8 (có thể là Windows-1258 hoặc "
                    "TCVN3): mở bằng trình soạn thảo và lưu lại dạng UTF-8")
    if not text.strip():
        return fail(1, 1, "RG108", "tệp rỗng: cần ít nhất các khoá bắt buộc (xem README)")

    for no, line_text in enumerate(text.splitlines(), 1):
        m = _CONTROL.search(line_text)
        if m:
            return fail(no, m.start() + 1, "RG107", f"ký tự điều khiển U+{ord(m.group()):04X} "
                        "không được phép: xoá ký tự này (thường do sao chép từ Word/Excel)")
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            return fail(no, len(line_text) - len(stripped) + 1, "RG102",
                        "dùng ký tự tab để thụt lề: YAML chỉ cho phép dấu cách, thay tab bằng 2 dấu cách")

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = (exc.problem or exc.context or "cú pháp sai").strip()
        return fail(line, col, "RG101", f"lỗi cú pháp YAML: {problem}; kiểm tra thụt lề, dấu ':' "
                    "và dấu nháy ở dòng này hoặc dòng trước")
    except (YAMLError, RecursionError, ValueError) as exc:
        return fail(0, 0, "RG101", f"lỗi cú pháp YAML: {exc}")
    if node is None:
        return fail(1, 1, "RG108", "tệp không có nội dung YAML (chỉ có chú thích)")

    budget = [0]
    try:
        out.data = _convert(node, (), out, budget)
    except _Abort as abort:
        out.findings.append(Finding(shown, *abort.finding_args))
        out.data = None
    except RecursionError:
        return fail(0, 0, "RG106", "cấu trúc lồng nhau quá sâu")
    return out


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node, path: Path_, out: Loaded, budget: list[int]) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    budget[0] += 1
    if budget[0] > MAX_NODES:
        line, col = _mark(node)
        raise _Abort((line, col, "RG106", ERROR, "quá nhiều phần tử sau khi mở rộng alias "
                      "(&/*): tệp số liệu không cần alias, hãy viết trực tiếp"))
    out.marks.setdefault(path, _mark(node))
    tag = node.tag or ""
    if tag and tag not in _ALLOWED_TAGS:
        line, col = _mark(node)
        raise _Abort((line, col, "RG105", ERROR, f"thẻ YAML {tag!r} không được hỗ trợ: bỏ thẻ, "
                      "chỉ dùng giá trị thường"))
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _TAG + "merge":
                line, col = _mark(key_node)
                raise _Abort((line, col, "RG105", ERROR, "khoá phải là một chữ đơn (không dùng "
                              "'<<' hay khoá phức hợp)"))
            key = unicodedata.normalize("NFC", str(key_node.value))
            kpath = path + (key,)
            if key in result:
                line, col = _mark(key_node)
                first = out.key_marks.get(kpath, (0, 0))[0]
                raise _Abort((line, col, "RG103", ERROR, f"khoá {key!r} bị lặp (đã có ở dòng "
                              f"{first}): gộp hai mục hoặc xoá một"))
            out.key_marks[kpath] = _mark(key_node)
            out.marks[kpath] = _mark(value_node)
            result[key] = _convert(value_node, kpath, out, budget)
        return result
    if isinstance(node, SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            out.marks[path + (i,)] = _mark(child)
            items.append(_convert(child, path + (i,), out, budget))
        return items
    return _scalar(node, path, out)


def _scalar(node, path: Path_, out: Loaded) -> Any:
    value = str(node.value)
    tag = node.tag or ""
    plain = node.style is None  # not quoted, not a block scalar
    if not plain or tag == _TAG + "str":
        return unicodedata.normalize("NFC", value)
    if _AMBIGUOUS.match(value.strip()):
        whole = value.replace(".", "")
        vn = value.replace(".", ",")
        out.findings.append(out.finding(
            path, "RG110", f'"{value}" không rõ nghĩa (YAML đọc là {value.rstrip("0")}): '
            f"viết {whole} hoặc '{value}' (chuỗi) nếu là {whole} theo cách viết Việt Nam, "
            f"hoặc '{vn}' nếu là số thập phân"))
        return None
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() == "true"
    if tag == _TAG + "int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return unicodedata.normalize("NFC", value)
    if tag == _TAG + "float":
        try:
            number = Decimal(value.replace("_", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            out.findings.append(out.finding(path, "RG111", f"{value!r} không phải là số hữu hạn: "
                                            "viết một số, ví dụ 1586.397 hoặc '1.586,397'"))
            return None
        return number
    if tag == _TAG + "timestamp":
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            out.findings.append(out.finding(path, "RG121", f"ngày {value!r} không hợp lệ: "
                                            "viết YYYY-MM-DD, ví dụ 2023-01-05"))
            return None
    return unicodedata.normalize("NFC", value)
