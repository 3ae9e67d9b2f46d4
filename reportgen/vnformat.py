"""Vietnamese number, comparison and date wording for Sở Công Thương reports.

Every function here is pure and small, and works on :class:`~decimal.Decimal`
only, so that a figure keeps exactly the precision its source states
(``34,410 triệu USD`` stays ``34,410``; ``1.586,397 tỷ đồng`` stays
``1.586,397``).

Numeric arguments may be

* a ``Decimal`` (used as it is; its exponent is the precision written),
* an ``int`` (exact),
* a ``str`` written the Vietnamese way (``'1.586,397'``, ``'âm 6,76'``,
  ``'12,77%'``), read with :func:`parse_number`.

``float`` is refused with ``TypeError`` (a float has already lost the written
precision: ``5.300`` in unquoted YAML is the float ``5.3``), and so are
``bool`` and ``None`` (``None`` means a missing figure). NaN and infinity are
refused with ``ValueError``. Output never contains scientific notation, ``nan``,
``inf``, a float artefact or a ``-`` sign: negative numbers are written
``âm 6,76``.

Symbols come from Babel's CLDR data for locale ``vi`` (decimal ``,``, grouping
``.``), read once at import.

Rounding
--------
When a function is given ``digits``, the figure is rounded **half up**
(``ROUND_HALF_UP``: a tie goes away from zero), the way people round by hand and
the way published reports are checked: ``0,125`` -> ``0,13``, ``âm 0,125`` ->
``âm 0,13``. This is chosen on purpose; Babel's default (half-even, "banker's
rounding") would print ``0,12``. Without ``digits`` nothing is rounded.

Example::

    >>> from decimal import Decimal
    >>> format_value(Decimal('844'), 'nghìn tỷ đồng', 'trên')
    'trên 844 nghìn tỷ đồng'
    >>> format_change('-6,76')
    'giảm 6,76% so với cùng kỳ'
"""

from __future__ import annotations

import datetime
import decimal
import numbers
import re
import unicodedata
from decimal import Decimal
from typing import Callable, Union

from babel.numbers import get_decimal_symbol, get_group_symbol

__all__ = [
    "NumberFormatError",
    "parse_number",
    "format_number",
    "format_percent",
    "format_value",
    "format_count",
    "format_roman",
    "format_change",
    "format_plan",
    "format_plan_growth",
    "format_status_change",
    "format_multiple",
    "format_base",
    "format_share_move",
    "format_points",
    "format_date",
    "format_place_date",
    "format_short_date",
    "format_doc_number",
    "FILTERS",
    "DECIMAL_SYMBOL",
    "GROUP_SYMBOL",
    "QUALIFIERS",
]

Number = Union[Decimal, int, str]

DECIMAL_SYMBOL: str = get_decimal_symbol("vi")  # ','
GROUP_SYMBOL: str = get_group_symbol("vi")  # '.'
if DECIMAL_SYMBOL == GROUP_SYMBOL or len(DECIMAL_SYMBOL) != 1 or len(GROUP_SYMBOL) != 1:
    raise ImportError(  # pragma: no cover - guards against odd CLDR data
        f"unexpected Babel 'vi' symbols: decimal {DECIMAL_SYMBOL!r}, group {GROUP_SYMBOL!r}"
    )

NEGATIVE_WORD = "âm"
QUALIFIERS = ("trên", "gần", "hơn")
CHANGE_STYLES = ("giam", "bang", "index", "chi_bang")
PLAN_STYLES = ("dat", "bang", "vuot")

HUNDRED = Decimal(100)  # percent: the one spelling of 100 for figures and tables
_ZERO = Decimal(0)

_EXAMPLE = f"1{GROUP_SYMBOL}586{DECIMAL_SYMBOL}397"
_NUMBER_RE = re.compile(
    r"(?P<sign>-|\u2212|" + NEGATIVE_WORD + r"\s*)?"
    r"(?P<int>[1-9][0-9]{0,2}(?:" + re.escape(GROUP_SYMBOL) + r"[0-9]{3})+|[0-9]+)"
    r"(?:" + re.escape(DECIMAL_SYMBOL) + r"(?P<frac>[0-9]+))?"
    r"(?:\s*%)?",
    re.IGNORECASE,
)


