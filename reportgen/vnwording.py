"""Vietnamese wording of comparisons, statuses and periods in a report, one home each.

The status words of a figure ("đạt", "ước đạt", the target status "phấn đấu đạt" …) and the
estimate word each puts before a verb; the wording of a period ("năm 2022", "6 tháng đầu năm
2023") and of the comparison base ("cùng kỳ năm 2021"); and the phrases built on them:
changes ("tăng 12,77% so với cùng kỳ"), plan completion ("đạt 90,48% kế hoạch năm"),
multiples, shares and percentage points. Numbers are written by `vnnumber.py`.
"""
from __future__ import annotations

from decimal import Decimal

from .vnnumber import (HUNDRED, QUALIFIERS, Number, check_digits, check_text, digits_str,
                       exact_abs, exact_add, is_zero, render, round_half_up, to_decimal)

CHANGE_STYLES = ("giam", "bang", "index", "chi_bang")
PLAN_STYLES = ("dat", "bang", "vuot")


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
#: the status of a figure stated as a result (the default)
RESULT_STATUS = "đạt"
#: every status a figure may have, with the estimate/projection word it puts before a verb:
#: "ước đạt" → "ước tăng …" (the one home of the status words; the data model takes them here)
_STATUS_PREFIX = {RESULT_STATUS: "", "ước đạt": "ước", "ước thực hiện": "ước", "dự kiến đạt": "dự kiến",
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
    d = to_decimal(pct, func, "pct")
    thr = to_decimal(threshold, func, "threshold")
    digits = check_digits(digits, func)
    base = check_text(base, func, "base")
    if style not in CHANGE_STYLES:
        raise ValueError(f"{func}(): style {style!r} không hợp lệ; dùng 'giam', 'bang', 'index' "
                         "hoặc 'chi_bang'")
    if thr < 0:
        raise ValueError(f"{func}(): threshold không được âm ({threshold!r})")
    q = _qualifier(qualifier, func)

    if not q and (exact_abs(d) <= thr or is_zero(round_half_up(d, digits))):
        if base.startswith("so "):
            return f"tương đương {base[3:]}"
        return f"tương đương {base}" if base else "tương đương"

    if style == "index" or (style in ("bang", "chi_bang") and d < 0):
        ratio = exact_add(HUNDRED, d)
        if ratio < 0:
            raise ValueError(f"{func}(): pct {pct!r} dưới âm 100%: không thể viết thành tỷ lệ 'bằng …%'")
        text = f"bằng {q}{render(round_half_up(ratio, digits))}%"
        if style == "chi_bang":
            return "chỉ " + text + _base_suffix(base)
        return text + _base_suffix(base, with_so_voi=(style == "index"))

    word = "tăng" if d > 0 else "giảm"
    return f"{word} {q}{render(round_half_up(exact_abs(d), digits))}%" + _base_suffix(base)


def _qualifier(qualifier: object, func: str) -> str:
    """'' or 'trên ' (with its space), checked against QUALIFIERS."""
    q = check_text(qualifier, func, "qualifier")
    if q and q not in QUALIFIERS:
        raise ValueError(f"{func}(): qualifier {qualifier!r} không hợp lệ; dùng None, 'trên', 'gần' hoặc 'hơn'")
    return f"{q} " if q else ""




def format_status_change(
    pct: Number,
    status: str = RESULT_STATUS,
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
    d = to_decimal(pct, func, "pct")
    prefix = _STATUS_PREFIX[status]
    text = format_change(d, base, style, threshold, digits, qualifier)
    if style == "chi_bang" and text.startswith("chỉ bằng "):
        return f"{prefix} bằng {text[len('chỉ bằng '):]}" if prefix else text
    if style == "index" and text.startswith("bằng "):
        if d > 0 or is_zero(d):
            return f"{status} {text[len('bằng '):]}"
        return f"{prefix or 'chỉ'} {text}"
    return f"{prefix} {text}" if prefix else text


def format_multiple(times: Number, year: Number, digits: int | None = None,
                    half: str | None = None) -> str:
    """A multiple against an earlier base year; in a half-year report (`half` 'h1' or 'h2')
    the base is the same half of that year.

    >>> format_multiple(Decimal('3.2'), 2015)
    'gấp 3,2 lần so với năm 2015'
    >>> format_multiple(Decimal('1.5'), 2019, half='h1')
    'gấp 1,5 lần so với 6 tháng đầu năm 2019'
    """
    t = to_decimal(times, "format_multiple", "times")
    y = to_decimal(year, "format_multiple", "year")
    if t <= 0:
        raise ValueError(f"format_multiple(): số lần phải lớn hơn 0, không phải {times!r}")
    if half not in (None, "h1", "h2"):
        raise ValueError(f"format_multiple(): half là 'h1', 'h2' hoặc None, không phải {half!r}")
    base = format_period(digits_str(y), half)
    return f"gấp {render(round_half_up(t, check_digits(digits, 'format_multiple')))} lần so với {base}"


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
    d = to_decimal(pct, func, "pct")
    digits = check_digits(digits, func)
    plan = check_text(plan, func, "plan")
    if style not in PLAN_STYLES:
        raise ValueError(f"{func}(): style {style!r} không hợp lệ; dùng 'dat', 'bang' hoặc 'vuot'")
    q = _qualifier(qualifier, func)
    if style == "vuot" and d > HUNDRED:
        over = round_half_up(exact_add(d, HUNDRED.copy_negate()), digits)
        if not is_zero(over):
            return f"vượt {q}{render(over)}%" + _base_suffix(plan, with_so_voi=so_voi)
    word = "bằng" if style == "bang" else "đạt"
    return f"{word} {q}{render(round_half_up(d, digits))}%" + _base_suffix(plan, with_so_voi=False)


def format_plan_growth(rate: Number, plan: str = "kế hoạch", digits: int | None = None) -> str:
    """Write a planned growth rate so that it cannot be read as a plan completion.

    >>> format_plan_growth(Decimal('11.31')), format_plan_growth('-2', 'kế hoạch đầu năm')
    ('kế hoạch tăng 11,31%', 'kế hoạch đầu năm giảm 2%')
    """
    d = to_decimal(rate, "format_plan_growth", "rate")
    digits = check_digits(digits, "format_plan_growth")
    plan = check_text(plan, "format_plan_growth", "plan")
    r = round_half_up(d, digits)
    text = ("tăng " if r > 0 else "giảm " if r < 0 else "") + render(exact_abs(r)) + "%"
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
    o = round_half_up(to_decimal(old, func, "old"), check_digits(digits, func))
    n = round_half_up(to_decimal(new, func, "new"), digits)
    old_label = check_text(old_label, func, "old_label")
    new_label = check_text(new_label, func, "new_label")
    if o == n:
        return f"giữ nguyên ở mức {render(n)}%"
    word = "lên" if n > o else "xuống"
    left = f"{render(o)}%" + (f" {old_label}" if old_label else "")
    right = f"{render(n)}%" + (f" {new_label}" if new_label else "")
    return f"từ {left} {word} {right}"


def format_points(x: Number, digits: int | None = None) -> str:
    """Describe a change in percentage points.

    >>> format_points(Decimal('0.81')), format_points('-0,5')
    ('tăng 0,81 điểm phần trăm', 'giảm 0,5 điểm phần trăm')
    """
    d = round_half_up(to_decimal(x, "format_points"), check_digits(digits, "format_points"))
    if is_zero(d):
        return "không thay đổi"
    word = "tăng" if d > 0 else "giảm"
    return f"{word} {render(exact_abs(d))} điểm phần trăm"
