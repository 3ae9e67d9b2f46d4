"""One report: load -> validate -> render templates -> read the document -> write formats.

`build_one` takes one report through the one-way flow (`make_document`, `render_formats`) and
writes its outputs, each through `fileio.atomic_write` (a temporary file in its folder,
renamed over the old one), so an error or an interruption never leaves a truncated file and
never removes a good one. Nothing is written outside the output folder: a folder in it that
is a link to elsewhere fails that report. `input_hash` is what the build record keeps per
report (`record.py`): the hash of every input, taken before rendering.
Many reports at once (the lock, the record, worker processes, Ctrl-C): `batch.py`.
"""
from __future__ import annotations

import datetime as dt
import dataclasses
import functools
import gc
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from .. import __version__
from ..data.dataset import Entry, load_inputs
from ..errors import (DataError, ReportgenError, UsageError, WriteError, display_path, os_reason,
                      quote)
from ..fileio import atomic_write, inside
from ..project import Project, layout_path, template_sources
from ..writers import FORMATS

from .record import RECORD, data_hash, is_current  # noqa: E402,F401

if TYPE_CHECKING:  # imported where a report is made: a rebuild with nothing to do needs neither
    from ..document.types import Document


def parse_formats(text: str) -> tuple[str, ...]:
    """'pdf,docx' -> ('pdf', 'docx'), refusing unknown names."""
    names = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in names if f not in FORMATS]
    if bad or not names:
        raise UsageError(f"định dạng không hợp lệ: {', '.join(bad) or '(trống)'}; dùng "
                         f"{','.join(FORMATS)}")
    return names


def output_path(out: Path, entry: Entry, fmt: str) -> Path:
    stem = f"bao-cao-{entry.slug}-{entry.period.slug}"
    return out / entry.slug / entry.period.slug / f"{stem}.{fmt}"


def input_files(project: Project, entry: Entry) -> list[Path]:
    """Every file a report depends on (for the build record)."""
    files = [project.data / entry.slug / "province.yaml", entry.path,
             project.data / entry.slug / f"{entry.period.previous.slug}.yaml",
             layout_path(project.template_dirs, project.data / entry.slug)]
    # earlier periods feed the trend chart (Report.history)
    files.extend(sorted(p for p in (project.data / entry.slug).glob("*.yaml") if p not in files))
    # every folder of the template chain, the package theme included (an upgrade rebuilds)
    for root in template_sources(project, project.data / entry.slug):
        if root.is_dir():
            files.extend(sorted(p for p in root.rglob("*") if p.is_file()))
    return files


