"""Phrasing a real report needs (issue 13): each form validates, and prints exactly.

Findings for the new fields (RG201 with qualified parts, RG202 with a qualified growth or an
index, RG203 with plan_excess, RG210 multiple, RG211 sentence placeholders, RG212 growth and
index together) follow tests/test_findings.py: a small tree that triggers the finding at its
line and column, and its twin that does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

import pytest

from reportgen.errors import ERROR
from test_findings import check, codes, only

# ------------------------------------------------------------------------------- findings


@dataclass
class Case:
    code: str
    bad: tuple[str, str]
    where: tuple[str, Optional[str]]
    parts: tuple[str, ...]
    good: tuple[str, str]
    extra: set = field(default_factory=set)


GTSX = "        growth: 10\n"
XK = "        value: '22,003'\n"
HO_SO = "        total: 120\n"  # the file's last line (two of them: see _apply)

CASES = {
    # "trên 12%" when the values give 10%: the real rate is not above the stated one
    "RG202-above": Case(
        "RG202", (GTSX, "        growth: 12\n        growth_qualifier: trên\n"),
        ("growth: 12", "12"), ("trên 12%", "10,00%"),
        (GTSX, "        growth: 9\n        growth_qualifier: trên\n")),
    "RG202-near": Case(
        "RG202", (GTSX, "        growth: 8\n        growth_qualifier: gần\n"),
        ("growth: 8", "8"), ("gần 8%",),
        (GTSX, "        growth: 11\n        growth_qualifier: gần\n")),
    "RG202-index": Case(
        "RG202", (GTSX, "        index: 112\n"), ("index: 112", "112"),
        ("index = 112%", "sửa index thành '110,00'"),
        (GTSX, "        index: 110\n")),
    "RG212-growth-and-index": Case(
        "RG212", (GTSX, GTSX + "        index: 110\n"), ("index: 110", "110"),
        ("giữ một trong hai",), (GTSX, GTSX)),
    # 1.100 of a plan of 1.000 is 10% above it, not 12%
    "RG203-plan-excess": Case(
        "RG203", ("        plan_completion: 110\n", "        plan_excess: 12\n"),
        ("plan_excess: 12", "12"), ("vượt 10,00%", "sửa plan_excess thành '10,00'"),
        ("        plan_completion: 110\n", "        plan_excess: 10\n")),
    "RG203-excess-and-completion": Case(
        "RG203", ("        plan_completion: 110\n", "        plan_completion: 110\n        plan_excess: 8\n"),
        ("plan_excess: 8", "8"), ("khác plan_completion",),
        ("        plan_completion: 110\n", "        plan_completion: 110\n        plan_excess: 10\n")),
    "RG210-multiple": Case(
        "RG210", (GTSX, GTSX + "        multiple:\n          times: '2,5'\n          year: 2015\n"
                  "          base_value: 500\n"),
        ("times: '2,5'", "'2,5'"), ("gấp 2,5 lần", "1.100/500 = 2,20 lần"),
        (GTSX, GTSX + "        multiple:\n          times: '2,2'\n          year: 2015\n"
         "          base_value: 500\n")),
    "RG210-year": Case(
        "RG210", (GTSX, GTSX + "        multiple:\n          times: 2\n          year: 2022\n"),
        ("year: 2022", "2022"), ("phải trước năm báo cáo 2022",),
        (GTSX, GTSX + "        multiple:\n          times: 2\n          year: 2012\n")),
    # parts marked "trên" may sum below the total (22,003 + trên 12 < 34,410) ...
    "RG201-above-parts-over-total": Case(
        "RG201", ("        value: '12,407'\n", "        value: '12,5'\n        qualifier: trên\n"),
        ("value: '34,410'", "'34,410'"), ("ít nhất là 34,503", "không được lớn hơn tổng"),
        ("        value: '12,407'\n", "        value: 12\n        qualifier: trên\n")),
    # ... and parts marked "gần" may not fall short of it
    "RG201-near-parts-under-total": Case(
        "RG201", ("        value: '12,407'\n", "        value: 12\n        qualifier: gần\n"),
        ("value: '34,410'", "'34,410'"), ("nhiều nhất là 34,003", "qualifier: trên hoặc hơn"),
        ("        value: '12,407'\n", "        value: 13\n        qualifier: gần\n")),
    "RG201-incomplete-parts": Case(
        "RG201", (XK, "        value: 35\n"), ("value: '34,410'", "'34,410'"),
        ("không được lớn hơn tổng",),
        (XK, "        value: 21\n"), extra=set()),
    "RG211-unknown-placeholder": Case(
        "RG211", (HO_SO, HO_SO + "    sentences:\n      - 'Tiếp nhận {ho_sô} hồ sơ'\n"),
        ("Tiếp nhận", "{ho_sô}"), ("không có chỉ tiêu 'ho_sô'", "ý bạn là '{ho_so}'?"),
        (HO_SO, HO_SO + "    sentences:\n      - 'Tiếp nhận {ho_so} hồ sơ'\n")),
    "RG211-unknown-form": Case(
        "RG211", (HO_SO, HO_SO + "    sentences:\n      - Tiếp nhận {ho_so.vaule} hồ sơ\n"),
        ("Tiếp nhận", "{ho_so.vaule}"), ("không có dạng 'vaule'", "ý bạn là '{ho_so.value}'?"),
        (HO_SO, HO_SO + "    sentences:\n      - Tiếp nhận {ho_so.value} hồ sơ\n")),
    "RG211-lone-brace": Case(
        "RG211", (HO_SO, HO_SO + "    sentences:\n      - Tiếp nhận {ho_so hồ sơ\n"),
        ("Tiếp nhận", "{"), ("dấu '{' lẻ",),
        (HO_SO, HO_SO + "    sentences:\n      - Tiếp nhận {ho_so} hồ sơ {{mẫu}}\n")),
}


def _apply(tree, text: str, edit: tuple[str, str]) -> str:
    """An edit of the valid file; an edit of HO_SO appends to its end (the section
    quan_ly_nha_nuoc, whose `sentences:` then follow its counts)."""
    old, new = edit
    if old == HO_SO:
        assert text.endswith(HO_SO)
        return text[:-len(HO_SO)] + new
    return tree.edit(text, old, new)


@pytest.mark.parametrize("name", list(CASES))
def test_phrasing_finding(tree, name):
    case = CASES[name]
    text = tree.period_text
    if name == "RG201-incomplete-parts":
        text = tree.edit(text, "        parts: [xuat_khau, nhap_khau]\n",
                         "        parts: [xuat_khau]\n        parts_incomplete: true\n")
    bad = _apply(tree, text, case.bad)
    tree.write(bad)
    findings = tree.findings()
    f = only(findings, case.code)
    line, col = tree.pos(bad, *case.where)
    check(f, line, col, ERROR, *case.parts)
    assert codes(findings) <= {case.code} | case.extra, [str(x) for x in findings]
    tree.write(_apply(tree, text, case.good))
    assert tree.findings() == [], [str(x) for x in tree.findings()]


def test_growth_qualifier_is_a_field_and_a_typo_points_to_it(tree):
    bad = tree.edit(tree.period_text, GTSX, GTSX + "        growth_qualifer: trên\n")
    tree.write(bad)
    f = only(tree.findings(), "RG120")
    assert "ý bạn là 'growth_qualifier'?" in f.message, str(f)


# ------------------------------------------------------------------ test provinces
# tests/fixtures/phrasing: provinces built from other public reports (figures copied, words
# our own), each using several of the phrasings; their manifests are checked like seeds/.

from seeded import PHRASING, missing_in_context, normalise, phrasing_reports  # noqa: E402
from seeds import expected, manifests  # noqa: E402

FIXTURE_MANIFESTS = manifests(PHRASING / "seeds")


def test_at_least_three_test_provinces_with_their_sources():
    assert len({m.province for m in FIXTURE_MANIFESTS}) >= 3
    for m in FIXTURE_MANIFESTS:
        # the address of the public report, as published (some provinces' portals are http)
        assert m.source.startswith(("https://", "http://")), m.source
        assert m.file.stem == m.slug


def test_fixture_data_validates(monkeypatch):
    from reportgen.commands import validate
    from reportgen.project import Project
    summary = validate(Project(data=PHRASING / "data", templates=PHRASING.parents[2] / "templates"),
                       all_=True)
    # the public reports these come from name no signer here: drafts (RG701), nothing else
    assert [str(f) for f in summary.findings if f.code != "RG701"] == []
    assert {f"{r.slug}-{r.period.slug}" for r in summary.results} == {m.slug for m in FIXTURE_MANIFESTS}


@pytest.mark.parametrize("manifest", FIXTURE_MANIFESTS, ids=lambda m: m.slug)
def test_fixture_figures_as_printed(manifest):
    report = manifest.load()
    wrong = [(f.printed, expected(report, f)) for f in manifest.figures
             if expected(report, f) != f.printed]
    assert not wrong, wrong


#: the sentences each test province must print, exactly, in PDF, DOCX and HTML
SENTENCES = {
    "hau-giang-2022-h1": [
        "Chỉ số sản xuất công nghiệp tăng 14,22% so với cùng kỳ.",
        "Sáu tháng đầu năm, toàn ngành làm ra hơn 25.525 tỷ đồng giá trị sản xuất, tăng 22,18% "
        "so với cùng kỳ và đạt gần 50% kế hoạch năm.",
    ],
    "tinh-mau-b-2023": [
        "Chỉ số sản xuất công nghiệp ước giảm 4,88% so với năm 2022.",
        "Giá trị sản xuất công nghiệp ước thực hiện 26.366 tỷ đồng, tăng 6,59% so với năm 2022.",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng xã hội ước đạt 87.972 tỷ đồng, "
        "tăng 23,85% so với năm 2022, vượt 9,97% kế hoạch năm.",
        "Kim ngạch xuất khẩu ước đạt 1.500 triệu USD, giảm 1,16% so với năm 2022, đạt 100% kế "
        "hoạch năm; trong đó: thủy sản ước đạt 925 triệu USD, giảm 11,14% so với năm 2022, đạt "
        "80,43% kế hoạch năm; gạo ước đạt 450 triệu USD, tăng 33,93% so với năm 2022; hàng may "
        "mặc ước đạt 120 triệu USD, tương đương năm 2022.",
    ],
    "bac-kan-2023": [
        "Chỉ số sản xuất ngành công nghiệp dự kiến tăng trên 11% so với cùng kỳ năm 2022.",
        "Giá trị sản xuất công nghiệp trên địa bàn tỉnh đạt trên 1.773 tỷ đồng, tăng trên 11% so "
        "với cùng kỳ năm 2022, đạt 100% kế hoạch năm.",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng ước đạt trên 8.200 tỷ đồng, tăng "
        "trên 30% so với cùng kỳ năm 2022, vượt 20% kế hoạch năm.",
        "Tổng kim ngạch xuất, nhập khẩu 11 tháng đạt trên 35,6 triệu USD.",
    ],
    "thai-nguyen-2022": [
        "Giá trị sản xuất công nghiệp khu vực kinh tế trong nước đạt trên 78 nghìn tỷ đồng, gấp "
        "1,38 lần so với năm 2020.",
        "Sản xuất công nghiệp khu vực kinh tế trong nước tăng gần 12% so với cùng kỳ.",
    ],
    # the base as the article words each figure: the province's "so cùng kỳ", two figures'
    # "so với cùng kỳ", one "so với năm 2022"; "vượt … kế hoạch" with the plan unnamed
    "tra-vinh-2023": [
        "Chỉ số sản xuất công nghiệp ước tăng 26,08% so cùng kỳ.",
        "Giá trị sản xuất công nghiệp đạt trên 35.360 tỷ đồng, tăng 12,06% so cùng kỳ, vượt "
        "4,44% kế hoạch.",
        "Tổng mức bán lẻ hàng hóa và dịch vụ đạt trên 56.180 tỷ đồng, tăng 15,05% so với cùng "
        "kỳ, vượt 7,08% kế hoạch.",
        "Kim ngạch xuất khẩu đạt trên 430 triệu USD, giảm 4,81% so với năm 2022.",
        "Kim ngạch nhập khẩu đạt trên 777 triệu USD, tăng 17,76% so với cùng kỳ.",
        # a target against an approximate result: no rate is made up ("tăng 13,12%")
        "Giá trị sản xuất công nghiệp phấn đấu đạt trên 40.000 tỷ đồng.",
    ],
    # plans given as growth targets, with the plan's name as the article gives it
    "ba-ria-vung-tau-2024": [
        "Giá trị sản xuất công nghiệp trừ dầu thô và khí đốt đạt gần 430.400 tỷ đồng, tăng "
        "13,18% so với cùng kỳ (kế hoạch đầu năm tăng 10,11%).",
        "Tổng mức bán lẻ hàng hóa đạt hơn 75.200 tỷ đồng, tăng 12,94% so với cùng kỳ (kế "
        "hoạch năm tăng 11,31%).",
        "Kim ngạch xuất khẩu trừ dầu thô đạt hơn 5,3 tỷ USD, tăng 12,41% so với cùng kỳ (kế "
        "hoạch năm tăng 3,28%).",
        "Kim ngạch nhập khẩu đạt hơn 6,56 tỷ USD, tăng 7,72% so với cùng kỳ (kế hoạch năm "
        "tăng 3,05%).",
        "Năm 2024, cả 4 chỉ tiêu chủ yếu của ngành đều đạt và vượt kế hoạch đề ra.",
    ],
    "gia-lai-2023-h1": [
        "Chỉ số sản xuất công nghiệp ước tăng 11,3% so với cùng kỳ.",
        "Tổng giá trị sản xuất công nghiệp (giá so sánh 2010) ước đạt 14.103 tỷ đồng, tăng "
        "14,9% so với cùng kỳ, đạt 44,6% kế hoạch năm.",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ ước đạt 46.828 tỷ đồng, tăng 28,32% so "
        "với cùng kỳ, đạt 43,36% kế hoạch năm (kế hoạch năm 108.000 tỷ đồng).",
        "Kim ngạch xuất khẩu ước đạt 420 triệu USD, tương đương cùng kỳ, đạt 61,67% kế hoạch "
        "năm.",
        "Kim ngạch nhập khẩu ước đạt 59 triệu USD, giảm 32% so với cùng kỳ, đạt 53,6% kế "
        "hoạch năm.",
        "Giá cà phê xuất khẩu tăng hơn 10% so với tháng cùng kỳ năm 2022.",
    ],
    # a multiple in a half-year report is against the same half of the base year
    # counts said as a report says them: the noun once, parts that are only some groups
    "binh-duong-2022-h1": [
        "Sáu tháng đầu năm, đoàn kiểm tra do ngành Công Thương chủ trì tổng kiểm tra việc chấp "
        "hành quy định về kinh doanh xăng dầu của 38 doanh nghiệp, hướng dẫn các doanh nghiệp "
        "này khắc phục những điểm chưa phù hợp để duy trì hoạt động kinh doanh.",
        "Giám sát 181 cửa hàng xăng dầu, trong đó 133 cửa hàng hoạt động bình thường; 26 cửa "
        "hàng đóng cửa do giấy chứng nhận hết hạn, đang chờ cấp lại; 16 cửa hàng hết xăng, dầu.",
        "Lập biên bản kiểm tra 3 cửa hàng.",
    ],
    "nam-dinh-2023-h1": [
        "Tổng mức bán lẻ hàng hóa và dịch vụ đạt 33.404 tỷ đồng, tăng gần 14% so với cùng kỳ "
        "năm trước, gấp 1,5 lần so với 6 tháng đầu năm 2019; trong đó: doanh thu bán lẻ hàng "
        "hóa đạt 29.787 tỷ đồng; doanh thu dịch vụ lưu trú, ăn uống đạt 1.937 tỷ đồng; doanh "
        "thu du lịch lữ hành đạt 9 tỷ đồng; doanh thu dịch vụ khác đạt 1.671 tỷ đồng.",
        "Hoạt động du lịch lữ hành đạt 15 nghìn lượt khách.",
    ],
}


def _texts(s) -> dict[str, str]:
    import html as htmlmod
    import re
    from test_docx_report import docx_blocks
    page = s.outputs["html"].decode("utf-8")
    return {"pdf": " ".join(s.pages),
            "docx": " ".join(docx_blocks(s.outputs["docx"])[1]),
            "html": normalise(htmlmod.unescape(re.sub(r"<[^>]+>", " ", page)))}


def test_fixture_reports_in_every_format():
    from reportgen.data.layout import load_layout
    reports = phrasing_reports()
    assert set(reports) == set(SENTENCES)
    for key, s in reports.items():
        report = s.manifest.load()
        layout = load_layout(s.project.templates, s.manifest.data_root / s.manifest.province)
        for fmt, text in _texts(s).items():
            missing = missing_in_context(text, report, layout, s.manifest.figures)
            assert not missing, (key, fmt, missing)
            for sentence in SENTENCES[key]:
                assert sentence in text, (key, fmt, sentence)


def test_fixture_appendix_shows_plan_growth_and_approximate_parts():
    from reportgen.document.types import appendix_texts
    s = phrasing_reports()["tinh-mau-b-2023"]
    cells = appendix_texts(s.doc)
    # the parts keep their place under their total
    i = cells.index("Kim ngạch xuất khẩu")
    assert cells.index("Thủy sản") > i and cells.index("Gạo") > i
    s = phrasing_reports()["bac-kan-2023"]
    cells = appendix_texts(s.doc)
    assert "trên 1.773" in cells and "trên 8.200" in cells


def test_appendix_plan_column_and_sentence_counts(tmp_path):
    """A plan given as a growth target shows in the plan column ("tăng 9%"); a count an
    author's sentence says is listed in the appendix; an approximate rate keeps its word."""
    from reportgen.data.layout import load_layout
    from reportgen.project import Project
    from reportgen.render.appendix import rows
    from seeded import ROOT
    from test_data_docs import PROVINCE

    prov = tmp_path / "data" / "tinh-vi-du"
    prov.mkdir(parents=True)
    (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
    (prov / "2023.yaml").write_text("""\
document: {number: 1, date: 2024-01-05}
sections:
  cong_nghiep:
    indicators:
      iip:
        label: Chỉ số sản xuất công nghiệp
        unit: '%'
        growth: 11
        growth_qualifier: trên
        plan_growth: 9
  quan_ly_nha_nuoc:
    counts:
      cua_hang:
        label: cửa hàng được kiểm tra
        unit: cửa hàng
        value: 43
    sentences:
      - Kiểm tra {cua_hang} cửa hàng
""", encoding="utf-8")
    project = Project(data=tmp_path / "data", templates=ROOT / "templates")
    from reportgen.commands import validate
    assert validate(project, all_=True).findings == []
    from reportgen.data.dataset import load_report
    report = load_report(project.data, "tinh-vi-du", "2023").report
    table = {r.id: r for r in rows(report, load_layout(project.templates))}
    assert table["iip"].plan == "tăng 9%"
    assert table["iip"].index == "trên 111"
    # not a main indicator: out of the table unless the layout lists it (issue 14)
    assert "cua_hang" not in table
    layout = (ROOT / "templates" / "layout.yaml").read_text(encoding="utf-8").replace(
        "        title: Công tác quản lý nhà nước\n        appendix: false\n",
        "        title: Công tác quản lý nhà nước\n        appendix: [cua_hang]\n")
    (prov / "layout.yaml").write_text(layout, encoding="utf-8")
    table = {r.id: r for r in rows(report, load_layout(project.templates, prov))}
    assert table["cua_hang"].value == "43"


# ------------------------------------------------------------------ nothing accepted unseen
# Every field of an indicator or a count changes what the report prints (body or appendix),
# except the editor's `note` and the checks-only fields listed here.

NOT_PRINTED = {"note", "parts_incomplete", "label", "confirmed"}  # confirmed: a validation note

BASE_FIG = {"label": "Chỉ tiêu thử", "unit": "tỷ đồng", "value": "1.100"}
#: for each field, the smallest addition that states it (on top of BASE_FIG)
FIELD_VALUES = {
    "unit": {"unit": "triệu USD"}, "value": {"value": "1.200"}, "status": {"status": "ước đạt"},
    "qualifier": {"qualifier": "trên"}, "price_basis": {"price_basis": "hiện hành"},
    "same_period": {"same_period": "1.000"}, "growth": {"growth": "10"},
    "growth_qualifier": {"growth": "10", "growth_qualifier": "trên"},
    "index": {"index": "110"}, "base": {"growth": "10", "base": "so_cung_ky"},
    "multiple": {"multiple": {"times": "2", "year": 2015}}, "plan": {"plan": "1.000"},
    "plan_growth": {"plan_growth": "9"}, "plan_name": {"plan": "1.000", "plan_name": "kế hoạch đầu năm"},
    "plan_completion": {"plan_completion": "110"}, "plan_qualifier": {"plan_completion": "110", "plan_qualifier": "gần"},
    "plan_excess": {"plan_excess": "10"}, "out_of": {"out_of": "2.000"},
    "parts": {"parts": ["phan"]}, "compare": {"growth": "-5", "compare": "bang"},
    "plan_style": {"plan_completion": "110", "plan_style": "vuot"},
    "period": {"period": "2022"},  # a figure about last year: the appendix's previous column
}
#: the baseline a field's effect is compared with (the same figure without that one field)
FIELD_BASE = {"growth_qualifier": {"growth": "10"}, "base": {"growth": "10"},
              "plan_name": {"plan": "1.000"}, "plan_qualifier": {"plan_completion": "110"},
              "compare": {"growth": "-5"}, "plan_style": {"plan_completion": "110"}}


def _yaml(d: dict, indent: int) -> str:
    out = []
    for k, v in d.items():
        if isinstance(v, dict):
            out.append(" " * indent + f"{k}:\n" + _yaml(v, indent + 2))
        elif isinstance(v, list):
            out.append(" " * indent + f"{k}: [{', '.join(v)}]\n")
        else:
            out.append(" " * indent + f"{k}: '{v}'\n" if isinstance(v, str) else " " * indent + f"{k}: {v}\n")
    return "".join(out)


def _printed(tmp_path, fig: dict, name: str) -> str:
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.document.types import appendix_texts, body_texts
    from reportgen.project import Project
    from seeded import ROOT
    from test_data_docs import PROVINCE
    prov = tmp_path / name / "data" / "tinh-vi-du"
    prov.mkdir(parents=True)
    (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
    extra = ("      phan:\n        label: Phần thử\n        unit: tỷ đồng\n        value: '1.100'\n"
             if "parts" in fig else "")
    (prov / "2023.yaml").write_text(
        "document: {number: 1, date: 2024-01-05}\nsections:\n  cong_nghiep:\n    indicators:\n"
        "      thu:\n" + _yaml(fig, 8) + extra, encoding="utf-8")
    project = Project(data=prov.parent, templates=ROOT / "templates")
    doc = make_document(project, next(iter(find_entries(project.data))))
    return "\n".join(body_texts(doc) + appendix_texts(doc))


def test_every_indicator_field_is_printed(tmp_path):
    from reportgen.data.model import Indicator
    fields = set(Indicator.model_fields) - NOT_PRINTED
    assert fields == set(FIELD_VALUES), sorted(fields ^ set(FIELD_VALUES))
    silent = []
    for name, added in FIELD_VALUES.items():
        base = {**BASE_FIG, **FIELD_BASE.get(name, {})}
        if name == "value":
            base = {k: v for k, v in base.items() if k != "value"} | {"growth": "10"}
        if name == "unit":
            base = {k: v for k, v in base.items() if k != "unit"}
        if name == "index":
            base = {**base, "growth": "10"}
            added = {"index": "110", "growth": None}
        fig = {k: v for k, v in {**base, **added}.items() if v is not None}
        if _printed(tmp_path, base, name + "-0") == _printed(tmp_path, fig, name + "-1"):
            silent.append(name)
    assert not silent, f"accepted but not shown: {silent}"


COUNT_FIELDS = {
    "value": ({"value": 12}, {"value": 13}), "total": ({}, {"total": 30}),
    "qualifier": ({}, {"qualifier": "trên"}), "unit": ({}, {"unit": "cửa hàng"}),
    "same_period": ({}, {"same_period": 10}), "change": ({}, {"change": 20}),
    "verb": ({}, {"verb": "Kiểm tra"}), "pad": ({"value": 5}, {"pad": 0}),
    "parts": ({}, {"parts": ["phan"]}),
}


def test_every_count_field_is_printed(tmp_path):
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.data.model import Count
    from reportgen.document.types import body_texts
    from reportgen.project import Project
    from seeded import ROOT
    from test_data_docs import PROVINCE
    # parts_incomplete only changes the sum check (RG201)
    assert set(Count.model_fields) - {"label", "note", "parts_incomplete"} == set(COUNT_FIELDS)

    def printed(count: dict, name: str) -> str:
        prov = tmp_path / name / "data" / "tinh-vi-du"
        prov.mkdir(parents=True)
        (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
        part = ("      phan:\n        label: cửa hàng ở huyện\n        unit: cửa hàng\n        value: 12\n"
                if "parts" in count else "")
        (prov / "2023.yaml").write_text(
            "document: {number: 1, date: 2024-01-05}\nsections:\n  quan_ly_nha_nuoc:\n    counts:\n"
            "      dem:\n" + _yaml({"label": "cửa hàng được kiểm tra", "value": 12, **count}, 8)
            + part, encoding="utf-8")
        project = Project(data=prov.parent, templates=ROOT / "templates")
        return "\n".join(body_texts(make_document(project, next(iter(find_entries(project.data))))))

    silent = [name for name, (base, added) in COUNT_FIELDS.items()
              if printed(base, name + "-0") == printed({**base, **added}, name + "-1")]
    assert not silent, f"accepted but not shown: {silent}"


# ------------------------------------------------------------------ found by the test provinces


def _body(tmp_path, files: dict[str, str], period: str) -> str:
    """The body text of the report of `period` of a one-province data tree."""
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.document.types import body_texts
    from reportgen.project import Project
    from seeded import ROOT
    from test_data_docs import PROVINCE
    prov = tmp_path / "data" / "tinh-vi-du"
    prov.mkdir(parents=True)
    (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
    for name, text in files.items():
        (prov / name).write_text(text, encoding="utf-8")
    project = Project(data=prov.parent, templates=ROOT / "templates")
    entry = next(e for e in find_entries(project.data) if e.period.slug == period)
    return normalise(" ".join(body_texts(make_document(project, entry))))


def test_folded_block_scalar_is_plain_text(tmp_path):
    """`intro: >-` over several lines (how a long text is written in YAML) reads as one line
    of text; ruamel marks each fold with a BEL, which was refused as a control (RG107)."""
    from reportgen.data.loader import load_yaml
    path = tmp_path / "2023.yaml"
    path.write_text("intro: >-\n  Sản xuất công nghiệp\n  phục hồi rõ.\nitems:\n  - |-\n"
                    "    dòng một\n    dòng hai\n", encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded.findings == []
    assert loaded.data["intro"] == "Sản xuất công nghiệp phục hồi rõ."
    assert loaded.data["items"] == ["dòng một\ndòng hai"]


TARGET = """\
document: {number: 1, date: 2024-01-05}
sections:
  cong_nghiep:
    indicators:
      gtsx:
        label: Giá trị sản xuất công nghiệp
        unit: tỷ đồng
        QUALIFIER
        value: 35360
  phuong_huong:
    indicators:
      gtsx:
        label: Giá trị sản xuất công nghiệp
        unit: tỷ đồng
        status: phấn đấu đạt
        qualifier: trên
        value: 40000
"""


def test_no_rate_is_made_from_an_approximate_value(tmp_path):
    """Trà Vinh: a target "trên 40.000 tỷ đồng" against a result "trên 35.360 tỷ đồng" printed
    "tăng 13,12% so với năm 2023", a rate no one published. Neither a target nor a result
    against last year's file gets a rate computed from a value said approximately."""
    text = _body(tmp_path / "a", {"2023.yaml": TARGET.replace("QUALIFIER", "qualifier: trên")},
                 "2023")
    assert "phấn đấu đạt trên 40.000 tỷ đồng." in text
    assert "13,12" not in text
    # the twin: an exact target against an exact result keeps its computed rate
    exact = TARGET.replace("        QUALIFIER\n", "").replace("        qualifier: trên\n", "")
    text = _body(tmp_path / "b", {"2023.yaml": exact}, "2023")
    assert "phấn đấu đạt 40.000 tỷ đồng, tăng 13,12% so với năm 2023." in text
    # last year's "trên 30.000" is no base for this year's rate either
    last = "document: {number: 1, date: 2023-01-05}\nsections:\n  cong_nghiep:\n    indicators:\n" \
           "      gtsx:\n        label: Giá trị sản xuất công nghiệp\n        unit: tỷ đồng\n" \
           "        QUALIFIER\n        value: 30000\n"
    files = {"2023.yaml": exact, "2022.yaml": last.replace("QUALIFIER", "qualifier: trên")}
    text = _body(tmp_path / "c", files, "2023")
    assert "đạt 35.360 tỷ đồng." in text and "17,87" not in text
    files["2022.yaml"] = last.replace("        QUALIFIER\n", "")
    assert "đạt 35.360 tỷ đồng, tăng 17,87%" in _body(tmp_path / "d", files, "2023")


def test_multiple_in_a_half_year_report_is_against_the_same_half(tmp_path):
    """Nam Định: "gấp 1,5 lần so với 6 tháng đầu năm 2019" in a report of 6 months, in the
    default sentence and in an author's sentence ({id.multiple})."""
    from reportgen.vnformat import format_multiple
    assert format_multiple(Decimal("1.5"), 2019, half="h1") == "gấp 1,5 lần so với 6 tháng đầu năm 2019"
    assert format_multiple(Decimal("1.5"), 2019) == "gấp 1,5 lần so với năm 2019"
    with pytest.raises(ValueError):
        format_multiple(Decimal("1.5"), 2019, half="q3")
    data = """\
document: {number: 1, date: 2023-07-05}
sections:
  thuong_mai:
    indicators:
      ban_le:
        label: Tổng mức bán lẻ hàng hóa
        unit: tỷ đồng
        value: 33404
        multiple: {times: '1,5', year: 2019}
      luot_khach:
        label: Lượt khách
        unit: nghìn lượt
        value: 15
        multiple: {times: 2, year: 2019}
    sentences:
      - Khách du lịch đạt {luot_khach}, {luot_khach.multiple}
"""
    text = _body(tmp_path, {"2023-h1.yaml": data}, "2023-h1")
    assert "đạt 33.404 tỷ đồng, gấp 1,5 lần so với 6 tháng đầu năm 2019." in text
    assert "Khách du lịch đạt 15 nghìn lượt, gấp 2 lần so với 6 tháng đầu năm 2019." in text


COUNTS = """\
document: {number: 1, date: 2022-07-05}
sections:
  quan_ly_nha_nuoc:
    counts:
      cua_hang:
        verb: Giám sát
        label: cửa hàng xăng dầu
        unit: cửa hàng
        value: TOTAL
        parts: [binh_thuong, dong_cua]
        INCOMPLETE
      binh_thuong: {label: cửa hàng hoạt động bình thường, unit: cửa hàng, value: 133}
      dong_cua: {label: cửa hàng đóng cửa, unit: cửa hàng, value: 26}
      vu:
        verb: Tiến hành
        label: Số vụ kiểm tra
        unit: vụ
        value: 987
      xep_hang: {label: Xếp hạng chỉ số cải cách hành chính, value: 2, total: 19, pad: 0}
"""


def test_count_parts_that_are_only_some_groups(tmp_path):
    """Bình Dương: 181 cửa hàng giám sát, "trong đó" 133 + 26 + 16 = 175. Counts take
    `parts_incomplete: true` as indicators do: the parts may sum below the total, never
    above it (RG201); without it the sum must match and the message says how to write it."""
    from reportgen.commands import validate
    from reportgen.project import Project
    from seeded import ROOT
    from test_data_docs import PROVINCE

    def findings(total: int, incomplete: bool, name: str):
        prov = tmp_path / name / "data" / "tinh-vi-du"
        prov.mkdir(parents=True)
        (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
        text = COUNTS.replace("TOTAL", str(total)).replace(
            "        INCOMPLETE\n", "        parts_incomplete: true\n" if incomplete else "")
        (prov / "2022-h1.yaml").write_text(text, encoding="utf-8")
        return [f for f in validate(Project(data=prov.parent, templates=ROOT / "templates"),
                                    all_=True).findings if f.code != "RG701"]

    assert findings(181, True, "a") == []
    (f,) = findings(150, True, "b")
    assert f.code == "RG201" and "không được lớn hơn tổng" in f.message and f.line == 9
    (f,) = findings(181, False, "c")
    assert f.code == "RG201" and "parts_incomplete: true" in f.message
    assert findings(159, False, "d") == []
    # the bare-count fallbacks, as a report says them
    text = _body(tmp_path / "e", {"2022-h1.yaml": COUNTS.replace("TOTAL", "159").replace(
        "        INCOMPLETE\n", "")}, "2022-h1")
    assert "Tiến hành 987 vụ kiểm tra." in text
    assert "Xếp hạng chỉ số cải cách hành chính là 2/19." in text


def test_parts_in_ngan_ty_dong_are_converted(tmp_path):
    """Bà Rịa - Vũng Tàu writes "60,2 ngàn tỷ đồng, trong đó ... 43,2 ngàn tỷ đồng": "ngàn" is
    "nghìn", so a part in ngàn tỷ đồng under a total in tỷ đồng is compared in one unit."""
    from reportgen.data.validate import UNIT_SCALE, _in_unit
    assert UNIT_SCALE["ngàn tỷ đồng"] == UNIT_SCALE["nghìn tỷ đồng"]
    assert _in_unit(Decimal("43.2"), "ngàn tỷ đồng", "tỷ đồng") == Decimal("43200")
    from reportgen.commands import validate
    from reportgen.project import Project
    from seeded import ROOT
    from test_data_docs import PROVINCE
    prov = tmp_path / "data" / "tinh-vi-du"
    prov.mkdir(parents=True)
    (prov / "province.yaml").write_text(PROVINCE, encoding="utf-8")
    data = """\
document: {number: 1, date: 2023-07-05}
sections:
  cong_nghiep:
    indicators:
      gtsx:
        label: Giá trị sản xuất công nghiệp
        unit: tỷ đồng
        value: 60200
        parts: [tru_dau_khi]
        parts_incomplete: true
      tru_dau_khi:
        label: Giá trị sản xuất công nghiệp trừ dầu thô và khí đốt
        unit: ngàn tỷ đồng
        value: 'PART'
"""
    def codes(part: str) -> list[str]:
        (prov / "2023-h1.yaml").write_text(data.replace("PART", part), encoding="utf-8")
        return [f.code for f in validate(Project(data=prov.parent, templates=ROOT / "templates"),
                                         all_=True).findings if f.code != "RG701"]
    assert codes("43,2") == []
    assert codes("61,2") == ["RG201"]  # 61.200 tỷ đồng is more than the total
