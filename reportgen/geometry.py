"""Page geometry: the one home of the page size, the margins and the frame's column splits.

Nghị định 30/2020/NĐ-CP, Phụ lục I: A4 portrait, margins top and bottom 20–25 mm, left
30–35 mm, right 15–20 mm; the header (issuing agency | national motto) and the closing
("Nơi nhận" | signature) are two side-by-side columns. Every writer takes its geometry from
here:

* the DOCX writer sets its section and column widths from these numbers;
* the HTML/PDF writers draw from the theme stylesheet (`templates/style/print.css`, shipped
  as `reportgen.theme`), whose `@page` size and margins, closing column widths and on-screen
  page padding carry the same numbers; `tests/test_geometry.py` fails when the two disagree
  (generating the rules would change every HTML and PDF byte and could not be overridden by a
  staff stylesheet). The header split is written into the page by the HTML writer itself
  (`HEADER_SPLIT`).

Lengths are in millimetres; splits are the left column's share of the text width.
"""
from __future__ import annotations

PAGE_WIDTH_MM = 210.0  # A4 portrait
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0
MARGIN_RIGHT_MM = 15.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 165 mm

#: the header: issuing agencies and number | nation, motto, place and date
HEADER_SPLIT = 0.40
#: the closing: "Nơi nhận" and the recipients | authority and signature
CLOSING_SPLIT = 0.45

#: body paragraphs, list items and level 3–4 headings start 1,27 cm in
FIRST_LINE_INDENT_MM = 12.7
#: Word's default left/right cell padding (108 twips); the frame's columns keep it
CELL_MARGIN_MM = 1.905
#: DOCX: distance of the page-number header from the page edge
HEADER_DISTANCE_MM = 10.0
FOOTER_DISTANCE_MM = 10.0
