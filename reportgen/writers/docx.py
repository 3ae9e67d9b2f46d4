"""DOCX writer: the typed `Document` drawn with python-docx over real Word styles.

Public API: `render(doc) -> bytes`.

The writer walks `reportgen.document` and nothing else. This module writes the blocks into a
copy of the styled base document of `docx_styles.py` (page geometry, Word styles, list
numbering; Nghị định 30/2020: A4 portrait, Times New Roman 14 pt body). The administrative
frame from `doc.meta` is drawn natively as two borderless tables (header block and closing
block). The appendix (`doc.appendix`, phụ lục) follows the closing; charts (`Image`) are
drawn from their PNG, centred, with the caption and source line under them.

The output is reproducible: the same Document gives byte-identical files (fixed zip entry
dates and order, core-property dates taken from `meta.date`, no clock, no randomness).
"""
from __future__ import annotations

import datetime as _dt
import io
import zipfile
from typing import Iterable

from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm
from docx.table import _Cell
from docx.text.run import Run

from .. import frame
from ..document.inlines import InlineVisitor
from ..document.types import (
    Cell,
    Document,
    Emph,
    Heading,
    Image,
    Inline,
    LineBreak,
    ListBlock,
    Meta,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
    grid_width,
    inline_text,
)
from .docx_styles import (
    CELL_MARGIN_TWIPS,
    FIRST_LINE_INDENT,
    CLOSING_SPLIT,
    HEADER_SPLIT,
    PPR_SEQ,
    TABLE_STYLE,
    TBLPR_SEQ,
    TCPR_SEQ,
    TEXT_WIDTH,
    TRPR_SEQ,
    Numbering,
    new_document,
    el,
    insert_ordered,
    lang_tag,
    set_run_props,
)

__all__ = ["render"]


CORE_TEXT_LIMIT = 255  # characters of a core property (docProps/core.xml), python-docx's limit


def _core_text(text: str) -> str:
    """A core property value cut at a word to the limit, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= CORE_TEXT_LIMIT:
        return text
    cut = text[:CORE_TEXT_LIMIT - 1]
    if " " in cut[CORE_TEXT_LIMIT // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


_RUN_BREAKS = frozenset("\t\r\n")  # what python-docx writes as w:tab or w:br in a run


class _Runs(InlineVisitor):
    """Inline content as the runs of a python-docx paragraph; the walk carries the
    paragraph and whether the text is bold and italic."""

    def text(self, node: Text, p, bold: bool, italic: bool) -> None:
        if node.text:
            if _RUN_BREAKS.isdisjoint(node.text):
                # python-docx's `add_run(text)` reads the text a character at a time to turn
                # tabs and line ends into elements; without any, it writes this one w:t
                r = p._p.add_r()
                r.add_t(node.text)
                run = Run(r, p)
            else:
                run = p.add_run(node.text)
            if bold:
                run.bold = True
            if italic:
                run.italic = True

    def strong(self, node: Strong, p, bold: bool, italic: bool) -> None:
        self.walk(node.children, p, True, italic)

    def emph(self, node: Emph, p, bold: bool, italic: bool) -> None:
        self.walk(node.children, p, bold, True)

    def line_break(self, node: LineBreak, p, bold: bool, italic: bool) -> None:
        p.add_run().add_break()


_RUNS = _Runs()


# ---------------------------------------------------------------- table cells
_TC, _P, _TCPR, _TCW, _GRID_SPAN = qn("w:tc"), qn("w:p"), qn("w:tcPr"), qn("w:tcW"), qn("w:gridSpan")
_W, _TYPE, _VAL = qn("w:w"), qn("w:type"), qn("w:val")
_PPR, _PSTYLE = qn("w:pPr"), qn("w:pStyle")


def _grid_span(tc) -> int:
    span = tc.find(_TCPR)
    span = span.find(_GRID_SPAN) if span is not None else None
    return int(span.get(_VAL)) if span is not None else 1


def _merge_new_cells(trs, r: int, c: int, rs: int, cs: int) -> None:
    """Merge rows r..r+rs-1, grid columns c..c+cs-1 of a table just made by python-docx
    (every cell one empty paragraph): in each row the first cell spans the columns
    (w:gridSpan) and the rest are removed; the rows are joined by w:vMerge (restart, then
    continue). The XML python-docx's `merge` writes, without its searches of the whole
    table for every cell, which made half the writer's time."""
    for i in range(r, r + rs):
        offset, tc = 0, None
        for candidate in trs[i].iterchildren(_TC):
            if offset == c:
                tc = candidate
                break
            offset += _grid_span(candidate)
        if tc is None:
            raise ValueError(f"no cell at grid column {c} of row {i}")
        span = _grid_span(tc)
        while span < cs:
            following = tc.getnext()
            span += _grid_span(following)
            following.getparent().remove(following)
        props = tc.find(_TCPR)
        if span > 1:
            insert_ordered(props, el("w:gridSpan", val=str(span)), TCPR_SEQ)
        if rs > 1:  # continue is the attribute's default: python-docx writes no val for it
            insert_ordered(props, el("w:vMerge", val="restart") if i == r else el("w:vMerge"),
                           TCPR_SEQ)


