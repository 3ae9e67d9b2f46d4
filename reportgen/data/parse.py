"""Loaded YAML through a pydantic schema into a model, every pydantic error as a finding.

Schema codes: RG111 a number out of range (more than 15 digits, or 6 decimals) · RG120
unknown key (with the nearest valid one) · RG121 wrong type · RG122 missing required key ·
RG123 a value not in the allowed list (with the nearest one, compared without accents) ·
RG124 a value left blank.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from decimal import Decimal
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from ..errors import Finding, quote
from .loader import Loaded
from .rules import number_message, number_problem
from .model import Province


def parse_model(loaded: Loaded, model: type[BaseModel]) -> Optional[BaseModel]:
    """Validate loaded data against a schema, turning pydantic errors into findings.

    Returns None when the data does not fit the schema, or holds a number no report can
    carry (RG111: out of range) or a date written as a number.
    """
    if loaded.data is None:
        return None
    if not isinstance(loaded.data, dict):
        loaded.findings.append(loaded.finding((), "RG121", "tệp phải là một bảng 'khoá: giá trị', "
                                              f"không phải {_kind(loaded.data)}: viết "
                                              "mỗi dòng dạng 'khoá: giá trị'"))
        return None
    try:
        parsed = model.model_validate(loaded.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            if tuple(err["loc"]) in loaded.bad_paths:
                continue  # the loader already reported this value
            loaded.findings.append(_schema_finding(loaded, model, err))
        return None
    extra = list(_check_values(parsed, (), loaded))
    if isinstance(parsed, Province):
        # a blank place or number suffix used to validate and then fail in report.html (RG504)
        extra.extend(_blank_finding(loaded, (key,)) for key in PROVINCE_TEXTS
                     if not getattr(parsed, key).strip())
    loaded.findings.extend(extra)
    return None if extra else parsed


# province.yaml texts the report's frame cannot do without ('' or '  ' is RG124, as a blank)
PROVINCE_TEXTS = ("name", "parent_agency", "agency", "place", "number_suffix")


def _raw_at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _check_values(value: Any, path: tuple, loaded: Loaded):
    """Numbers out of range and dates the schema accepted from a number (a Unix time)."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _check_values(getattr(value, name), path + (name,), loaded)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _check_values(v, path + (k,), loaded)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _check_values(v, path + (i,), loaded)
    elif isinstance(value, bool):
        return
    elif isinstance(value, (int, Decimal)):
        d = Decimal(value)
        problem = number_problem(d)
        if problem:
            raw = _raw_at(loaded.data, path)
            shown = raw if isinstance(raw, str) else (f"{d:.6E}" if d.adjusted() > 30 else str(d))
            yield loaded.finding(path, "RG111", number_message(str(shown), problem))
    elif isinstance(value, dt.date):
        raw = _raw_at(loaded.data, path)
        if not isinstance(raw, (dt.date, str)):
            yield loaded.finding(path, "RG121", f"'{_name(path)}' = {quote(raw)} không phải ngày: "
                                 "viết YYYY-MM-DD, ví dụ 2023-01-05")


def _kind(value: Any) -> str:
    if value is None:
        return "giá trị trống"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, Decimal)):
        return f"số {value}"
    if isinstance(value, str):
        return f"chữ {quote(value)}"
    return {list: "danh sách", dict: "bảng khoá", dt.date: "ngày"}.get(type(value), type(value).__name__)


def _name(loc: tuple) -> str:
    """'value', or 'items[2]' for a list entry."""
    if not loc:
        return "tệp"
    if isinstance(loc[-1], int):
        return f"{_name(loc[:-1])}[{loc[-1]}]"
    return str(loc[-1])


def _plain(text: str) -> str:
    """Lower case without Vietnamese marks, for 'did you mean': 'Ước Đạt' -> 'uoc dat'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names valid at a location (for 'did you mean')."""
    import typing

    def unwrap(tp):
        # Optional[X] / Annotated[X, ...] -> X
        while True:
            origin = typing.get_origin(tp)
            if origin is typing.Annotated:
                tp = typing.get_args(tp)[0]
            elif origin is typing.Union:
                args = [a for a in typing.get_args(tp) if a is not type(None)]
                tp = args[0] if args else tp
                if len(args) <= 1:
                    continue
                return tp
            else:
                return tp

    current: Any = model
    for part in loc[:-1]:
        current = unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            f = current.model_fields.get(part)
            if f is None:
                return []
            current = f.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


_TYPE_NEEDS = {
    "dict_type": "cần một bảng khoá: giá trị (các dòng 'khoá: giá trị' thụt vào)",
    "model_type": "cần một bảng khoá: giá trị (các dòng 'khoá: giá trị' thụt vào)",
    "model_attributes_type": "cần một bảng khoá: giá trị (các dòng 'khoá: giá trị' thụt vào)",
    "list_type": "cần một danh sách ([a, b] hoặc các dòng '- …')",
    "string_type": "cần chữ (nếu là số hay ngày thì đặt trong dấu nháy, ví dụ '2022')",
    "decimal_type": "cần một số, ví dụ 1586.397 hoặc '1.586,397'",
    "decimal_parsing": "cần một số, ví dụ 1586.397 hoặc '1.586,397'",
    "int_type": "cần một số nguyên, ví dụ 5",
    "int_parsing": "cần một số nguyên, ví dụ 5",
    "int_from_float": "cần một số nguyên, ví dụ 5",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
}
_DATE_KINDS = ("date_type", "date_parsing", "date_from_datetime_inexact",
               "date_from_datetime_parsing", "datetime_type", "datetime_parsing")
