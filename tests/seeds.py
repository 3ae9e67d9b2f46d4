"""Seed manifests: every figure a source article prints, and where the data holds it.

A manifest ``seeds/<slug>-<period>.yaml`` names a source article (a file in the shared
``seeds/`` folder), the province and period it was carried into, and lists each printed
figure with a dotted ``path`` into the period file's data and the kind (``as``) of wording
that makes the printed string from it. :func:`expected` rebuilds that string with
:mod:`reportgen.vnformat`, so a test can check, figure by figure, that the data says exactly
what the article printed::

    source: 001_34452f388d168400.txt
    province: bac-kan
    period: '2022'
    data: data
    figures:
      - printed: 'tăng 10,09%'
        path: sections.cong_nghiep.indicators.gtsx_cong_nghiep.growth
        as: change

Relative ``data`` roots are taken from the project root, the folder that holds ``seeds/``.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from reportgen.data.dataset import load_report
from reportgen.data.parse import parse_model
from reportgen.data.validate import check
from reportgen.errors import DataError
from reportgen.data.figures import Report
from reportgen.data.loader import load_yaml
from reportgen.data.model import Count, Indicator
from reportgen.vnformat import format_change, format_count, format_number, format_percent, format_value

Kind = Literal["value", "number", "percent", "change", "ratio", "excess", "count", "diff"]
HUNDRED = Decimal(100)


class SeedError(ValueError):
    """A manifest figure whose path or kind does not fit the data."""


class SeedFigure(BaseModel):
    """One printed figure: the text as printed, where the data holds it, how it is worded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    printed: str = Field(description="The figure as printed (conventional form, see note)")
    path: str = Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$",
                      description="Dotted path into the period data: an indicator, a count or a field")
    as_: Kind = Field(alias="as", description="How the printed string is made from the data")
    digits: Optional[int] = Field(None, ge=0, description="Rounding (half up) for derived values")
    note: Optional[str] = Field(None, description="How the article's printed form differs")


class Manifest(BaseModel):
    """The figures of one source article and the data file they were carried into."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="File name of the article in the shared seeds/ folder")
    province: str
    period: str
    data: str = "data"
    figures: list[SeedFigure] = Field(min_length=1)
    _file: Optional[Path] = PrivateAttr(None)

    @field_validator("period", mode="before")
    @classmethod
    def _period_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @property
    def slug(self) -> str:
        """'bac-kan-2022': the name the manifest file should have."""
        return f"{self.province}-{self.period}"

    @property
    def file(self) -> Optional[Path]:
        return self._file

    @property
    def data_root(self) -> Path:
        """The data folder, relative to the project root (the parent of seeds/)."""
        root = Path(self.data)
        if root.is_absolute() or self._file is None:
            return root
        return self._file.resolve().parent.parent / root

    def load(self) -> Report:
        """Load the period data this manifest describes; DataError if it has errors."""
        result = check(load_report(self.data_root, self.province, self.period))
        if not result.ok:
            raise DataError(result.findings)
        return result.report


def load_manifest(path: str | Path) -> Manifest:
    """Read and check one manifest; DataError (with line numbers) when it is malformed."""
    loaded = load_yaml(path)
    manifest = parse_model(loaded, Manifest) if loaded.ok else None
    if manifest is None or not loaded.ok:
        raise DataError(loaded.findings)
    manifest._file = Path(path)
    return manifest


def manifests(seeds_dir: Path = Path("seeds")) -> list[Manifest]:
    """Every manifest in `seeds_dir`, sorted by file name."""
    return [load_manifest(p) for p in sorted(Path(seeds_dir).glob("*.yaml"))]


def _derived(report: Report, parts: list[str]) -> Any:
    """The Figure/CountFigure of `sections.<key>.<group>.<id>`, or None."""
    if len(parts) != 4 or parts[0] != "sections" or parts[1] not in report.sections:
        return None
    group = getattr(report.sections[parts[1]], parts[2], None)
    return group.get(parts[3]) if isinstance(group, dict) else None


def resolve(report: Report, path: str) -> Any:
    """Walk a dotted path through `report.data` (fields and dict keys).

    A name that is not a stored field of an indicator or count is looked up on its derived
    figure (`reportgen.data.figures`), e.g. `counts.nhiem_vu_cchc.share_pct`.
    """
    parts = path.split(".")
    obj: Any = report.data
    for i, name in enumerate(parts):
        if isinstance(obj, dict) and name in obj:
            obj = obj[name]
        elif isinstance(obj, list) and name.isdigit() and int(name) < len(obj):
            obj = obj[int(name)]
        elif isinstance(obj, BaseModel) and name in type(obj).model_fields:
            obj = getattr(obj, name)
        else:
            derived = _derived(report, parts[:i]) if isinstance(obj, (Indicator, Count)) else None
            value = getattr(type(derived), name, None) if derived is not None else None
            if not isinstance(value, property):
                raise SeedError(f"{path}: không có '{name}' trong {'.'.join(parts[:i]) or 'data'}")
            obj = getattr(derived, name)
    return obj


def _number(value: Any, fig: SeedFigure) -> Decimal | int:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise SeedError(f"{fig.path}: '{fig.as_}' cần một số, dữ liệu có {value!r}")
    return value


def _object(value: Any, kind: type, fig: SeedFigure):
    if not isinstance(value, kind):
        raise SeedError(f"{fig.path}: '{fig.as_}' cần một {kind.__name__}, dữ liệu có {type(value).__name__}")
    return value


def expected(report: Report, figure: SeedFigure) -> str:
    """The string `figure.as_` makes from the data at `figure.path`.

    value: an indicator as 'trên 844 nghìn tỷ đồng' · number: '5.300' · percent: '107,3%' ·
    change: 'tăng 10,09%' / 'giảm 6,76%' · ratio: growth −3,39 as '96,61%' · excess: plan
    completion 127,65 as '27,65%' · count: '04/15', 'trên 30' (qualifier kept) · diff: a
    count's change against the same period, '04'.
    """
    value = resolve(report, figure.path)
    kind, digits = figure.as_, figure.digits
    if kind == "value":
        ind = _object(value, Indicator, figure)
        return format_value(_number(ind.value, figure), ind.unit, ind.qualifier, digits)
    if kind in ("count", "diff"):
        count = _object(value, Count, figure)
        pad = report.province.style.pad if count.pad is None else count.pad
        if kind == "diff":
            same = _number(count.same_period, figure)
            return format_count(abs(count.value - same), pad=pad)
        text = format_count(count.value, count.total, pad)
        return f"{count.qualifier} {text}" if count.qualifier else text
    x = _number(value, figure)
    # a rate said approximately: 'tăng trên 11%', 'đạt gần 50%' (the indicator's qualifier
    # of that field)
    field_q = {"growth": "growth_qualifier", "plan_completion": "plan_qualifier"}
    head, _, last = figure.path.rpartition(".")
    q = None
    if last in field_q:
        owner = resolve(report, head)
        q = getattr(owner, field_q[last], None) if isinstance(owner, Indicator) else None
    if kind == "number":
        return format_number(x, digits)
    if kind == "percent":
        text = format_percent(x, digits)
        return f"{q} {text}" if q else text
    if kind == "change":
        return format_change(x, base="", digits=digits, qualifier=q)
    if kind == "ratio":
        return format_percent(HUNDRED + x, digits)
    if kind == "excess":
        return format_percent(x - HUNDRED, digits)
    raise SeedError(f"{figure.path}: kiểu '{kind}' không biết")  # pragma: no cover (Literal)
