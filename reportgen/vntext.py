"""Dates, document numbers and letter case as a Vietnamese administrative document writes
them (Nghị định 30/2020): "ngày 05 tháng 01 năm 2023", "Bắc Kạn, ngày …", "30/12/2022",
"Số: 05/BC-SCT", and the case helpers of labels and agency names ("Sở Công Thương").
"""
from __future__ import annotations

import datetime

from .vnnumber import check_text, digits_str, round_half_up, to_decimal


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
    place = check_text(place, "format_place_date", "place")
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
    suffix = check_text(suffix, func, "suffix")
    if not suffix:
        raise ValueError(f"{func}(): thiếu ký hiệu văn bản (suffix), ví dụ 'BC-SCT'")
    if isinstance(number, str):
        num = number.strip()
    else:
        d = to_decimal(number, func, "number")
        if d != d.to_integral_value() or d < 1:
            raise ValueError(f"{func}(): số văn bản phải là số nguyên dương, không phải {number!r}")
        num = digits_str(round_half_up(d, 0)).zfill(2)
    return f"Số: {num}/{suffix}"


def upper_first(text: str) -> str:
    """'sản phẩm tăng' -> 'Sản phẩm tăng' (a label starting a table cell or sentence)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def title_vn(text: str) -> str:
    """'SỞ CÔNG THƯƠNG' -> 'Sở Công Thương' (agency names in running text)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())
