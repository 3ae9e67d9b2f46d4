"""PDF writer: the HTML writer's page laid out by WeasyPrint (imported only here).

Nothing is fetched: the stylesheet is inlined and the URL fetcher refuses every URL
(network, and files outside the allowed folders), so data can never make the renderer read
`/etc/passwd` or call out. Metadata (title, author, language, dates) comes from the
document, never from the clock, so identical input gives identical bytes.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable

from ..document.types import Document
from ..errors import WriteError
from . import html as html_writer


class PdfBytes(bytes):
    """The PDF's bytes, knowing their page count (the build reports it without parsing the
    file again: pypdf alone would cost 0,2 s of every cold process)."""

    pages: int


def _ldconfig_find_library():
    """A `ctypes.util.find_library` that reads `ldconfig -p` once. WeasyPrint's dependencies
    are opened by several names each (Windows and macOS ones too); the standard function runs
    ldconfig for every name and then gcc and ld for every name it does not find: 20 processes
    and 0,2–0,6 s of every cold start. Same answers for every library ldconfig knows; a name it
    does not know is None, unless LD_LIBRARY_PATH is set (the slow search then looks there)."""
    import ctypes.util
    import struct

    original = ctypes.util.find_library
    ldconfig = next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None)
    if not sys.platform.startswith("linux") or ldconfig is None:
        return original
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=30,
                                 env={"LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return original
    # the ABI filter of ctypes.util._findSoname_ldconfig
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(
        f"{os.uname().machine}-{struct.calcsize('l') * 8}", "libc6")
    slow_ok = bool(os.environ.get("LD_LIBRARY_PATH"))

    def find_library(name):
        m = re.search(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi), listing)
        if m:
            return m.group(1)
        return original(name) if slow_ok else None

    return find_library


def _fetcher(allowed: Iterable[Path], style=None):
    """WeasyPrint's URL fetcher: only a file inside a template folder. A file of the
    province's own templates folder is served from the bytes the loading stage read
    (`style.files`, `data.templates.Stylesheet`): writing reads nothing under `data/`."""
    import mimetypes

    from ..data.templates import MAX_STYLE_BYTES
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    roots = [p.resolve() for p in allowed]
    local = Path(style.local_root) if style is not None and style.local_root else None
    loaded = dict(style.files) if style is not None else {}

    class Loaded(URLFetcherResponse):
        path = None  # no file name: WeasyPrint would read a file: URL's file again, lazily

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            from urllib.parse import urlsplit
            from urllib.request import url2pathname
            try:
                parts = urlsplit(url)
            except ValueError:
                parts = None
            # Only a local file inside an allowed folder, and only the file that was checked:
            # the URL given to urllib is rebuilt from the resolved path, so a '#', '?', '..',
            # %-escape or symbolic link cannot make it open another one
            # (file:///etc/passwd#/../../<allowed>/x used to pass the check).
            if parts is not None and parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()
                if local is not None and path.is_relative_to(local):
                    if str(path) in loaded:
                        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return Loaded(path.as_uri(), body=loaded[str(path)],
                                      headers={"Content-Type": mime})
                elif any(path.is_relative_to(r) for r in roots):
                    return super().fetch(path.as_uri(), headers)
            raise FatalURLFetchingError(
                f"bảng kiểu đòi tải '{url[:200]}': báo cáo không tải gì từ mạng hay ngoài thư "
                "mục mẫu (tệp trong thư mục mẫu của tỉnh phải là tệp thường, tổng cộng không quá "
                f"{MAX_STYLE_BYTES // 2**20} MB); xoá url(…) này, hoặc chép tệp vào thư mục "
                "mẫu và ghi đường dẫn file:// tới nó")

    return LocalOnlyFetcher()


def _import_weasyprint():
    """WeasyPrint, its C libraries located with one ldconfig call (`_ldconfig_find_library`),
    or a message saying what to install: without Pango (Windows and macOS need it installed
    apart) its import fails with an English OSError about a library."""
    import ctypes.util
    original = ctypes.util.find_library
    if "weasyprint" not in sys.modules:
        ctypes.util.find_library = _ldconfig_find_library()
    try:
        import weasyprint
    except (OSError, ImportError) as exc:
        raise WriteError("không nạp được WeasyPrint để dựng PDF (thiếu thư viện Pango của hệ "
                         "thống?): cài Pango theo mục \"Cài đặt\" của README reportgen (Windows: "
                         "GTK3; macOS: brew install pango; Debian/Ubuntu: libpango-1.0-0 "
                         f"libpangoft2-1.0-0), hoặc dựng không có PDF: --format docx,html "
                         f"({type(exc).__name__})", code="RG402") from None
    finally:
        ctypes.util.find_library = original
    return weasyprint


def prepare() -> None:
    """WeasyPrint loaded (`writers.prepare`)."""
    _import_weasyprint()


ARCHIVAL_VARIANT = "pdf/a-3a"  # PDF/A-3, level a: tagged (WeasyPrint's pdf_tags)
# a heading broken over lines ("Phần I" / "KẾT QUẢ …") is bookmarked as one line of text
BOOKMARKS_CSS = "h1[data-bookmark], h2[data-bookmark] { bookmark-label: attr(data-bookmark) }"


#: what may make WeasyPrint fetch a file while parsing a stylesheet (url(), @import, a font's
#: src) or hide one (a CSS escape): such a stylesheet stays in the page, parsed per render
_FETCHES = re.compile(r"\\|url\s*\(|@import|\bsrc\b", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _parsed_stylesheet(css: str):
    """A stylesheet that fetches nothing, parsed once per process: WeasyPrint parses a
    page's <style> on every render (0,012 s for print.css). Given to WeasyPrint as a
    stylesheet of its own, it is the only one besides WeasyPrint's defaults, so the cascade
    and the PDF are the same (tests/test_pdf_writer.py compares the bytes)."""
    return _import_weasyprint().CSS(string=css)


def _attachments(doc: Document) -> list:
    """The document's data files as WeasyPrint attachments, dated by the report (never the
    clock, so the bytes stay reproducible)."""
    import datetime as dt

    weasyprint = _import_weasyprint()

    day = doc.meta.date or dt.date(2000, 1, 1)
    stamp = dt.datetime(day.year, day.month, day.day)
    return [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                  relationship=a.relationship, created=stamp, modified=stamp)
            for a in doc.meta.attachments]


def render(doc: Document, css: str = "", assets: Iterable[Path] = (), archival: bool = True,
           **_: object) -> PdfBytes:
    """PDF bytes of the document (A4, fonts and page numbers from the stylesheet).

    `archival` (the default): tagged PDF/A-3a with the data files attached, XMP metadata,
    bookmarks from the headings and an empty signature field (`writers/archival.py`);
    False gives the plain PDF (kept for the benchmark that measures what archival costs)."""
    from .fonts import check_fonts

    check_fonts()  # before WeasyPrint: no fonts crashed the process, no Times fell back silently
    weasyprint = _import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    sheets = []
    if css and not _FETCHES.search(css):  # parsed once per process, not on every render
        page = html_writer.render_text(doc)
        sheets.append(_parsed_stylesheet(css))
    else:  # it names files: parsed with this report's URL fetcher, in the page
        page = html_writer.render_text(doc, css)
    options: dict = {"pdf_identifier": b"reportgen", "uncompressed_pdf": False}
    if archival:
        from .archival import finisher
        sheets.append(_parsed_stylesheet(BOOKMARKS_CSS))
        options.update(pdf_variant=ARCHIVAL_VARIANT, attachments=_attachments(doc),
                       finisher=finisher(doc.meta.language))
    if sheets:
        options["stylesheets"] = sheets
    try:
        html = weasyprint.HTML(string=page, base_url=None, url_fetcher=_fetcher(assets, doc.style))
        # HTML.write_pdf() is render() then write_pdf(): done in two steps to keep the pages
        finish = options.pop("finisher", None)
        options = {**weasyprint.DEFAULT_OPTIONS, **options}
        laid_out = html.render(**options)
        out = PdfBytes(laid_out.write_pdf(None, 1, finish, **{
            k: options[k] for k in weasyprint.DEFAULT_OPTIONS}))
        out.pages = len(laid_out.pages)
        return out
    except FatalURLFetchingError as exc:
        raise WriteError(str(exc), code="RG401") from None
