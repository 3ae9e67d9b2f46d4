"""The `data/` folder: which provinces and periods exist, and loading them into a Report.

Layout: ``data/<slug>/province.yaml`` and ``data/<slug>/<period>.yaml`` with period ``2022``
or ``2023-h1``. Loading gathers every finding (YAML, schema, arithmetic) before giving up, so
a user sees all problems of a file at once.

Schema findings (RG111-RG124) come from `parse.py`; RG130 is a missing province.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..errors import ERROR, DataError, Finding, UsageError, display_path, os_reason
from ..project import Dirs, find_file, template_search_path
from .loader import Loaded, load_yaml
from .period import PERIOD_RE, SLUG_RE, Period
from .templates import (MAX_STYLE_BYTES, TEMPLATE_SUFFIXES, Stylesheet, TemplateFile,
                        TemplateSources)

if TYPE_CHECKING:  # the data model (pydantic) is imported by the functions that load data:
    # listing the reports and a rebuild with nothing to do need none of it
    from .figures import Report
    from .layout import Layout
    from .model import PeriodData, Province

PROVINCE_FILE = "province.yaml"


def check_slug(slug: str) -> str:
    """Refuse anything but a lower-case ASCII slug before a path is built from it."""
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):  # ("bac-kan\n" matches $)
        raise UsageError(f"tỉnh {slug!r} không hợp lệ: dùng chữ thường không dấu và dấu gạch "
                         "nối, ví dụ bac-kan")
    return slug


def refuse_outside_links(data: Path, slug: str) -> None:
    """The one path policy of every command that reads or writes a province's files
    (validate, build, list, preview, new, export, import): a province folder, or anything in
    it (period files, province.yaml, layout, templates), that is a symbolic link leading
    outside the data folder is refused (exit 2), before anything is read or written:
    reportgen reads and writes data only in the data folder. A broken link is left to the
    loader (RG100)."""
    import os

    root = data.resolve()
    pdir = data / slug
    links = [pdir] if pdir.is_symlink() else []
    for folder, dirs, files in os.walk(pdir):  # links to folders inside are not entered
        links.extend(Path(folder) / n for n in sorted(dirs + files)
                     if (Path(folder) / n).is_symlink())
    for link in links:
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            continue  # broken or a loop: reported when the file is read
        if not target.is_relative_to(root):
            shown = Path(os.path.abspath(link))  # display_path would show the target
            shown = shown.relative_to(Path.cwd()) if shown.is_relative_to(Path.cwd()) else link
            raise UsageError(f"{shown} là liên kết tới {target}, ngoài thư mục số "
                             f"liệu {display_path(data)}/: reportgen chỉ đọc số liệu trong thư mục "
                             "này; chép tệp (thư mục) vào thay cho liên kết")


def check_period(text: str) -> Period:
    try:
        period = Period.parse(str(text))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if period.slug != text:  # "2022\n" or "２０２２": PERIOD_RE's $ and \d let them through
        raise UsageError(f"kỳ {text!r} không hợp lệ: viết 2022 hoặc 2023-h1")
    return period


@dataclass
class Entry:
    """One report the data folder can produce."""

    slug: str
    period: Period
    path: Path


def find_entries(root: Path) -> list[Entry]:
    """Every province and period under `root`, sorted.

    A province folder with period files but no province.yaml is listed too: loading it
    reports RG130 rather than silently skipping its data.
    """
    out: list[Entry] = []
    if not root.is_dir():
        return out
    for pdir in sorted(p for p in root.iterdir() if p.is_dir()):
        if not SLUG_RE.fullmatch(pdir.name):
            continue
        for f in sorted(pdir.glob("*.yaml")):
            # only the canonical name: "2022.yaml", not "2022\n.yaml" nor "２０２２.yaml"
            # (\d and $ accept those, and the report would then read another file)
            if PERIOD_RE.fullmatch(f.stem) and Period.parse(f.stem).slug == f.stem:
                out.append(Entry(pdir.name, Period.parse(f.stem), f))
    return out


def period_path(root: Path, slug: str, period: Period) -> Path:
    return root / check_slug(slug) / f"{period.slug}.yaml"


@dataclass
class LoadResult:
    """A report (when the data allows one), what it was loaded with, and every finding so far.

    `load` fills it from the data folder; `validate.check` then adds the arithmetic findings."""

    slug: str
    period: Period
    report: Optional[Report] = None
    findings: list[Finding] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    loaded: Optional[Loaded] = None  # the period file with its line marks (for findings)
    layout: Optional[Layout] = None  # the layout in force, when it loads
    layout_findings: int = 0  # the first findings are the layout's (shown first, unsorted)
    province_loaded: Optional[Loaded] = None  # province.yaml with its line marks
    # every data file the report carries (the PDF attaches them), with its bytes as read here:
    # its own files (province, period, previous) first, then the province's other periods up
    # to this one's year, in folder order
    data_files: dict[Path, bytes] = field(default_factory=dict)
    templates: Optional[TemplateSources] = None  # the template chain, read (`load_inputs`)
    stylesheet: Optional[Stylesheet] = None  # style/print.css in force, read (`load_inputs`)

    @property
    def ok(self) -> bool:
        return self.report is not None and not any(f.is_error for f in self.findings)


def load_province(root: Path, slug: str) -> tuple[Optional[Province], list[Finding], Path]:
    province, findings, path, _ = load_province_marked(root, slug)
    return province, findings, path


def load_province_marked(root: Path, slug: str
                         ) -> tuple[Optional[Province], list[Finding], Path, Optional[Loaded]]:
    """`load_province` keeping the parsed file (line marks) for later findings."""
    path = root / check_slug(slug) / PROVINCE_FILE
    if not path.exists() and not path.is_symlink():
        return None, [Finding(display_path(path), 0, 0, "RG130", ERROR,
                              f"không có {PROVINCE_FILE} cho tỉnh '{slug}': tạo tệp này với các "
                              "khoá name, parent_agency, place, signer, recipients (xem "
                              "data/bac-kan/province.yaml)")], path, None
    from .model import Province
    from .parse import parse_model

    loaded = load_yaml(path)
    province = parse_model(loaded, Province)
    if province is not None:  # signature and seal images (reportgen sign): PNG, transparent
        from .assets import check_assets
        loaded.findings.extend(check_assets(province, loaded, path.parent))
    return province, loaded.findings, path, loaded


def load_period(path: Path) -> tuple[Optional[PeriodData], Loaded]:
    from .model import PeriodData
    from .parse import parse_model

    loaded = load_yaml(path)
    return parse_model(loaded, PeriodData), loaded


def earlier_periods(root: Path, slug: str, period: Period) -> list[tuple[Period, Path]]:
    """The province's earlier periods of the same kind (years, or the same half year) that
    have a file, oldest first: the trend chart's history."""
    return sorted(((e.period, e.path) for e in find_entries(root) if e.slug == slug
                   and e.period.half == period.half and e.period.year < period.year),
                  key=lambda x: x[0].year)


