"""The `data/` folder: which provinces and periods exist, and loading them into a Report.

Layout: ``data/<slug>/province.yaml`` and ``data/<slug>/<period>.yaml`` with period ``2022``
or ``2023-h1``. Loading gathers every finding (YAML, schema, arithmetic) before giving up, so
a user sees all problems of a file at once.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from .errors import ERROR, Finding, UsageError, display_path
from .figures import Report, build_report
from .loader import Loaded, load_yaml
from .model import PERIOD_RE, SLUG_RE, Period, PeriodData, Province

PROVINCE_FILE = "province.yaml"


def check_slug(slug: str) -> str:
    """Refuse anything but a lower-case ASCII slug before a path is built from it."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise UsageError(f"tỉnh {slug!r} không hợp lệ: dùng chữ thường không dấu và dấu gạch "
                         "nối, ví dụ bac-kan")
    return slug


def check_period(text: str) -> Period:
    try:
        return Period.parse(str(text))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@dataclass
class Entry:
    """One report the data folder can produce."""

    slug: str
    period: Period
    path: Path


def find_entries(root: Path) -> list[Entry]:
    """Every province and period under `root`, sorted."""
    out: list[Entry] = []
    if not root.is_dir():
        return out
    for pdir in sorted(p for p in root.iterdir() if p.is_dir()):
        if not SLUG_RE.match(pdir.name) or not (pdir / PROVINCE_FILE).exists():
            continue
        for f in sorted(pdir.glob("*.yaml")):
            if PERIOD_RE.match(f.stem):
                out.append(Entry(pdir.name, Period.parse(f.stem), f))
    return out


def period_path(root: Path, slug: str, period: Period) -> Path:
    return root / check_slug(slug) / f"{period.slug}.yaml"


def parse_model(loaded: Loaded, model: type[BaseModel]) -> Optional[BaseModel]:
    """Validate loaded data against a schema, turning pydantic errors into findings."""
    if loaded.data is None:
        return None
    if not isinstance(loaded.data, dict):
        loaded.findings.append(loaded.finding((), "RG121", "tệp phải là một bảng khoá: giá trị "
                                              f"(mapping), không phải {_kind(loaded.data)}"))
        return None
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loaded.findings.append(_schema_finding(loaded, model, err))
        return None


def _kind(value: Any) -> str:
    return {list: "danh sách", str: "chữ", int: "số", dict: "bảng"}.get(type(value), type(value).__name__)


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


def _schema_finding(loaded: Loaded, model: type[BaseModel], err: dict) -> Finding:
    loc = tuple(err["loc"])
    kind = err["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        valid = _fields_at(model, loc)
        near = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
        hint = f"ý bạn là '{near[0]}'?" if near else f"các khoá hợp lệ: {', '.join(valid)}"
        return loaded.finding(loc, "RG120", f"khoá lạ '{name}': {hint}", key=True)
    if kind == "missing":
        return loaded.finding(loc[:-1], "RG122", f"thiếu khoá bắt buộc '{name}'", key=True)
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loaded.finding(loc, "RG123", f"'{name}' = {err.get('input')!r} không hợp lệ: "
                              f"chọn một trong {expected}")
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    got = err.get("input")
    shown = f" (đang là {got!r})" if not isinstance(got, (dict, list)) else ""
    return loaded.finding(loc, "RG121", f"'{name}' sai kiểu: {msg}{shown}")


@dataclass
class LoadResult:
    """A report (when the data allows one) and every finding on the way."""

    slug: str
    period: Period
    report: Optional[Report] = None
    findings: list[Finding] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report is not None and not any(f.is_error for f in self.findings)


def load_province(root: Path, slug: str) -> tuple[Optional[Province], list[Finding], Path]:
    path = root / check_slug(slug) / PROVINCE_FILE
    if not path.exists():
        return None, [Finding(display_path(path), 0, 0, "RG130", ERROR,
                              f"không có {PROVINCE_FILE} cho tỉnh '{slug}': tạo tệp này (xem README)")], path
    loaded = load_yaml(path)
    province = parse_model(loaded, Province)
    return province, loaded.findings, path


def load_period(path: Path) -> tuple[Optional[PeriodData], Loaded]:
    loaded = load_yaml(path)
    return parse_model(loaded, PeriodData), loaded


def load_report(root: Path, slug: str, period: Period | str, layout_sections=None) -> LoadResult:
    """Load, validate and derive one report. Never raises for bad data."""
    from .validate import check_report

    if isinstance(period, str):
        period = check_period(period)
    result = LoadResult(check_slug(slug), period)
    path = period_path(root, slug, period)
    if not path.exists():
        known = ", ".join(e.period.slug for e in find_entries(root) if e.slug == slug) or "không có"
        raise UsageError(f"không có số liệu {display_path(path)} (các kỳ của '{slug}': {known})")
    province, pfindings, ppath = load_province(root, slug)
    result.findings.extend(pfindings)
    result.files.append(ppath)
    data, loaded = load_period(path)
    result.files.append(path)
    result.findings.extend(loaded.findings)
    prev_path = period_path(root, slug, period.previous)
    previous = None
    if prev_path.exists():
        result.files.append(prev_path)
        previous, prev_loaded = load_period(prev_path)
        # the previous file's own findings are reported when it is validated itself
    if province is None or data is None:
        return result
    report = build_report(slug, province, period, data, previous)
    result.findings.extend(check_report(report, loaded, layout_sections))
    result.findings.sort()
    result.report = report
    return result
