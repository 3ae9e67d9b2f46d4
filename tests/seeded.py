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
    """Runs of white space as one space; the word joiner that keeps a document number on one
    line (U+2060, no width, no glyph: text extracted from a PDF has none) dropped."""
    return re.sub(r"\s+", " ", text.replace("\u2060", "")).strip()


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


def pdf_words(data: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word of a PDF (pt, origin top left), via
    pdftotext -bbox (poppler)."""
    from html import unescape
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
    words = []
    for page, body in enumerate(re.split(r"<page ", out)[1:], start=1):
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                             r'yMax="([\d.]+)">([^<]*)</word>', body):
            words.append((page, *(float(m.group(i)) for i in range(1, 5)), unescape(m.group(5))))
    return words


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


def _render_all(seeds_dir: Path) -> dict[str, Seeded]:
    out = {}
    for m in manifests(seeds_dir):
        project = Project(data=m.data_root, templates=ROOT / "templates")
        entry = next(e for e in find_entries(project.data)
                     if e.slug == m.province and e.period.slug == str(m.period))
        doc = make_document(project, entry)
        key = f"{m.province}-{m.period}"
        out[key] = Seeded(key, m, project, doc, render_formats(project, doc, ("pdf", "docx", "html")))
    return out


@functools.lru_cache(maxsize=1)
def seeded_reports() -> dict[str, Seeded]:
    return _render_all(ROOT / "seeds")


#: test provinces built from other public reports (issue 13), with manifests like seeds/
PHRASING = ROOT / "tests" / "fixtures" / "phrasing"


@functools.lru_cache(maxsize=1)
def phrasing_reports() -> dict[str, Seeded]:
    return _render_all(PHRASING / "seeds")


# ------------------------------------------------------------------ figures in context
# A printed figure is looked up where a reader finds it: in the body (not the appendix), in
# its own section (between that section's heading and the next one), in a clause (the text
# between two of . ; :) that also names the figure: the label of its indicator or count, or
# the unit written right after the number (an author's sentence says "43 cửa hàng").

BODY_END = "Trên đây là báo cáo"


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"(?<=[.;:])\s+", text) if c]


def section_texts(text: str, report, layout) -> dict[str, str]:
    """{section key: its text} of a report's flattened body text, cut at the headings the
    report template writes (numbered 'II. Title' when a part has more than one section)."""
    from reportgen.vnformat import format_roman

    end = text.find(BODY_END)
    body = text if end < 0 else text[:end]
    marks: list[tuple[int, int, str]] = []
    pos = 0
    for part in layout.parts:
        present = [s for s in part.sections if s.key in report.sections]
        for i, spec in enumerate(present, 1):
            title = report.sections[spec.key].title or spec.title
            heading = f"{format_roman(i)}. {title}" if len(present) > 1 or part.number_single else title
            at = body.find(heading, pos)
            assert at >= 0, f"heading {heading!r} not found in the body"
            marks.append((at, at + len(heading), spec.key))
            pos = at + len(heading)
    out = {}
    for n, (_, start, key) in enumerate(marks):
        stop = marks[n + 1][0] if n + 1 < len(marks) else len(body)
        out[key] = body[start:stop]
    return out


def _anchor(report, path: str):
    """(label, unit) of the indicator or count a manifest path points into."""
    parts = path.split(".")
    view = report.sections[parts[1]]
    obj = getattr(view, parts[2])[parts[3]]
    return obj.label, obj.unit


def missing_in_context(text: str, report, layout, figures) -> list[str]:
    """The manifest figures NOT found in context in `text` (normalised body text)."""
    from reportgen.data.placeholders import placeholders
    from reportgen.data.sentences import fill

    sections = section_texts(text, report, layout)
    out = []
    for fig in figures:
        key, fig_id = fig.path.split(".")[1], fig.path.split(".")[3]
        label, unit = _anchor(report, fig.path)
        section = sections.get(key, "")
        clauses = [c.casefold() for c in _clauses(section)]
        printed = fig.printed.casefold()
        hit = any(printed in c and (label.casefold() in c or
                                    (unit and f"{printed} {unit.casefold()}" in c))
                  for c in clauses)
        # an author's sentence names the figure in its own words: the figure is in context
        # when the sentence that binds it is in the section and holds the figure
        for pattern in report.sections[key].sentences:
            if not hit and fig_id in {name for _, name, _ in placeholders(pattern)}:
                said = normalise(fill(report, key, pattern))
                hit = said in normalise(section) and fig.printed in said
        if not hit:
            out.append(f"{fig.printed!r} ({fig.path})")
    return out
