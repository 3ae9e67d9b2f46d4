"""A report period (a year or a half year) and the names a data folder may use.

Plain Python, no pydantic: listing the reports and deciding that a rebuild has nothing to do
(`reportgen build` when nothing changed) need only this, not the data model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PERIOD_RE = re.compile(r"^(?P<year>\d{4})(-(?P<half>h1|h2))?$")
HALVES = ("h1", "h2")


@dataclass(frozen=True)
class Period:
    """A report period: a year or a half year."""

    year: int
    half: Optional[str] = None  # "h1" | "h2" | None

    def __post_init__(self) -> None:
        if type(self.year) is not int or self.half not in (None, *HALVES):
            raise ValueError(f"kỳ không hợp lệ (năm {self.year!r}, nửa năm {self.half!r}): "
                             "viết 2022 hoặc 2023-h1")

    @classmethod
    def parse(cls, text: str) -> "Period":
        m = PERIOD_RE.match(text)
        if not m:
            raise ValueError(f"kỳ {text!r} không hợp lệ: viết 2022 hoặc 2023-h1")
        return cls(year=int(m["year"]), half=m["half"])

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.half}" if self.half else str(self.year)

    @property
    def previous(self) -> "Period":
        """The same period one year earlier (for same-period values)."""
        return Period(year=self.year - 1, half=self.half)

    @property
    def next(self) -> "Period":
        """The period the report's plans are for: the second half after a first half,
        otherwise the next year ('phương hướng, nhiệm vụ năm 2023')."""
        return Period(year=self.year, half="h2") if self.half == "h1" else Period(year=self.year + 1)

    @property
    def label(self) -> str:
        """'năm 2022', '6 tháng đầu năm 2023', '6 tháng cuối năm 2023'."""
        from ..vnwording import format_period
        return format_period(self.year, self.half)

    @property
    def short(self) -> str:
        """'2022', '6T đầu 2023', '6T cuối 2023' (chart axes)."""
        return {"h1": f"6T đầu {self.year}", "h2": f"6T cuối {self.year}"}.get(self.half, str(self.year))

    def __str__(self) -> str:
        return self.slug