_BOUNDS = {"greater_than_equal": ("ge", "≥"), "greater_than": ("gt", ">"),
           "less_than_equal": ("le", "≤"), "less_than": ("lt", "<")}


# What to write in a blank left by `reportgen new` (or any `key:` with nothing after it).
_BLANK_HINTS = {
    "value": "điền số liệu kỳ này, ví dụ '1.586,397' hoặc 6760 (nếu chỉ có tốc độ tăng: xoá "
             "dòng value, ghi growth)",
    "number": "điền số văn bản, ví dụ 5 (in ra 'Số: 05/BC-SCT')",
    "date": "điền ngày ban hành dạng YYYY-MM-DD, ví dụ 2024-01-05",
    "items": "viết các ý mới bằng lời của Sở, mỗi ý một dòng '- …' (hoặc xoá dòng 'items:' nếu "
             "phần này không có ý nào)",
    ("name",): "điền tên tỉnh có dấu, ví dụ Bắc Kạn",
    ("parent_agency",): "điền cơ quan chủ quản viết hoa, ví dụ UBND TỈNH BẮC KẠN",
    ("place",): "điền địa danh ghi ở dòng ngày tháng, ví dụ Bắc Kạn",
    ("signer", "name"): "điền họ tên người ký, hoặc '' để trống chỗ ghi tên",
}


def _blank_finding(loaded: Loaded, loc: tuple) -> Finding:
    """RG124: a value left empty, a blank to fill (the file is not finished yet)."""
    key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    hint = next((_BLANK_HINTS[k] for k in (tuple(loc), tuple(loc[-2:]), key) if k in _BLANK_HINTS),
                "điền giá trị, hoặc xoá dòng này nếu khoá không bắt buộc")
    return loaded.finding(loc, "RG124", f"'{_name(loc)}' còn trống (chưa điền): {hint}")


def _schema_finding(loaded: Loaded, model: type[BaseModel], err: dict) -> Finding:
    loc = tuple(err["loc"])
    kind = err["type"]
    name = _name(loc)
    got = err.get("input")
    ctx = err.get("ctx") or {}
    if got is None and kind not in ("missing", "extra_forbidden", "dict_type", "model_type",
                                    "model_attributes_type"):  # an empty value, not an empty mapping
        return _blank_finding(loaded, loc)
    if kind == "extra_forbidden":
        valid = _fields_at(model, loc)
        near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f"ý bạn là '{near[0]}'?" if near else f"các khoá hợp lệ: {', '.join(valid)}"
        return loaded.finding(loc, "RG120", f"khoá lạ '{loc[-1]}': {hint}", key=True)
    if kind == "missing":
        where = f" trong '{_name(loc[:-1])}'" if loc[:-1] else ""
        return loaded.finding(loc[:-1], "RG122", f"thiếu khoá bắt buộc '{name}'{where}: thêm "
                              f"dòng '{name}: …'", key=True)
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        listed = ", ".join(f"'{o}'" for o in options)
        hint = ""
        if isinstance(got, str) and options:
            plain = {_plain(o): o for o in options}
            near = plain.get(_plain(got)) or next(iter(
                difflib.get_close_matches(_plain(got), list(plain), n=1, cutoff=0.6)), None)
            if near is not None:
                hint = f"ý bạn là '{plain.get(near, near)}'? "
        return loaded.finding(loc, "RG123", f"'{name}' = {quote(got)} không hợp lệ: {hint}"
                              f"chọn một trong {listed} (viết có dấu)")
    if kind in _TYPE_NEEDS:
        return loaded.finding(loc, "RG121", f"'{name}' sai kiểu: {_TYPE_NEEDS[kind]}, không phải "
                              f"{_kind(got)}")
    if kind in _DATE_KINDS:
        return loaded.finding(loc, "RG121", f"'{name}' = {quote(got)} không phải ngày: viết "
                              "YYYY-MM-DD không có dấu nháy, ví dụ 2023-01-05")
    if kind in _BOUNDS:
        key, sign = _BOUNDS[kind]
        return loaded.finding(loc, "RG121", f"'{name}' = {quote(got)} ngoài giới hạn: cần {sign} "
                              f"{ctx.get(key)}")
    if kind in ("too_short", "too_long"):
        what = "ít nhất" if kind == "too_short" else "nhiều nhất"
        n = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return loaded.finding(loc, "RG121", f"'{name}' cần {what} {n} mục")
    if kind == "string_pattern_mismatch":
        return loaded.finding(loc, "RG121", f"'{name}' = {quote(got)} không hợp lệ: cần khớp mẫu "
                              f"{ctx.get('pattern')} (chữ thường không dấu, số, dấu gạch dưới)")
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    # our validators (vnformat, model) already say what they got; pydantic's own do not
    shown = "" if kind == "value_error" else f" (đang là {_kind(got)})"
    return loaded.finding(loc, "RG121", f"'{name}' sai kiểu: {msg}{shown}")
