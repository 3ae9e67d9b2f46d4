"""`reportgen sign`: PAdES signatures (pyHanko) laid out as Nghị định 30/2020/NĐ-CP,
Phụ lục I asks for electronic documents.

- The person with authority (người có thẩm quyền) signs first: the image of their handwritten
  signature (PNG, transparent) fills the field `build` reserved between the title
  ("GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC") and the name; no signing information is shown.
- The agency (cơ quan, `--agency`) signs after: the image of its seal, at its real size,
  covering about the left third of the signature image, with the signing information (the
  agency's name and the time in ISO 8601 with the Vietnam time zone, Times New Roman 10 pt,
  upright, black) under the seal.

The director's signature also reserves the agency's (empty) field, at the place of the seal,
and enters it in the structure tree (a Form element after the director's), in the same update:
the agency then fills a field that the first signature covers, which validators accept; a tree
changed after the first signature would be reported as an unexplained change. After a first
signature made by other software the agency's field is made when the agency signs, untagged.

Every signature is an incremental update: the bytes signed before stay as they were, so an
earlier signature stays valid and the PDF/A identification and tags are kept. The input file
is never rewritten unless `in_place` is asked for, and a file whose pages or attached data
changed since `build` is refused.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import ReportgenError, UsageError
from ..writers.archival import SIGNATURE_FIELD
from . import pdffile
from .keys import KeySource, SignError, pkcs11_signer, pkcs12_signer

AGENCY_FIELD = "ChuKyCoQuan"
VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")
MM = 72 / 25.4
INFO_FONT_PT = 10
INFO_LINE_PT = 12
INFO_WIDTH_PT = 190


def vn_time(now: Optional[dt.datetime] = None) -> str:
    """Signing time as the decree writes it: ISO 8601 in the Vietnam time zone."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _font_file() -> str:
    """Times New Roman or its metric twin (Tinos, Liberation Serif) for the signing text."""
    import shutil
    import subprocess
    if shutil.which("fc-match"):
        res = subprocess.run(["fc-match", "-f", "%{file}", "Times New Roman"],
                             capture_output=True, text=True)
        if res.stdout and Path(res.stdout).is_file():
            return res.stdout
    raise UsageError("không tìm thấy phông Times New Roman (hoặc Tinos / Liberation Serif): "
                     "cài fonts-croscore hoặc fonts-liberation2")


