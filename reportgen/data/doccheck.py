"""Whole-document checks: what makes a report one an office would sign as is.

Returns findings, never prints. Codes (the README lists them all):

RG701 no signer name: the report is a draft (warning; `--strict` refuses it)
RG702 the subject promises a part ("phương hướng, nhiệm vụ …") that the report does not hold
RG703 a date in the narrative after the document's date (warning)
RG704 a figure labelled with another year than the period it is filed under (warning), or
      a `period:` after the report's period (error)
RG705 counts under 10 written with and without a leading zero in one report (warning)
RG706 tone marks placed in both styles ("hóa" and "hoá") in one report's data (warning)
RG707 growth at current prices below growth at comparable prices (warning: prices fell?)
RG708 an appendix row without a unit (warning)

A warning an indicator lists in `confirmed:` (checked against the source and kept) is shown
as a note ("ghi chú") and does not fail `--strict`.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Iterator, Optional

from .. import typography
from ..errors import NOTE, WARNING, Finding
from .figures import Report
from .loader import Loaded
from .model import TARGETS_SECTION, Signer
from .period import Period
from ..vnformat import TARGET_STATUS

PROMISE_RE = re.compile(r"phương\s+hướng", re.IGNORECASE)
_PAD_LIMIT = 10


# ------------------------------------------------------------------ shared facts
def signer_of(report: Report) -> Signer:
    """The signer in force: the period file's `document.signer`, else the province's."""
    return report.data.document.signer or report.province.signer


def is_draft(report: Report) -> bool:
    """A report without a signer's name is a draft: marked "DỰ THẢO" on page 1."""
    return not signer_of(report).name.strip()


def has_next_part(report: Report) -> bool:
    """Whether the report holds the part 'phương hướng, nhiệm vụ' for the next period."""
    view = report.sections.get(TARGETS_SECTION)
    if view is None:
        return False
    return bool(view.items or view.intro or view.indicators or view.products or view.counts)


# ------------------------------------------------------------------ the checks
def check_document(report: Report, loaded: Loaded, province_loaded: Optional[Loaded] = None,
                   layout=None) -> list[Finding]:
    out: list[Finding] = []
    out.extend(_draft(report, loaded, province_loaded))
    out.extend(_promise(report, loaded))
    out.extend(_dates(report, loaded))
    out.extend(_periods(report, loaded))
    out.extend(_padding(report, loaded))
    out.extend(_tone_marks(report, loaded, province_loaded))
    out.extend(_price_bases(report, loaded))
    if layout is not None:
        out.extend(_units(report, loaded, layout))
    return [_confirmed(report, loaded, f) for f in out]


def _confirmed(report: Report, loaded: Loaded, f: Finding) -> Finding:
    """A warning the indicator at its line lists in `confirmed:` becomes a note."""
    if f.severity != WARNING or f.file != loaded.finding((), "", "").file:
        return f
    for view in report.sections.values():
        for group, figs in (("indicators", view.indicators), ("products", view.products)):
            for fig in figs.values():
                if f.code in fig.ind.confirmed:
                    line = loaded.where(("sections", view.key, group, fig.id), key=True)[0]
                    last = _last_line(loaded, ("sections", view.key, group, fig.id))
                    if line <= f.line <= last:
                        said = f.message.split(". Đối chiếu")[0]
                        return Finding(f.file, f.line, f.column, f.code, NOTE,
                                       said + " (đã đối chiếu với nguồn: confirmed)")
    return f


def _last_line(loaded: Loaded, prefix: tuple) -> int:
    n = len(prefix)
    lines = [ln for p, (ln, _) in loaded.marks.items() if tuple(p[:n]) == prefix]
    return max(lines, default=0)


def _draft(report: Report, loaded: Loaded, province_loaded: Optional[Loaded]) -> list[Finding]:
    if not is_draft(report):
        return []
    msg = ("chưa có tên người ký: báo cáo là bản DỰ THẢO (trang 1 mang dấu DỰ THẢO, --strict "
           "từ chối). Ghi signer.name là họ tên người ký; Phó Giám đốc ký thay thì authority: "
           "[KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC]. Không ghi tên người chưa rõ")
    if report.data.document.signer is not None:
        return [loaded.finding(("document", "signer", "name"), "RG701", msg, WARNING, key=True)]
    if province_loaded is not None:
        return [province_loaded.finding(("signer", "name"), "RG701", msg, WARNING, key=True)]
    return [loaded.finding(("document",), "RG701", msg, WARNING)]


