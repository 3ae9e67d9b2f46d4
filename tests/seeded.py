"""Shared by the rendering tests: every seeded report rendered once per test session."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportgen.build.pipeline import make_document, render_formats
from reportgen.data.dataset import find_entries
from reportgen.document.types import Document
from reportgen.project import Project
from seeds import manifests

ROOT = Path(__file__).resolve().parent.parent


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages_text(data: bytes) -> list[str]:
    """Normalised text of each PDF page, via pdftotext (poppler) when present, else pypdf."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(data)
        if shutil.which("pdftotext"):
            out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                 capture_output=True).stdout.decode("utf-8")
            return [normalise(p) for p in out.split("\f") if p.strip()]
        from pypdf import PdfReader
        return [normalise(p.extract_text()) for p in PdfReader(str(path)).pages]


@dataclass
class Seeded:
    key: str
    manifest: object
    project: Project
    doc: Document
    outputs: dict[str, bytes]

    @functools.cached_property
    def pages(self) -> list[str]:
        return pdf_pages_text(self.outputs["pdf"])


@functools.lru_cache(maxsize=1)
def seeded_reports() -> dict[str, Seeded]:
    out = {}
    for m in manifests(ROOT / "seeds"):
        project = Project(data=ROOT / m.data, templates=ROOT / "templates")
        entry = next(e for e in find_entries(project.data)
                     if e.slug == m.province and e.period.slug == str(m.period))
        doc = make_document(project, entry)
        key = f"{m.province}-{m.period}"
        out[key] = Seeded(key, m, project, doc, render_formats(project, doc, ("pdf", "docx", "html")))
    return out