def _font_factory(size: int):
    """pyHanko's OpenType engine for the signing text. pyHanko 0.38 writes TrueType glyph
    widths in font units (2048 per em for Tinos) where PDF expects thousandths of an em, so
    viewers spread the letters apart: the engine here works in thousandths throughout
    (HarfBuzz scale, widths, units per em)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class Accumulator(GlyphAccumulator):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._per_em = self.units_per_em
            self.units_per_em = 1000
            self.hb_font.scale = (1000, 1000)

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            if glyph_id not in self._glyphs:
                cid, width = super()._get_cid_and_width(glyph_id)
                self._glyphs[glyph_id] = (cid, round(width * 1000 / self._per_em))
            return self._glyphs[glyph_id]

    class Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            fh = open(self.font_file, "rb")  # noqa: SIM115 (pyHanko keeps it for subsetting)
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return Accumulator(writer=writer, font_handle=fh, font_size=self.font_size,
                               obj_stream=obj_stream)

    return Factory(_font_file(), font_size=size)


@dataclass(frozen=True)
class Assets:
    signature: Optional[Path]
    seal: Optional[Path]
    seal_mm: int
    agency: str


def province_assets(pdf, data_root: Path) -> Assets:
    """The signature and seal images named by the province file of the report's province
    (found in the data folder by the slug of the attached files), checked (RG150)."""
    from ..data.dataset import load_province
    from ..errors import DataError
    from ..data.assets import asset_path

    slug, _ = pdffile.report_files(pdf)
    agency = str(pdf.docinfo.get("/Author", ""))
    if not slug:
        raise SignError("tệp không có số liệu đính kèm của reportgen: không biết tỉnh nào ký")
    province, findings, path = load_province(data_root, slug)
    errors = [f for f in findings if f.is_error]
    if errors or province is None:
        raise DataError(errors)
    folder = path.parent
    sig = asset_path(folder, province.signer.signature_image) if province.signer.signature_image else None
    seal = asset_path(folder, province.seal_image) if province.seal_image else None
    return Assets(sig, seal, province.seal_size_mm, agency)


def _image(path: Path, width: float, height: float):
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints

    img = Image.open(path)
    img.load()
    return PdfImage(img, box=BoxConstraints(width=width, height=height))


def _fit(path: Path, box_w: float, box_h: float) -> tuple[float, float]:
    """Size of the image fitted into the box, aspect kept."""
    from PIL import Image
    with Image.open(path) as img:
        w, h = img.size
    scale = min(box_w / w, box_h / h)
    return w * scale, h * scale


def agency_rect(field: tuple[float, float, float, float], signature: Path,
                seal_mm: int) -> tuple[tuple[float, float, float, float], float]:
    """(rectangle of the agency's signature, seal diameter in pt): the seal at its real size,
    centred on the signature image's height, its right edge one third into the image;
    the signing information under it."""
    x1, y1, x2, y2 = field
    img_w, img_h = _fit(signature, x2 - x1, y2 - y1)
    img_left = x1 + ((x2 - x1) - img_w) / 2
    d = seal_mm * MM
    left = img_left + img_w / 3 - d
    cy = (y1 + y2) / 2
    top = cy + d / 2
    bottom = cy - d / 2 - 2 * INFO_LINE_PT - 4
    width = max(d, INFO_WIDTH_PT)
    return (round(left, 2), round(bottom, 2), round(left + width, 2), round(top, 2)), d


def sign_file(src_path: Path, out_path: Path, key: KeySource, data_root: Path,
              agency: bool = False, now: Optional[dt.datetime] = None) -> dict:
    """Sign `src_path` into `out_path` (atomically; the same path only when the caller
    asked for in-place). Returns what was done, for the message."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import StaticStampStyle, TextStampStyle

    from ..build.pipeline import atomic_write

    raw = pdffile.read_input(src_path)
    pdf = pdffile.open_pdf(raw, str(src_path))
    check = pdffile.unchanged_since_build(pdf)
    if not check.ok:
        raise SignError(f"{src_path}: không ký: {check.message}; build lại báo cáo rồi ký")
    found = pdffile.signature_field_rect(pdf)
    if found is None:
        raise SignError(f"{src_path}: không có ô chữ ký '{SIGNATURE_FIELD}' do reportgen build "
                        "tạo: build lại báo cáo bằng phiên bản reportgen này")
    page_index, rect = found
    assets = province_assets(pdf, data_root)
    signed_fields = {s.field_name for s in _embedded(raw)}
    form = pdf.Root.get("/AcroForm")
    all_fields = {str(f.get("/T", "")) for f in form.Fields} if form is not None and \
        "/Fields" in form else set()
    when = vn_time(now)

    if agency:
        if SIGNATURE_FIELD not in signed_fields:
            raise SignError(f"{src_path}: cơ quan ký số sau người có thẩm quyền: ký bằng khoá "
                            "của người ký trước (không có --agency)")
        if AGENCY_FIELD in signed_fields:
            raise SignError(f"{src_path}: đã có chữ ký số của cơ quan")
        if assets.seal is None or assets.signature is None:
            raise SignError("province.yaml chưa khai báo seal_image (ảnh dấu) và "
                            "signer.signature_image: cần cả hai để đặt dấu trùm 1/3 chữ ký")
        box, d = agency_rect(rect, assets.signature, assets.seal_mm)
        field_name = AGENCY_FIELD
        from pyhanko.pdf_utils.text import TextBoxStyle
        style = TextStampStyle(
            stamp_text="%(agency)s\nThời gian ký: %(time)s",
            text_box_style=TextBoxStyle(font=_font_factory(INFO_FONT_PT),
                                        font_size=INFO_FONT_PT, leading=INFO_LINE_PT),
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN,
                inner_content_scaling=InnerScaling.NO_SCALING),
            background=_image(assets.seal, d, d), background_opacity=1.0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MAX,
                inner_content_scaling=InnerScaling.NO_SCALING),
            border_width=0)
        params = {"agency": assets.agency or "Cơ quan ban hành", "time": when}
        # normally reserved (and tagged) by the director's signature; made here, untagged,
        # after a first signature made by other software: tagging it now would change the
        # structure tree the first signature covers, which validators report as a change
        spec = None if AGENCY_FIELD in all_fields else \
            fields.SigFieldSpec(AGENCY_FIELD, on_page=page_index, box=box)
    else:
        if SIGNATURE_FIELD in signed_fields:
            raise SignError(f"{src_path}: ô chữ ký của người có thẩm quyền đã được ký; chữ ký "
                            "của cơ quan: thêm --agency")
        if assets.signature is None:
            raise SignError("province.yaml chưa khai báo signer.signature_image (ảnh chữ ký PNG "
                            "nền trong suốt) để đặt giữa chức vụ và họ tên")
        field_name = SIGNATURE_FIELD
        w, h = rect[2] - rect[0], rect[3] - rect[1]
        style = StaticStampStyle(
            background=_image(assets.signature, *_fit(assets.signature, w, h)),
            background_opacity=1.0, border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                inner_content_scaling=InnerScaling.NO_SCALING))
        params = {}
        spec = None
        if assets.seal is not None and AGENCY_FIELD not in all_fields:
            # the agency's field, reserved and tagged in this same update, so that the
            # agency later fills a field the director's signature covers
            box, _ = agency_rect(rect, assets.signature, assets.seal_mm)
            spec = fields.SigFieldSpec(AGENCY_FIELD, on_page=page_index, box=box)

    signer, session = (pkcs12_signer(key) if key.pkcs12 else pkcs11_signer(key))
    try:
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
            reason="Ký số văn bản" if not agency else "Ký số của cơ quan ban hành",
            location=None)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style)
        writer = IncrementalPdfFileWriter(io.BytesIO(raw), strict=False)
        if spec is not None:  # the agency's field
            fields.append_signature_field(writer, spec)
            if not agency:
                _tag_agency_widget(writer, spec.sig_field_name)
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, existing_fields_only=True,
                            appearance_text_params=params, output=out)
    except ReportgenError:
        raise
    except Exception as exc:
        raise SignError(f"{src_path}: ký không thành công ({type(exc).__name__}: {exc})") from None
    finally:
        if session is not None:
            session.close()
    atomic_write(out_path, out.getvalue())
    return {"field": field_name, "time": when, "out": str(out_path),
            "signer": signer.signing_cert.subject.human_friendly if signer.signing_cert else ""}