def _promise(report: Report, loaded: Loaded) -> list[Finding]:
    subject = report.data.document.subject
    if has_next_part(report):
        return []
    out = []
    if subject and PROMISE_RE.search(subject):
        out.append(loaded.finding(
            ("document", "subject"), "RG702",
            f"trích yếu hứa phần \"phương hướng, nhiệm vụ\" nhưng báo cáo không có phần "
            f"{TARGETS_SECTION} (hoặc phần đó trống): viết thêm mục {TARGETS_SECTION} trong "
            "sections, hoặc bỏ \"và phương hướng, nhiệm vụ …\" khỏi document.subject"))
    if TARGETS_SECTION in report.sections:
        out.append(loaded.finding(
            ("sections", TARGETS_SECTION), "RG702",
            f"phần {TARGETS_SECTION} không có nội dung: viết các nhiệm vụ (items) hoặc chỉ tiêu, "
            "hoặc bỏ hẳn phần này (tiêu đề và câu kết khi đó chỉ nói kết quả thực hiện)", WARNING,
            key=True))
    return out


# "10/7/2023", "ngày 10/7", "chiều 10/7", "ngày 03 tháng 02 năm 2021"
_FULL_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_SHORT_DATE = re.compile(r"\b(?:ngày|sáng|chiều|trưa|tối|đêm)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?![/\d])",
                         re.IGNORECASE)
_WORD_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def dates_in(text: str, year: int) -> Iterator[tuple[dt.date, str]]:
    """The calendar dates written in `text` (a day and month without a year: `year`)."""
    for rx, has_year in ((_FULL_DATE, True), (_WORD_DATE, True), (_SHORT_DATE, False)):
        for m in rx.finditer(text):
            d, mo = int(m.group(1)), int(m.group(2))
            y = int(m.group(3)) if has_year else year
            try:
                yield dt.date(y, mo, d), m.group(0)
            except ValueError:
                continue


