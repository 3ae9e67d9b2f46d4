"""Vietnamese formatting for Sở Công Thương reports: the one import path of every number,
comparison, status, period and date phrase, and `FILTERS`, the table of Jinja filters the
templates use (documented in docs/filters.md).

The work is done in three modules, one job each: `vnnumber.py` reads and writes figures
exactly (``1.586,397``, ``12,77%``, ``04/15``, ``âm 6,76``; half-up rounding, no float);
`vnwording.py` words comparisons, statuses and periods (``tăng 12,77% so với cùng kỳ``,
``đạt 90,48% kế hoạch năm``, the status words, ``6 tháng đầu năm 2023``); `vntext.py` writes
dates, document numbers and letter case (``ngày 05 tháng 01 năm 2023``, ``Số: 05/BC-SCT``).
This module only gathers them.

Example::

    >>> from decimal import Decimal
    >>> format_value(Decimal('844'), 'nghìn tỷ đồng', 'trên')
    'trên 844 nghìn tỷ đồng'
    >>> format_change('-6,76')
    'giảm 6,76% so với cùng kỳ'
"""
from __future__ import annotations

from typing import Callable

from .vnnumber import (DECIMAL_SYMBOL, GROUP_SYMBOL, HUNDRED, NEGATIVE_WORD, QUALIFIERS,
                       Number, NumberFormatError, format_count, format_number, format_percent,
                       format_roman, format_value, parse_number)
from .vntext import (format_date, format_doc_number, format_place_date, format_short_date,
                     lower_first, title_vn, upper_first)
from .vnwording import (BASE_STYLES, CHANGE_STYLES, PLAN_STYLES, RESULT_STATUS, STATUSES,
                        TARGET_STATUS, format_base, format_change, format_multiple,
                        format_period, format_plan, format_plan_growth, format_points,
                        format_share_move, format_status_change)

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
    "format_period",
    "format_share_move",
    "format_points",
    "format_date",
    "format_place_date",
    "format_short_date",
    "format_doc_number",
    "upper_first",
    "lower_first",
    "title_vn",
    "FILTERS",
    "DECIMAL_SYMBOL",
    "GROUP_SYMBOL",
    "HUNDRED",
    "NEGATIVE_WORD",
    "QUALIFIERS",
    "CHANGE_STYLES",
    "PLAN_STYLES",
    "BASE_STYLES",
    "STATUSES",
    "TARGET_STATUS",
    "RESULT_STATUS",
    "Number",
]

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
