"""Vietnamese numbers for Sở Công Thương reports: reading and writing figures exactly.

Holds the symbols, the input checks, exact Decimal rounding, `parse_number` and the number
writers (`format_number`, `format_percent`, `format_value`, `format_count`, `format_roman`).
The comparison and status wording built on them is `vnwording.py`, dates and document
numbers `vntext.py`; `vnformat.py` gathers all of them as the templates' filters.

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
"""

from __future__ import annotations

import decimal
import numbers
import re
import unicodedata
from decimal import Decimal
from typing import Union

from babel.numbers import get_decimal_symbol, get_group_symbol


Number = Union[Decimal, int, str]

DECIMAL_SYMBOL: str = get_decimal_symbol("vi")  # ','
GROUP_SYMBOL: str = get_group_symbol("vi")  # '.'
if DECIMAL_SYMBOL == GROUP_SYMBOL or len(DECIMAL_SYMBOL) != 1 or len(GROUP_SYMBOL) != 1:
    raise ImportError(  # pragma: no cover - guards against odd CLDR data
        f"unexpected Babel 'vi' symbols: decimal {DECIMAL_SYMBOL!r}, group {GROUP_SYMBOL!r}"
    )

NEGATIVE_WORD = "âm"
QUALIFIERS = ("trên", "gần", "hơn")

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


def to_decimal(x: object, func: str, what: str = "") -> Decimal:
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


def check_digits(digits: object, func: str) -> int | None:
    if digits is None:
        return None
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"{func}(): digits phải là số nguyên hoặc None, không phải {digits!r}")
    if digits < 0:
        raise ValueError(f"{func}(): digits phải >= 0, không phải {digits!r}")
    return int(digits)


def check_text(value: object, func: str, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{func}(): {name} phải là chuỗi, không phải {value!r}")
    return value.strip()


# --------------------------------------------------------------------------
# Exact Decimal helpers (no context rounding, no int<->str size limit); the wording
# (vnwording.py) and document (vntext.py) modules build on them and on the checks above
# --------------------------------------------------------------------------


def digits_str(d: Decimal) -> str:
    return "".join(map(str, d.as_tuple().digits))


def is_zero(d: Decimal) -> bool:
    return not any(d.as_tuple().digits)


def _increment(s: str) -> str:
    """Add one to a non-empty string of decimal digits."""
    i = len(s) - 1
    while i >= 0 and s[i] == "9":
        i -= 1
    if i < 0:
        return "1" + "0" * len(s)
    return s[:i] + str(int(s[i]) + 1) + "0" * (len(s) - i - 1)


def round_half_up(d: Decimal, digits: int | None) -> Decimal:
    """Round ``d`` half up to ``digits`` decimal places (exactly; None: unchanged)."""
    if digits is None:
        return d
    sign, _, exp = d.as_tuple()
    s = digits_str(d)
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


def exact_abs(d: Decimal) -> Decimal:
    return d.copy_abs()  # exact, unlike abs() which rounds to the context


def exact_add(a: Decimal, b: Decimal) -> Decimal:
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
    if m.group("sign") and not is_zero(d):
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


def render(d: Decimal) -> str:
    """Write a finite Decimal with Vietnamese symbols; exponent kept, 'âm' for negatives."""
    sign, _, exp = d.as_tuple()
    s = digits_str(d)
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
    if sign and not is_zero(d):
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
    d = to_decimal(x, "format_number")
    return render(round_half_up(d, check_digits(digits, "format_number")))


def format_percent(x: Number, digits: int | None = None) -> str:
    """Write a percentage, no space before ``%``.

    >>> format_percent(Decimal('12.77'))
    '12,77%'
    """
    d = to_decimal(x, "format_percent")
    return render(round_half_up(d, check_digits(digits, "format_percent"))) + "%"


def format_value(
    x: Number, unit: str = "", qualifier: str | None = None, digits: int | None = None
) -> str:
    """Write a figure with its unit and optional approximation word.

    ``qualifier`` is None (or ''), 'trên', 'gần' or 'hơn'; unit '%' takes no space.

    >>> format_value(Decimal('844'), 'nghìn tỷ đồng', 'trên')
    'trên 844 nghìn tỷ đồng'
    """
    d = to_decimal(x, "format_value")
    digits = check_digits(digits, "format_value")
    unit = check_text(unit, "format_value", "unit")
    q = check_text(qualifier, "format_value", "qualifier")
    if q and q not in QUALIFIERS:
        raise ValueError(
            f"format_value(): qualifier {qualifier!r} không hợp lệ; dùng None, 'trên', 'gần' hoặc 'hơn'"
        )
    out = render(round_half_up(d, digits))
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
        d = to_decimal(v, "format_count", name)
        if d != d.to_integral_value():
            raise ValueError(f"format_count(): {name} phải là số nguyên, không phải {v!r}")
        if d < 0:
            raise ValueError(f"format_count(): {name} không được âm ({v!r})")
        return round_half_up(d, 0)

    def padded(d: Decimal) -> str:
        text = render(d)
        return text if GROUP_SYMBOL in text else text.zfill(int(pad))

    text = padded(whole(n, "n"))
    if total is None:
        return text
    # one rule for every count under 10 of a report, the total included ('09/09', not '09/9')
    return f"{text}/{padded(whole(total, 'total'))}"



_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def format_roman(n: Number) -> str:
    """Part, section and appendix numbers in Roman numerals.

    >>> format_roman(4), format_roman(12)
    ('IV', 'XII')
    """
    d = to_decimal(n, "format_roman", "n")
    if d != d.to_integral_value() or d < 1:
        raise ValueError(f"format_roman(): cần số nguyên dương, không phải {n!r}")
    k, out = int(d), []
    for value, letters in _ROMAN:
        while k >= value:
            out.append(letters)
            k -= value
    return "".join(out)
