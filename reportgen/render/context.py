"""What templates see: the context of one report (documented in docs/templates.md).

The model's objects (report, province, period, document, sections, layout), the wording of
the period, the year before and the next period (`Period` methods), the subject and title,
and the functions a template calls: `appendix_table`/`appendix_rows` (render/appendix.py),
`has_chart`/`chart` (render/charts.py: a `<figure data-chart>` the reader draws), `fill` (an
author's sentence with its placeholders, data/sentences.py). Built from the model only.
"""
from __future__ import annotations

from typing import Any, Optional

from .. import vnformat
from ..data.figures import Report
from ..data.layout import Layout
from ..vnformat import title_vn
from . import appendix, charts


def period_labels(report: Report) -> dict[str, str]:
    """Wording of the period, the same period a year earlier, and the next period."""
    p = report.period
    style = report.province.style
    return {"period_label": p.label,
            "next_label": p.next.label,
            "prev_label": p.previous.label,
            "prev_year": p.year - 1,
            "same_base": vnformat.format_base(style.base, p.year - 1, p.half),
            "plan_label": style.plan_name}


def _chart_functions(report: Report):
    """`has_chart(name)` and `chart(name, caption, source=None, width=150)` for templates.

    `chart` emits ``<figure data-chart=…>`` when the chart has data (see render/charts.py)
    and nothing otherwise; the reader draws the picture from the report."""
    from markupsafe import Markup

    def has_chart(name: str) -> bool:
        return charts.available(name, report)

    def chart(name: str, caption: str = "", source: Optional[str] = None, width: int = 150):
        if not has_chart(name):
            return ""
        if source is None:
            source = f"Nguồn: {title_vn(report.province.agency)} {report.province.name}."
        return Markup('<figure data-chart="{}" data-width="{}" data-source="{}">'
                      "<figcaption>{}</figcaption></figure>").format(name, width, source, caption)

    return has_chart, chart


def _caption_function(report: Report):
    def chart_caption(name: str) -> str:
        """The chart's caption for this report (render/charts.py)."""
        return charts.caption(name, report)
    return chart_caption


def _fill_function(report: Report):
    def fill(section: str, pattern: str) -> str:
        """An author's sentence with its placeholders filled (reportgen/sentences.py)."""
        from ..data.sentences import fill as fill_sentence, finish
        return finish(fill_sentence(report, section, pattern))
    return fill


def _appendix_function(report: Report, layout: Layout):
    def appendix_rows(task_units=("nhiệm vụ",)):
        """The rows of the table "Biểu chỉ tiêu chủ yếu" (render/appendix.py)."""
        return appendix.rows(report, layout, tuple(task_units))

    def appendix_table(task_units=("nhiệm vụ",)):
        """The table "Biểu chỉ tiêu chủ yếu": rows, shown columns, widths (render/appendix.py)."""
        return appendix.table(report, layout, tuple(task_units))
    appendix_rows.table = appendix_table
    return appendix_rows


def context(report: Report, layout: Layout) -> dict[str, Any]:
    """What templates see (documented in docs/templates.md)."""
    labels = period_labels(report)
    has_chart, chart = _chart_functions(report)
    from ..data.doccheck import has_next_part, is_draft, signer_of

    document = report.data.document
    # the subject promises only the parts the report holds (RG702 when a stated one does not)
    subject = document.subject or (
        f"Kết quả thực hiện nhiệm vụ {labels['period_label']}"
        + (f"\nvà phương hướng, nhiệm vụ {labels['next_label']}" if has_next_part(report) else ""))
    return {
        "report": report,
        "province": report.province,
        "period": report.period,
        "document": document,
        "signer": signer_of(report),
        "draft": is_draft(report),
        "subject_text": " ".join(subject.split()),
        "sections": report.sections,
        "layout": layout,
        "subject_lines": subject.split("\n"),
        "doc_title": "Báo cáo " + subject.replace("\n", " "),
        "appendix_rows": (rows_fn := _appendix_function(report, layout)),
        "appendix_table": rows_fn.table,
        "fill": _fill_function(report),
        "has_chart": has_chart,
        "chart": chart,
        "chart_names_all": list(charts.NAMES),
        "chart_caption": _caption_function(report),
        **labels,
    }
