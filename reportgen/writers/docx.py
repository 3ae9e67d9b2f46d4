"""DOCX writer: the typed `Document` drawn with python-docx over real Word styles.

Public API: `render(doc) -> bytes`.

The writer walks `reportgen.document` and nothing else. Layout follows Nghị định 30/2020
(see CONVENTIONS.md): A4 portrait, margins 20/20/30/15 mm, Times New Roman 14 pt body. Every
look is a named Word style built in code from python-docx's default template (no binary
template is committed); the administrative frame from `doc.meta` is drawn natively as two
borderless tables (header block and closing block). The appendix (`doc.appendix`, phụ lục)
follows the closing; charts (`Image`) are drawn from their PNG, centred, with the caption
and source line under them.

The output is reproducible: the same Document gives byte-identical files (fixed zip entry
dates and order, core-property dates taken from `meta.date`, no clock, no randomness).
"""
from __future__ import annotations

import datetime as _dt
import functools
import io
import unicodedata
import zipfile
from typing import Iterable

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt
from docx.table import _Cell

from .. import frame
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

__all__ = ["render"]

# ---------------------------------------------------------------- geometry
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
HEADER_DISTANCE = Mm(10)
FOOTER_DISTANCE = Mm(10)
TEXT_WIDTH = Emu(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)  # 165 mm
FRAME_SPLIT = frame.FRAME_SPLIT  # left column of the header/closing blocks (reportgen.frame)
CELL_MARGIN_TWIPS = 108  # default left/right cell margin of Word tables (0.19 cm)
FIRST_LINE_INDENT = Mm(12.7)  # 1.27 cm = 720 twips

FONT = "Times New Roman"
TABLE_STYLE = "Bảng chỉ tiêu"

