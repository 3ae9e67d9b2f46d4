"""What a data file may hold, and the words for what it may not (the loader's policy).

The limits (size, nodes, characters after alias expansion, nesting depth, digits of a
number), the characters no report can hold (controls, invisible characters, surrogates,
noncharacters, tag characters: a look-alike id is a different id), the YAML tags allowed, the
numbers refused as ambiguous or written in another notation (an unquoted ``5.300``,
``0x1A68``, ``6_760``, ``017``), and the Vietnamese message of each refusal, YAML syntax and
encoding errors included. `loader.py` applies them while it reads a file; the spreadsheet
import applies the same character and number rules to a workbook's cells.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

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

TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = {TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map",
                                    "seq")}
# An unquoted 5.300 or 1.586: a Vietnamese thousands group that YAML reads as a decimal.
# (0.500 is not ambiguous: no thousands group starts with 0.)
AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
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


LINES = re.compile(r"\r\n|\r|\n")

def thousands(x: int) -> str:
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


def other_notation(v: str) -> str | None:
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
        read_as = "" if number is None else f" = {thousands(number)}"
        write = ("viết số thập phân" if number is None else f"viết {number}" + (
            f" (hoặc '{thousands(number)}' có dấu nháy)" if abs(number) >= 1000 else ""))
        return (f"{v} viết không có dấu nháy là số {name}{read_as}, không phải số thập phân: "
                f"{write}, hoặc '{v}' trong dấu nháy nếu là chữ")
    m = _LEADING_ZERO.match(v)
    if m:
        digits = m[2].replace("_", "")
        octal = f" (YAML 1.1 đọc là số hệ 8 = {thousands(int(digits, 8))})" if set(digits) <= set(
            "01234567") else ""
        return (f"{v} viết không có dấu nháy với số 0 ở đầu không rõ nghĩa{octal}: viết "
                f"{int(digits)} (bỏ số 0 ở đầu), hoặc '{v}' trong dấu nháy nếu là chữ")
    if "_" in v:
        clean = v.replace("_", "")
        return (f"{v} viết không có dấu nháy với dấu gạch dưới (YAML đọc là {clean}): viết "
                f"{clean}, hoặc số kiểu Việt Nam trong dấu nháy (dấu chấm ngăn cách hàng "
                "nghìn, dấu phẩy thập phân, ví dụ '6.760')")
    return None


def short_tag(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


def syntax_message(exc) -> tuple[str, str, Any]:
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


def unclosed_quote(text: str, upto: int) -> tuple[int, int, str] | None:
    """The first value before line `upto` whose opening quote is not closed on its line.

    YAML lets a quoted value run over several lines, so a forgotten closing quote is only
    noticed lines later; a data file never needs that, so point at the opening quote.
    """
    for no, line in enumerate(LINES.split(text)[:upto], 1):
        m = _OPENING_QUOTE.match(line)
        if m and not _CLOSED[m["q"]].match(line, m.end()):
            return no, m.start("q") + 1, m["q"]
    return None


def encoding_problem(raw: bytes) -> str | None:
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