class NumberFormatError(ValueError):
    """A text is not a number written the Vietnamese way (see :func:`parse_number`)."""


# --------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------


def _to_decimal(x: object, func: str, what: str = "") -> Decimal:
    """Coerce a numeric argument of ``func`` to a finite Decimal, or raise."""
    arg = f" ({what})" if what else ""
    if x is None:
        raise TypeError(f"{func}() nhận None: thiếu số liệu{arg}")
    if isinstance(x, bool):
        raise TypeError(f"{func}() không nhận bool ({x!r}): cần một số{arg}")
    if isinstance(x, float):
        raise TypeError(
            f"{func}() không nhận float ({x!r}): float đã làm mất độ chính xác ghi trong nguồn. "
            f"Hãy truyền Decimal, int hoặc chuỗi viết kiểu Việt Nam như '5.300' hay "
            f"'{_EXAMPLE}' (trong YAML phải đặt trong dấu nháy)"
        )
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, str):
        d = parse_number(x)
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    else:
        raise TypeError(
            f"{func}() không nhận kiểu {type(x).__name__} ({x!r}): "
            f"cần Decimal, int hoặc chuỗi số kiểu Việt Nam{arg}"
        )
    if not d.is_finite():
        raise ValueError(f"{func}() nhận {d!r}: số không hữu hạn (NaN/Infinity) không in được{arg}")
    return d


def _check_digits(digits: object, func: str) -> int | None:
    if digits is None:
        return None
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"{func}(): digits phải là số nguyên hoặc None, không phải {digits!r}")
    if digits < 0:
        raise ValueError(f"{func}(): digits phải >= 0, không phải {digits!r}")
    return int(digits)