def not_regular_files(folder: Path) -> list[Finding]:
    """A `*.yaml` in a province folder that is not a regular file (a FIFO, a device, a
    socket, a folder): reading it would hang or fail, so it is a finding (RG100)."""
    import stat

    out = []
    for p in sorted(folder.glob("*.yaml")):
        try:
            mode = p.stat().st_mode
        except OSError:
            continue  # a broken link: reported when the file is read
        if stat.S_ISREG(mode):
            continue
        what = ("một thư mục" if stat.S_ISDIR(mode) else "một ống dẫn (FIFO)"
                if stat.S_ISFIFO(mode) else "một socket" if stat.S_ISSOCK(mode)
                else "một thiết bị")
        out.append(Finding(display_path(p), 0, 0, "RG100", ERROR, f"{p.name} là {what}, không "
                           "phải tệp số liệu: reportgen chỉ đọc tệp thường; xoá hoặc đổi tên "
                           "(bỏ đuôi .yaml)"))
    return out


def load_report(root: Path, slug: str, period: Period | str,
                layout: Optional[Layout] = None) -> LoadResult:
    """Load one report: province, period, the previous period and every earlier period of
    the same kind, each file once, into a Report with derived figures. Never raises for
    bad data; does not validate (see `validate.check`)."""
    from .figures import build_report

    if isinstance(period, str):
        period = check_period(period)
    result = LoadResult(check_slug(slug), period, layout=layout)
    path = period_path(root, slug, period)
    if not path.exists() and not path.is_symlink():  # a broken link is reported as RG100
        known = ", ".join(e.period.slug for e in find_entries(root) if e.slug == slug) or "không có"
        raise UsageError(f"không có số liệu {display_path(path)} (các kỳ của '{slug}': {known})")
    province, pfindings, ppath, result.province_loaded = load_province_marked(root, slug)
    result.findings.extend(pfindings)
    result.findings.extend(f for f in not_regular_files(root / slug)
                           if f.file != display_path(path))  # the loader names that one
    result.files.append(ppath)
    data, loaded = load_period(path)
    result.loaded = loaded
    result.files.append(path)
    result.findings.extend(loaded.findings)
    # earlier files: their own findings are reported when each is validated itself, and
    # their values are not used when they have errors
    earlier: dict[Path, Optional[PeriodData]] = {}
    raw = {ppath: getattr(result.province_loaded, "raw", None), path: loaded.raw}

    def usable(p: Path) -> Optional[PeriodData]:
        if p not in earlier:
            d, ld = load_period(p)
            earlier[p] = d if ld.ok else None
            raw[p] = ld.raw
        return earlier[p]

    prev_path = period_path(root, slug, period.previous)
    previous = None
    if prev_path.exists():
        result.files.append(prev_path)
        previous = usable(prev_path)
    if province is None or data is None:
        if not any(f.is_error for f in result.findings):  # never "no findings" without a report
            result.findings.append(Finding(display_path(path), 0, 0, "RG108", ERROR,
                                           "tệp không có số liệu dùng được: kiểm tra lại tệp"))
        result.findings.sort()
        return result
    history = tuple((p, d) for p, f in earlier_periods(root, slug, period)
                    if (d := usable(f)) is not None)
    result.report = build_report(slug, province, period, data, previous, history, layout)
    result.data_files = _data_files(root, result, raw)
    result.findings.sort()
    return result


