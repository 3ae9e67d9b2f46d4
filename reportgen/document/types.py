"""The one typed document every writer draws.

Templates emit restricted HTML; `reader.py` turns it into a `Document`: a `Meta` (the
administrative frame of Nghị định 30/2020: agencies, number, place and date, title,
recipients, signer), a tuple of body blocks made of a few inline kinds, and the appendix
blocks (phụ lục) that every writer draws after the closing. Writers (HTML, PDF, DOCX) walk
this tree and nothing else, so every format carries the same text; inline content is walked
with the one `inlines.InlineVisitor`.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:  # a type only: the document stage reads no data files
    from ..data.templates import Stylesheet
# the inline kinds live in .inlines with the one walk over them; named here for every reader
from .inlines import (  # noqa: F401
    Emph, Inline, InlineMarkup, LineBreak, Strong, Text, inline_text,
)


# ---------------------------------------------------------------- blocks
@dataclass(frozen=True)
class Heading:
    """Level 1 `Phần I`, 2 `I. …`, 3 `1. …`, 4 `a) …`; level 1 is centred."""

    level: int
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    """Body text: justified with a first-line indent unless `align`/`indent` say otherwise."""

    inlines: tuple[Inline, ...]
    align: str = "justify"  # justify | center | right | left
    indent: bool = True


@dataclass(frozen=True)
class ListBlock:
    """A bulleted (`-`) or numbered list; each item holds inline content."""

    ordered: bool
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Cell:
    inlines: tuple[Inline, ...]
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False  # part of the header rows repeated on each page


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    caption: tuple[Inline, ...] = ()
    widths: tuple[int, ...] = ()  # relative column widths, optional

    @property
    def column_count(self) -> int:
        """Columns of the grid, counting spans (rows spanned from above included)."""
        return grid_width(self.rows)


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Image:
    """A chart: the same picture as SVG (HTML, PDF: vector) and PNG (DOCX), drawn
    `width_mm` wide and centred, with a caption and a source line under it.

    Templates ask for a chart by name (``<figure data-chart="plan_completion">``); the
    reader fills `svg` and `png` through the drawing function it is given (the build passes
    `reportgen.render.charts.drawer` of the report), so writers only ever draw pictures
    they are given.
    """

    name: str
    svg: bytes = b""
    png: bytes = b""
    caption: tuple[Inline, ...] = ()
    source: str = ""
    width_mm: float = 150.0
    alt: str = ""  # text alternative (screen readers, tagged PDF): what the chart shows

    @property
    def ready(self) -> bool:
        return bool(self.svg and self.png)


Block = Union[Heading, Paragraph, ListBlock, Table, PageBreak, Image]


# ---------------------------------------------------------------- frame
ATTACHMENT_SEP = "_"  # an attachment is named <slug>_<file name> (a slug has no "_")


@dataclass(frozen=True)
class Attachment:
    """A data file carried inside the published document (PDF/A-3 embedded file), byte for
    byte as the loading stage read it, so a reader can check that the data gives the text."""

    name: str  # file name inside the PDF: bac-kan/2022.yaml
    data: bytes
    relationship: str = "Data"  # AFRelationship: Source (the period file) | Data
    description: str = ""


@dataclass(frozen=True)
class Meta:
    """The administrative frame each writer draws natively (header, closing)."""

    parent_agency: str  # UBND TỈNH BẮC KẠN
    agency: str  # SỞ CÔNG THƯƠNG
    number: str  # Số: 01/BC-SCT
    nation: str  # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    motto: str  # Độc lập - Tự do - Hạnh phúc
    place_date: str  # Bắc Kạn, ngày 05 tháng 01 năm 2023
    doc_type: str  # BÁO CÁO
    subject: tuple[str, ...]  # subject (trích yếu) lines
    recipients_title: str = "Nơi nhận:"
    recipients: tuple[str, ...] = ()
    authority: tuple[str, ...] = ()  # ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    signer: str = ""
    # the closing sentence ("Trên đây là báo cáo …./."): drawn with the recipients and the
    # signature, kept on one page with them
    closing: str = ""
    mark: str = ""  # "DỰ THẢO" at the top of page 1 of a draft (no signer's name)
    title: str = ""  # document title for file metadata
    author: str = ""  # file metadata author (the agency)
    language: str = "vi"
    date: _dt.date | None = None  # the report's date: file metadata dates come from here
    attachments: tuple[Attachment, ...] = ()  # the data files the report was built from


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # phụ lục: drawn after the closing (signature, recipients); starts with a PageBreak
    appendix: tuple[Block, ...] = field(default_factory=tuple)
    # the print stylesheet read at load time (`data.templates.Stylesheet`): what the writers
    # lay the document out with; None when a document is made without one (tests)
    style: Optional["Stylesheet"] = None

    @property
    def images(self) -> tuple[Image, ...]:
        return tuple(b for b in self.blocks + self.appendix if isinstance(b, Image))


# ---------------------------------------------------------------- helpers
def grid_width(rows: tuple[Row, ...]) -> int:
    """Number of grid columns of a table whose cells may span rows and columns."""
    occupied: dict[int, int] = {}  # column -> rows still covered by a rowspan
    width = 0
    for row in rows:
        col = 0
        for cell in row.cells:
            while occupied.get(col, 0) > 0:
                col += 1
            for c in range(col, col + cell.colspan):
                occupied[c] = cell.rowspan
            col += cell.colspan
        width = max(width, col, max((c + 1 for c, n in occupied.items() if n > 0), default=0))
        occupied = {c: n - 1 for c, n in occupied.items() if n > 1}
    return width


def frame_texts(meta: Meta) -> tuple[list[str], list[str]]:
    """Paragraph texts of the header frame and of the closing, in reading order."""
    head = [meta.mark, meta.parent_agency, meta.agency, meta.number, meta.nation, meta.motto,
            meta.place_date, meta.doc_type, *meta.subject]
    closing = [meta.closing, meta.recipients_title, *meta.recipients, *meta.authority]
    if meta.signer:
        closing.append(meta.signer)
    return [t for t in head if t], [t for t in closing if t]


def body_texts(doc: Document) -> list[str]:
    """The body as a list of paragraph texts (one per paragraph, list item, cell)."""
    return blocks_texts(doc.blocks)


def appendix_texts(doc: Document) -> list[str]:
    """The appendix (after the closing) as paragraph texts, like `body_texts`."""
    return blocks_texts(doc.appendix)


def blocks_texts(blocks: tuple[Block, ...]) -> list[str]:
    """Paragraph texts of blocks: one per paragraph, list item, cell, caption, source."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            out.append(inline_text(block.inlines))
        elif isinstance(block, ListBlock):
            out.extend(inline_text(item) for item in block.items)
        elif isinstance(block, Table):
            if block.caption:
                out.append(inline_text(block.caption))
            for row in block.rows:
                out.extend(inline_text(c.inlines) for c in row.cells)
        elif isinstance(block, Image):
            if block.caption:
                out.append(inline_text(block.caption))
            if block.source:
                out.append(block.source)
    return out