def _check_text(value: object, func: str, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{func}(): {name} phải là chuỗi, không phải {value!r}")
    return value.strip()


# --------------------------------------------------------------------------
# Exact Decimal helpers (no context rounding, no int<->str size limit)
# --------------------------------------------------------------------------


def _digits_str(d: Decimal) -> str:
    return "".join(map(str, d.as_tuple().digits))


def _is_zero(d: Decimal) -> bool:
    return not any(d.as_tuple().digits)


def _increment(s: str) -> str:
    """Add one to a non-empty string of decimal digits."""
    i = len(s) - 1
    while i >= 0 and s[i] == "9":
        i -= 1
    if i < 0:
        return "1" + "0" * len(s)
    return s[:i] + str(int(s[i]) + 1) + "0" * (len(s) - i - 1)


def _round(d: Decimal, digits: int | None) -> Decimal:
    """Round ``d`` half up to ``digits`` decimal places (exactly; None: unchanged)."""
    if digits is None:
        return d
    sign, _, exp = d.as_tuple()
    s = _digits_str(d)
    if exp >= -digits:
        # Only pads zeros: exact.
        s = s + "0" * (exp + digits)
    else:
        shift = -digits - exp  # digits to drop, > 0
        if shift > len(s):
            s, first_dropped = "0", "0"
        else:
            s, first_dropped = (s[:-shift] or "0"), s[-shift]
        if first_dropped >= "5":
            s = _increment(s)
    return Decimal((sign, tuple(int(c) for c in s), -digits))


def _abs(d: Decimal) -> Decimal:
    return d.copy_abs()  # exact, unlike abs() which rounds to the context


def _add(a: Decimal, b: Decimal) -> Decimal:
    """Exact ``a + b`` whatever the size (the default context would round to 28 digits)."""
    with decimal.localcontext() as ctx:
        ea, eb = a.as_tuple().exponent, b.as_tuple().exponent
        ctx.prec = max(a.adjusted(), b.adjusted(), 0) - min(ea, eb, 0) + 3
        ctx.Emax = decimal.MAX_EMAX
        ctx.Emin = decimal.MIN_EMIN
        ctx.traps[decimal.Inexact] = True
        return a + b


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way, keeping its precision.

    Dots group thousands (each group exactly 3 digits), the comma is the
    decimal mark; ``-``, ``âm`` and a trailing ``%`` are allowed.

    >>> parse_number('1.586,397'), parse_number('34,410'), parse_number('âm 6,76')
    (Decimal('1586.397'), Decimal('34.410'), Decimal('-6.76'))
    """
    if text is None:
        raise TypeError("parse_number() nhận None: thiếu số liệu")
    if not isinstance(text, str):
        raise TypeError(f"parse_number() cần chuỗi, không phải {type(text).__name__} ({text!r})")
    s = unicodedata.normalize("NFC", text).strip()
    m = _NUMBER_RE.fullmatch(s)
    if m is None:
        raise NumberFormatError(_parse_error_message(text, s))
    int_part = m.group("int").replace(GROUP_SYMBOL, "")
    frac = m.group("frac")
    d = Decimal(int_part + ("." + frac if frac else ""))
    if m.group("sign") and not _is_zero(d):
        d = d.copy_negate()
    return d


def _parse_error_message(original: str, s: str) -> str:
    msg = (
        f'"{original}" không phải số viết kiểu Việt Nam: dùng dấu chấm phân cách hàng nghìn '
        f"và dấu phẩy thập phân, ví dụ '{_EXAMPLE}'"
    )
    g, dsym = GROUP_SYMBOL, DECIMAL_SYMBOL
    body = s.rstrip("%").strip()
    hint = ""
    if not s:
        hint = "chuỗi rỗng, thiếu số liệu"
    elif re.search(r"[0-9]\s*[eE]\s*[-+]?[0-9]", s):
        hint = "không dùng ký hiệu khoa học (e/E); viết đủ các chữ số"
    elif dsym in body and g in body and body.find(dsym) < body.rfind(g):
        hint = (
            "có vẻ viết kiểu tiếng Anh, dấu phẩy hàng nghìn và dấu chấm thập phân: "
            "hãy đổi chỗ hai dấu"
        )
    elif body.count(dsym) > 1:
        hint = "chỉ được có một dấu phẩy thập phân"
    elif re.search(re.escape(g) + r"(?![0-9]{3}(?![0-9]))", body):
        hint = (
            "sau dấu chấm phải là nhóm đúng 3 chữ số; nếu là phần thập phân thì dùng dấu phẩy, "
            f"ví dụ '1{dsym}5' là một phẩy năm"
        )
    elif re.match(r"^[-\u2212]?[0-9]{4,}" + re.escape(g), body) or re.match(
        r"^[-\u2212]?0" + re.escape(g), body
    ):
        hint = (
            "nhóm đầu trước dấu chấm phải có 1-3 chữ số và không bắt đầu bằng 0; dấu chấm chỉ "
            "phân cách hàng nghìn, phần thập phân viết sau dấu phẩy"
        )
    return f"{msg} ({hint})" if hint else msg


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------


def _render(d: Decimal) -> str:
    """Write a finite Decimal with Vietnamese symbols; exponent kept, 'âm' for negatives."""
    sign, _, exp = d.as_tuple()
    s = _digits_str(d)
    if exp >= 0:
        int_part, frac = s + "0" * exp, ""
    else:
        n = -exp
        if len(s) <= n:
            s = "0" * (n - len(s) + 1) + s
        int_part, frac = s[:-n], s[-n:]
    int_part = int_part.lstrip("0") or "0"
    head = len(int_part) % 3 or 3
    groups = [int_part[:head]] + [int_part[i : i + 3] for i in range(head, len(int_part), 3)]
    out = GROUP_SYMBOL.join(groups)
    if frac:
        out += DECIMAL_SYMBOL + frac
    if sign and not _is_zero(d):
        out = f"{NEGATIVE_WORD} {out}"
    return out


def format_number(x: Number, digits: int | None = None) -> str:
    """Write a number the Vietnamese way, keeping its written precision.

    ``digits`` rounds half up to that many decimals (0: no decimal part).

    >>> format_number(Decimal('1586.397')), format_number(Decimal('-6.76'))
    ('1.586,397', 'âm 6,76')
    >>> format_number(Decimal('0.125'), digits=2)
    '0,13'
    """
    d = _to_decimal(x, "format_number")
    return _render(_round(d, _check_digits(digits, "format_number")))


def format_percent(x: Number, digits: int | None = None) -> str:
    """Write a percentage, no space before ``%``.

    >>> format_percent(Decimal('12.77'))
    '12,77%'
    """
    d = _to_decimal(x, "format_percent")
    return _render(_round(d, _check_digits(digits, "format_percent"))) + "%"


def format_value(
    x: Number, unit: str = "", qualifier: str | None = None, digits: int | None = None
) -> str:
    """Write a figure with its unit and optional approximation word.

    ``qualifier`` is None (or ''), 'trên', 'gần' or 'hơn'; unit '%' takes no space.

    >>> format_value(Decimal('844'), 'nghìn tỷ đồng', 'trên')
    'trên 844 nghìn tỷ đồng'
    """
    d = _to_decimal(x, "format_value")
    digits = _check_digits(digits, "format_value")
    unit = _check_text(unit, "format_value", "unit")
    q = _check_text(qualifier, "format_value", "qualifier")
    if q and q not in QUALIFIERS:
        raise ValueError(
            f"format_value(): qualifier {qualifier!r} không hợp lệ; dùng None, 'trên', 'gần' hoặc 'hơn'"
        )
    out = _render(_round(d, digits))
    if unit == "%":
        out += "%"
    elif unit:
        out = f"{out} {unit}"
    return f"{q} {out}" if q else out


def format_count(n: Number, total: Number | None = None, pad: int = 2) -> str:
    """Write a whole count, zero-filled to ``pad`` digits, optionally ``n/total``.

    Counts from 1.000 up are grouped and not padded.

    >>> format_count(4, 15), format_count(5), format_count(8, 13, pad=0), format_count(13126)
    ('04/15', '05', '8/13', '13.126')
    """
    if isinstance(pad, bool) or not isinstance(pad, numbers.Integral):
        raise TypeError(f"format_count(): pad phải là số nguyên, không phải {pad!r}")
    if pad < 0:
        raise ValueError(f"format_count(): pad phải >= 0, không phải {pad!r}")

    def whole(v: object, name: str) -> Decimal:
        d = _to_decimal(v, "format_count", name)
        if d != d.to_integral_value():
            raise ValueError(f"format_count(): {name} phải là số nguyên, không phải {v!r}")
        if d < 0:
            raise ValueError(f"format_count(): {name} không được âm ({v!r})")
        return _round(d, 0)

    def padded(d: Decimal) -> str:
        text = _render(d)
        return text if GROUP_SYMBOL in text else text.zfill(int(pad))

    text = padded(whole(n, "n"))
    if total is None:
        return text
    # one rule for every count under 10 of a report, the total included ('09/09', not '09/9')
    return f"{text}/{padded(whole(total, 'total'))}"


def _base_suffix(base: str, with_so_voi: bool = True) -> str:
    """' so với cùng kỳ'; a base that brings its own connector ('so cùng kỳ') is kept."""
    if not base:
        return ""
    if base.startswith("so "):
        return f" {base}"
    return f" so với {base}" if with_so_voi else f" {base}"


#: the status of a target for the next period: not a result (left out of the appendix table
#: and the plan chart; its change reads "phấn đấu tăng …")
TARGET_STATUS = "phấn đấu đạt"
#: every status a figure may have, with the estimate/projection word it puts before a verb:
#: "ước đạt" → "ước tăng …" (the one home of the status words; the data model takes them here)
_STATUS_PREFIX = {"đạt": "", "ước đạt": "ước", "ước thực hiện": "ước", "dự kiến đạt": "dự kiến",
                  TARGET_STATUS: "phấn đấu"}
STATUSES = tuple(_STATUS_PREFIX)


def format_period(year: int, half: str | None = None) -> str:
    """'năm 2022', '6 tháng đầu năm 2023', '6 tháng cuối năm 2023'."""
    return {"h1": f"6 tháng đầu năm {year}", "h2": f"6 tháng cuối năm {year}"}.get(
        half or "", f"năm {year}")


BASE_STYLES = ("cung_ky_nam", "nam", "cung_ky_nam_truoc", "cung_ky", "so_cung_ky")


def format_base(style: str = "cung_ky_nam", year: int | None = None, half: str | None = None) -> str:
    """The comparison base as a report words it, for the same period a year earlier (`year`
    is that earlier year; `half` 'h1'/'h2' for a half-year report).

    'cung_ky_nam' → 'cùng kỳ năm 2020', 'nam' → 'năm 2020' ('6 tháng đầu năm 2020' for a
    half year), 'cung_ky_nam_truoc' → 'cùng kỳ năm trước', 'cung_ky' → 'cùng kỳ',
    'so_cung_ky' → 'so cùng kỳ' (it brings its own connector: 'tăng 5% so cùng kỳ').

    >>> format_base('cung_ky_nam', 2020), format_base('so_cung_ky', 2020)
    ('cùng kỳ năm 2020', 'so cùng kỳ')
    """
    if style not in BASE_STYLES:
        raise ValueError(f"format_base(): style {style!r} không hợp lệ; dùng một trong {BASE_STYLES}")
    if style in ("cung_ky_nam", "nam") and year is None:
        raise ValueError(f"format_base(): style {style!r} cần năm (year)")
    if style == "cung_ky_nam":
        return f"cùng kỳ năm {year}"
    if style == "nam":
        return format_period(year, half)
    return {"cung_ky_nam_truoc": "cùng kỳ năm trước", "cung_ky": "cùng kỳ",
            "so_cung_ky": "so cùng kỳ"}[style]


def format_change(
    pct: Number,
    base: str = "cùng kỳ",
    style: str = "giam",
    threshold: Number = Decimal("0"),
    digits: int | None = None,
    qualifier: str | None = None,
) -> str:
    """Describe a signed growth ``pct`` (in %) against a base period.

    ``qualifier`` ('trên', 'gần', 'hơn') marks an approximate rate: ``tăng trên 10%``,
    ``giảm hơn 3%``, ``bằng gần 97%``.

    Styles: 'giam' (tăng/giảm), 'bang' (a fall as the ratio ``bằng {100+pct}%``),
    'index' (always ``bằng {100+pct}% so với``), 'chi_bang' (a fall as ``chỉ bằng
    {100+pct}% so với``: the status word agrees with the fall). ``|pct| <= threshold`` (or a
    change that is zero after rounding) gives ``tương đương {base}``.

    >>> format_change(Decimal('12.77')), format_change(Decimal('-6.76'))
    ('tăng 12,77% so với cùng kỳ', 'giảm 6,76% so với cùng kỳ')
    >>> format_change(Decimal('-3.39'), base='cùng kỳ năm 2020', style='bang')
    'bằng 96,61% cùng kỳ năm 2020'
    """
    func = "format_change"
    d = _to_decimal(pct, func, "pct")
    thr = _to_decimal(threshold, func, "threshold")
    digits = _check_digits(digits, func)
    base = _check_text(base, func, "base")
    if style not in CHANGE_STYLES:
        raise ValueError(f"{func}(): style {style!r} không hợp lệ; dùng 'giam', 'bang', 'index' "
                         "hoặc 'chi_bang'")
    if thr < 0:
        raise ValueError(f"{func}(): threshold không được âm ({threshold!r})")
    q = _qualifier(qualifier, func)

    if not q and (_abs(d) <= thr or _is_zero(_round(d, digits))):
        if base.startswith("so "):
            return f"tương đương {base[3:]}"
        return f"tương đương {base}" if base else "tương đương"

    if style == "index" or (style in ("bang", "chi_bang") and d < 0):
        ratio = _add(HUNDRED, d)
        if ratio < 0:
            raise ValueError(f"{func}(): pct {pct!r} dưới âm 100%: không thể viết thành tỷ lệ 'bằng …%'")
        text = f"bằng {q}{_render(_round(ratio, digits))}%"
        if style == "chi_bang":
            return "chỉ " + text + _base_suffix(base)
        return text + _base_suffix(base, with_so_voi=(style == "index"))

    word = "tăng" if d > 0 else "giảm"
    return f"{word} {q}{_render(_round(_abs(d), digits))}%" + _base_suffix(base)


def _qualifier(qualifier: object, func: str) -> str:
    """'' or 'trên ' (with its space), checked against QUALIFIERS."""
    q = _check_text(qualifier, func, "qualifier")
    if q and q not in QUALIFIERS:
        raise ValueError(f"{func}(): qualifier {qualifier!r} không hợp lệ; dùng None, 'trên', 'gần' hoặc 'hơn'")
    return f"{q} " if q else ""




def format_status_change(
    pct: Number,
    status: str = "đạt",
    base: str = "cùng kỳ",
    style: str = "giam",
    threshold: Number = Decimal("0"),
    qualifier: str | None = None,
    digits: int | None = None,
) -> str:
    """A growth said with its status when no value is printed (an index, a growth only).

    The status word agrees with the direction: its estimate part goes before the verb
    (``ước đạt`` → ``ước tăng 8,5%``, ``ước giảm 3%``); the index style keeps the whole
    status for a rise (``ước đạt 109% so với cùng kỳ``) and says a fall with ``bằng``
    (``ước bằng 96% so với cùng kỳ``; a plain ``đạt`` becomes ``chỉ bằng 96%``).

    >>> format_status_change(Decimal('8.5'), 'ước đạt')
    'ước tăng 8,5% so với cùng kỳ'
    >>> format_status_change(Decimal('9'), 'ước đạt', style='index')
    'ước đạt 109% so với cùng kỳ'
    >>> format_status_change(Decimal('-4'), 'đạt', style='index')
    'chỉ bằng 96% so với cùng kỳ'
    """
    func = "format_status_change"
    if status not in _STATUS_PREFIX:
        raise ValueError(f"{func}(): status {status!r} không hợp lệ; dùng một trong "
                         f"{', '.join(_STATUS_PREFIX)}")
    d = _to_decimal(pct, func, "pct")
    prefix = _STATUS_PREFIX[status]
    text = format_change(d, base, style, threshold, digits, qualifier)
    if style == "chi_bang" and text.startswith("chỉ bằng "):
        return f"{prefix} bằng {text[len('chỉ bằng '):]}" if prefix else text
    if style == "index" and text.startswith("bằng "):
        if d > 0 or _is_zero(d):
            return f"{status} {text[len('bằng '):]}"
        return f"{prefix or 'chỉ'} {text}"
    return f"{prefix} {text}" if prefix else text


def format_multiple(times: Number, year: Number, digits: int | None = None) -> str:
    """A multiple against an earlier base year.

    >>> format_multiple(Decimal('3.2'), 2015)
    'gấp 3,2 lần so với năm 2015'
    """
    t = _to_decimal(times, "format_multiple", "times")
    y = _to_decimal(year, "format_multiple", "year")
    if t <= 0:
        raise ValueError(f"format_multiple(): số lần phải lớn hơn 0, không phải {times!r}")
    return f"gấp {_render(_round(t, _check_digits(digits, 'format_multiple')))} lần so với năm {_digits_str(y)}"


def format_plan(
    pct: Number, style: str = "dat", plan: str = "kế hoạch năm", digits: int | None = None,
    so_voi: bool = True, qualifier: str | None = None,
) -> str:
    """Describe plan completion ``pct`` (in %, actual / plan).

    Styles: 'dat' (``đạt``), 'bang' (``bằng``), 'vuot' (``vượt {pct-100}% so với``
    above 100%, otherwise ``đạt``); ``so_voi=False`` writes ``vượt 2,5% kế hoạch năm``.

    >>> format_plan(Decimal('90.48')), format_plan(Decimal('106.86'), style='vuot')
    ('đạt 90,48% kế hoạch năm', 'vượt 6,86% so với kế hoạch năm')
    """
    func = "format_plan"
    d = _to_decimal(pct, func, "pct")
    digits = _check_digits(digits, func)
    plan = _check_text(plan, func, "plan")
    if style not in PLAN_STYLES:
        raise ValueError(f"{func}(): style {style!r} không hợp lệ; dùng 'dat', 'bang' hoặc 'vuot'")
    q = _qualifier(qualifier, func)
    if style == "vuot" and d > HUNDRED:
        over = _round(_add(d, HUNDRED.copy_negate()), digits)
        if not _is_zero(over):
            return f"vượt {q}{_render(over)}%" + _base_suffix(plan, with_so_voi=so_voi)
    word = "bằng" if style == "bang" else "đạt"
    return f"{word} {q}{_render(_round(d, digits))}%" + _base_suffix(plan, with_so_voi=False)


def format_plan_growth(rate: Number, plan: str = "kế hoạch", digits: int | None = None) -> str:
    """Write a planned growth rate so that it cannot be read as a plan completion.

    >>> format_plan_growth(Decimal('11.31')), format_plan_growth('-2', 'kế hoạch đầu năm')
    ('kế hoạch tăng 11,31%', 'kế hoạch đầu năm giảm 2%')
    """
    d = _to_decimal(rate, "format_plan_growth", "rate")
    digits = _check_digits(digits, "format_plan_growth")
    plan = _check_text(plan, "format_plan_growth", "plan")
    r = _round(d, digits)
    text = ("tăng " if r > 0 else "giảm " if r < 0 else "") + _render(_abs(r)) + "%"
    return f"{plan} {text}" if plan else text


def format_share_move(
    old: Number,
    new: Number,
    old_label: str = "",
    new_label: str = "",
    digits: int | None = None,
) -> str:
    """Describe a share (in %) moving from ``old`` to ``new``.

    >>> format_share_move(Decimal('6.88'), Decimal('7.69'), 'năm 2021', 'năm 2022')
    'từ 6,88% năm 2021 lên 7,69% năm 2022'
    >>> format_share_move(Decimal('7.69'), Decimal('7.69'))
    'giữ nguyên ở mức 7,69%'
    """
    func = "format_share_move"
    o = _round(_to_decimal(old, func, "old"), _check_digits(digits, func))
    n = _round(_to_decimal(new, func, "new"), digits)
    old_label = _check_text(old_label, func, "old_label")
    new_label = _check_text(new_label, func, "new_label")
    if o == n:
        return f"giữ nguyên ở mức {_render(n)}%"
    word = "lên" if n > o else "xuống"
    left = f"{_render(o)}%" + (f" {old_label}" if old_label else "")
    right = f"{_render(n)}%" + (f" {new_label}" if new_label else "")
    return f"từ {left} {word} {right}"


def format_points(x: Number, digits: int | None = None) -> str:
    """Describe a change in percentage points.

    >>> format_points(Decimal('0.81')), format_points('-0,5')
    ('tăng 0,81 điểm phần trăm', 'giảm 0,5 điểm phần trăm')
    """
    d = _round(_to_decimal(x, "format_points"), _check_digits(digits, "format_points"))
    if _is_zero(d):
        return "không thay đổi"
    word = "tăng" if d > 0 else "giảm"
    return f"{word} {_render(_abs(d))} điểm phần trăm"


# --------------------------------------------------------------------------
# Dates and document numbers
# --------------------------------------------------------------------------


def _to_date(d: object, func: str) -> datetime.date:
    if d is None:
        raise TypeError(f"{func}() nhận None: thiếu ngày")
    if isinstance(d, datetime.datetime):
        return d.date()
    if isinstance(d, datetime.date):
        return d
    if isinstance(d, str):
        try:
            return datetime.date.fromisoformat(d.strip())
        except ValueError:
            raise ValueError(f"{func}(): {d!r} không phải ngày dạng YYYY-MM-DD") from None
    raise TypeError(f"{func}() cần datetime.date, không phải {type(d).__name__} ({d!r})")


def format_date(d: datetime.date) -> str:
    """Write a date in full (Nghị định 30/2020): day < 10 and months 1, 2 padded.

    >>> format_date(datetime.date(2023, 1, 5)), format_date(datetime.date(2019, 6, 29))
    ('ngày 05 tháng 01 năm 2023', 'ngày 29 tháng 6 năm 2019')
    """
    d = _to_date(d, "format_date")
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_place_date(place: str, d: datetime.date) -> str:
    """Write the place-and-date line of the header.

    >>> format_place_date('Bắc Kạn', datetime.date(2023, 1, 5))
    'Bắc Kạn, ngày 05 tháng 01 năm 2023'
    """
    place = _check_text(place, "format_place_date", "place")
    if not place:
        raise ValueError("format_place_date(): thiếu địa danh (place)")
    return f"{place}, {format_date(_to_date(d, 'format_place_date'))}"


def format_short_date(d: datetime.date) -> str:
    """Write a date as dd/mm/yyyy for references in prose.

    >>> format_short_date(datetime.date(2022, 12, 30))
    '30/12/2022'
    """
    d = _to_date(d, "format_short_date")
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_doc_number(number: int | str, suffix: str) -> str:
    """Write the document number line; numbers under 10 get a leading 0.

    A string number is used as given (stripped).

    >>> format_doc_number(5, 'BC-SCT'), format_doc_number(123, 'BC-SCT')
    ('Số: 05/BC-SCT', 'Số: 123/BC-SCT')
    """
    func = "format_doc_number"
    suffix = _check_text(suffix, func, "suffix")
    if not suffix:
        raise ValueError(f"{func}(): thiếu ký hiệu văn bản (suffix), ví dụ 'BC-SCT'")
    if isinstance(number, str):
        num = number.strip()
    else:
        d = _to_decimal(number, func, "number")
        if d != d.to_integral_value() or d < 1:
            raise ValueError(f"{func}(): số văn bản phải là số nguyên dương, không phải {number!r}")
        num = _digits_str(_round(d, 0)).zfill(2)
    return f"Số: {num}/{suffix}"


def upper_first(text: str) -> str:
    """'sản phẩm tăng' -> 'Sản phẩm tăng' (a label starting a table cell or sentence)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def title_vn(text: str) -> str:
    """'SỞ CÔNG THƯƠNG' -> 'Sở Công Thương' (agency names in running text)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def format_roman(n: Number) -> str:
    """Part, section and appendix numbers in Roman numerals.

    >>> format_roman(4), format_roman(12)
    ('IV', 'XII')
    """
    d = _to_decimal(n, "format_roman", "n")
    if d != d.to_integral_value() or d < 1:
        raise ValueError(f"format_roman(): cần số nguyên dương, không phải {n!r}")
    k, out = int(d), []
    for value, letters in _ROMAN:
        while k >= value:
            out.append(letters)
            k -= value
    return "".join(out)


FILTERS: dict[str, Callable[..., str]] = {
    "roman": format_roman,
    "number": format_number,
    "percent": format_percent,
    "value": format_value,
    "count": format_count,
    "change": format_change,
    "plan": format_plan,
    "plan_growth": format_plan_growth,
    "status_change": format_status_change,
    "multiple": format_multiple,
    "base_vn": format_base,
    "share_move": format_share_move,
    "points": format_points,
    "date_vn": format_date,
    "place_date": format_place_date,
    "short_date": format_short_date,
    "doc_number": format_doc_number,
}