# Element orders of the WordprocessingML schema (python-docx deletes its own copies).
_RPR_SEQ = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)
_PPR_SEQ = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_TBLPR_SEQ = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)
_TRPR_SEQ = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _insert_ordered(parent, child, seq: tuple[str, ...]):
    """Insert `child` into `parent` respecting the schema order `seq`; replace a same tag."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    names = [qn(t) for t in seq]
    successors = names[names.index(tag) + 1:] if tag in names else []
    for i, existing in enumerate(parent):
        if existing.tag in successors:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _lang_tag(language: str) -> str:
    lang = (language or "vi").replace("_", "-")
    if "-" not in lang:
        lang = {"vi": "vi-VN", "en": "en-US"}.get(lang.lower(), lang)
    return lang


# ---------------------------------------------------------------- styles
def _set_run_props(rpr, size_pt: float | None, lang: str, *, bold: bool | None = None,
                   italic: bool | None = None) -> None:
    """Times New Roman in all four rFonts slots, black, sz+szCs, w:lang; no theme fonts."""
    fonts = _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
    _insert_ordered(rpr, fonts, _RPR_SEQ)
    for tag, on in (("w:b", bold), ("w:bCs", bold), ("w:i", italic), ("w:iCs", italic)):
        if on is None:
            continue
        if on:
            _insert_ordered(rpr, _el(tag), _RPR_SEQ)
        else:
            _insert_ordered(rpr, _el(tag, val="0"), _RPR_SEQ)
    _insert_ordered(rpr, _el("w:color", val="000000"), _RPR_SEQ)
    if size_pt is not None:
        half = str(int(round(size_pt * 2)))
        _insert_ordered(rpr, _el("w:sz", val=half), _RPR_SEQ)
        _insert_ordered(rpr, _el("w:szCs", val=half), _RPR_SEQ)
    _insert_ordered(rpr, _el("w:lang", val=lang, eastAsia=lang, bidi=lang), _RPR_SEQ)


def _style_rpr(style):
    return style.element.get_or_add_rPr()


def _paragraph_style(doc, name: str, *, base: str = "Normal", size: float = 14,
                     bold: bool | None = None, italic: bool | None = None,
                     align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
                     first_line: int | None = 0, before: float = 0, after: float = 0,
                     line: float | None = 1.0, keep_next: bool = False,
                     style_id: str | None = None, lang: str = "vi-VN"):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style_id:
        style.style_id = style_id
    if base:
        style.base_style = styles[base]
    style.quick_style = True
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if first_line is not None:
        pf.first_line_indent = Emu(first_line)
        pf.left_indent = Emu(0)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if keep_next:
        pf.keep_with_next = True
    _set_run_props(_style_rpr(style), size, lang, bold=bold, italic=italic)
    return style


def _strip_theme_fonts(styles_element) -> None:
    """Remove theme-font attributes everywhere in styles.xml (they win over names)."""
    for rfonts in styles_element.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
        if not rfonts.attrib:
            rfonts.getparent().remove(rfonts)
    # theme colours (blue headings) go too: all text is black
    for color in styles_element.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _setup_styles(doc, lang: str) -> None:
    styles = doc.styles
    root = styles.element
    _strip_theme_fonts(root)

    # docDefaults: rPrDefault and pPrDefault
    defaults = root.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _set_run_props(rpr, 14, lang)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr"))
    _insert_ordered(ppr, _el("w:spacing", after="0", line="240", lineRule="auto"), _PPR_SEQ)

    # Normal: the body paragraph
    normal = styles["Normal"]
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = FIRST_LINE_INDENT
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.15
    pf.widow_control = True
    _set_run_props(_style_rpr(normal), 14, lang)

    # Headings 1..4: bold black Times 14 pt; 1 centred, 2 flush left, 3 and 4 indented
    for level in range(1, 5):
        h = styles[f"Heading {level}"]
        pf = h.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if level == 1 else WD_ALIGN_PARAGRAPH.LEFT
        pf.first_line_indent = FIRST_LINE_INDENT if level >= 3 else Emu(0)
        pf.left_indent = Emu(0)
        pf.space_before = Pt(12 if level == 1 else 6)
        pf.space_after = Pt(6)
        pf.line_spacing = 1.15
        pf.keep_with_next = True
        pf.keep_together = True
        _set_run_props(_style_rpr(h), 14, lang, bold=True, italic=False)
        # the linked character style carries theme fonts and sizes of its own
        char = root.find(f"{qn('w:style')}[@{qn('w:styleId')}='Heading{level}Char']")
        if char is not None:
            crpr = char.find(qn("w:rPr"))
            if crpr is None:
                crpr = OxmlElement("w:rPr")
                char.append(crpr)
            _set_run_props(crpr, 14, lang, bold=True, italic=False)

    # Page-number paragraph
    header = styles["Header"]
    hpf = header.paragraph_format
    hpf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hpf.first_line_indent = Emu(0)
    hpf.space_after = Pt(0)
    hpf.line_spacing = 1.0
    _set_run_props(_style_rpr(header), 13, lang)

    # Lists: like body paragraphs, the marker sits at the first-line indent
    for name in ("List Bullet", "List Number"):
        st = styles[name]
        st.base_style = normal
        lpf = st.paragraph_format
        lpf.first_line_indent = FIRST_LINE_INDENT
        lpf.left_indent = Emu(0)
        lpf.space_after = Pt(6)
        ctx = st.element.pPr.find(qn("w:contextualSpacing"))
        if ctx is not None:
            st.element.pPr.remove(ctx)
        _set_run_props(_style_rpr(st), 14, lang)

    P = _paragraph_style
    C, L, R, J = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                  WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)
    # body variants (Paragraph.align / indent)
    P(doc, "RG Center", align=C, after=6, line=1.15, style_id="RGCenter", lang=lang)
    P(doc, "RG Right", align=R, after=6, line=1.15, style_id="RGRight", lang=lang)
    P(doc, "RG Left", align=L, after=6, line=1.15, style_id="RGLeft", lang=lang)
    P(doc, "RG NoIndent", align=J, after=6, line=1.15, style_id="RGNoIndent", lang=lang)
    # frame
    P(doc, "RG Header", size=13, style_id="RGHeader", lang=lang)
    P(doc, "RG Agency", base="RG Header", size=13, bold=True, style_id="RGAgency", lang=lang)
    P(doc, "RG Nation", base="RG Header", size=12, bold=True, style_id="RGNation", lang=lang)
    P(doc, "RG Motto", base="RG Header", size=13, bold=True, style_id="RGMotto", lang=lang)
    P(doc, "RG Place Date", base="RG Header", size=14, italic=True,
      style_id="RGPlaceDate", lang=lang)
    rule = P(doc, "RG Rule", base="RG Header", size=1, before=2, after=7, line=None,
             style_id="RGRule", lang=lang)
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(2)
    bdr = _el("w:pBdr")
    bdr.append(_el("w:bottom", val="single", sz="6", space="0", color="000000"))
    _insert_ordered(rule.element.get_or_add_pPr(), bdr, _PPR_SEQ)
    P(doc, "RG Mark", size=14, bold=True, align=R, after=4, style_id="RGMark", lang=lang)
    P(doc, "RG Title", size=14, bold=True, before=12, keep_next=True,
      style_id="RGTitle", lang=lang)
    P(doc, "RG Subject", size=14, bold=True, keep_next=True, style_id="RGSubject", lang=lang)
    P(doc, "RG Recipients Title", size=12, bold=True, italic=True, align=L, before=6,
      style_id="RGRecipientsTitle", lang=lang)
    P(doc, "RG Recipients", size=11, align=L, style_id="RGRecipients", lang=lang)
    auth = P(doc, "RG Authority", size=14, bold=True, before=6, keep_next=True,
             style_id="RGAuthority", lang=lang)
    # "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC": no space between lines of the same style
    _insert_ordered(auth.element.get_or_add_pPr(), _el("w:contextualSpacing"), _PPR_SEQ)
    P(doc, "RG Signer", size=14, bold=True, before=72, style_id="RGSigner", lang=lang)
    # tables
    P(doc, "RG Caption", size=14, bold=True, before=6, after=6, keep_next=True,
      style_id="RGCaption", lang=lang)
    P(doc, "RG Table", size=12, align=L, before=2, after=2, style_id="RGTable", lang=lang)
    P(doc, "RG Table Center", base="RG Table", size=12, align=C, before=2, after=2,
      style_id="RGTableCenter", lang=lang)
    P(doc, "RG Table Right", base="RG Table", size=12, align=R, before=2, after=2,
      style_id="RGTableRight", lang=lang)
    P(doc, "RG Table Header", base="RG Table", size=12, bold=True, align=C, before=2,
      after=2, style_id="RGTableHeader", lang=lang)
    # charts: the picture kept with its caption and source line
    P(doc, "RG Figure", size=12, align=C, before=6, keep_next=True, style_id="RGFigure",
      lang=lang)
    P(doc, "RG Figure Caption", size=13, bold=True, align=C, before=3, keep_next=True,
      style_id="RGFigureCaption", lang=lang)
    P(doc, "RG Figure Source", size=12, italic=True, align=C, after=6,
      style_id="RGFigureSource", lang=lang)

    # table style: Table Grid borders, 12 pt, no first-line indent, single spacing
    try:
        ts = styles[TABLE_STYLE]
    except KeyError:
        ts = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    ts.style_id = "BangChiTieu"
    ts.base_style = styles["Table Grid"]
    ts.quick_style = True
    tpf = ts.paragraph_format
    tpf.first_line_indent = Emu(0)
    tpf.space_after = Pt(0)
    tpf.line_spacing = 1.0
    _set_run_props(_style_rpr(ts), 12, lang)
    tblpr = ts.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        _insert_ordered_style_child(ts.element, tblpr)
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    _insert_ordered(tblpr, borders, _TBLPR_SEQ)
    mar = _el("w:tblCellMar")
    for side, w in (("left", CELL_MARGIN_TWIPS), ("right", CELL_MARGIN_TWIPS)):
        mar.append(_el(f"w:{side}", w=str(w), type="dxa"))
    _insert_ordered(tblpr, mar, _TBLPR_SEQ)


_STYLE_SEQ = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked",
    "w:personal", "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr",
    "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
)


def _insert_ordered_style_child(style_el, child) -> None:
    _insert_ordered(style_el, child, _STYLE_SEQ)


# ---------------------------------------------------------------- numbering
# one single-level list definition; bullet ("-") and decimal ("1.") differ only in these
_ABSTRACT_NUM = """
<w:abstractNum {ns} w:abstractNumId="{aid}">
  <w:nsid w:val="{nsid}"/>
  <w:multiLevelType w:val="singleLevel"/>
  <w:tmpl w:val="{nsid}"/>
  <w:lvl w:ilvl="0">
    <w:start w:val="1"/>
    <w:numFmt w:val="{fmt}"/>
    <w:pStyle w:val="{style}"/>
    <w:suff w:val="space"/>
    <w:lvlText w:val="{text}"/>
    <w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="0" w:firstLine="720"/></w:pPr>
    <w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}" w:hint="default"/></w:rPr>
  </w:lvl>