def dump(doc: Document) -> str:
    """A readable tree dump (pseudo-XML), for debugging and golden tests."""
    lines = [f"<meta {k}={v!r}>" for k, v in doc.meta.__dict__.items() if k != "attachments"]
    lines.extend(f"<attachment {a.name} {len(a.data)}B {a.relationship}>"
                 for a in doc.meta.attachments)

    inl = InlineMarkup()

    for b in doc.blocks + (("appendix",) if doc.appendix else ()) + doc.appendix:
        if b == "appendix":
            lines.append("<appendix>")
        elif isinstance(b, Heading):
            lines.append(f"<heading level={b.level}>{inl(b.inlines)}")
        elif isinstance(b, Paragraph):
            lines.append(f"<paragraph align={b.align} indent={b.indent}>{inl(b.inlines)}")
        elif isinstance(b, ListBlock):
            lines.append(f"<list ordered={b.ordered}>")
            lines.extend(f"  <item>{inl(i)}" for i in b.items)
        elif isinstance(b, Table):
            lines.append(f"<table columns={b.column_count} caption={inl(b.caption)!r}>")
            for r in b.rows:
                cells = " | ".join(
                    f"{inl(c.inlines)}" + (f"[{c.colspan}x{c.rowspan}]" if c.colspan > 1 or c.rowspan > 1 else "")
                    for c in r.cells)
                lines.append(f"  <row header={r.header}> {cells}")
        elif isinstance(b, Image):
            lines.append(f"<image name={b.name} width_mm={b.width_mm:g} svg={len(b.svg)}B "
                         f"png={len(b.png)}B source={b.source!r} alt={b.alt!r}>{inl(b.caption)}")
        else:
            lines.append("<pagebreak>")
    return "\n".join(lines) + "\n"
