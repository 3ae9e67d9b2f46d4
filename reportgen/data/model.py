"""The data model: what a province file and a period file hold.

Plain pydantic schemas with `extra="forbid"`, so a misspelt key is a finding. Numbers are
`Decimal` keeping the precision written (`'1.586,397'`, `34.410`); Vietnamese strings are
parsed by `vnformat.parse_number`. Derived figures (growth, plan completion, sums) are
computed once, in `reportgen.figures`, not here.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..vnformat import RESULT_STATUS, STATUSES, NumberFormatError, parse_number

from .period import PERIOD_RE

#: The section holding the targets for the next period (status 'phấn đấu đạt'). Its
#: indicators may reuse the id of the result they are a target for (`reportgen new` carries
#: them over as the next period's plan); everywhere else an id is used once per file.
TARGETS_SECTION = "phuong_huong"

# A number written the Vietnamese way, as `vnformat.parse_number` reads it ('1.586,397',
# 'âm 6,76', '12,77%'), for the JSON Schema of the data files (editors check it as you type).
VN_NUMBER_PATTERN = (r"^\s*(-|\u2212|[âÂ][mM]\s*)?([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+)"
                     r"(,[0-9]+)?(\s*%)?\s*$")
VN_INTEGER_PATTERN = r"^\s*(-|\u2212|[âÂ][mM]\s*)?([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+)\s*$"
_NUMBER_SCHEMA = {"anyOf": [
    {"type": "number"},
    {"type": "string", "pattern": VN_NUMBER_PATTERN,
     "description": "Số viết kiểu Việt Nam, trong dấu nháy: '1.586,397', 'âm 6,76'"}]}
_INTEGER_SCHEMA = {"anyOf": [
    {"type": "integer"},
    {"type": "string", "pattern": VN_INTEGER_PATTERN,
     "description": "Số nguyên viết kiểu Việt Nam, trong dấu nháy: '1.000'"}]}


def _to_decimal(v):
    if isinstance(v, bool):
        raise ValueError("cần một số, không phải true/false")
    if isinstance(v, Decimal):
        return v
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):  # never produced by the loader; refuse rather than lose digits
        raise ValueError("số thực dấu phẩy động không được dùng: viết dạng chuỗi '1.586,397'")
    if isinstance(v, str):
        try:
            return parse_number(v)
        except NumberFormatError as exc:
            raise ValueError(str(exc)) from None
    return v


def _to_int(v):
    d = _to_decimal(v)
    if isinstance(d, Decimal):
        if d != d.to_integral_value():
            raise ValueError(f"cần một số nguyên, không phải {v}")
        return int(d)
    return d


# An empty value (`value:` with nothing after it, as `reportgen new` leaves the figures to
# fill) of a field that is not Optional reaches the type check as None and is reported as a
# blank to fill (RG124).
Num = Annotated[Decimal, BeforeValidator(_to_decimal), WithJsonSchema(_NUMBER_SCHEMA)]
Int = Annotated[int, BeforeValidator(_to_int), WithJsonSchema(_INTEGER_SCHEMA)]

Status = Literal[STATUSES]  # type: ignore[valid-type]
Qualifier = Literal["trên", "gần", "hơn"]
PriceBasis = Literal["hiện hành", "so sánh 2010", "so sánh"]
#: how a change against the same period is said: giam "giảm 6,76% so với cùng kỳ", bang "bằng
#: 93,24% cùng kỳ", index "bằng 109% so với cùng kỳ", chi_bang a fall as "chỉ bằng 64,5% so
#: với cùng kỳ"
ChangeStyle = Literal["giam", "bang", "index", "chi_bang"]
PlanStyle = Literal["dat", "bang", "vuot"]
#: How the comparison base is worded (vnformat.format_base writes each one):
#: cung_ky_nam "so với cùng kỳ năm 2020" · nam "so với năm 2020" · cung_ky_nam_truoc "so với
#: cùng kỳ năm trước" · cung_ky "so với cùng kỳ" · so_cung_ky "so cùng kỳ"
BaseStyle = Literal["cung_ky_nam", "nam", "cung_ky_nam_truoc", "cung_ky", "so_cung_ky"]
#: What a plan is called in the sentence: "đạt 98% kế hoạch năm", "(kế hoạch đầu năm tăng 9%)"
PlanName = Literal["kế hoạch năm", "kế hoạch đầu năm", "kế hoạch điều chỉnh", "kế hoạch",
                   "chỉ tiêu Nghị quyết"]
#: How a count that reaches its total is said: "hoan_thanh" → "hoàn thành 100% (45/45) nhiệm
#: vụ", "dat" → "45/45 nhiệm vụ, đạt 100%"
FullCountStyle = Literal["dat", "hoan_thanh"]


def _period_text(v):
    if isinstance(v, int) and not isinstance(v, bool):
        v = str(v)
    if isinstance(v, str) and not PERIOD_RE.match(v.strip()):
        raise ValueError(f"kỳ {v!r} không hợp lệ: viết 2021 hoặc 2023-h1")
    return v.strip() if isinstance(v, str) else v


PeriodText = Annotated[str, BeforeValidator(_period_text), WithJsonSchema(
    {"anyOf": [{"type": "integer", "minimum": 1000, "maximum": 9999},
               {"type": "string", "pattern": r"^\d{4}(-(h1|h2))?$"}],
     "description": "Kỳ: 2021 hoặc '2023-h1'"})]
#: How tone marks sit on oa, oe, uy: 'hóa' (on the first vowel: hóa, thủy, ủy) or 'hoá'
#: (on the main vowel: hoá, thuỷ, uỷ). `reportgen.typography` writes the report in one style.
ToneMarks = Literal["hóa", "hoá"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Multiple(Strict):
    """A multiple against an earlier base year: "gấp 3,2 lần so với năm 2015"."""

    times: Num = Field(description="Số lần, ví dụ '3,2'")
    year: int = Field(description="Năm gốc so sánh, ví dụ 2015")
    base_value: Optional[Num] = Field(None, description="Giá trị năm gốc (nếu có thì số lần "
                                                        "được kiểm tra)")


class Indicator(Strict):
    """One figure: value with unit, status and qualifier, and what it is compared with."""

    label: str = Field(description="Tên chỉ tiêu, ví dụ 'Giá trị sản xuất công nghiệp'")
    unit: str = Field("", description="Đơn vị: 'tỷ đồng', 'triệu USD', '%', 'tấn', 'MW' …")
    # not Optional: the line may be left out (only the growth is known) but not left empty
    value: Num = Field(None, description="Giá trị kỳ này; bỏ dòng này nếu chỉ biết tốc độ tăng "
                                         "(growth). Dòng 'value:' để trống là chỗ chưa điền.")
    status: Status = RESULT_STATUS
    qualifier: Optional[Qualifier] = None
    price_basis: Optional[PriceBasis] = None
    same_period: Optional[Num] = Field(None, description="Giá trị cùng kỳ năm trước")
    growth: Optional[Num] = Field(None, description="Tốc độ tăng (%) đã công bố, âm nếu giảm")
    growth_qualifier: Optional[Qualifier] = Field(
        None, description="Tốc độ tăng gần đúng: 'trên' → 'tăng trên 10%', 'hơn' → 'giảm hơn 3%'")
    index: Optional[Num] = Field(None, description="Chỉ số so với cùng kỳ (%), ví dụ '109' → "
                                                   "'đạt 109% so với cùng kỳ'; thay cho growth")
    base: Optional[BaseStyle] = Field(None, description="Cách viết gốc so sánh của chỉ tiêu này "
                                                        "(mặc định theo tỉnh)")
    multiple: Optional[Multiple] = Field(None, description="Gấp … lần so với một năm gốc")
    plan: Optional[Num] = Field(None, description="Kế hoạch năm (giá trị)")
    plan_growth: Optional[Num] = Field(None, description="Kế hoạch tăng trưởng (%): '(kế hoạch tăng 9%)'")
    plan_name: Optional[PlanName] = Field(None, description="Tên kế hoạch: 'kế hoạch năm', "
                                                            "'kế hoạch đầu năm' …")
    plan_completion: Optional[Num] = Field(None, description="Tỷ lệ thực hiện kế hoạch (%) đã công bố")
    plan_qualifier: Optional[Qualifier] = Field(None, description="Tỷ lệ kế hoạch gần đúng: "
                                                                  "'gần' → 'đạt gần 50% kế hoạch năm'")
    plan_excess: Optional[Num] = Field(None, description="Vượt kế hoạch (%): '2,5' → 'vượt 2,5% "
                                                         "kế hoạch năm' (= 102,5% kế hoạch)")
    out_of: Optional[Num] = Field(None, description="Thang điểm, ví dụ 100 trong '90,01/100 điểm'")
    parts: list[str] = Field(default_factory=list, description="Mã các chỉ tiêu cộng lại bằng chỉ tiêu này")
    parts_incomplete: bool = Field(False, description="true: các thành phần chỉ là vài mục chính "
                                                      "(trong đó …), cộng lại không vượt tổng")
    compare: Optional[ChangeStyle] = Field(None, description="Cách viết so với cùng kỳ khi giảm")
    plan_style: PlanStyle = "dat"
    period: Optional[PeriodText] = Field(
        None, description="Kỳ mà số liệu này nói về khi khác kỳ báo cáo, ví dụ 2021 cho 'Điểm "
                          "chỉ số cải cách hành chính năm 2021' trong báo cáo năm 2022")
    confirmed: list[str] = Field(
        default_factory=list,
        description="Mã cảnh báo đã đối chiếu với nguồn và giữ nguyên, ví dụ [RG707]: cảnh "
                    "báo đó còn hiện thành ghi chú và không làm --strict thất bại")
    note: Optional[str] = Field(None, description="Ghi chú cho người nhập liệu (không in ra báo cáo)")


class Count(Strict):
    """A count, alone (`05 dự án`) or out of a total (`04/15 sản phẩm`, `45/45 nhiệm vụ`)."""

    label: str
    value: Int
    total: Optional[Int] = None
    qualifier: Optional[Qualifier] = None
    unit: str = ""
    same_period: Optional[Int] = None
    change: Optional[Num] = Field(None, description="Tỷ lệ thay đổi (%) đã công bố, âm nếu giảm")
    verb: Optional[str] = Field(None, description="Động từ mở câu: 'Tiếp nhận' → 'Tiếp nhận "
                                                  "13.126 hồ sơ …'")
    parts: list[str] = Field(default_factory=list)
    parts_incomplete: bool = Field(False, description="true: các thành phần chỉ là vài nhóm "
                                                      "bài nêu (trong đó …), cộng lại không vượt tổng")
    pad: Optional[int] = Field(None, ge=0, le=6, description="Số chữ số (04 → 2); mặc định theo tỉnh")
    note: Optional[str] = None


class Section(Strict):
    """A section of the report: figures, counts and short narrative items (own words)."""

    title: Optional[str] = None
    intro: Optional[str] = None
    indicators: dict[str, Indicator] = Field(default_factory=dict)
    products: dict[str, Indicator] = Field(default_factory=dict)
    counts: dict[str, Count] = Field(default_factory=dict)
    sentences: list[str] = Field(default_factory=list, description=(
        "Câu của người viết, số liệu là chỗ trống gắn với mã chỉ tiêu: 'Kiểm tra {cua_hang} "
        "cửa hàng, xử phạt {vi_pham} trường hợp'"))
    items: list[str] = Field(default_factory=list)


class Signer(Strict):
    authority: list[str] = Field(min_length=1, description="['GIÁM ĐỐC'] hoặc ['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC']")
    name: str = ""
    signature_image: Optional[str] = Field(
        None, description="Ảnh chữ ký của người ký (PNG nền trong suốt, màu xanh), đường dẫn "
        "trong thư mục của tỉnh: 'chu-ky-giam-doc.png'; reportgen sign đặt ảnh này giữa chức "
        "vụ và họ tên")


class DocumentInfo(Strict):
    number: Int = Field(ge=1, description="Số văn bản, 5 → 'Số: 05/BC-SCT'",
                        json_schema_extra={"minimum": 1})
    date: dt.date
    subject: Optional[str] = Field(None, description="Trích yếu; mặc định theo kỳ báo cáo")
    signer: Optional[Signer] = None


class Style(Strict):
    """How a province phrases things."""

    compare: ChangeStyle = "giam"
    pad: int = Field(2, ge=0, le=6)
    same_threshold: Num = Field(Decimal("0"), description="|tăng| ≤ ngưỡng → 'tương đương cùng kỳ'")
    tone_marks: ToneMarks = Field("hóa", description="Cách đặt dấu thanh trong cả báo cáo: 'hóa' "
                                  "(hóa, thủy, ủy) hoặc 'hoá' (hoá, thuỷ, uỷ)")
    base: BaseStyle = Field("cung_ky_nam", description="Gốc so sánh: 'so với cùng kỳ năm 2020' …")
    plan_name: PlanName = "kế hoạch năm"
    full_count: FullCountStyle = Field("dat", description="Số đếm bằng tổng: 'dat' → '45/45 nhiệm "
                                       "vụ, đạt 100%', 'hoan_thanh' → 'hoàn thành 100% (45/45) nhiệm vụ'")


class Province(Strict):
    name: str = Field(description="Tên tỉnh có dấu: 'Bắc Kạn'")
    parent_agency: str = Field(description="'UBND TỈNH BẮC KẠN'")
    agency: str = "SỞ CÔNG THƯƠNG"
    place: str = Field(description="Địa danh ghi ngày tháng: 'Bắc Kạn'")
    number_suffix: str = "BC-SCT"
    signer: Signer
    recipients: list[str] = Field(min_length=1)
    style: Style = Style()
    seal_image: Optional[str] = Field(
        None, description="Ảnh dấu của cơ quan (PNG nền trong suốt, màu đỏ), đường dẫn trong "
        "thư mục của tỉnh: 'dau-so-cong-thuong.png'; dùng cho chữ ký số của cơ quan")
    seal_size_mm: int = Field(36, ge=20, le=60, description="Đường kính thật của dấu (mm)")


class PeriodData(Strict):
    document: DocumentInfo
    sections: dict[str, Section] = Field(default_factory=dict)