</w:abstractNum>"""
_LIST_KINDS = ({"nsid": "52470001", "fmt": "bullet", "style": "ListBullet", "text": "-"},
               {"nsid": "52470002", "fmt": "decimal", "style": "ListNumber", "text": "%1."})



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


class _Numbering:
    """Our own bullet ("-") and decimal definitions; one w:num instance per numbered list."""

    def __init__(self, doc):
        self.doc = doc
        self.root = doc.part.numbering_part.element
        # the template's definitions claim the list styles: unlink them
        for pstyle in self.root.iter(qn("w:pStyle")):
            if pstyle.get(qn("w:val")) in ("ListBullet", "ListNumber"):
                pstyle.getparent().remove(pstyle)
        ids = [int(a.get(qn("w:abstractNumId"))) for a in self.root.findall(qn("w:abstractNum"))]
        nxt = max(ids, default=-1) + 1
        self.bullet_abstract, self.decimal_abstract = nxt, nxt + 1
        first_num = self.root.find(qn("w:num"))
        for aid, kind in enumerate(_LIST_KINDS, start=nxt):
            el = parse_xml(_ABSTRACT_NUM.format(ns=nsdecls("w"), aid=aid, font=FONT, **kind))
            if first_num is not None:
                first_num.addprevious(el)
            else:
                self.root.append(el)
        self.bullet_num = self.root.add_num(self.bullet_abstract).numId
        self.number_num = self.root.add_num(self.decimal_abstract).numId
        self._link_style("List Bullet", self.bullet_num)
        self._link_style("List Number", self.number_num)

    def _link_style(self, name: str, num_id: int) -> None:
        ppr = self.doc.styles[name].element.get_or_add_pPr()
        numpr = _el("w:numPr")
        numpr.append(_el("w:numId", val=str(num_id)))
        _insert_ordered(ppr, numpr, _PPR_SEQ)

    def new_numbered_list(self) -> int:
        """A fresh instance of the decimal list that restarts at 1."""
        num = self.root.add_num(self.decimal_abstract)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return num.numId


_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>reportgen</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


# ---------------------------------------------------------------- the writer
class _Writer:
    def __init__(self, document: Document):
        self.src = document
        self.meta: Meta = document.meta
        self.lang = _lang_tag(self.meta.language)
        # the styled, cleaned base document is built once per process and language
        self.doc = docx.Document(io.BytesIO(_base_document(self.lang)))
        self.pending_break = False
        # style name -> id once: python-docx looks names up by scanning every style
        self._style_ids = {st.name: st.style_id for st in self.doc.styles}
        self.numbering = _Numbering(self.doc)
        self._setup_core_properties()

    # ------------------------------------------------------------ setup
    @staticmethod
    def _setup_section(doc) -> None:
        sec = doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = PAGE_WIDTH, PAGE_HEIGHT
        sec.top_margin, sec.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        sec.left_margin, sec.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        sec.header_distance, sec.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
        sec.gutter = Emu(0)

    @staticmethod
    def _setup_package(doc, lang: str) -> None:
        # drop parts of the template that describe another document
        pkg_rels = doc.part.package.rels
        for rid, rel in list(pkg_rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del pkg_rels[rid]
        for rid, rel in list(doc.part.rels.items()):
            if rel.reltype == _STYLES_WITH_EFFECTS:
                del doc.part.rels[rid]
        for part in doc.part.package.iter_parts():
            if part.partname == "/docProps/app.xml":  # the template's says "Macintosh Word"
                part._blob = _APP_XML.encode("utf-8")
        settings = doc.settings.element
        tfl = settings.find(qn("w:themeFontLang"))
        if tfl is not None:
            tfl.set(qn("w:val"), lang)
            tfl.set(qn("w:eastAsia"), lang)

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
        """Apply a paragraph style by name without python-docx's linear style search."""
        p._p.style = self._style_ids[name]

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
    def _inlines(p, inlines: Iterable[Inline], bold: bool = False, italic: bool = False):
        for node in inlines:
            if isinstance(node, Text):
                if node.text:
                    run = p.add_run(node.text)
                    if bold:
                        run.bold = True
                    if italic:
                        run.italic = True
            elif isinstance(node, Strong):
                _Writer._inlines(p, node.children, True, italic)
            elif isinstance(node, Emph):
                _Writer._inlines(p, node.children, bold, True)
            elif isinstance(node, LineBreak):
                p.add_run().add_break()
            else:  # pragma: no cover - the Document admits no other inline
                raise TypeError(f"unknown inline {node!r}")

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
    def _frame_table(self):
        """A borderless full-width 2-column table split 40/60."""
        left = Emu(int(TEXT_WIDTH * FRAME_SPLIT))
        right = Emu(TEXT_WIDTH - left)
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        _insert_ordered(tblpr, _el("w:tblW", w=str(Emu(TEXT_WIDTH).twips), type="dxa"),
                        _TBLPR_SEQ)
        borders = _el("w:tblBorders")
        for s in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(f"w:{s}", val="nil"))
        _insert_ordered(tblpr, borders, _TBLPR_SEQ)
        mar = _el("w:tblCellMar")
        for s in ("left", "right"):
            mar.append(_el(f"w:{s}", w=str(CELL_MARGIN_TWIPS), type="dxa"))
        _insert_ordered(tblpr, mar, _TBLPR_SEQ)
        for col, w in zip(table.columns, (left, right)):
            col.width = w
        row = table.rows[0]
        _insert_ordered(row._tr.get_or_add_trPr(), _el("w:cantSplit"), _TRPR_SEQ)
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
        (left, right), (lw, rw) = self._frame_table()
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
                _set_run_props(run._r.get_or_add_rPr(), parent.size, self.lang)
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
        (left, right), _ = self._frame_table()
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
                run._r.append(_el("w:fldChar", fldCharType=kind))
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
                numpr = _el("w:numPr")
                numpr.append(_el("w:ilvl", val="0"))
                numpr.append(_el("w:numId", val=str(num_id)))
                _insert_ordered(p._p.get_or_add_pPr(), numpr, _PPR_SEQ)
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
        _insert_ordered(tbl.tblPr, _el("w:tblW", w=str(Emu(TEXT_WIDTH).twips), type="dxa"),
                        _TBLPR_SEQ)

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
                a = trs[r].tc_at_grid_offset(c)
                b = trs[r + rs - 1].tc_at_grid_offset(c + cs - 1)
                a.merge(b)

        # widths of every tc from its grid span (Word reads tcW, LibreOffice the grid)
        for tr in trs:
            offset = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                tc.get_or_add_tcPr()
                w = sum(col_tw[offset:offset + span])
                tcw = tc.tcPr.get_or_add_tcW()
                tcw.set(qn("w:w"), str(w))
                tcw.set(qn("w:type"), "dxa")
                offset += span

        for r, row in enumerate(rows):
            trpr = trs[r].get_or_add_trPr()
            _insert_ordered(trpr, _el("w:cantSplit"), _TRPR_SEQ)
            if row.header:
                _insert_ordered(trpr, _el("w:tblHeader"), _TRPR_SEQ)

        for tr in trs:  # paragraphs left in merged-away cells: table text, not body text
            for tc in tr.tc_lst:
                for p_el in tc.p_lst:
                    if p_el.pPr is None or p_el.pPr.pStyle is None:
                        p_el.style = "RGTable"
        for r, c, cell, rs, cs in placed:
            tc = trs[r].tc_at_grid_offset(c)
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
        buf = io.BytesIO()
        self.doc.save(buf)
        return _normalise_zip(buf.getvalue(), self.meta.date)


@functools.lru_cache(maxsize=4)
def _base_document(lang: str) -> bytes:
    """python-docx's default template with our page, styles and package clean-up applied."""
    doc = docx.Document()
    _Writer._setup_section(doc)
    _setup_styles(doc, lang)
    _Writer._setup_package(doc, lang)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _normalise_zip(data: bytes, date: _dt.date | None) -> bytes:
    """Rewrite the package with fixed entry dates, attributes and order."""
    stamp = (date.year, date.month, date.day, 0, 0, 0) if date and date.year >= 1980 \
        else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # python-docx writes a fixed order: keep it
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def render(doc: Document, **_: object) -> bytes:
    """Return the .docx bytes of `doc` (byte-identical for the same Document)."""
    return _Writer(doc).build()
