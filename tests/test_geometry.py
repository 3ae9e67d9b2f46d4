"""One home for page geometry (reportgen/geometry.py), read by every format.

The DOCX writer sets its page and its frame columns from the module; the theme stylesheet
(templates/style/print.css, what the HTML and the PDF are drawn with) carries the same
numbers, checked here declaration by declaration, so that changing one without the other
fails.
"""
from __future__ import annotations

import re

import pytest
import tinycss2

from reportgen import geometry as g
from reportgen.project import theme_dir

from test_docx_writer import make_document

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def rules() -> dict[str, dict[str, str]]:
    """selector (or '@page', '@media screen <selector>') -> {property: value text}."""
    css = (theme_dir() / "style" / "print.css").read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}

    def read(nodes, prefix=""):
        for rule in nodes:
            if rule.type == "qualified-rule":
                selector = prefix + tinycss2.serialize(rule.prelude).strip()
                decls = tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True)
                for d in decls:
                    if d.type == "declaration":
                        out.setdefault(selector, {})[d.lower_name] = \
                            tinycss2.serialize(d.value).strip()
            elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and \
                    not tinycss2.serialize(rule.prelude).strip():
                for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                        skip_whitespace=True):
                    if d.type == "declaration":
                        out.setdefault("@page", {})[d.lower_name] = \
                            tinycss2.serialize(d.value).strip()
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
                media = tinycss2.serialize(rule.prelude).strip()
                read(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                              skip_whitespace=True), f"@media {media} ")

    read(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return out


def mm(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(mm|cm)", text)
    assert m, text
    return float(m.group(1)) * (10 if m.group(2) == "cm" else 1)


def margins(text: str) -> tuple[float, ...]:
    """top right bottom left of a `margin`/`padding` shorthand with four lengths."""
    parts = tuple(mm(p) for p in text.split())
    assert len(parts) == 4, text
    return parts


MARGINS = (g.MARGIN_TOP_MM, g.MARGIN_RIGHT_MM, g.MARGIN_BOTTOM_MM, g.MARGIN_LEFT_MM)


def test_the_stylesheet_page_is_the_geometry_page(rules):
    assert (g.PAGE_WIDTH_MM, g.PAGE_HEIGHT_MM) == (210.0, 297.0)  # what "A4 portrait" means
    assert rules["@page"]["size"] == "A4 portrait"
    assert margins(rules["@page"]["margin"]) == MARGINS
    # the HTML file on screen shows the same page: width and margins as padding
    screen = rules["@media screen body"]
    assert mm(screen["max-width"]) == g.PAGE_WIDTH_MM
    assert margins(screen["padding"]) == MARGINS


def test_the_stylesheet_closing_columns_are_the_geometry_split(rules):
    left = rules["table.closing td.left"]["width"]
    right = rules["table.closing td.right"]["width"]
    assert float(left.rstrip("%")) == pytest.approx(g.CLOSING_SPLIT * 100)
    assert float(right.rstrip("%")) == pytest.approx((1 - g.CLOSING_SPLIT) * 100)


def test_the_stylesheet_first_line_indent_is_the_geometry_indent(rules):
    indents = {sel: d["text-indent"] for sel, d in rules.items()
               if d.get("text-indent", "0") != "0"}
    assert set(indents) >= {"p", "li", "h3, h4"}
    assert {mm(v) for v in indents.values()} == {g.FIRST_LINE_INDENT_MM}


def test_the_html_header_columns_are_the_geometry_split():
    from reportgen.writers.html import render_text

    page = render_text(make_document())
    split = g.HEADER_SPLIT * 100
    assert f'<td class="left" style="width:{split:g}%">' in page
    assert f'<td class="right" style="width:{100 - split:g}%">' in page


def test_a_word_joiner_in_a_document_number_adds_no_width_to_a_rule():
    # typography.keep_document_numbers puts U+2060 into "02/CT-UBND": the rules measured
    # under a header line must not count it as a letter
    from reportgen.frame import text_width_mm
    from reportgen.typography import keep_document_numbers

    plain_line = "Số: 02/CT-UBND"
    joined = keep_document_numbers(plain_line)
    assert joined != plain_line
    assert text_width_mm(joined, 13) == text_width_mm(plain_line, 13)
