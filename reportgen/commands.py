"""Library functions behind `reportgen validate` and `reportgen list` (tests call them too)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .data.dataset import (Entry, LoadResult, check_period, check_slug, find_entries, load_inputs,
                           refuse_outside_links)
from .errors import ERROR, NOTE, WARNING, Finding, UsageError, display_path
from .project import Project, no_data_folder


def select_entries(project: Project, province: Optional[str] = None,
                   period: Optional[str] = None, all_: bool = False,
                   check_links: bool = True) -> list[Entry]:
    """The reports named by the options: one province (all its periods or one), or all.

    Options are checked before any path is built from them (`--province ../../etc`).
    """
    if province is not None:
        check_slug(province)
    wanted = check_period(period) if period else None
    if not project.data.is_dir():
        raise UsageError(no_data_folder(project.data))
    entries = find_entries(project.data)
    if province:
        if not (project.data / province).is_dir():
            known = ", ".join(sorted({e.slug for e in entries})) or "không có"
            raise UsageError(f"không có tỉnh '{province}' trong {project.data}/ (có: {known})")
        entries = [e for e in entries if e.slug == province]
        if not entries:
            raise UsageError(f"tỉnh '{province}' chưa có tệp số liệu kỳ nào trong "
                             f"{project.data / province}/: thêm tệp như 2022.yaml hoặc 2023-h1.yaml")
    elif not all_ and period:
        raise UsageError("cần --province khi chọn kỳ, hoặc dùng --all")
    if wanted is not None:
        entries = [e for e in entries if e.period == wanted]
        if not entries:
            whose = f"cho tỉnh '{province}'" if province else f"trong {project.data}/"
            raise UsageError(f"không có số liệu kỳ {wanted} {whose}")
    for slug in dict.fromkeys(e.slug for e in entries) if check_links else ():
        refuse_outside_links(project.data, slug)
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
    """Load one report (layout, data, earlier periods) and validate it; with `strict`,
    warnings count as errors. Texts the PDF cannot show as written are checked too."""
    from .data.validate import check  # with the data model: not imported by a no-op build
    result = check(load_inputs(project.data, project.template_dirs, entry.slug, entry.period),
                   strict)
    from .build.textcheck import glyph_findings
    extra = glyph_findings([result.province_loaded, result.loaded])
    if strict:
        extra = [Finding(f.file, f.line, f.column, f.code, ERROR, f.message) for f in extra]
    result.findings = result.findings + extra
    return result




@dataclass
class Summary:
    results: list[LoadResult]
    extra: list[Finding] = field(default_factory=list)  # about the data set as a whole

    @property
    def errors(self) -> int:
        """Errors shown (a province.yaml finding shared by two periods counts once)."""
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def notes(self) -> int:
        """Warnings the data confirms (`confirmed:`): shown, never errors."""
        return sum(1 for f in self.findings if f.severity == NOTE)

    @property
    def findings(self) -> list[Finding]:
        seen, out = set(), list(self.extra)
        for r in self.results:
            for f in r.findings:
                if f not in seen:
                    seen.add(f)
                    out.append(f)
        return out


def validate(project: Project, province: Optional[str] = None, period: Optional[str] = None,
             all_: bool = True, strict: bool = False) -> Summary:
    entries = select_entries(project, province, period, all_)
    results = [load_checked(project, e, strict) for e in entries]
    checked: dict[str, list[Finding]] = {}
    for r in results:  # the templates each province uses (its overrides included)
        if r.slug not in checked:
            checked[r.slug] = template_findings(project, r)
        r.findings.extend(checked[r.slug])
    summary = Summary(results)
    if not entries:  # nothing checked is not "no findings"
        summary.extra.append(Finding(
            display_path(project.data), 0, 0, "RG131", ERROR,
            "thư mục số liệu chưa có báo cáo nào: cần data/<tỉnh>/province.yaml và một tệp kỳ "
            "như data/<tỉnh>/2024.yaml; tạo bằng 'reportgen init' (dự án mới) hoặc 'reportgen "
            "new --province TỈNH --year NĂM'"))
    return summary


def template_findings(project: Project, result: LoadResult) -> list[Finding]:
    """The templates of a province checked as a build would (RG5xx), without rendering, from
    the layout and templates `load_inputs` already read (nothing is read again)."""
    from .render.templating import template_findings as check

    if result.layout is None or result.templates is None:
        return []  # a broken layout is already reported by load_checked
    return check(result.templates, result.layout, project.data / result.slug)
