"""PDF writer: the HTML writer's page laid out by WeasyPrint (imported only here).

Nothing is fetched: the stylesheet is inlined and the URL fetcher refuses every URL
(network, and files outside the allowed folders), so data can never make the renderer read
`/etc/passwd` or call out. Metadata (title, author, language, dates) comes from the
document, never from the clock, so identical input gives identical bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..document.types import Document
from ..errors import WriteError
from . import html as html_writer


def _fetcher(allowed: Iterable[Path]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [p.resolve() for p in allowed]

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
                if any(path.is_relative_to(r) for r in roots):
                    return super().fetch(path.as_uri(), headers)
            raise FatalURLFetchingError(f"refused to fetch {url!r}: reports use no external "
                                        "resources")

    return LocalOnlyFetcher()


def _import_weasyprint():
    """WeasyPrint, or a message saying what to install: without Pango (Windows and macOS
    need it installed apart) its import fails with an English OSError about a library."""
    try:
        import weasyprint
    except (OSError, ImportError) as exc:
        raise WriteError("không nạp được WeasyPrint để dựng PDF (thiếu thư viện Pango của hệ "
                         "thống?): cài Pango theo mục \"Cài đặt\" của README reportgen (Windows: "
                         "GTK3; macOS: brew install pango; Debian/Ubuntu: libpango-1.0-0 "
                         f"libpangoft2-1.0-0), hoặc dựng không có PDF: --format docx,html "
                         f"({type(exc).__name__})", code="RG402") from None
    return weasyprint


ARCHIVAL_VARIANT = "pdf/a-3a"  # PDF/A-3, level a: tagged (WeasyPrint's pdf_tags)
# a heading broken over lines ("Phần I" / "KẾT QUẢ …") is bookmarked as one line of text
BOOKMARKS_CSS = "h1[data-bookmark], h2[data-bookmark] { bookmark-label: attr(data-bookmark) }"


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
           **_: object) -> bytes:
    """PDF bytes of the document (A4, fonts and page numbers from the stylesheet).

    `archival` (the default): tagged PDF/A-3a with the data files attached, XMP metadata,
    bookmarks from the headings and an empty signature field (`writers/archival.py`);
    False gives the plain PDF (kept for the benchmark that measures what archival costs)."""
    from .fonts import check_fonts

    check_fonts()  # before WeasyPrint: no fonts crashed the process, no Times fell back silently
    weasyprint = _import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    page = html_writer.render_text(doc, css)
    options: dict = {"pdf_identifier": b"reportgen", "uncompressed_pdf": False}
    if archival:
        from .archival import finisher
        options.update(pdf_variant=ARCHIVAL_VARIANT, attachments=_attachments(doc),
                       finisher=finisher(doc.meta.language),
                       stylesheets=[weasyprint.CSS(string=BOOKMARKS_CSS)])
    try:
        html = weasyprint.HTML(string=page, base_url=None, url_fetcher=_fetcher(assets))
        return html.write_pdf(**options)
    except FatalURLFetchingError as exc:
        raise WriteError(str(exc), code="RG401") from None
