"""JSON Schemas of the data files, generated from the pydantic model (`reportgen.model`).

Editors that understand JSON Schema (VS Code with the YAML extension, any editor using
yaml-language-server) complete keys, show the descriptions and underline a misspelt key or a
malformed number as you type, when a data file starts with

    # yaml-language-server: $schema=../../schema/period.schema.json

`reportgen schema` writes the files under ``schema/`` (committed; a test checks they match
the model, so they cannot go stale). The model stays the authority: `reportgen validate`
checks more than a schema can (arithmetic, unquoted ``5.300``, ids used twice).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

from pydantic import BaseModel

from ..data.model import TARGETS_SECTION
from ..vnformat import STATUSES, TARGET_STATUS

assert STATUSES[-1] == TARGET_STATUS  # the status note below is about the last one

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path("schema")


def _models() -> dict[str, tuple[type[BaseModel], str, str]]:
    from ..data.layout import Layout
    from ..data.model import PeriodData, Province

    return {
        "period": (PeriodData, "Số liệu một kỳ báo cáo (data/<tỉnh>/<kỳ>.yaml)",
                   "Tệp số liệu của một kỳ: năm (2022.yaml) hoặc 6 tháng (2023-h1.yaml). "
                   "Số viết kiểu Việt Nam để trong dấu nháy: '1.586,397'. Xem README.md."),
        "province": (Province, "Thông tin cố định của một Sở (data/<tỉnh>/province.yaml)",
                     "Tên cơ quan, địa danh, người ký, nơi nhận, cách hành văn. Xem README.md."),
        "layout": (Layout, "Bố cục báo cáo (templates/layout.yaml, data/<tỉnh>/layout.yaml)",
                   "Thứ tự và tiêu đề các phần; mỗi mục là một tệp mẫu sections/<key>.html. "
                   "Xem docs/templates.md."),
    }


KINDS = ("period", "province", "layout")

# Vietnamese help shown by editors on hover, where the model has none (its docstrings are
# English, for programmers).
_DEF_HELP = {
    "Count": "Một số đếm: '05 dự án', '04/15 sản phẩm', 'trên 30 văn bản'.",
    "Indicator": "Một chỉ tiêu: giá trị, đơn vị, mức độ (ước đạt …), so với cùng kỳ và kế hoạch.",
    "Section": "Một phần của báo cáo: chỉ tiêu, sản phẩm, số đếm và các ý viết bằng lời của Sở.",
    "DocumentInfo": "Số văn bản, ngày ban hành, trích yếu.",
    "Signer": "Người ký: thẩm quyền ký và họ tên.",
    "Style": "Cách hành văn của tỉnh.",
    "PartSpec": "Một phần lớn (Phần I, Phần II …) và các mục của nó.",
    "SectionSpec": "Một mục: khoá trong tệp số liệu và tệp mẫu sections/<key>.html.",
}
_FIELD_HELP = {
    ("Count", "label"): "Tên số đếm, viết thường: 'dự án điện gió được công nhận phát điện'",
    ("Count", "value"): "Số đếm kỳ này (số nguyên): 5 → '05 dự án'",
    ("Count", "total"): "Tổng số, nếu có: value 4, total 15 → '04/15 sản phẩm'",
    ("Count", "qualifier"): "'trên', 'gần' hoặc 'hơn' trước số: 'trên 30 văn bản'",
    ("Count", "unit"): "Đơn vị: 'dự án', 'sản phẩm', 'nhiệm vụ' …",
    ("Count", "same_period"): "Số đếm cùng kỳ năm trước (để viết tăng/giảm)",
    ("Count", "parts"): "Mã các số đếm cộng lại bằng số đếm này",
    ("Count", "note"): "Ghi chú cho người soạn; không in ra báo cáo",
    # the statuses in their one home (the target status last: the note is about it)
    ("Indicator", "status"): "Mức độ: " + ", ".join(f"'{s}'" for s in STATUSES) + (
        f" (chỉ tiêu kỳ sau, trong phần {TARGETS_SECTION})"),
    ("Indicator", "qualifier"): "'trên', 'gần' hoặc 'hơn' trước giá trị: 'trên 844 nghìn tỷ đồng'",
    ("Indicator", "price_basis"): "Giá tính: 'hiện hành', 'so sánh 2010' hoặc 'so sánh'",
    ("Indicator", "plan_style"): "Cách viết so với kế hoạch: 'dat' (đạt 90,48% kế hoạch năm), "
                                 "'bang', 'vuot' (vượt 6,86% so với kế hoạch năm)",
    ("Indicator", "note"): "Ghi chú cho người soạn; không in ra báo cáo",
    ("Section", "title"): "Tiêu đề riêng của phần này (mặc định theo layout.yaml)",
    ("Section", "intro"): "Câu mở đầu phần, viết bằng lời của Sở",
    ("Section", "indicators"): "Các chỉ tiêu, theo mã (chữ thường không dấu, gạch dưới)",
    ("Section", "products"): "Các sản phẩm chủ yếu, theo mã; cùng các khoá như chỉ tiêu",
    ("Section", "counts"): "Các số đếm, theo mã",
    ("Section", "items"): "Các ý ngắn, mỗi ý một dòng '- …', viết bằng lời của Sở",
    ("DocumentInfo", "date"): "Ngày ban hành YYYY-MM-DD (không để trong dấu nháy): 2023-01-05",
    ("DocumentInfo", "signer"): "Người ký riêng cho văn bản này (mặc định theo province.yaml)",
    ("Signer", "name"): "Họ tên người ký; '' để trống chỗ tên",
    ("PeriodData", "document"): "Số văn bản và ngày ban hành",
    ("PeriodData", "sections"): "Các phần của báo cáo; khoá và thứ tự theo templates/layout.yaml",
    ("Province", "agency"): "Tên cơ quan viết hoa: 'SỞ CÔNG THƯƠNG'",
    ("Province", "number_suffix"): "Ký hiệu văn bản sau số: 'BC-SCT' → 'Số: 05/BC-SCT'",
    ("Province", "signer"): "Người ký mặc định",
    ("Province", "recipients"): "Nơi nhận, mỗi nơi một dòng; dòng cuối thường là 'Lưu: VT, …'",
    ("Province", "style"): "Cách hành văn của tỉnh",
    ("Style", "compare"): "Cách viết khi giảm so với cùng kỳ: 'giam' (giảm 6,76%), 'bang' "
                          "(bằng 96,61% cùng kỳ), 'index' (luôn viết bằng …%)",
    ("Style", "pad"): "Số chữ số của số đếm nhỏ: 2 → '04/15'; 0 → '4/15'",
    ("Layout", "parts"): "Các phần lớn của báo cáo, theo thứ tự",
    ("PartSpec", "title"): "Tiêu đề phần; {period_upper}, {next_upper}, {period}, {next}, {year} "
                           "được thay theo kỳ báo cáo",
    ("PartSpec", "sections"): "Các mục của phần, theo thứ tự in",
    ("SectionSpec", "key"): "Khoá của phần trong tệp số liệu (sections.<key>) và tên mẫu "
                            "sections/<key>.html",
    ("SectionSpec", "title"): "Tiêu đề mục: 'Sản xuất công nghiệp'",
}


def _add_help(schema: dict, root: str) -> dict:
    for name, d in [(root, schema)] + list(schema.get("$defs", {}).items()):
        if name in _DEF_HELP:
            d["description"] = _DEF_HELP[name]
        for prop, sub in d.get("properties", {}).items():
            if (name, prop) in _FIELD_HELP and "description" not in sub:
                sub["description"] = _FIELD_HELP[name, prop]
    return schema


def schema_for(kind: str) -> dict:
    """The JSON Schema (draft 2020-12) of one kind of data file."""
    model, title, description = _models()[kind]
    body = _add_help(model.model_json_schema(mode="validation"), model.__name__)
    body.pop("title", None)
    body.pop("description", None)
    return {"$schema": DRAFT, "title": title,
            "description": description, **body}


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def render(kind: str) -> bytes:
    """The file's exact bytes (stable: same model, same bytes)."""
    return (json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_schemas(out: Path = SCHEMA_DIR, check: bool = False) -> list[Path]:
    """Write every schema under `out`; with `check`, write nothing and return the files that
    are missing or differ."""
    from ..fileio import atomic_write

    changed = []
    for kind in KINDS:
        path = out / file_name(kind)
        data = render(kind)
        current: Optional[bytes] = path.read_bytes() if path.exists() else None
        if current != data:
            changed.append(path)
            if not check:
                atomic_write(path, data)
    return changed if check else [out / file_name(k) for k in KINDS]


def modeline(kind: str, data_file: Path, schema_dir: Path) -> str:
    """First line of a data file pointing editors at its schema (a YAML comment)."""
    rel = os.path.relpath(Path(schema_dir).resolve() / file_name(kind),
                          Path(data_file).resolve().parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"