def _narrative(report: Report) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every narrative string the body prints, targets excluded."""
    for key, sec in report.data.sections.items():
        if key == TARGETS_SECTION:
            continue
        base = ("sections", key)
        if sec.title:
            yield base + ("title",), sec.title
        if sec.intro:
            yield base + ("intro",), sec.intro
        for i, item in enumerate(sec.items):
            yield base + ("items", i), item
        for i, sentence in enumerate(getattr(sec, "sentences", ())):
            yield base + ("sentences", i), sentence
        for group in ("indicators", "products", "counts"):
            for k, x in getattr(sec, group).items():
                yield base + (group, k, "label"), x.label


def _dates(report: Report, loaded: Loaded) -> list[Finding]:
    doc_date = report.data.document.date
    out = []
    for path, text in _narrative(report):
        for when, written in dates_in(text, doc_date.year):
            if when > doc_date:
                out.append(loaded.finding(
                    path, "RG703",
                    f"\"{written}\" ({when:%d/%m/%Y}) sau ngày của báo cáo ({doc_date:%d/%m/%Y}): "
                    "báo cáo không kể việc chưa diễn ra. Sửa ngày báo cáo (document.date) hoặc "
                    f"bỏ câu này; việc sắp làm ghi ở phần {TARGETS_SECTION}", WARNING))
    return out


_LABEL_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.IGNORECASE)


def _periods(report: Report, loaded: Loaded) -> list[Finding]:
    out = []
    period = report.period
    for key, sec in report.data.sections.items():
        if key == TARGETS_SECTION:
            continue
        for group in ("indicators", "products"):
            for k, ind in getattr(sec, group).items():
                here = ("sections", key, group, k)
                if ind.period is not None:
                    p = Period.parse(ind.period)
                    if (p.year, p.half or "") > (period.year, period.half or "h9"):
                        out.append(loaded.finding(here + ("period",), "RG704",
                                                  f"period: {ind.period} sau kỳ báo cáo {period.slug}: "
                                                  "một kết quả không thể thuộc kỳ chưa tới"))
                    continue
                for m in _LABEL_YEAR.finditer(ind.label):
                    year = int(m.group(1))
                    if year != period.year:
                        out.append(loaded.finding(
                            here + ("label",), "RG704",
                            f"nhãn \"{ind.label}\" nói {m.group(0)} nhưng chỉ tiêu nằm trong báo cáo "
                            f"{period.slug}: thêm 'period: {year}' để phụ lục đặt số liệu đúng cột "
                            "(hoặc để ngoài các cột theo kỳ)", WARNING))
                        break
    return out


def _padding(report: Report, loaded: Loaded) -> list[Finding]:
    """Counts under 10 follow one rule: all with a leading zero, or none."""
    from ..vnformat import format_count

    shown: list[tuple[bool, object]] = []
    for c in report.counts.values():
        small = [n for n in (c.value, c.total, c.diff) if n is not None and 0 <= abs(n) < _PAD_LIMIT]
        if small:
            shown.append((c.pad >= 2, c))
    kinds = Counter(p for p, _ in shown)
    if len(kinds) < 2:
        return []
    rule = report.province.style.pad >= 2
    out = []
    others = {p: next(c for q, c in shown if q == p) for p in kinds}
    for padded, c in shown:
        if padded == rule:
            continue
        other = others[not padded]
        line = loaded.where(("sections", other.section, "counts", other.id), key=True)[0]
        n = next(n for n in (c.value, c.total, c.diff) if n is not None and 0 <= abs(n) < _PAD_LIMIT)
        here = ("sections", c.section, "counts", c.id)
        has_pad = c.count.pad is not None
        hint = (f"bỏ 'pad: {c.count.pad}' để theo style.pad: {report.province.style.pad} của tỉnh"
                if has_pad else f"thêm 'pad: {other.pad}' hoặc sửa style.pad trong province.yaml")
        out.append(loaded.finding(
            here + (("pad",) if has_pad else ("value",)), "RG705",
            f"số đếm dưới 10 viết '{format_count(abs(n), None, c.pad)}' ở đây nhưng "
            f"'{format_count(abs(n), None, other.pad)}' ở dòng {line}: trong một báo cáo viết "
            f"theo một quy tắc, {hint}", WARNING))
    return out


def _tone_marks(report: Report, loaded: Loaded, province_loaded: Optional[Loaded]) -> list[Finding]:
    style = report.province.style.tone_marks
    found: list[tuple[Loaded, tuple, str, str]] = []
    for path, text in _narrative(report):
        for st, word, _ in typography.occurrences(text):
            found.append((loaded, path, st, word))
    sec = report.data.sections.get(TARGETS_SECTION)
    if sec is not None:
        for i, item in enumerate(sec.items):
            for st, word, _ in typography.occurrences(item):
                found.append((loaded, ("sections", TARGETS_SECTION, "items", i), st, word))
    if province_loaded is not None:
        for i, r in enumerate(report.province.recipients):
            for st, word, _ in typography.occurrences(r):
                found.append((province_loaded, ("recipients", i), st, word))
    if len({st for _, _, st, _ in found}) < 2:
        return []
    out, seen = [], set()
    for where, path, st, word in found:
        if st == style or (where.path, path, word) in seen:
            continue
        seen.add((where.path, path, word))
        out.append(where.finding(
            path, "RG706",
            f"'{word}' đặt dấu kiểu '{st}' trong khi số liệu cũng dùng kiểu '{style}': viết "
            f"'{typography.in_style(word, style)}' (style.tone_marks: {style} của tỉnh; báo cáo "
            "in cả văn bản theo kiểu này)", WARNING))
    return out


def _price_bases(report: Report, loaded: Loaded) -> list[Finding]:
    out = []
    for view in report.sections.values():
        figs = list(view.indicators.values())
        for cur in figs:
            if cur.price_basis != "hiện hành" or cur.growth is None:
                continue
            for cmp_ in figs:
                if (cmp_ is cur or not (cmp_.price_basis or "").startswith("so sánh")
                        or cmp_.label != cur.label or cmp_.growth is None):
                    continue
                if cur.growth < cmp_.growth:
                    from ..vnformat import format_number
                    out.append(loaded.finding(
                        ("sections", view.key, "indicators", cur.id, "growth"), "RG707",
                        f"theo giá hiện hành tăng {format_number(cur.growth)}%, thấp hơn theo giá "
                        f"{cmp_.price_basis} ({format_number(cmp_.growth)}%, dòng "
                        f"{loaded.where(('sections', view.key, 'indicators', cmp_.id, 'growth'))[0]}): "
                        "như vậy giá đã giảm. Đối chiếu với nguồn; nếu nguồn in đúng như vậy, thêm "
                        "'confirmed: [RG707]' vào chỉ tiêu", WARNING))
    return out


def _units(report: Report, loaded: Loaded, layout) -> list[Finding]:
    """Every row of the appendix table has a unit (the rows: reportgen/render/appendix.py)."""
    out = []
    for spec in layout.sections:
        view = report.sections.get(spec.key)
        if view is None or spec.key == TARGETS_SECTION:
            continue
        for group, figs in (("indicators", view.indicators), ("products", view.products)):
            for fig in figs.values():
                if (fig.unit or fig.status == TARGET_STATUS or not spec.in_appendix(fig.id)
                        or (fig.part_of and not spec.in_appendix(fig.part_of))):
                    continue
                out.append(loaded.finding(
                    ("sections", spec.key, group, fig.id), "RG708",
                    f"chỉ tiêu '{fig.id}' vào biểu phụ lục nhưng không có đơn vị: thêm unit "
                    "('%' cho chỉ số, 'tỷ đồng', …)", WARNING, key=True))
    return out
