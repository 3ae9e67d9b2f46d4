"""`reportgen new`: start the data file of a new period (or a new province) from the last one.

From the last period file of the province (the same period a year earlier when it exists,
else the latest earlier file) the new file takes:

* the same sections, indicators, products and counts (ids, labels, units, price basis,
  status, totals, parts, phrasing options);
* the last period's values as ``same_period`` (only when the last file is the same period a
  year earlier: 2022 for 2023, 2022-h1 for 2023-h1);
* as ``plan`` / ``plan_growth``, the targets for this year stated in the previous year's
  annual report: the indicators of its ``phuong_huong`` section with status
  'phấn đấu đạt' and the same id (their value, else their growth). The plan of a half-year
  report is the year's plan too ("kế hoạch năm"), so ``2023-h1`` takes the targets of
  ``2022.yaml`` as well;
* blanks to fill: every ``value:``, ``document.number``, ``document.date`` and each
  section's ``items:`` are left empty. An empty value is never accepted:
  `reportgen validate` lists each blank as RG124 with its line, so an unfinished file cannot
  be built by mistake.

Narrative (``intro``, ``items``) is never copied: the file asks for new text in comments.
An author's ``sentences:`` are carried over: their numbers are placeholders bound to the
indicators and counts carried with them (blank until filled), and a comment asks to check
their words for the new period.
For a province without a folder, `province.yaml` is created with its fields to fill and a
first period file with the sections of the layout.

Files are never overwritten (an existing file is an error) and are written atomically.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..data.dataset import (PROVINCE_FILE, check_slug, find_entries, load_period,
                            refuse_outside_links)
from .. import fileio
from ..errors import ReportgenError, display_path
from ..data.model import TARGETS_SECTION, Count, Indicator, PeriodData, Section
from ..data.period import Period
from ..project import Project, no_data_folder
from ..vnformat import TARGET_STATUS
from .yamltext import yaml_number, yaml_str

RECIPIENTS = ["Bộ Công Thương (b/c)", "TT Tỉnh ủy, TT HĐND tỉnh (b/c)", "UBND tỉnh (b/c)",
              "Lãnh đạo Sở", "Các phòng, đơn vị thuộc Sở", "Lưu: VT, KHTC"]


class ScaffoldError(ReportgenError):
    """`reportgen new` cannot create the file (it exists, or the last period is unreadable)."""

    code = "RG140"


@dataclass
class Scaffolded:
    """What `new_period` did."""

    files: list[Path] = field(default_factory=list)
    source: Optional[Path] = None          # the period file the structure was taken from
    same_period: bool = False              # its values became same_period
    targets_from: Optional[Path] = None    # the annual file whose targets became plans
    plans: int = 0
    blanks: int = 0
    unmatched_targets: list[str] = field(default_factory=list)


def _order(p: Period) -> tuple[int, int]:
    """Chronological order of the end of a period: h1 < h2 = year."""
    return (p.year, 0 if p.half == "h1" else 1)


def _example_date(p: Period) -> str:
    return f"{p.year}-07-05" if p.half == "h1" else f"{p.year + 1}-01-05"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blanks = 0

    def line(self, indent: int, text: str, comment: str = "") -> None:
        pad = "  " * indent
        self.lines.append(f"{pad}{text}  # {comment}" if comment else f"{pad}{text}")

    def blank(self, indent: int, key: str, comment: str) -> None:
        self.blanks += 1
        self.line(indent, f"{key}:", comment)

    def comment(self, indent: int, text: str) -> None:
        self.lines.append("  " * indent + "# " + text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# ------------------------------------------------------------------ pieces
def _header(w: _Writer, modeline: str, lines: list[str]) -> None:
    w.lines.append(modeline.rstrip("\n"))
    for text in lines:
        w.comment(0, text)


def _document(w: _Writer, period: Period, last: Optional[PeriodData], last_label: str) -> None:
    w.line(0, "document:")
    before = f" ({last_label}: số {last.document.number})" if last is not None else ""
    w.blank(1, "number", f"điền số văn bản, ví dụ 5 → \"Số: 05/BC-SCT\"{before}")
    w.blank(1, "date", f"điền ngày ban hành YYYY-MM-DD, ví dụ {_example_date(period)}")


def _items(w: _Writer, indent: int, sec: Optional[Section], last_label: str) -> None:
    had = f" ({last_label} có {len(sec.items)} ý)" if sec is not None and sec.items else ""
    w.blank(indent, "items", f"viết các ý mới bằng lời của Sở, mỗi ý một dòng '- …'{had}; "
                             "xoá dòng này nếu không có ý nào")


def _indicator(w: _Writer, key: str, ind: Indicator, *, period: Period, same: bool,
               target: Optional[Indicator], is_target: bool, targets_label: str,
               result: Scaffolded) -> None:
    w.line(3, f"{yaml_str(key)}:")
    w.line(4, f"label: {yaml_str(ind.label)}")
    if ind.unit:
        w.line(4, f"unit: {yaml_str(ind.unit)}")
    if ind.price_basis:
        w.line(4, f"price_basis: {yaml_str(ind.price_basis)}")
    w.line(4, f"status: {yaml_str(ind.status)}")
    if is_target:
        what = f"chỉ tiêu phấn đấu {period.next.label}"
        hint = "; nếu chỉ nêu tốc độ tăng: xoá dòng này, ghi growth"
        w.blank(4, "value", f"điền {what}{hint}")
    else:
        hint = (" (kỳ trước chỉ có tốc độ tăng: xoá dòng này, ghi growth)"
                if ind.value is None and ind.growth is not None else "")
        w.blank(4, "value", f"điền số liệu {period.label}{hint}")
        if same and ind.value is not None:
            w.line(4, f"same_period: {yaml_number(ind.value)}")
        if target is not None:
            if target.value is not None:
                w.line(4, f"plan: {yaml_number(target.value)}", f"chỉ tiêu {targets_label}")
                result.plans += 1
            elif target.growth is not None:
                w.line(4, f"plan_growth: {yaml_number(target.growth)}", f"chỉ tiêu {targets_label}")
                result.plans += 1
    if ind.out_of is not None:
        w.line(4, f"out_of: {yaml_number(ind.out_of)}")
    if ind.parts:
        w.line(4, "parts: [" + ", ".join(yaml_str(p) for p in ind.parts) + "]")
    if ind.parts_incomplete:
        w.line(4, "parts_incomplete: true")
    # how the figure is worded carries over; the figures themselves do not
    if ind.base:
        w.line(4, f"base: {ind.base}")
    if ind.plan_name:
        w.line(4, f"plan_name: {yaml_str(ind.plan_name)}")
    if ind.compare:
        w.line(4, f"compare: {ind.compare}")
    if ind.plan_style != "dat":
        w.line(4, f"plan_style: {ind.plan_style}")


def _count(w: _Writer, key: str, c: Count, *, period: Period, same: bool) -> None:
    w.line(3, f"{yaml_str(key)}:")
    if c.verb:
        w.line(4, f"verb: {yaml_str(c.verb)}")
    w.line(4, f"label: {yaml_str(c.label)}")
    w.blank(4, "value", f"điền số đếm {period.label} (số nguyên)")
    if c.total is not None:
        w.line(4, f"total: {yaml_number(c.total)}", "tổng số: kiểm tra lại cho kỳ này")
    if c.unit:
        w.line(4, f"unit: {yaml_str(c.unit)}")
    if same:
        w.line(4, f"same_period: {yaml_number(c.value)}")
    if c.parts:
        w.line(4, "parts: [" + ", ".join(yaml_str(p) for p in c.parts) + "]")
    if c.parts_incomplete:
        w.line(4, "parts_incomplete: true")
    if c.pad is not None:
        w.line(4, f"pad: {c.pad}")


def _targets(annual: Optional[PeriodData]) -> dict[str, Indicator]:
    """Targets for the next year stated in an annual report: id -> indicator."""
    if annual is None or TARGETS_SECTION not in annual.sections:
        return {}
    sec = annual.sections[TARGETS_SECTION]
    return {k: i for k, i in {**sec.indicators, **sec.products}.items()
            if i.status == TARGET_STATUS and (i.value is not None or i.growth is not None)}


def period_text(period: Period, modeline: str, header: list[str], last: Optional[PeriodData],
                last_period: Optional[Period], same: bool, targets: dict[str, Indicator],
                targets_label: str, result: Scaffolded) -> str:
    """The new period file, from the last one."""
    w = _Writer()
    _header(w, modeline, header)
    last_label = last_period.label if last_period else "kỳ trước"
    _document(w, period, last, last_label)
    w.lines.append("")
    w.line(0, "sections:")
    used: set[str] = set()
    assert last is not None
    for sec_key, sec in last.sections.items():
        is_targets = sec_key == TARGETS_SECTION
        w.line(1, f"{yaml_str(sec_key)}:")
        if sec.title:
            w.line(2, f"title: {yaml_str(sec.title)}")
        if sec.intro:
            w.comment(2, f"intro: viết câu mở đầu mới nếu cần ({last_label} có câu mở đầu)")
        for group in ("indicators", "products"):
            figs: dict[str, Indicator] = getattr(sec, group)
            if not figs:
                continue
            w.line(2, f"{group}:")
            for key, ind in figs.items():
                target = None if is_targets else targets.get(key)
                if target is not None and target.unit != ind.unit:
                    w.comment(3, f"{key}: chỉ tiêu {targets_label} tính bằng '{target.unit}', "
                                 f"khác '{ind.unit}': không lấy làm kế hoạch")
                    target = None
                if target is not None:
                    used.add(key)
                _indicator(w, key, ind, period=period, same=same, target=target,
                           is_target=is_targets, targets_label=targets_label, result=result)
        if sec.counts:
            w.line(2, "counts:")
            for key, c in sec.counts.items():
                _count(w, key, c, period=period, same=same and not is_targets)
        if sec.sentences:
            w.comment(2, f"câu của {last_label}: số liệu là chỗ trống {{mã}} lấy từ chỉ tiêu ở "
                         "trên; sửa lời văn cho kỳ này, xoá câu không còn đúng")
            w.line(2, "sentences:")
            for sentence in sec.sentences:
                w.line(3, f"- {yaml_str(sentence)}")
        if sec.items or not (sec.indicators or sec.products or sec.counts or sec.sentences):
            _items(w, 2, sec, last_label)
        w.lines.append("")
    result.unmatched_targets = [k for k in targets if k not in used]
    result.blanks += w.blanks
    return w.text()


def skeleton_text(period: Period, modeline: str, header: list[str],
                  sections: list[tuple[str, str]], result: Scaffolded) -> str:
    """A first period file: the sections of the layout, each with its items to write."""
    w = _Writer()
    _header(w, modeline, header)
    _document(w, period, None, "")
    w.lines.append("")
    w.line(0, "sections:")
    for text in ("Các phần theo bố cục (templates/layout.yaml); xoá phần nào không dùng.",
                 "Một chỉ tiêu viết như sau (xem README.md và docs/templates.md):",
                 "  indicators:",
                 "    gtsx_cong_nghiep:                 # mã riêng, chữ thường không dấu",
                 "      label: Giá trị sản xuất công nghiệp",
                 "      unit: tỷ đồng",
                 "      status: ước đạt",
                 "      value: '1.586,397'              # số kiểu Việt Nam trong dấu nháy",
                 "      growth: '10,09'                 # % so với cùng kỳ, âm nếu giảm",
                 "  counts:",
                 "    du_an:",
                 "      label: dự án được cấp phép",
                 "      value: 5",
                 "      unit: dự án"):
        w.comment(1, text)
    for key, title in sections:
        w.line(1, f"{yaml_str(key)}:", title)
        _items(w, 2, None, "")
    result.blanks += w.blanks
    return w.text()


def province_text(slug: str, modeline: str, result: Scaffolded) -> str:
    w = _Writer()
    _header(w, modeline, [
        f"Thông tin cố định của Sở Công Thương (tỉnh '{slug}'), dùng cho phần đầu và phần kết",
        "báo cáo. Tạo bởi `reportgen new`: điền các chỗ còn trống; `reportgen validate` liệt kê",
        "chúng (mã RG124). Mẫu đầy đủ: data/bac-kan/province.yaml."])
    w.blank(0, "name", "tên tỉnh có dấu, ví dụ: Bắc Kạn")
    w.blank(0, "parent_agency", "cơ quan chủ quản viết hoa, ví dụ: UBND TỈNH BẮC KẠN")
    w.line(0, "agency: SỞ CÔNG THƯƠNG")
    w.blank(0, "place", "địa danh ghi ngày tháng, ví dụ: Bắc Kạn → \"Bắc Kạn, ngày 05 tháng 01 "
                        "năm 2023\"")
    w.line(0, "number_suffix: BC-SCT", "\"Số: 05/BC-SCT\"")
    w.line(0, "signer:")
    w.line(1, "authority: [GIÁM ĐỐC]", "hoặc [KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC]")
    w.blank(1, "name", "họ tên người ký; '' nếu để trống chỗ ghi tên")
    w.line(0, "recipients:", "nơi nhận, mỗi nơi một dòng")
    for r in RECIPIENTS:
        w.line(1, f"- {yaml_str(r)}")
    w.line(0, "style:")
    w.line(1, "compare: giam", "giam: \"giảm 6,76%\"; bang: \"bằng 96,61% cùng kỳ\"")
    w.line(1, "pad: 2", "2: \"04/15 sản phẩm\"; 0: \"4/15 sản phẩm\"")
    result.blanks += w.blanks
    return w.text()


# ------------------------------------------------------------------ files
def write_new(path: Path, text: str) -> None:
    """Create `path` with `text` atomically; never replace an existing file."""
    try:
        fileio.write_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise _exists(path) from None


def _exists(path: Path) -> ScaffoldError:
    return ScaffoldError(f"tệp {display_path(path)} đã có: reportgen new không ghi đè; sửa "
                         "tệp đó, hoặc xoá/đổi tên nó rồi chạy lại", path)


def _last_file(project: Project, slug: str, period: Period) -> Optional[tuple[Period, Path]]:
    """The same period a year earlier when it exists, else the latest earlier period file."""
    entries = [e for e in find_entries(project.data) if e.slug == slug]
    same = next((e for e in entries if e.period == period.previous), None)
    if same is not None:
        return same.period, same.path
    earlier = [e for e in entries if _order(e.period) < _order(period)]
    if not earlier:
        return None
    e = max(earlier, key=lambda e: _order(e.period))
    return e.period, e.path


def _read(path: Path) -> PeriodData:
    data, loaded = load_period(path)
    if data is None and loaded.findings and all(f.code == "RG124" for f in loaded.findings):
        raise ScaffoldError(f"{display_path(path)} chưa điền xong ({len(loaded.findings)} chỗ "
                            "trống, RG124): điền xong kỳ đó rồi chạy lại (reportgen validate "
                            "liệt kê các chỗ trống)", path)
    if data is None:
        shown = "\n".join(str(f) for f in loaded.findings[:5])
        raise ScaffoldError(f"không đọc được {display_path(path)} để làm tệp mới: sửa các lỗi "
                            f"(reportgen validate) rồi chạy lại\n{shown}", path)
    return data


def new_period(project: Project, slug: str, period: Period,
               schema_dir: Optional[Path] = None) -> Scaffolded:
    """Create ``data/<slug>/<period>.yaml`` (and ``province.yaml`` for a new province)."""
    from ..data.layout import load_layout
    from .schema import modeline

    check_slug(slug)
    if not project.data.is_dir():
        raise ScaffoldError(no_data_folder(project.data))
    refuse_outside_links(project.data, slug)  # nothing read or written through a link
    pdir = project.data / slug
    target = pdir / f"{period.slug}.yaml"
    province_file = pdir / PROVINCE_FILE
    if schema_dir is None:  # schema/ beside data/ (a project), else the package's own
        schema_dir = project.data.parent / "schema"
        if not schema_dir.is_dir():
            from ..project import schema_dir as packaged_schemas
            schema_dir = packaged_schemas()
    if target.exists() or target.is_symlink():
        raise _exists(target)
    result = Scaffolded()
    texts: list[tuple[Path, str]] = []
    if not province_file.exists() and not province_file.is_symlink():
        texts.append((province_file, province_text(
            slug, modeline("province", province_file, schema_dir), result)))
    last = _last_file(project, slug, period) if pdir.is_dir() else None
    mode = modeline("period", target, schema_dir)
    what = f"Số liệu {period.label} của Sở Công Thương ({slug})"
    if last is None:
        layout = load_layout(project.template_dirs, pdir if pdir.is_dir() else None)
        header = [f"{what}: tạo bởi `reportgen new` theo bố cục báo cáo.",
                  "Điền các chỗ còn trống; `reportgen validate` liệt kê chúng (mã RG124).",
                  "Số kiểu Việt Nam để trong dấu nháy: '1.586,397'. Số thường (6760) không cần."]
        text = skeleton_text(period, mode, header,
                             [(s.key, s.title) for s in layout.sections], result)
    else:
        last_period, last_path = last
        data = _read(last_path)
        result.source = last_path
        result.same_period = last_period == period.previous
        annual = Period(year=period.year - 1)
        annual_path = pdir / f"{annual.slug}.yaml"
        targets: dict[str, Indicator] = {}
        if annual_path.exists():
            annual_data = data if annual_path == last_path else _read(annual_path)
            targets = _targets(annual_data)
            if targets:
                result.targets_from = annual_path
        targets_label = f"{Period(year=period.year).label}, từ phương hướng trong {annual.slug}.yaml"
        src = display_path(last_path)
        header = [f"{what}: tạo bởi `reportgen new` từ {src}.",
                  "Điền các chỗ còn trống (value:, number:, date:, items:); `reportgen validate "
                  f"--province {slug} --period {period.slug}`",
                  "liệt kê chúng (mã RG124) với số dòng. Số kiểu Việt Nam để trong dấu nháy: "
                  "'1.586,397'."]
        if result.same_period:
            header.append(f"same_period là số liệu {last_period.label} ({src}).")
        else:
            header.append(f"Không có tệp {period.previous.slug}.yaml: chưa có số liệu cùng kỳ "
                          "(same_period).")
        if targets:
            header.append(f"plan / plan_growth: chỉ tiêu '{TARGET_STATUS}' năm {period.year} trong "
                          f"phần {TARGETS_SECTION} của {display_path(annual_path)}.")
        text = period_text(period, mode, header, data, last_period, result.same_period,
                           targets, targets_label, result)
    texts.append((target, text))
    created: list[Path] = []
    try:
        for path, body in texts:
            write_new(path, body)
            created.append(path)
    except BaseException:
        for path in created:  # all or nothing
            path.unlink(missing_ok=True)
        raise
    result.files = created
    return result
