"""The PDF writer's start-up path: WeasyPrint's libraries found with one ldconfig call, and
the page count carried with the bytes (no second parse of the PDF)."""
from __future__ import annotations

import ctypes.util
import io
import sys

import pytest
from pypdf import PdfReader

from reportgen.writers import pdf as pdf_writer


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")
def test_ldconfig_lookup_gives_the_standard_answers(monkeypatch):
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    fast = pdf_writer._ldconfig_find_library()
    for name in ("c", "m", "gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0"):
        assert fast(name) == ctypes.util.find_library(name), name
    assert fast("gobject-2.0") == "libgobject-2.0.so.0"
    # Windows and macOS spellings WeasyPrint also tries: no gcc run, just "not here"
    assert fast("libgobject-2.0-0") is None and fast("libharfbuzz-vector.0.dylib") is None


def test_import_weasyprint_restores_find_library():
    before = ctypes.util.find_library
    assert pdf_writer._import_weasyprint() is sys.modules["weasyprint"]
    assert ctypes.util.find_library is before


def test_pdf_bytes_know_their_page_count():
    from reportgen.build.pipeline import make_document, pdf_pages
    from reportgen.data.dataset import find_entries
    from reportgen.project import Project
    from seeded import ROOT

    project = Project(data=ROOT / "data", templates=ROOT / "templates")
    entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan")
    css = (project.templates / "style" / "print.css").read_text(encoding="utf-8")
    data = pdf_writer.render(make_document(project, entry), css=css, assets=[project.templates])
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    assert data.pages == len(PdfReader(io.BytesIO(data)).pages) == pdf_pages(data)
    assert pdf_pages(bytes(data)) == data.pages  # plain bytes: parsed


def test_stylesheet_parsed_once_gives_the_same_pdf():
    """A stylesheet that fetches nothing is parsed once per process and handed to WeasyPrint
    beside the page instead of in it; one that names a file (here only in a comment: the
    check is textual) stays in the page and is parsed on every render. Both PDFs, archival
    and plain, are the same bytes."""
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.project import Project
    from seeded import ROOT

    project = Project(data=ROOT / "data", templates=ROOT / "templates")
    entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan")
    doc = make_document(project, entry)
    css = (project.templates / "style" / "print.css").read_text(encoding="utf-8")
    in_page = css + "\n/* không tải url(…) nào */\n"
    for archival in (True, False):
        pdf_writer._parsed_stylesheet.cache_clear()
        once = [pdf_writer.render(doc, css=css, assets=[project.templates], archival=archival)
                for _ in range(2)]
        parsed = pdf_writer._parsed_stylesheet.cache_info()
        assert parsed.hits >= 1 and parsed.currsize == (2 if archival else 1)
        page = pdf_writer.render(doc, css=in_page, assets=[project.templates], archival=archival)
        assert pdf_writer._parsed_stylesheet.cache_info().currsize == parsed.currsize
        assert once[0] == once[1] == page