def _data_files(root: Path, result: LoadResult, raw: dict[Path, Optional[bytes]]
                ) -> dict[Path, bytes]:
    """The bytes of every data file the report carries, each read once: those loaded above
    (`raw`), and the province's other periods up to this one's year. A file that cannot be
    read is a finding (RG100): the report would carry it."""
    paths = list(dict.fromkeys(result.files))
    paths += [e.path for e in find_entries(root) if e.slug == result.slug
              and e.period.year <= result.period.year and e.path not in paths
              and e.period != result.period]
    out: dict[Path, bytes] = {}
    for path in paths:
        data = raw[path] if path in raw else _read_bytes(path)
        if data is None:
            shown = display_path(path)
            if not any(f.file == shown and f.is_error for f in result.findings):
                result.findings.append(Finding(shown, 0, 0, "RG100", ERROR, "không đọc được "
                                               "tệp (bản PDF đính kèm tệp này): kiểm tra quyền "
                                               "truy cập"))
            continue
        out[path] = data
    return out


def _read_bytes(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except OSError:
        return None


def load_inputs(data_root: Path, templates: Dirs, slug: str, period: Period | str) -> LoadResult:
    """Everything one report is made from, each file read once: the layout in force (its
    findings when broken) and `load_report`. The first step of every command."""
    from .layout import load_layout

    try:
        layout = load_layout(templates, data_root / check_slug(slug))
        extra: list[Finding] = []
    except DataError as exc:
        layout, extra = None, exc.findings
    result = load_report(data_root, slug, period, layout)
    result.findings = extra + result.findings
    result.layout_findings = len(extra)
    result.templates = load_templates(templates, data_root / slug)
    result.stylesheet = load_stylesheet(templates, data_root / slug)
    return result


STYLESHEET = "style/print.css"


def load_stylesheet(templates: Dirs, province_dir: Optional[Path] = None) -> Stylesheet:
    """The stylesheet in force (the first ``style/print.css`` of the template chain) and every
    file of the province's own templates folder, read now (`data/templates.py`), so that
    writing the report reads nothing under `data/`."""
    roots = tuple(str(p) for p in template_search_path(templates, province_dir) if p.is_dir())
    css_path = find_file(STYLESHEET, templates, province_dir)
    text: Optional[str] = None
    error = ""
    try:
        text = css_path.read_bytes().decode("utf-8")
    except OSError as exc:
        error = os_reason(exc)
    except UnicodeDecodeError:
        error = "không phải UTF-8"
    local = province_dir / "templates" if province_dir is not None else None
    files: list[tuple[str, bytes]] = []
    local_root = None
    if local is not None and local.is_dir():
        local_root = str(local.resolve())
        total = 0
        for file in sorted(local.rglob("*")):
            path = file.resolve()
            if (file.suffix in TEMPLATE_SUFFIXES or not path.is_relative_to(local_root)
                    or not file.is_file()):
                continue
            data = _read_bytes(file)
            if data is None or total + len(data) > MAX_STYLE_BYTES:
                continue  # not served: a url() naming it is refused when the PDF is laid out
            total += len(data)
            files.append((str(path), data))
    return Stylesheet(str(css_path), text, roots, local_root, tuple(files), error)


def load_templates(templates: Dirs, province_dir: Optional[Path] = None) -> TemplateSources:
    """Read the template chain of a province into memory (`data/templates.py`): the
    province's own ``templates/``, then each template folder (`Project.template_dirs`), first
    hit wins. `templates`: one folder or the chain; `province_dir`: ``data/<slug>``. A file
    that cannot be read is left out (rendering then names it missing)."""
    found: dict[str, TemplateFile] = {}
    for root in template_search_path(templates, province_dir):
        if not root.is_dir():
            continue
        for file in sorted(root.rglob("*")):
            if file.suffix not in TEMPLATE_SUFFIXES or not file.is_file():
                continue
            name = file.relative_to(root).as_posix()
            if name in found:
                continue
            data = _read_bytes(file)
            if data is None:
                continue
            try:
                source: Optional[str] = data.decode("utf-8")
            except UnicodeDecodeError:
                source = None
            found[name] = TemplateFile(name, str(file), source)
    return TemplateSources(tuple(found[n] for n in sorted(found)))
