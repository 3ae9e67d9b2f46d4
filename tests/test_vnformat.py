"""Tests for reportgen.vnformat: Vietnamese numbers, comparisons and dates."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import vnformat as vf
from reportgen.vnformat import (
    FILTERS,
    NumberFormatError,
    format_change,
    format_count,
    format_date,
    format_doc_number,
    format_number,
    format_percent,
    format_place_date,
    format_plan,
    format_plan_growth,
    format_points,
    format_share_move,
    format_short_date,
    format_value,
    parse_number,
)

PROPS = settings(max_examples=200, deadline=None)

# ---------------------------------------------------------------------------
# Babel symbols
# ---------------------------------------------------------------------------


def test_symbols_come_from_babel_vi():
    from babel.numbers import get_decimal_symbol, get_group_symbol

    assert vf.DECIMAL_SYMBOL == get_decimal_symbol("vi") == ","
    assert vf.GROUP_SYMBOL == get_group_symbol("vi") == "."


# ---------------------------------------------------------------------------
# parse_number
# ---------------------------------------------------------------------------

PARSE_OK = [
    ("1.586,397", D("1586.397")),
    ("34,410", D("34.410")),
    ("5.300", D("5300")),
    ("119.430.400", D("119430400")),
    ("430.400", D("430400")),
    ("13.126", D("13126")),
    ("12,77", D("12.77")),
    ("0,45", D("0.45")),
    ("-6,76", D("-6.76")),
    ("âm 6,76", D("-6.76")),
    ("Âm 6,76", D("-6.76")),
    ("\u22126,76", D("-6.76")),
    ("12,77%", D("12.77")),
    ("97,66 %", D("97.66")),
    ("âm 3,39%", D("-3.39")),
    ("  844  ", D("844")),
    ("\xa01.586,397\xa0", D("1586.397")),
    ("5,3", D("5.3")),
    ("0", D("0")),
    ("0,00", D("0.00")),
    ("05", D("5")),
    ("13126", D("13126")),
    ("1586,397", D("1586.397")),
    ("1.000.000,000", D("1000000.000")),
]


@pytest.mark.parametrize("text, expected", PARSE_OK)
def test_parse_number_ok(text, expected):
    got = parse_number(text)
    assert got == expected
    # Same precision as written, not merely the same value.
    assert got.as_tuple() == expected.as_tuple()


def test_parse_number_decomposed_unicode():
    import unicodedata

    assert parse_number(unicodedata.normalize("NFD", "âm 6,76")) == D("-6.76")


def test_parse_number_negative_zero_is_zero():
    z = parse_number("-0,00")
    assert z == 0 and not z.is_signed() and z.as_tuple().exponent == -2


PARSE_BAD = [
    "1,586.397",  # English notation
    "1586.397",  # first group has 4 digits
    "12,7,7",
    "1.58,6",
    "1..5",
    "",
    "   ",
    "abc",
    "1.5",
    "1.50",
    "1.5000",
    "0.500",  # a group cannot start with 0: this is English 0,5
    "nan",
    "NaN",
    "inf",
    "Infinity",
    "-inf",
    "1e5",
    "1E5",
    "1,5e3",
    "%",
    ",5",
    "5,",
    ".500",
    "1.",
    "- 5",
    "--5",
    "âm -5",
    "+5",
    "1 586",
    "5%%",
    "%5",
    "12,77% tăng",
    "٣",  # Arabic-Indic digit
    "1_000",
    "0x10",
]


@pytest.mark.parametrize("text", PARSE_BAD)
def test_parse_number_rejects(text):
    with pytest.raises(NumberFormatError) as exc:
        parse_number(text)
    msg = str(exc.value)
    assert "không phải số viết kiểu Việt Nam" in msg
    assert "'1.586,397'" in msg  # says how to write it


def test_number_format_error_is_value_error():
    assert issubclass(NumberFormatError, ValueError)


def test_parse_number_error_message_exact_prefix():
    with pytest.raises(NumberFormatError) as exc:
        parse_number("1,586.397")
    assert str(exc.value).startswith(
        '"1,586.397" không phải số viết kiểu Việt Nam: dùng dấu chấm phân cách hàng nghìn '
        "và dấu phẩy thập phân, ví dụ '1.586,397'"
    )
    assert "tiếng Anh" in str(exc.value)


@pytest.mark.parametrize(
    "text, hint",
    [
        ("1.5", "đúng 3 chữ số"),
        ("1586.397", "1-3 chữ số"),
        ("0.500", "không bắt đầu bằng 0"),
        ("1e5", "khoa học"),
        ("12,7,7", "một dấu phẩy"),
        ("", "chuỗi rỗng"),
    ],
)
def test_parse_number_error_hints(text, hint):
    with pytest.raises(NumberFormatError, match=re.escape(hint)):
        parse_number(text)


@pytest.mark.parametrize("bad", [None, 5, D("5"), 5.0, b"5"])
def test_parse_number_needs_str(bad):
    with pytest.raises(TypeError):
        parse_number(bad)


# ---------------------------------------------------------------------------
# format_number / format_percent
# ---------------------------------------------------------------------------

FORMAT_NUMBER = [
    (D("1586.397"), None, "1.586,397"),
    (D("34.410"), None, "34,410"),
    (D("5300"), None, "5.300"),
    (D("119430400"), None, "119.430.400"),
    (D("430400"), None, "430.400"),
    (D("844"), None, "844"),
    (D("5.3"), None, "5,3"),
    (D("0.45"), None, "0,45"),
    (D("999"), None, "999"),
    (D("1000"), None, "1.000"),
    (D("1E+3"), None, "1.000"),
    (D("1.5E+3"), None, "1.500"),
    (D("1E+7"), None, "10.000.000"),
    (D("1E-7"), None, "0,0000001"),
    (D("-6.76"), None, "âm 6,76"),
    (D("-1586.397"), None, "âm 1.586,397"),
    (D("0"), None, "0"),
    (D("0.00"), None, "0,00"),
    (D("-0"), None, "0"),
    (D("-0.00"), None, "0,00"),
    (D("0E+5"), None, "0"),
    (D("0.125"), 2, "0,13"),  # half up, not half even
    (D("0.135"), 2, "0,14"),
    (D("0.124"), 2, "0,12"),
    (D("-0.125"), 2, "âm 0,13"),
    (D("-0.001"), 2, "0,00"),  # rounds to zero: no 'âm'
    (D("2.5"), 0, "3"),
    (D("3.5"), 0, "4"),
    (D("1586.397"), 0, "1.586"),
    (D("999.5"), 0, "1.000"),
    (D("9.995"), 2, "10,00"),
    (D("12"), 2, "12,00"),
    (D("1E+3"), 2, "1.000,00"),
    (D("0.0004"), 2, "0,00"),
    (D("0.005"), 2, "0,01"),
    (D("0.00049"), 3, "0,000"),
    (D("1586.397"), 5, "1.586,39700"),
    (1234567, None, "1.234.567"),
    (-5, None, "âm 5"),
    (0, None, "0"),
    ("1.586,397", None, "1.586,397"),
    ("âm 6,76", None, "âm 6,76"),
    ("0,125", 2, "0,13"),
]


@pytest.mark.parametrize("x, digits, expected", FORMAT_NUMBER)
def test_format_number(x, digits, expected):
    assert format_number(x, digits) == expected


def test_format_number_keeps_precision_beyond_context():
    # 40 significant digits: the default Decimal context (28) must not round it.
    x = D("1234567890123456789012345678901234567.891")
    assert format_number(x) == "1.234.567.890.123.456.789.012.345.678.901.234.567,891"
    assert format_number(x, 2) == "1.234.567.890.123.456.789.012.345.678.901.234.567,89"
    assert format_number(D("9" * 39 + ".5"), 0) == "1" + ".000" * 13


def test_format_number_rounds_long_nines():
    # 32 nines: rounds up to 10^32, a 33-digit integer part.
    assert format_number(D("9" * 32 + ".995"), 2) == "100" + ".000" * 10 + ",00"
    assert format_number(D("9" * 32 + ".994"), 2) == "99" + ".999" * 10 + ",99"


def test_format_number_huge_exponent_no_int_limit():
    # Python 3.11 limits int<->str to 4300 digits: formatting must not go through int.
    s = format_number(D("1E+5000"))
    assert s.startswith("100.000.") and "E" not in s and len(s.replace(".", "")) == 5001
    assert format_number(D("1E-5000"), 2) == "0,00"
    assert format_change(D("1E+5000")).startswith("tăng 100.000.")
    assert format_change(D("-1E-5000"), style="bang").startswith("bằng 99,999")


@pytest.mark.parametrize(
    "x, digits, expected",
    [
        (D("12.77"), None, "12,77%"),
        (D("97.66"), None, "97,66%"),
        (D("100"), None, "100%"),
        (D("-6.76"), None, "âm 6,76%"),
        (D("0.125"), 2, "0,13%"),
        ("12,77", None, "12,77%"),
        (7, None, "7%"),
    ],
)
def test_format_percent(x, digits, expected):
    assert format_percent(x, digits) == expected


# ---------------------------------------------------------------------------
# format_value
# ---------------------------------------------------------------------------

FORMAT_VALUE = [
    ((D("844"), "nghìn tỷ đồng", "trên"), {}, "trên 844 nghìn tỷ đồng"),
    ((D("430400"), "tỷ đồng", "gần"), {}, "gần 430.400 tỷ đồng"),
    ((D("5.3"), "tỷ USD", "hơn"), {}, "hơn 5,3 tỷ USD"),
    ((D("1586.397"), "tỷ đồng"), {}, "1.586,397 tỷ đồng"),
    ((D("34.410"), "triệu USD"), {}, "34,410 triệu USD"),
    ((D("97.66"), "%"), {}, "97,66%"),
    ((D("97.66"), "%", "gần"), {}, "gần 97,66%"),
    ((D("5300"),), {}, "5.300"),
    ((D("5300"), ""), {}, "5.300"),
    ((D("5300"), None), {}, "5.300"),
    ((D("1586.397"), "tỷ đồng"), {"digits": 1}, "1.586,4 tỷ đồng"),
    ((D("13126"), "hồ sơ", None), {}, "13.126 hồ sơ"),
    ((D("12"), "MW", ""), {}, "12 MW"),
    (("1.586,397", "tỷ đồng"), {}, "1.586,397 tỷ đồng"),
    ((D("-2.5"), "tỷ đồng"), {}, "âm 2,5 tỷ đồng"),
]


@pytest.mark.parametrize("args, kwargs, expected", FORMAT_VALUE)
def test_format_value(args, kwargs, expected):
    assert format_value(*args, **kwargs) == expected


@pytest.mark.parametrize("q", ["khoảng", "Trên", "tren", "under", "~"])
def test_format_value_bad_qualifier(q):
    with pytest.raises(ValueError, match="qualifier"):
        format_value(D("1"), "tấn", q)


# ---------------------------------------------------------------------------
# format_count
# ---------------------------------------------------------------------------

FORMAT_COUNT = [
    ((4, 15), {}, "04/15"),
    ((45, 45), {}, "45/45"),
    ((5,), {}, "05"),
    ((7,), {}, "07"),
    ((0,), {}, "00"),
    ((10,), {}, "10"),
    ((8, 13), {"pad": 0}, "8/13"),
    ((8,), {"pad": 0}, "8"),
    ((4, 5), {}, "04/05"),  # one padding rule for every count under 10, the total included
    ((9, 9), {"pad": 0}, "9/9"),
    ((7,), {"pad": 3}, "007"),
    ((13126,), {}, "13.126"),
    ((1000,), {"pad": 5}, "1.000"),
    ((999,), {"pad": 3}, "999"),
    ((1200, 13126), {}, "1.200/13.126"),
    ((D("4"), D("15")), {}, "04/15"),
    ((D("4.0"),), {}, "04"),
    (("04", "15"), {}, "04/15"),
]


@pytest.mark.parametrize("args, kwargs, expected", FORMAT_COUNT)
def test_format_count(args, kwargs, expected):
    assert format_count(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "args, kwargs, exc",
    [
        ((-1,), {}, ValueError),
        ((1, -15), {}, ValueError),
        ((D("1.5"),), {}, ValueError),
        ((1,), {"pad": -1}, ValueError),
        ((1,), {"pad": 1.0}, TypeError),
        ((1.0,), {}, TypeError),
        ((1, 2.0), {}, TypeError),
        ((None,), {}, TypeError),
        ((True,), {}, TypeError),
    ],
)
def test_format_count_errors(args, kwargs, exc):
    with pytest.raises(exc):
        format_count(*args, **kwargs)


# ---------------------------------------------------------------------------
# format_change
# ---------------------------------------------------------------------------

FORMAT_CHANGE = [
    ((D("12.77"),), {}, "tăng 12,77% so với cùng kỳ"),
    ((D("-6.76"),), {}, "giảm 6,76% so với cùng kỳ"),
    (("âm 6,76",), {}, "giảm 6,76% so với cùng kỳ"),
    ((D("12.77"),), {"base": "cùng kỳ năm 2020"}, "tăng 12,77% so với cùng kỳ năm 2020"),
    ((D("12.77"),), {"base": "năm 2021"}, "tăng 12,77% so với năm 2021"),
    ((D("12.77"),), {"base": ""}, "tăng 12,77%"),
    ((D("-6.76"),), {"base": ""}, "giảm 6,76%"),
    (
        (D("-3.39"),),
        {"base": "cùng kỳ năm 2020", "style": "bang"},
        "bằng 96,61% cùng kỳ năm 2020",
    ),
    ((D("-3.39"),), {"style": "bang"}, "bằng 96,61% cùng kỳ"),
    ((D("-3.390"),), {"style": "bang"}, "bằng 96,610% cùng kỳ"),
    ((D("-3.39"),), {"style": "bang", "base": ""}, "bằng 96,61%"),
    ((D("12.77"),), {"style": "bang"}, "tăng 12,77% so với cùng kỳ"),  # rises still 'tăng'
    ((D("12"),), {"style": "index"}, "bằng 112% so với cùng kỳ"),
    ((D("-3.39"),), {"style": "index"}, "bằng 96,61% so với cùng kỳ"),
    ((D("12.77"),), {"style": "index", "base": "năm 2021"}, "bằng 112,77% so với năm 2021"),
    ((D("12.77"),), {"style": "index", "base": ""}, "bằng 112,77%"),
    ((D("0"),), {}, "tương đương cùng kỳ"),
    ((D("0.00"),), {"base": "năm 2021"}, "tương đương năm 2021"),
    ((D("0"),), {"base": ""}, "tương đương"),
    ((D("0"),), {"style": "index"}, "tương đương cùng kỳ"),
    ((D("0.3"),), {"threshold": D("0.5")}, "tương đương cùng kỳ"),
    ((D("-0.5"),), {"threshold": D("0.5")}, "tương đương cùng kỳ"),
    ((D("0.51"),), {"threshold": D("0.5")}, "tăng 0,51% so với cùng kỳ"),
    ((D("-0.3"),), {"threshold": "0,5", "base": ""}, "tương đương"),
    ((D("0.001"),), {"digits": 2}, "tương đương cùng kỳ"),  # rounds to zero
    ((D("12.775"),), {"digits": 2}, "tăng 12,78% so với cùng kỳ"),
    ((D("-6.765"),), {"digits": 2}, "giảm 6,77% so với cùng kỳ"),
    ((D("-3.395"),), {"style": "bang", "digits": 2}, "bằng 96,61% cùng kỳ"),  # rounds 96,605
    ((12,), {}, "tăng 12% so với cùng kỳ"),
    ((D("1.2E+1"),), {}, "tăng 12% so với cùng kỳ"),
]


@pytest.mark.parametrize("args, kwargs, expected", FORMAT_CHANGE)
def test_format_change(args, kwargs, expected):
    assert format_change(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"style": "tang"}, ValueError),
        ({"style": ""}, ValueError),
        ({"threshold": D("-1")}, ValueError),
        ({"threshold": 0.5}, TypeError),
        ({"threshold": None}, TypeError),
        ({"digits": -1}, ValueError),
        ({"digits": 1.0}, TypeError),
    ],
)
def test_format_change_errors(kwargs, exc):
    with pytest.raises(exc):
        format_change(D("5"), **kwargs)


@pytest.mark.parametrize("style", ["bang", "index"])
def test_format_change_ratio_below_zero_rejected(style):
    with pytest.raises(ValueError):
        format_change(D("-150"), style=style)


# ---------------------------------------------------------------------------
# format_plan / format_plan_growth / format_share_move / format_points
# ---------------------------------------------------------------------------

FORMAT_PLAN = [
    ((D("90.48"),), {}, "đạt 90,48% kế hoạch năm"),
    ((D("100"),), {"style": "bang"}, "bằng 100% kế hoạch năm"),
    ((D("100"),), {"style": "bang", "plan": "kế hoạch"}, "bằng 100% kế hoạch"),
    ((D("106.86"),), {"style": "vuot"}, "vượt 6,86% so với kế hoạch năm"),
    ((D("106.86"),), {"style": "vuot", "plan": "kế hoạch"}, "vượt 6,86% so với kế hoạch"),
    ((D("161"),), {"style": "vuot"}, "vượt 61% so với kế hoạch năm"),
    ((D("106.860"),), {"style": "vuot"}, "vượt 6,860% so với kế hoạch năm"),
    ((D("100"),), {"style": "vuot"}, "đạt 100% kế hoạch năm"),
    ((D("90.48"),), {"style": "vuot"}, "đạt 90,48% kế hoạch năm"),
    ((D("100.001"),), {"style": "vuot", "digits": 2}, "đạt 100,00% kế hoạch năm"),
    ((D("106.865"),), {"style": "vuot", "digits": 2}, "vượt 6,87% so với kế hoạch năm"),
    ((D("90.48"),), {"plan": ""}, "đạt 90,48%"),
    ((D("106.86"),), {"style": "vuot", "plan": ""}, "vượt 6,86%"),
    (("90,48",), {}, "đạt 90,48% kế hoạch năm"),
    ((D("90.485"),), {"digits": 2}, "đạt 90,49% kế hoạch năm"),
]


@pytest.mark.parametrize("args, kwargs, expected", FORMAT_PLAN)
def test_format_plan(args, kwargs, expected):
    assert format_plan(*args, **kwargs) == expected


def test_format_plan_bad_style():
    with pytest.raises(ValueError, match="style"):
        format_plan(D("90"), style="vuotqua")


@pytest.mark.parametrize(
    "args, expected",
    [
        ((D("11.31"),), "kế hoạch tăng 11,31%"),
        ((D("11.31"), "kế hoạch đầu năm"), "kế hoạch đầu năm tăng 11,31%"),
        ((D("11.31"), ""), "tăng 11,31%"),
        (("11,31",), "kế hoạch tăng 11,31%"),
        (("âm 2",), "kế hoạch giảm 2%"),
        (("0",), "kế hoạch 0%"),
    ],
)
def test_format_plan_growth(args, expected):
    assert format_plan_growth(*args) == expected


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((D("6.88"), D("7.69"), "năm 2021", "năm 2022"), {}, "từ 6,88% năm 2021 lên 7,69% năm 2022"),
        ((D("6.88"), D("7.69")), {}, "từ 6,88% lên 7,69%"),
        ((D("7.69"), D("6.88"), "năm 2021", "năm 2022"), {}, "từ 7,69% năm 2021 xuống 6,88% năm 2022"),
        ((D("7.69"), D("6.88")), {}, "từ 7,69% xuống 6,88%"),
        ((D("7.69"), D("7.69")), {}, "giữ nguyên ở mức 7,69%"),
        ((D("7.69"), D("7.69"), "năm 2021", "năm 2022"), {}, "giữ nguyên ở mức 7,69%"),
        ((D("7.691"), D("7.694")), {"digits": 2}, "giữ nguyên ở mức 7,69%"),
        (("6,88", "7,69"), {}, "từ 6,88% lên 7,69%"),
    ],
)
def test_format_share_move(args, kwargs, expected):
    assert format_share_move(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "x, digits, expected",
    [
        (D("0.81"), None, "tăng 0,81 điểm phần trăm"),
        (D("-0.81"), None, "giảm 0,81 điểm phần trăm"),
        ("âm 1,5", None, "giảm 1,5 điểm phần trăm"),
        (D("0.815"), 2, "tăng 0,82 điểm phần trăm"),
        (D("0"), None, "không thay đổi"),
        (D("0.004"), 2, "không thay đổi"),
        (2, None, "tăng 2 điểm phần trăm"),
    ],
)
def test_format_points(x, digits, expected):
    assert format_points(x, digits) == expected


# ---------------------------------------------------------------------------
# Dates and document numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, expected",
    [
        (datetime.date(2023, 1, 5), "ngày 05 tháng 01 năm 2023"),
        (datetime.date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (datetime.date(2022, 2, 9), "ngày 09 tháng 02 năm 2022"),
        (datetime.date(2022, 3, 10), "ngày 10 tháng 3 năm 2022"),
        (datetime.date(2022, 9, 1), "ngày 01 tháng 9 năm 2022"),
        (datetime.date(2022, 10, 1), "ngày 01 tháng 10 năm 2022"),
        (datetime.date(2022, 12, 30), "ngày 30 tháng 12 năm 2022"),
        (datetime.datetime(2023, 1, 5, 14, 30), "ngày 05 tháng 01 năm 2023"),
        ("2023-01-05", "ngày 05 tháng 01 năm 2023"),
    ],
)
def test_format_date(d, expected):
    assert format_date(d) == expected


def test_format_place_date():
    assert format_place_date("Bắc Kạn", datetime.date(2023, 1, 5)) == (
        "Bắc Kạn, ngày 05 tháng 01 năm 2023"
    )
    assert format_place_date(" Bắc Kạn ", datetime.date(2019, 6, 29)) == (
        "Bắc Kạn, ngày 29 tháng 6 năm 2019"
    )
    with pytest.raises(ValueError):
        format_place_date("", datetime.date(2023, 1, 5))


@pytest.mark.parametrize(
    "d, expected",
    [
        (datetime.date(2022, 12, 30), "30/12/2022"),
        (datetime.date(2023, 1, 5), "05/01/2023"),
        (datetime.date(2019, 6, 29), "29/06/2019"),
    ],
)
def test_format_short_date(d, expected):
    assert format_short_date(d) == expected


@pytest.mark.parametrize("func", [format_date, format_short_date])
@pytest.mark.parametrize("bad, exc", [(None, TypeError), (20230105, TypeError), ("05/01/2023", ValueError)])
def test_date_errors(func, bad, exc):
    with pytest.raises(exc):
        func(bad)


@pytest.mark.parametrize(
    "number, suffix, expected",
    [
        (5, "BC-SCT", "Số: 05/BC-SCT"),
        (9, "BC-SCT", "Số: 09/BC-SCT"),
        (10, "BC-SCT", "Số: 10/BC-SCT"),
        (123, "BC-SCT", "Số: 123/BC-SCT"),
        (D("5"), "BC-SCT", "Số: 05/BC-SCT"),
        ("123", "BC-SCT", "Số: 123/BC-SCT"),
        (" 5 ", "BC-SCT", "Số: 5/BC-SCT"),  # a string is used as given
        ("123a", " BC-SCT ", "Số: 123a/BC-SCT"),
    ],
)
def test_format_doc_number(number, suffix, expected):
    assert format_doc_number(number, suffix) == expected


@pytest.mark.parametrize(
    "number, suffix, exc",
    [
        (0, "BC-SCT", ValueError),
        (-5, "BC-SCT", ValueError),
        (D("5.5"), "BC-SCT", ValueError),
        (5.0, "BC-SCT", TypeError),
        (None, "BC-SCT", TypeError),
        (True, "BC-SCT", TypeError),
        (5, "", ValueError),
    ],
)
def test_format_doc_number_errors(number, suffix, exc):
    with pytest.raises(exc):
        format_doc_number(number, suffix)


# ---------------------------------------------------------------------------
# FILTERS
# ---------------------------------------------------------------------------


def test_filters_mapping_exact():
    assert FILTERS == {
        "roman": vf.format_roman,
        "number": format_number,
        "percent": format_percent,
        "value": format_value,
        "count": format_count,
        "change": format_change,
        "plan": format_plan,
        "plan_growth": format_plan_growth,
        "share_move": format_share_move,
        "points": format_points,
        "date_vn": format_date,
        "place_date": format_place_date,
        "short_date": format_short_date,
        "doc_number": format_doc_number,
        "status_change": vf.format_status_change,
        "multiple": vf.format_multiple,
        "base_vn": vf.format_base,
    }


def test_filters_in_jinja():
    jinja2 = pytest.importorskip("jinja2")
    env = jinja2.Environment(autoescape=False)
    env.filters.update(FILTERS)
    ind = {"value": D("844"), "unit": "nghìn tỷ đồng", "qualifier": "trên"}
    cases = [
        ("{{ ind.value | value(ind.unit, ind.qualifier) }}", "trên 844 nghìn tỷ đồng"),
        ("{{ x | number }}", "1.586,397"),
        ("{{ g | change }}", "tăng 12,77% so với cùng kỳ"),
        ("{{ f | change('cùng kỳ năm 2020', 'bang') }}", "bằng 96,61% cùng kỳ năm 2020"),
        ("{{ s | change(threshold='0,5') }}", "tương đương cùng kỳ"),
        ("{{ p | plan('vuot') }}", "vượt 6,86% so với kế hoạch năm"),
        ("{{ 4 | count(15) }} sản phẩm", "04/15 sản phẩm"),
        ("{{ 'Bắc Kạn' | place_date(d) }}", "Bắc Kạn, ngày 05 tháng 01 năm 2023"),
        ("{{ 5 | doc_number('BC-SCT') }}", "Số: 05/BC-SCT"),
        ("{{ '0,125' | number(2) }}", "0,13"),
    ]
    ctx = {
        "ind": ind,
        "x": D("1586.397"),
        "g": D("12.77"),
        "f": D("-3.39"),
        "s": D("0.3"),
        "p": D("106.86"),
        "d": datetime.date(2023, 1, 5),
    }
    for src, expected in cases:
        assert env.from_string(src).render(**ctx) == expected, src
    # A float literal in a template is refused, not silently rounded.
    with pytest.raises(TypeError, match="float"):
        env.from_string("{{ 0.5 | number }}").render()


# ---------------------------------------------------------------------------
# Type checks common to every numeric argument
# ---------------------------------------------------------------------------

NUMERIC_CALLS = {
    "format_number": lambda v: format_number(v),
    "format_percent": lambda v: format_percent(v),
    "format_value": lambda v: format_value(v, "tỷ đồng"),
    "format_count": lambda v: format_count(v),
    "format_count_total": lambda v: format_count(1, v),
    "format_change": lambda v: format_change(v),
    "format_change_threshold": lambda v: format_change(D("1"), threshold=v),
    "format_plan": lambda v: format_plan(v),
    "format_plan_growth": lambda v: format_plan_growth(v),
    "format_share_move_old": lambda v: format_share_move(v, D("1")),
    "format_share_move_new": lambda v: format_share_move(D("1"), v),
    "format_points": lambda v: format_points(v),
    "format_doc_number": lambda v: format_doc_number(v, "BC-SCT"),
}


def _func_name(key: str) -> str:
    return re.sub(r"_(total|threshold|old|new)$", "", key)


@pytest.mark.parametrize("key", sorted(NUMERIC_CALLS))
@pytest.mark.parametrize("bad", [0.5, 5.3, 1e20, float("nan"), float("inf")])
def test_float_rejected(key, bad):
    with pytest.raises(TypeError) as exc:
        NUMERIC_CALLS[key](bad)
    assert "float" in str(exc.value) and _func_name(key) in str(exc.value)


@pytest.mark.parametrize("key", sorted(set(NUMERIC_CALLS) - {"format_count_total"}))
def test_none_rejected(key):  # (format_count's total=None means "no total")
    with pytest.raises(TypeError) as exc:
        NUMERIC_CALLS[key](None)
    msg = str(exc.value)
    assert "nhận None: thiếu số liệu" in msg and _func_name(key) in msg


@pytest.mark.parametrize("key", sorted(NUMERIC_CALLS))
@pytest.mark.parametrize("bad", [True, False])
def test_bool_rejected(key, bad):
    with pytest.raises(TypeError) as exc:
        NUMERIC_CALLS[key](bad)
    assert _func_name(key) in str(exc.value)


@pytest.mark.parametrize("key", sorted(set(NUMERIC_CALLS) - {"format_doc_number"}))
@pytest.mark.parametrize("bad", [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity")])
def test_non_finite_decimal_rejected(key, bad):
    with pytest.raises(ValueError):
        NUMERIC_CALLS[key](bad)


@pytest.mark.parametrize("key", sorted(set(NUMERIC_CALLS) - {"format_doc_number"}))
def test_bad_string_rejected(key):
    with pytest.raises(NumberFormatError):
        NUMERIC_CALLS[key]("1,586.397")


@pytest.mark.parametrize("bad", [[1], object(), b"5"])
def test_other_types_rejected(bad):
    with pytest.raises(TypeError):
        format_number(bad)


def test_fraction_rejected():
    from fractions import Fraction

    with pytest.raises(TypeError):
        format_number(Fraction(1, 3))


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

FORBIDDEN = ("-", "e+", "E", "nan", "inf", "0000000000001", "9999999999")


def _big_decimal(mantissa: int, exponent: int) -> D:
    return D(f"{mantissa}E{exponent}")  # exact: no context rounding


any_decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.builds(
        _big_decimal,
        st.integers(min_value=-(10**60), max_value=10**60),
        st.integers(min_value=-60, max_value=60),
    ),
)

# Report-like figures: at most 6 decimals, below 10^12. In these a run like
# '0000000000001' or '9999999999' can only be a float artefact (grouping dots
# break runs in the integer part).
report_decimals = st.one_of(
    st.decimals(
        min_value=D("-999999999999"),
        max_value=D("999999999999"),
        places=p,
        allow_nan=False,
        allow_infinity=False,
    )
    for p in range(0, 7)
)
digits_st = st.one_of(st.none(), st.integers(min_value=0, max_value=4))


@PROPS
@given(any_decimals)
def test_roundtrip_any_decimal(x):
    text = format_number(x)
    back = parse_number(text)
    assert back == x
    if x.as_tuple().exponent <= 0:
        assert back.as_tuple().exponent == x.as_tuple().exponent
    else:
        assert back.as_tuple().exponent == 0  # positive exponents are normalised
    assert "-" not in text and "e" not in text.lower()
    assert "nan" not in text.lower() and "inf" not in text.lower()


@PROPS
@given(any_decimals, st.integers(min_value=0, max_value=6))
def test_rounding_matches_decimal_half_up(x, digits):
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 500
        expected = x.quantize(D(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    back = parse_number(format_number(x, digits))
    assert back == expected
    assert back.as_tuple().exponent == -digits


@PROPS
@given(any_decimals)
def test_parse_accepts_percent_and_am(x):
    assert parse_number(format_percent(x)) == x
    assert parse_number("  " + format_number(x) + "\xa0") == x


@PROPS
@given(report_decimals, digits_st)
def test_no_minus_exponent_nan_or_artefact(x, digits):
    outputs = [
        format_number(x, digits),
        format_percent(x, digits),
        format_value(x, "tỷ đồng", "trên", digits),
        format_value(x, "%", None, digits),
        format_change(x, digits=digits),
        format_change(x, "cùng kỳ năm 2020", "giam", D("0.5"), digits),
        format_plan(x, digits=digits),
        format_plan(x, "bang", digits=digits),
        format_plan(x, "vuot", digits=digits),
        format_plan_growth(x),
        format_share_move(x, D("7.69"), "năm 2021", "năm 2022"),
        format_points(x, digits),
    ]
    if x >= -100:
        outputs.append(format_change(x, style="bang", digits=digits))
        outputs.append(format_change(x, style="index", digits=digits))
    for out in outputs:
        for bad in FORBIDDEN:
            assert bad not in out, (bad, out)
        assert "nan" not in out.lower() and "inf" not in out.lower()


@PROPS
@given(any_decimals, digits_st)
def test_no_minus_or_exponent_any_size(x, digits):
    outs = [
        format_number(x, digits),
        format_percent(x, digits),
        format_value(x, "triệu USD", "hơn", digits),
        format_change(x, digits=digits),
        format_plan(x, "vuot", digits=digits),
        format_points(x, digits),
    ]
    if x >= -100:
        outs.append(format_change(x, style="bang", digits=digits))
    for out in outs:
        assert "-" not in out and "E" not in out and "e+" not in out
        assert "nan" not in out.lower() and "inf" not in out.lower()


@PROPS
@given(any_decimals)
def test_change_is_consistent(x):
    out = format_change(x)
    if x > 0:
        assert out == f"tăng {format_number(x)}% so với cùng kỳ"
    elif x < 0:
        assert out == f"giảm {format_number(x.copy_abs())}% so với cùng kỳ"
    else:
        assert out == "tương đương cùng kỳ"


@PROPS
@given(report_decimals.filter(lambda v: v > -100))
def test_bang_ratio_exact(x):
    out = format_change(x, style="index", base="")
    if x == 0:
        assert out == "tương đương"
    else:
        assert out.startswith("bằng ") and out.endswith("%")
        assert parse_number(out[len("bằng ") :]) == x + 100


@PROPS
@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=0, max_value=4))
def test_count_roundtrip(n, pad):
    text = format_count(n, pad=pad)
    assert parse_number(text) == n
    if n < 1000:
        assert len(text) == max(pad, len(str(n)))


@PROPS
@given(st.dates())
def test_dates(d):
    full = format_date(d)
    m = re.fullmatch(r"ngày (\d{2}) tháng (\d{1,2}) năm (\d+)", full)
    assert m is not None
    assert int(m.group(1)) == d.day and int(m.group(2)) == d.month and int(m.group(3)) == d.year
    assert len(m.group(2)) == (2 if d.month <= 2 or d.month >= 10 else 1)
    day, month, year = format_short_date(d).split("/")
    assert len(day) == len(month) == 2 and len(year) >= 4
    assert datetime.date(int(year), int(month), int(day)) == d


# ---------------------------------------------------------------------------
# docs/filters.md: every "{{ … }}  →  output" example must be true
# ---------------------------------------------------------------------------


def test_docs_filters_examples():
    import pathlib

    jinja2 = pytest.importorskip("jinja2")
    doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "filters.md"
    if not doc.exists():
        pytest.skip("docs/filters.md not present")
    env = jinja2.Environment(autoescape=False)
    env.filters.update(FILTERS)
    ctx = {
        "ind": {"value": D("844"), "unit": "nghìn tỷ đồng", "qualifier": "trên"},
        "report": {"date": datetime.date(2023, 1, 5)},
    }
    examples = re.findall(r"^(\{\{.*?\}\}.*?)\s+→\s+(.*)$", doc.read_text("utf-8"), re.M)
    assert len(examples) >= 50
    for src, expected in examples:
        assert env.from_string(src.strip()).render(**ctx) == expected, src


@pytest.mark.parametrize("n, text", [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"), (40, "XL"), (1994, "MCMXCIV")])
def test_format_roman(n, text):
    assert vf.format_roman(n) == text


@pytest.mark.parametrize("bad", [0, -3, D("1.5")])
def test_format_roman_refuses(bad):
    with pytest.raises(ValueError):
        vf.format_roman(bad)
