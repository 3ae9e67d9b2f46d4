"""Library functions behind `reportgen validate` and `reportgen list` (tests call them too)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .dataset import Entry, LoadResult, check_period, check_slug, find_entries, load_report
from .errors import ERROR, WARNING, DataError, Finding, UsageError
from .layout import load_layout
from .project import Project


def select_entries(project: Project, province: Optional[str] = None,
                   period: Optional[str] = None, all_: bool = False) -> list[Entry]:
    """The reports named by the options: one province (all its periods or one), or all."""
    entries = find_entries(project.data)
    if province:
        check_slug(province)
        if not (project.data / province).is_dir():
            known = ", ".join(sorted({e.slug for e in entries})) or "không có"
            raise UsageError(f"không có tỉnh '{province}' trong {project.data}/ (có: {known})")
        entries = [e for e in entries if e.slug == province]
    elif not all_ and period:
        raise UsageError("cần --province khi chọn kỳ, hoặc dùng --all")
    if period:
        wanted = check_period(period)
        entries = [e for e in entries if e.period == wanted]
        if not entries:
            raise UsageError(f"không có số liệu kỳ {wanted} cho tỉnh '{province}'")
    return entries


def period_option(year: Optional[int], period: Optional[str]) -> Optional[str]:
    """Combine --year 2023 and --period h1 (or --period 2023-h1) into a period slug."""
    if period and year is None:
        return period
    if year is None:
        return None
    if period in (None, "", "year", "nam"):
        return str(year)
    if period in ("h1", "h2"):
        return f"{year}-{period}"
    raise UsageError(f"--period {period!r} không hợp lệ: dùng h1 hoặc h2")


def load_checked(project: Project, entry: Entry, strict: bool = False) -> LoadResult:
    """Load one report with all findings; with `strict`, warnings count as errors."""
    try:
        layout = load_layout(project.templates, project.data / entry.slug)
        keys = layout.section_keys
        extra: list[Finding] = []
    except DataError as exc:
        keys, extra = None, exc.findings
    result = load_report(project.data, entry.slug, entry.period, keys)
    result.findings = extra + result.findings
    if strict:
        result.findings = [
            Finding(f.file, f.line, f.column, f.code, ERROR, f.message) if f.severity == WARNING else f
            for f in result.findings]
    return result


@dataclass
class Summary:
    results: list[LoadResult]

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results for f in r.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.results for f in r.findings if not f.is_error)

    @property
    def findings(self) -> list[Finding]:
        seen, out = set(), []
        for r in self.results:
            for f in r.findings:
                if f not in seen:
                    seen.add(f)
                    out.append(f)
        return out


def validate(project: Project, province: Optional[str] = None, period: Optional[str] = None,
             all_: bool = True, strict: bool = False) -> Summary:
    entries = select_entries(project, province, period, all_)
    return Summary([load_checked(project, e, strict) for e in entries])