# ---------------------------------------------------------------- the writer
class _Writer:
    def __init__(self, document: Document):
        self.src = document
        self.meta: Meta = document.meta
        self.lang = lang_tag(self.meta.language)
        # the styled, cleaned base document is built once per process and language
        self.doc = new_document(self.lang)
        self.pending_break = False
        # style name -> id once: python-docx looks names up by scanning every style
        self._style_ids = {st.name: st.style_id for st in self.doc.styles}
        self.numbering = Numbering(self.doc)
        self._setup_core_properties()

    # ------------------------------------------------------------ setup
    def _setup_core_properties(self) -> None:
        """Core properties: everything from meta, nothing from the clock."""
        doc = self.doc
        m = self.meta
        when = _dt.datetime.combine(m.date, _dt.time()) if m.date else _dt.datetime(1980, 1, 1)
        cp = doc.core_properties
        # python-docx refuses core properties over 255 characters (a 262-character subject
        # crashed the writer): the metadata is shortened, never the document's text
        cp.title = _core_text(m.title)
        cp.subject = _core_text(" ".join(m.subject))
        cp.author = _core_text(m.author)
        cp.last_modified_by = _core_text(m.author)
        cp.language = m.language
        cp.comments = ""
        cp.keywords = ""
        cp.category = ""
        cp.revision = 1
        cp.created = when
        cp.modified = when
        cp.last_printed = when

    # ------------------------------------------------------------ paragraphs
    def _style(self, p, name: str) -> None:
        """Apply a paragraph style by name: the w:pStyle python-docx's `style` setter writes
        (first in w:pPr, itself first in w:p), without its name search and its schema-order
        searches on every insertion."""
        p_el = p._p
        props = p_el.find(_PPR)
        if props is None:
            props = OxmlElement("w:pPr")
            p_el.insert(0, props)
        style = props.find(_PSTYLE)
        if style is not None:
            props.remove(style)
        style = OxmlElement("w:pStyle")
        style.set(_VAL, self._style_ids[name])
        props.insert(0, style)

    def _para(self, style: str, container=None):
        container = container if container is not None else self.doc
        p = container.add_paragraph()
        self._style(p, style)
        if self.pending_break and container is self.doc:
            p.paragraph_format.page_break_before = True
            self.pending_break = False
        return p

    def _flush_break(self) -> None:
        """A page break that no following paragraph can carry: a break run of its own."""
        if self.pending_break:
            self.pending_break = False
            p = self.doc.add_paragraph()
            self._style(p, "RG NoIndent")
            p.add_run().add_break(WD_BREAK.PAGE)

    @staticmethod
    def _inlines(p, inlines: Iterable[Inline]) -> None:
        _RUNS.walk(inlines, p, False, False)

    def _text_para(self, style: str, text: str, container=None):
        p = self._para(style, container)
        if text:
            p.add_run(text)
        return p

    @staticmethod
    def _centre_rule(p, width: int, box_width: int) -> None:
        """Make an "RG Rule" paragraph (empty, bottom border) `width` long, centred in a box."""
        side = max(0, int((box_width - width) / 2))
        p.paragraph_format.left_indent = Emu(side)
        p.paragraph_format.right_indent = Emu(side)

    def _rule(self, width: Emu, box_width: Emu):
        p = self.doc.add_paragraph()
        self._style(p, "RG Rule")
        self._centre_rule(p, width, box_width)
        return p

    # ------------------------------------------------------------ frame
    def _frame_table(self, split: float):
        """A borderless full-width 2-column table, the left column `split` of the width."""
        left = Emu(int(TEXT_WIDTH * split))
        right = Emu(TEXT_WIDTH - left)
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        insert_ordered(tblpr, el("w:tblW", w=str(Emu(TEXT_WIDTH).twips), type="dxa"),
                        TBLPR_SEQ)
        borders = el("w:tblBorders")
        for s in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(el(f"w:{s}", val="nil"))
        insert_ordered(tblpr, borders, TBLPR_SEQ)
        mar = el("w:tblCellMar")
        for s in ("left", "right"):
            mar.append(el(f"w:{s}", w=str(CELL_MARGIN_TWIPS), type="dxa"))
        insert_ordered(tblpr, mar, TBLPR_SEQ)
        for col, w in zip(table.columns, (left, right)):
            col.width = w
        row = table.rows[0]
        insert_ordered(row._tr.get_or_add_trPr(), el("w:cantSplit"), TRPR_SEQ)
        cells = row.cells
        for cell, w in zip(cells, (left, right)):
            cell.width = w
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        inner = [Emu(w - Emu(CELL_MARGIN_TWIPS * 2 * 635)) for w in (left, right)]
        return cells, inner

    def _fill_cell(self, cell: _Cell, items: list[tuple[str, str]], box: Emu | None = None):
        """Write (style, text) paragraphs into a fresh cell, reusing its empty paragraph.

        An item ("RG Rule", width) draws a short centred rule `width` long in a box `box`.
        """
        out = []
        for i, (style, value) in enumerate(items):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            self._style(p, style)
            if style == "RG Rule":
                _Writer._centre_rule(p, value, box)
            elif value:
                p.add_run(value)
            out.append(p)
        return out

    def _header_block(self) -> None:
        m = self.meta
        if m.mark:  # a draft says so at the top of page 1
            self._text_para("RG Mark", m.mark)
        (left, right), (lw, rw) = self._frame_table(HEADER_SPLIT)
        items: list = []
        parent = frame.fit_parent_agency(m.parent_agency) if m.parent_agency else None
        if parent:  # the province's name never splits: 12 pt, or a break after "TỈNH"
            items.append(("RG Header", "\n".join(parent.lines)))
        if m.agency:
            items.append(("RG Agency", m.agency))
            # the decree: a rule 1/3..1/2 as long as the agency line
            items.append(("RG Rule", min(lw, Mm(frame.agency_rule_mm(m.agency)))))
        if m.number:
            items.append(("RG Header", m.number))
        written = self._fill_cell(left, items or [("RG Header", "")], lw)
        if parent and parent.size != frame.PARENT_SIZES[0]:
            for run in written[0].runs:
                set_run_props(run._r.get_or_add_rPr(), parent.size, self.lang)
        items = []
        if m.nation:
            items.append(("RG Nation", m.nation))
        if m.motto:
            items.append(("RG Motto", m.motto))
            # the decree: a rule as long as the motto line
            items.append(("RG Rule", min(rw, Mm(frame.motto_rule_mm(m.motto)))))
        if m.place_date:
            items.append(("RG Place Date", m.place_date))
        self._fill_cell(right, items or [("RG Header", "")], rw)
        # title and subject (trích yếu) with a short rule under it
        if m.doc_type:
            self._text_para("RG Title", m.doc_type)
        for line in m.subject:
            self._text_para("RG Subject", line)
        if m.subject:  # 1/3..1/2 of the subject line
            self._rule(Mm(frame.subject_rule_mm(m.subject)), TEXT_WIDTH)

    def _closing_block(self) -> None:
        """The closing sentence, "Nơi nhận" and the signature, kept on one page: the sentence
        keeps with the table, whose single row never splits."""
        m = self.meta
        if m.closing:
            p = self._text_para("Normal", m.closing)
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True
        if not (m.recipients or m.authority or m.signer):
            return
        (left, right), _ = self._frame_table(CLOSING_SPLIT)
        items = []
        if m.recipients_title:
            items.append(("RG Recipients Title", m.recipients_title))
        items.extend(("RG Recipients", r) for r in m.recipients)
        self._fill_cell(left, items or [("RG Recipients", "")])
        items = [("RG Authority", a) for a in m.authority]
        if m.signer:
            items.append(("RG Signer", m.signer))
        self._fill_cell(right, items or [("RG Authority", "")])

    # ------------------------------------------------------------ page numbers
    def _page_numbers(self) -> None:
        sec = self.doc.sections[0]
        sec.different_first_page_header_footer = True
        header = sec.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        self._style(p, "Header")
        fld = [("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)]
        for kind, instr in fld:
            run = p.add_run()
            if kind:
                run._r.append(el("w:fldChar", fldCharType=kind))
            elif instr:
                it = OxmlElement("w:instrText")
                it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                it.text = instr
                run._r.append(it)
            else:
                run.text = "2"  # cached result; Word and LibreOffice recompute it
        first = sec.first_page_header
        first.is_linked_to_previous = False  # an empty header: page 1 bare
        self._style(first.paragraphs[0], "Header")

    # ------------------------------------------------------------ blocks
    def _heading(self, block: Heading) -> None:
        level = min(max(block.level, 1), 4)
        self._inlines(self._para(f"Heading {level}"), block.inlines)

    def _paragraph(self, block: Paragraph) -> None:
        align, indent = block.align, block.indent
        style = {"center": "RG Center", "right": "RG Right"}.get(align)
        if style is None:
            if align == "left":
                style = "RG Left"
            else:
                style = "Normal" if indent else "RG NoIndent"
        p = self._para(style)
        if align == "left" and indent:
            p.paragraph_format.first_line_indent = FIRST_LINE_INDENT
        self._inlines(p, block.inlines)

    def _list(self, block: ListBlock) -> None:
        if block.ordered:
            num_id = self.numbering.new_numbered_list()
            for item in block.items:
                p = self._para("List Number")
                numpr = el("w:numPr")
                numpr.append(el("w:ilvl", val="0"))
                numpr.append(el("w:numId", val=str(num_id)))
                insert_ordered(p._p.get_or_add_pPr(), numpr, PPR_SEQ)
                self._inlines(p, item)
        else:
            for item in block.items:
                self._inlines(self._para("List Bullet"), item)

    def _table(self, block: Table) -> None:
        rows = block.rows
        ncols = grid_width(rows)
        if not rows or ncols == 0:
            return
        if block.caption:
            self._inlines(self._para("RG Caption"), block.caption)
        else:
            self._flush_break()
        nrows = len(rows)
        table = self.doc.add_table(rows=nrows, cols=ncols)
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl = table._tbl
        insert_ordered(tbl.tblPr, el("w:tblW", w=str(Emu(TEXT_WIDTH).twips), type="dxa"),
                        TBLPR_SEQ)

        # column widths (twips, summing exactly to the text width)
        weights = list(block.widths) if len(block.widths) == ncols and all(
            w > 0 for w in block.widths) else [1] * ncols
        total_tw = Emu(TEXT_WIDTH).twips
        acc, bounds = 0, [0]
        for w in weights:
            acc += w
            bounds.append(round(total_tw * acc / sum(weights)))
        col_tw = [b - a for a, b in zip(bounds, bounds[1:])]
        for col, tw in zip(tbl.tblGrid.findall(qn("w:gridCol")), col_tw):
            col.set(qn("w:w"), str(tw))

        # place cells on the grid (same occupancy logic as document.grid_width)
        placed: list[tuple[int, int, Cell, int, int]] = []
        occupied: dict[int, int] = {}
        for r, row in enumerate(rows):
            col = 0
            for cell in row.cells:
                while occupied.get(col, 0) > 0:
                    col += 1
                if col >= ncols:
                    break
                cs = max(1, min(cell.colspan, ncols - col))
                rs = max(1, min(cell.rowspan, nrows - r))
                placed.append((r, col, cell, rs, cs))
                for c in range(col, col + cs):
                    occupied[c] = rs
                col += cs
            occupied = {c: n - 1 for c, n in occupied.items() if n > 1}

        trs = tbl.tr_lst
        for r, c, cell, rs, cs in placed:  # merge before writing: merging moves content
            if rs > 1 or cs > 1:
                _merge_new_cells(trs, r, c, rs, cs)

        # widths of every tc from its grid span (Word reads tcW, LibreOffice the grid)
        at: dict[tuple[int, int], object] = {}  # (row, grid column) -> the tc starting there
        for r, tr in enumerate(trs):
            offset = 0
            for tc in tr.iterchildren(_TC):
                span = _grid_span(tc)
                tcw = tc.find(_TCPR).find(_TCW)  # new_tbl gives every tc a width
                tcw.set(_W, str(sum(col_tw[offset:offset + span])))
                tcw.set(_TYPE, "dxa")
                at[r, offset] = tc
                offset += span

        for r, row in enumerate(rows):
            trpr = trs[r].get_or_add_trPr()
            insert_ordered(trpr, el("w:cantSplit"), TRPR_SEQ)
            if row.header:
                insert_ordered(trpr, el("w:tblHeader"), TRPR_SEQ)

        # paragraphs left in merged-away cells: table text, not body text (the placed cells
        # get their own style below)
        starts = {(r, c) for r, c, *_ in placed}
        for key, tc in at.items():
            if key not in starts:
                for p_el in tc.iterchildren(_P):
                    if p_el.pPr is None or p_el.pPr.pStyle is None:
                        p_el.style = "RGTable"
        for r, c, cell, rs, cs in placed:
            tc = at[r, c]
            docx_cell = _Cell(tc, table)
            header = cell.header or rows[r].header
            if header:
                style = "RG Table Header"
            else:
                style = {"center": "RG Table Center", "right": "RG Table Right"}.get(
                    cell.align, "RG Table")
            p = docx_cell.paragraphs[0]
            self._style(p, style)
            self._inlines(p, cell.inlines)
            if header or rs > 1:
                docx_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        # a paragraph between two adjacent tables keeps Word from joining them
        self._after_table = True

    def _image(self, block: Image) -> None:
        if not block.ready:  # a chart the build did not draw: nothing to show
            return
        p = self._para("RG Figure")
        width = Emu(min(Mm(block.width_mm), TEXT_WIDTH))
        shape = p.add_run().add_picture(io.BytesIO(block.png), width=width)
        doc_pr = shape._inline.docPr
        doc_pr.set("name", f"Biểu đồ {block.name}")
        descr = inline_text(block.caption) or block.name
        doc_pr.set("descr", descr)
        if block.caption:
            self._inlines(self._para("RG Figure Caption"), block.caption)
        if block.source:
            self._text_para("RG Figure Source", block.source)

    def _block(self, block) -> None:
        if isinstance(block, PageBreak):
            self._flush_break()
            self.pending_break = True
            return
        if self._after_table and isinstance(block, Table):
            self._para("RG NoIndent")
        self._after_table = False
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, ListBlock):
            self._list(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Image):
            self._image(block)
        else:  # pragma: no cover - the Document admits no other block
            raise TypeError(f"unknown block {block!r}")

    # ------------------------------------------------------------ all
    def build(self) -> bytes:
        self._after_table = False
        self._header_block()
        for block in self.src.blocks:
            self._block(block)
        self._flush_break()
        if self._after_table:
            self._para("RG NoIndent")  # keep the body table apart from the closing table
        self._closing_block()
        self._after_table = False
        for block in self.src.appendix:  # phụ lục: after the signature, from a new page
            self._block(block)
        self._flush_break()
        if self._after_table:
            self._para("RG NoIndent")  # the body ends with a paragraph, not a table
        self._page_numbers()
        return _save(self.doc, self.meta.date)




class _ReproducibleZip:
    """python-docx's physical package writer, writing each entry once with fixed dates and
    attributes (python-docx compressed every part, which was then read back and compressed
    again to fix them)."""

    def __init__(self, date: _dt.date | None):
        self.stamp = (date.year, date.month, date.day, 0, 0, 0) if date and date.year >= 1980 \
            else (1980, 1, 1, 0, 0, 0)
        self.out = io.BytesIO()
        self.zip = zipfile.ZipFile(self.out, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, blob, compresslevel=6)

    def close(self) -> bytes:
        self.zip.close()
        return self.out.getvalue()


def _save(document, date: _dt.date | None) -> bytes:
    """The package's bytes, as `Document.save` orders them (content types, package
    relationships, then each part and its relationships), reproducible."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = _ReproducibleZip(date)
    PackageWriter._write_content_types_stream(out, parts)
    PackageWriter._write_pkg_rels(out, package.rels)
    PackageWriter._write_parts(out, parts)
    return out.close()


def render(doc: Document, **_: object) -> bytes:
    """Return the .docx bytes of `doc` (byte-identical for the same Document)."""
    return _Writer(doc).build()
