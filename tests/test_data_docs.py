"""docs/data.md: every example (a YAML block, then the sentences after `→`) is true.

Each example becomes a one-period project (report year 2023) built with the shipped
templates; the sentences must appear, exactly, as body paragraphs or list items of the
document every writer draws (PDF, DOCX and HTML carry the same text by construction; the
seeded and fixture reports check the three outputs themselves).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.build.pipeline import make_document
from reportgen.data.dataset import find_entries
from reportgen.document.types import body_texts
from reportgen.project import Project

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "data.md"

PROVINCE = """\
name: Tỉnh Ví Dụ
parent_agency: UBND TỈNH VÍ DỤ
place: Tỉnh Ví Dụ
signer:
  authority: [GIÁM ĐỐC]
  name: Người Ký Thử
recipients:
  - 'Lưu: VT'
"""

EXAMPLE = re.compile(r"```yaml\n(?P<yaml>.*?)```\n(?P<out>(?:→ [^\n]*\n\n?)+)", re.S)


def examples() -> list:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for i, m in enumerate(EXAMPLE.finditer(text), 1):
        sentences = [line[2:].strip() for line in m.group("out").splitlines() if line.startswith("→ ")]
        line = text[:m.start()].count("\n") + 1
        out.append(pytest.param(m.group("yaml"), sentences, id=f"data.md:{line}"))
    return out


def test_docs_have_an_example_per_phrasing():
    assert len(examples()) >= 20


@pytest.mark.parametrize("source, sentences", examples())
def test_docs_example(tmp_path, source, sentences):
    # a leading `style:` block is the province's style; the rest is the period file
    style, sections = source.split("sections:\n", 1)
    prov = tmp_path / "data" / "tinh-vi-du"
    prov.mkdir(parents=True)
    (prov / "province.yaml").write_text(PROVINCE + style, encoding="utf-8")
    (prov / "2023.yaml").write_text("document:\n  number: 1\n  date: 2024-01-05\nsections:\n"
                                    + sections, encoding="utf-8")
    project = Project(data=tmp_path / "data", templates=ROOT / "templates")
    from reportgen.commands import validate
    # an example shows a sentence, not a whole appendix: a row without unit (RG708) is allowed
    findings = [f for f in validate(project, all_=True).findings if f.code != "RG708"]
    assert findings == [], [str(f) for f in findings]
    entry = next(iter(find_entries(project.data)))
    body = [re.sub(r"\s+", " ", t).strip() for t in body_texts(make_document(project, entry))]
    for sentence in sentences:
        assert sentence in body, f"{sentence!r} not a paragraph of:\n" + "\n".join(body)