AGENCY_TOOLTIP = "Chữ ký số của cơ quan ban hành (hình dấu, tên cơ quan, thời gian ký)"


def _tag_agency_widget(writer, field_name: str) -> bool:
    """Put the agency's new (empty) signature widget into the structure tree, as `build` does
    for the director's: a Form element (Alt = what it is) whose kid is an OBJR to the widget, placed
    right after the director's Form in reading order, and the widget's StructParent entered
    in the ParentTree. Returns False (leaving the file untagged there) when the tree is not
    the shape `build` writes (no director's Form, a ParentTree with Kids)."""
    from pyhanko.pdf_utils import generic

    root = writer.root
    if "/StructTreeRoot" not in root or "/AcroForm" not in root:
        return False
    widgets = {}
    for ref in root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        widgets[str(field.get("/T", ""))] = ref
    if field_name not in widgets or SIGNATURE_FIELD not in widgets:
        return False
    director_ref, agency_ref = widgets[SIGNATURE_FIELD], widgets[field_name]
    tree_root = root["/StructTreeRoot"]
    parent_tree = tree_root.get("/ParentTree")
    parent_tree = parent_tree.get_object() if parent_tree is not None else None
    if not isinstance(parent_tree, generic.DictionaryObject) or "/Nums" not in parent_tree:
        return False

    def find(elem, depth=0):
        """(parent, its /K array, index, reference) of the director's Form element."""
        kids = elem.get("/K")
        if not isinstance(kids, generic.ArrayObject) or depth > 200:
            return None
        for i, kid_ref in enumerate(kids.raw_get(j) for j in range(len(kids))):
            if not isinstance(kid_ref, generic.IndirectObject):
                continue
            kid = kid_ref.get_object()
            if not isinstance(kid, generic.DictionaryObject):
                continue
            if kid.get("/S") == "/Form":
                objrs = kid.get("/K")
                objrs = objrs if isinstance(objrs, generic.ArrayObject) else [objrs]
                for o in objrs:
                    o = o.get_object() if isinstance(o, generic.IndirectObject) else o
                    if isinstance(o, generic.DictionaryObject) and "/Obj" in o and \
                            o.raw_get("/Obj").reference == director_ref.reference:
                        return elem, kids, i, kid_ref
            hit = find(kid, depth + 1)
            if hit:
                return hit
        return None

    found = find(tree_root)
    if found is None:
        return False
    parent, kids, index, director_form = found
    widget = agency_ref.get_object()
    page_ref = widget.raw_get("/P")
    objr = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/OBJR"),
        generic.NameObject("/Obj"): agency_ref, generic.NameObject("/Pg"): page_ref}))
    form = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): director_form.get_object().raw_get("/P"),
        generic.NameObject("/Pg"): page_ref,
        # K is the OBJR itself, not an array holding it: pyHanko's change analysis accepts a
        # later fill of a field only when the tree reaches it as …/K/Obj
        generic.NameObject("/K"): objr,
        generic.NameObject("/Alt"): generic.TextStringObject(AGENCY_TOOLTIP)}))
    kids.insert(index + 1, form)
    writer.update_container(kids)
    nums = parent_tree["/Nums"]
    keys = [int(n) for n in list(nums)[0::2]]
    key = max([int(tree_root.get("/ParentTreeNextKey", 0)), *(k + 1 for k in keys)])
    nums.extend([generic.NumberObject(key), form])
    writer.update_container(nums)
    tree_root[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree_root)
    widget[generic.NameObject("/StructParent")] = generic.NumberObject(key)
    widget[generic.NameObject("/TU")] = generic.TextStringObject(AGENCY_TOOLTIP)
    writer.update_container(widget)
    return True


def _embedded(raw: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    return PdfFileReader(io.BytesIO(raw), strict=False).embedded_signatures


def default_out(src: Path) -> Path:
    return src.with_name(src.stem + "-ky-so" + src.suffix)
