"""`reportgen sign`: PAdES signatures (pyHanko) laid out as Nghị định 30/2020/NĐ-CP,
Phụ lục I asks for electronic documents.

- The person with authority (người có thẩm quyền) signs first: the image of their handwritten
  signature (PNG, transparent) fills the field `build` reserved between the title
  ("GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC") and the name; no signing information is shown.
- The agency (cơ quan, `--agency`) signs after: the image of its seal, at its real size,
  covering about the left third of the signature image, with the signing information (the
  agency's name and the time in ISO 8601 with the Vietnam time zone, Times New Roman 10 pt,
  upright, black) under the seal.

Every signature is an incremental update: the bytes signed before stay as they were, so an
earlier signature stays valid and the PDF/A identification and tags are kept. The input file
is never rewritten unless `in_place` is asked for, and a file whose pages or attached data
changed since `build` is refused.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import ReportgenError, UsageError
from ..writers.archival import SIGNATURE_FIELD
from . import pdffile

AGENCY_FIELD = "ChuKyCoQuan"
VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")
MM = 72 / 25.4
INFO_FONT_PT = 10
INFO_LINE_PT = 12
INFO_WIDTH_PT = 190


class SignError(ReportgenError):
    """A file or key that cannot be used for signing (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class KeySource:
    pkcs12: Optional[Path] = None
    password: Optional[bytes] = None
    pkcs11_lib: Optional[str] = None
    token_label: Optional[str] = None
    key_label: Optional[str] = None


def vn_time(now: Optional[dt.datetime] = None) -> str:
    """Signing time as the decree writes it: ISO 8601 in the Vietnam time zone."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def read_password(path: Optional[Path]) -> Optional[bytes]:
    """The first line of the password file (None when no file is given)."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: không đọc được tệp mật khẩu ({exc.strerror})") from None
    return data.splitlines()[0] if data.strip() else b""


def _pkcs12_signer(src: KeySource):
    from pyhanko.sign import signers
    try:
        data = src.pkcs12.read_bytes()
    except OSError as exc:
        raise UsageError(f"{src.pkcs12}: không đọc được tệp khoá PKCS#12 ({exc.strerror})") from None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=src.password)
    except (ValueError, TypeError) as exc:
        signer = None
        detail = str(exc)
    else:
        detail = ""
    if signer is None or signer.signing_cert is None:
        raise SignError(f"{src.pkcs12}: không mở được khoá PKCS#12 (sai mật khẩu, hoặc tệp không "
                        f"phải .p12/.pfx){': ' + detail if detail else ''}; mật khẩu đọc từ "
                        "--password-file (dòng đầu)")
    return signer, None


def _pkcs11_signer(src: KeySource):
    try:
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError:
        raise UsageError("chưa cài python-pkcs11: pip install 'pyhanko[pkcs11]'") from None
    try:
        session = open_pkcs11_session(src.pkcs11_lib, token_label=src.token_label,
                                      user_pin=src.password.decode() if src.password else None)
    except Exception as exc:  # the PKCS#11 layer raises many kinds
        raise SignError(f"không mở được token '{src.token_label}' qua {src.pkcs11_lib} ({exc}): "
                        "kiểm tra token đã cắm, nhãn token và mã PIN (--password-file)") from None
    signer = PKCS11Signer(session, key_label=src.key_label, cert_label=src.key_label)
    return signer, session


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
        spec = fields.SigFieldSpec(AGENCY_FIELD, on_page=page_index, box=box)
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

    signer, session = (_pkcs12_signer(key) if key.pkcs12 else _pkcs11_signer(key))
    try:
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES,
            reason="Ký số văn bản" if not agency else "Ký số của cơ quan ban hành",
            location=None)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
        writer = IncrementalPdfFileWriter(io.BytesIO(raw), strict=False)
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, existing_fields_only=not agency,
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


def _embedded(raw: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    return PdfFileReader(io.BytesIO(raw), strict=False).embedded_signatures


def default_out(src: Path) -> Path:
    return src.with_name(src.stem + "-ky-so" + src.suffix)