@functools.lru_cache(maxsize=1)
def font_fingerprint() -> str:
    """Which files fontconfig gives for the report fonts (a font change rebuilds)."""
    import shutil
    import subprocess
    if not shutil.which("fc-match"):
        return "no-fc-match"
    out = []
    # the four lookups at once: each fc-match process takes a few tens of milliseconds
    procs = [subprocess.Popen(["fc-match", "-f", "%{file}", f"Times New Roman{style}"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for style in ("", ":bold", ":italic", ":bold:italic")]
    for proc in procs:
        path = Path(proc.communicate()[0].strip())
        size = path.stat().st_size if path.is_file() else 0
        out.append(f"{path}:{size}")
    return ";".join(out)


#: libraries whose version changes the bytes of a report: an upgrade rebuilds, not skips
RENDERERS = ("weasyprint", "python-docx", "pillow")  # Pillow draws the DOCX's chart PNGs


@functools.lru_cache(maxsize=1)
def renderer_versions() -> str:
    """'weasyprint=70.0 python-docx=1.2.0 pillow=13.0.0', from the names of the installed
    wheels' ``<name>-<version>.dist-info`` folders (found the way importlib.metadata finds
    them, first on sys.path wins); importlib.metadata itself only for a library not found so
    (importing and asking it cost a third of a rebuild with nothing to do)."""
    import re
    import sys

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    wanted = {canonical(n): n for n in RENDERERS}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info") and "-" in entry:
                dist, _, ver = entry[:-len(".dist-info")].rpartition("-")
                key = canonical(dist)
                if key in wanted and key not in found:
                    found[key] = ver
    out = []
    for key, name in wanted.items():
        ver = found.get(key)
        if ver is None:
            from importlib.metadata import PackageNotFoundError, version
            try:
                ver = version(name)
            except PackageNotFoundError:
                ver = "?"
        out.append(f"{name}={ver}")
    return " ".join(out)


def _file_bytes(path: Path) -> bytes:
    """The bytes of a regular file; a marker for anything else. A FIFO named 2020.yaml in a
    province folder hung the build here (validation names it, RG100), and a folder named
    old.yaml was reported as a write error."""
    try:
        st = path.stat()
    except OSError:
        return b"<absent>"
    if not stat.S_ISREG(st.st_mode):
        return f"<not a regular file {stat.S_IFMT(st.st_mode):o}>".encode()
    return path.read_bytes()


def input_hash(project: Project, entry: Entry, formats: Iterable[str]) -> str:
    h = hashlib.sha256()
    h.update(f"reportgen {__version__} {','.join(sorted(formats))}\n".encode())
    h.update(f"{renderer_versions()}\n".encode())
    h.update(f"{font_fingerprint()}\nSOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    h.update(f"strict={project.strict}\n".encode())
    for f in input_files(project, entry):
        h.update(str(f).encode() + b"\0")
        h.update(_file_bytes(f))
        h.update(b"\0")
    return h.hexdigest()


_MODULES_SET_ASIDE = 0  # len(sys.modules) when the loaded objects were last set aside


def set_aside_loaded_objects() -> None:
    """Set what is alive now aside from the cyclic garbage collector (`gc.freeze`), once the
    libraries a step needs are imported, and again only after more modules have been.
    A full collection walks every tracked object: with WeasyPrint, pydantic, Jinja and
    python-docx loaded that is about 9·10^4 objects (modules, classes, caches; 0,04 s a
    walk), and laying out one report makes garbage enough for several full collections (a
    fifth of an in-process build went there). Set aside, they are not walked again; the
    garbage reports make is collected as before (tests/test_build.py builds ten times over
    and counts the objects). The objects set aside are the loaded libraries and whatever is
    alive at that moment: a bounded amount, set aside a few times per process at most."""
    import sys

    global _MODULES_SET_ASIDE
    if len(sys.modules) != _MODULES_SET_ASIDE:
        gc.freeze()
        _MODULES_SET_ASIDE = len(sys.modules)


def preload() -> None:
    """Import what making a document needs, once, in a process about to fork its workers
    (each inherits it instead of importing it again). A build with nothing to do never
    imports any of it: deciding that takes only the input hashes."""
    from ..data import figures, layout, validate  # noqa: F401
    from ..document import reader  # noqa: F401
    from ..render import charts, templating  # noqa: F401
    from . import textcheck  # noqa: F401


def make_document(project: Project, entry: Entry, checked=None) -> Document:
    """The report's typed document, flowing one way; raises DataError/TemplateError for bad
    input. Load (layout, province, period, previous and earlier periods, each file once)
    -> validate -> render the templates -> read the restricted HTML into a Document,
    complete with its charts. Nothing after the first step reads the data folder.
    `checked`: the loaded and validated result when the caller already has it (the preview
    shows its warnings)."""
    from .. import typography
    from ..data.validate import check
    from ..document.reader import read
    from ..render.charts import drawer
    from ..render.templating import render_html
    from .textcheck import glyph_findings

    set_aside_loaded_objects()
    if checked is None:
        checked = check(load_inputs(project.data, project.template_dirs, entry.slug, entry.period),
                        project.strict)
        # a word WeasyPrint would lay out letter by letter for minutes is refused (RG125) here,
        # as `validate` refuses it, before anything is rendered
        checked.findings += [f for f in glyph_findings([checked.province_loaded, checked.loaded])
                             if f.is_error]
    result = checked
    if not result.ok:
        raise DataError(result.findings or [])
    html = render_html(result.report, result.layout, result.templates, project.data / entry.slug)
    # one document, one typography: tone marks in the province's style, year ranges unbroken
    html = typography.normalise(html, result.report.province.style.tone_marks)
    doc = read(html, "templates/report.html", charts=drawer(result.report))
    meta = dataclasses.replace(doc.meta, attachments=data_attachments(entry, result.data_files))
    epoch = source_date()
    if epoch:
        meta = dataclasses.replace(meta, date=epoch)
    return dataclasses.replace(doc, meta=meta, style=result.stylesheet)


def data_attachments(entry: Entry, data_files: dict[Path, bytes]) -> tuple:
    """The data files the report was built from, byte for byte as the loading stage read
    them (`LoadResult.data_files`; nothing is read again), to carry inside the PDF: the
    period file (relationship Source), the province file and the province's earlier
    periods (Data)."""
    from ..document.types import ATTACHMENT_SEP, Attachment

    out = []
    for path, data in data_files.items():
        is_period = path == entry.path
        out.append(Attachment(
            f"{entry.slug}{ATTACHMENT_SEP}{path.name}", data,
            "Source" if is_period else "Data",
            ("Số liệu của báo cáo" if is_period else "Số liệu dùng kèm") + f": data/{entry.slug}/{path.name}"))
    return tuple(out)


def source_date() -> Optional[dt.date]:
    """The date of SOURCE_DATE_EPOCH when set (reproducible-builds convention), else None:
    file metadata dates then come from the report's own date, never from the clock."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        if not raw.isascii() or int(raw) < 0:  # int() reads '٣' and '１' too
            raise ValueError(raw)
        return dt.datetime.fromtimestamp(int(raw), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"biến môi trường SOURCE_DATE_EPOCH={quote(raw)} không dùng được: cần "
                         "số giây kể từ 01/01/1970 (UTC), từ 0 đến 253402300799, ví dụ "
                         "SOURCE_DATE_EPOCH=1672876800 (05/01/2023); hoặc bỏ biến này "
                         "(unset SOURCE_DATE_EPOCH)") from None


def render_formats(project: Project, doc: Document, formats: Iterable[str],
                   province_dir: Optional[Path] = None,
                   options: Optional[dict[str, dict]] = None) -> dict[str, bytes]:
    """Every format of one document. The stylesheet is the first `style/print.css` of the
    template chain (a province's templates/, the project's, the package theme), as the
    loading stage read it (`doc.style`, with the files of the province's templates folder
    that its url() may name): nothing here reads the data folder.
    `options`: per format, keywords for its writer (the preview's pages come from a plain
    PDF, ``{"pdf": {"archival": False}}``: the same pages without tags and attachments)."""
    from ..writers import prepare, writer

    style = doc.style
    if style is None:  # a document not made by make_document (tests): read the stylesheet now
        from ..data.dataset import load_stylesheet
        style = load_stylesheet(project.template_dirs, province_dir)
        doc = dataclasses.replace(doc, style=style)
    css_path = Path(style.filename)
    if style.text is None:
        raise WriteError(f"không đọc được bảng kiểu {display_path(css_path)} "
                         f"({style.error}): sửa hoặc xoá tệp này", css_path)
    css = style.text
    assets = [Path(r) for r in style.roots]
    from ..writers.stylesheet import check_stylesheet
    check_stylesheet(css, css_path, assets)  # one fetch policy for every format
    options = options or {}
    renderers = {fmt: writer(fmt) for fmt in formats}
    for fmt in renderers:
        prepare(fmt)  # WeasyPrint loaded before the loaded objects are set aside
    set_aside_loaded_objects()
    return {fmt: render(doc, css=css, assets=assets, **options.get(fmt, {}))
            for fmt, render in renderers.items()}


#: what a staff member reads for each status (the summary table and the progress lines)
STATUS_WORDS = {"built": "đã dựng", "skipped": "bỏ qua (không đổi)", "failed": "lỗi",
                "differs": "khác tệp đã có", "current": "hiện hành"}


@dataclass
class BuildResult:
    entry: Entry
    status: str  # built | skipped | failed | differs | current (STATUS_WORDS)
    files: list[Path] = field(default_factory=list)
    pages: Optional[int] = None
    seconds: float = 0.0
    error: Optional[str] = None
    digest: Optional[str] = None  # the input hash this result was rendered from
    hashes: dict = field(default_factory=dict)  # format -> sha256 of the file written
    internal: bool = False  # the failure is a bug in reportgen (exit 70 at the end)

    @property
    def status_word(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)


def pdf_pages(data: bytes) -> Optional[int]:
    """Page count of a PDF we wrote (the PDF writer's bytes know it)."""
    if getattr(data, "pages", None) is not None:
        return data.pages
    import io
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(data)).pages)


def plan(project: Project, entry: Entry, formats: tuple[str, ...], out: Path,
         force: bool = False, check: bool = False, record: Optional[dict] = None):
    """What one report needs, decided before any rendering: a result (skipped: the files on
    disk are those of these inputs; failed: a province folder linked outside data/), or the
    input hash to render it from (a str). Cheap: hashes files, renders nothing."""
    start = time.perf_counter()
    try:
        from ..data.dataset import refuse_outside_links
        refuse_outside_links(project.data, entry.slug)  # (--all: one province, not the build)
        digest = input_hash(project, entry, formats)  # before rendering: what is rendered
    except Exception as exc:
        return _failed(entry, start, exc, "đọc")
    targets = {fmt: output_path(out, entry, fmt) for fmt in formats}
    if (not force and not check and record is not None
            and is_current(record.get(f"{entry.slug}/{entry.period.slug}"), digest, targets)):
        return BuildResult(entry, "skipped", list(targets.values()), digest=digest)
    return digest


def _failed(entry: Entry, start: float, exc: Exception, doing: str) -> BuildResult:
    """The failed result of one report: a message the user can act on for bad input or a
    file that cannot be read or written (`doing`: "đọc", "ghi"); anything else is a bug in
    reportgen (exit 70 at the end), and the other reports are still built."""
    seconds = time.perf_counter() - start
    if isinstance(exc, ReportgenError):
        return BuildResult(entry, "failed", [], None, seconds, str(exc))
    if isinstance(exc, OSError):
        err = WriteError(f"không {doing} được tệp: {os_reason(exc)}",
                         getattr(exc, "filename", None))
        return BuildResult(entry, "failed", [], None, seconds, str(err))
    return BuildResult(entry, "failed", [], None, seconds,
                       _internal_error(f"{entry.slug}/{entry.period.slug}", exc), internal=True)


def build_one(project: Project, entry: Entry, formats: tuple[str, ...], out: Path,
              force: bool = False, check: bool = False, record: Optional[dict] = None,
              digest: Optional[str] = None, two_cores: bool = False) -> BuildResult:
    """Build (or check) one report; never raises for bad input, returns a failed result.
    `digest`: the input hash `plan` took (the report is then built, not skipped).
    `two_cores`: a second core is free for this report (`overlap.py`: the PDF is laid out in a
    forked helper while this process makes the document and the other formats)."""
    if digest is None:
        planned = plan(project, entry, formats, out, force, check, record)
        if isinstance(planned, BuildResult):
            return planned
        digest = planned
    start = time.perf_counter()
    targets = {fmt: output_path(out, entry, fmt) for fmt in formats}
    try:
        province_dir = project.data / entry.slug
        from . import overlap
        if two_cores and overlap.worth_it(formats, 2):
            with overlap.PdfHelper(render_formats, project, province_dir) as helper:
                doc = make_document(project, entry)
                outputs = overlap.render_with_helper(helper, render_formats, project, doc,
                                                     formats, province_dir)
        else:
            doc = make_document(project, entry)
            outputs = render_formats(project, doc, formats, province_dir)
        pages = pdf_pages(outputs["pdf"]) if "pdf" in outputs else None
        if check:
            differ = [targets[f] for f, data in outputs.items()
                      if not targets[f].exists() or targets[f].read_bytes() != data]
            return BuildResult(entry, "differs" if differ else "current", differ, pages,
                               time.perf_counter() - start)
        for fmt, path in targets.items():
            if not inside(out, path.parent):  # out/<slug> made a link to elsewhere
                raise WriteError(f"thư mục {path.parent} dẫn ra ngoài thư mục kết quả {out} "
                                 "(liên kết?): xoá liên kết, reportgen chỉ ghi trong thư mục "
                                 "kết quả", path.parent)
        written: list[Path] = []
        try:
            for fmt, data in outputs.items():
                atomic_write(targets[fmt], data)
                written.append(targets[fmt])
        except KeyboardInterrupt as exc:  # some formats of this report already replaced
            exc.replaced = written  # type: ignore[attr-defined]
            raise
        return BuildResult(entry, "built", list(targets.values()), pages, time.perf_counter() - start,
                           digest=digest, hashes={f: data_hash(d) for f, d in outputs.items()})
    except Exception as exc:
        return _failed(entry, start, exc, "ghi")


def _internal_error(key: str, exc: Exception) -> str:
    """The message of a bug met while building one report (traceback kept in a file)."""
    import tempfile
    import traceback
    fd, name = tempfile.mkstemp(prefix="reportgen-crash-", suffix=".txt")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(traceback.format_exc())
    return (f"{key}: lỗi nội bộ của reportgen ({type(exc).__name__}: {str(exc)[:300]}); chi tiết "
            f"ở {name}. Vui lòng báo lỗi kèm tệp này.")
