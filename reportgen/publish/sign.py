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


def read_password(path: Optional[Path], what: str = "mật khẩu") -> Optional[bytes]:
    """The secret (PKCS#12 password or token PIN), never from the command line: the first line
    of the file `path`, of standard input when `path` is '-', or typed at a hidden prompt
    when no file is named and standard input is a terminal (None otherwise)."""
    import sys
    if path is None:
        if sys.stdin is not None and sys.stdin.isatty():
            import click
            typed = click.prompt(what[:1].upper() + what[1:], hide_input=True, default="",
                                 show_default=False, err=True)
            return typed.encode()
        return None
    if str(path) == "-":
        data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{path}: không đọc được tệp chứa {what} ({exc.strerror})") from None
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


PIN_HELP = ("mã PIN đọc từ dòng đầu của --password-file TỆP, hoặc --password-file - (đầu vào "
            "chuẩn), hoặc gõ khi được hỏi; không bao giờ ghi mã PIN trên dòng lệnh")


def _pkcs11_signer(src: KeySource):
    """A pyHanko signer on the token labelled `src.token_label`: the user logs in with the
    PIN, the signing key is the one private key on the token that may sign (or the one
    named by `key_label`), its certificate the one with the same CKA_ID (or label). Every
    failure is a message naming the token; the session is returned to be closed."""
    try:
        import pkcs11
        from pkcs11 import Attribute, ObjectClass, TokenFlag
        from pyhanko.sign.pkcs11 import PKCS11Signer
    except ImportError:
        raise UsageError("chưa cài python-pkcs11: pip install 'pyhanko[pkcs11]'") from None
    from asn1crypto import x509 as asn1_x509

    lib_path, label = src.pkcs11_lib, src.token_label
    if not Path(lib_path).is_file():
        raise UsageError(f"{lib_path}: không có thư viện PKCS#11 này (--pkcs11-lib): dùng đường "
                         "dẫn tệp .so/.dll mà nhà cung cấp token cài, ví dụ "
                         "/usr/lib/x86_64-linux-gnu/…/libxxx.so")
    try:
        lib = pkcs11.lib(lib_path)
        tokens = []
        for slot in lib.get_slots(token_present=True):
            try:
                tokens.append(slot.get_token())
            except pkcs11.PKCS11Error:
                continue
    except pkcs11.PKCS11Error as exc:
        raise SignError(f"{lib_path}: không nạp được thư viện PKCS#11 ({exc or type(exc).__name__})"
                        ": kiểm tra đó là thư viện PKCS#11 của token") from None
    found = [t for t in tokens if t.label == label]
    if not found:
        present = ", ".join(f"'{t.label}'" for t in tokens if t.label) or "không có token nào"
        raise SignError(f"không có token nhãn '{label}' ({lib_path}); token đang cắm: {present}. "
                        "Kiểm tra token đã cắm và nhãn ghi ở --token-label")
    if len(found) > 1:
        raise SignError(f"có {len(found)} token cùng nhãn '{label}': chỉ cắm một token khi ký")
    token = found[0]
    pin = src.password.decode("utf-8", "replace") if src.password is not None else None
    if pin is None:
        if token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH:
            pin = pkcs11.PROTECTED_AUTH  # the PIN is typed on the token's own keypad
        elif token.flags & TokenFlag.LOGIN_REQUIRED:
            raise SignError(f"token '{label}' cần mã PIN: {PIN_HELP}")
    if token.flags & TokenFlag.USER_PIN_LOCKED:
        raise SignError(f"mã PIN của token '{label}' đã bị khoá (nhập sai quá số lần cho phép): "
                        "mở khoá bằng phần mềm của nhà cung cấp token")
    try:
        session = token.open(user_pin=pin) if pin is not None else token.open()
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinInvalid):
        warn = ""
        if token.flags & (TokenFlag.USER_PIN_FINAL_TRY | TokenFlag.USER_PIN_COUNT_LOW):
            warn = " Token sắp khoá mã PIN: kiểm tra kỹ trước khi thử lại."
        raise SignError(f"sai mã PIN của token '{label}' ({PIN_HELP}); token thường khoá sau "
                        f"vài lần nhập sai.{warn}") from None
    except pkcs11.PinLocked:
        raise SignError(f"mã PIN của token '{label}' đã bị khoá (nhập sai quá số lần cho phép): "
                        "mở khoá bằng phần mềm của nhà cung cấp token") from None
    except pkcs11.PKCS11Error as exc:
        raise SignError(f"không mở được token '{label}' ({type(exc).__name__}): kiểm tra token "
                        "đã cắm") from None
    try:
        try:
            mechanisms = token.slot.get_mechanisms()
        except pkcs11.PKCS11Error:
            mechanisms = set()
        return _token_signer(session, label, src.key_label, mechanisms, PKCS11Signer,
                             asn1_x509), session
    except BaseException:
        session.close()
        raise


def _token_signer(session, label, key_label, mechanisms, PKCS11Signer, asn1_x509):
    import pkcs11
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

    def attr(obj, name):
        try:
            return obj[name]
        except pkcs11.PKCS11Error:
            return None

    try:
        keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                                         Attribute.SIGN: True}))
        certs = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
        keys = [(attr(k, Attribute.LABEL) or "", attr(k, Attribute.ID) or b"",
                 attr(k, Attribute.KEY_TYPE)) for k in keys]
        certs = [(attr(c, Attribute.LABEL) or "", attr(c, Attribute.ID) or b"",
                  attr(c, Attribute.VALUE)) for c in certs]
    except pkcs11.PKCS11Error as exc:
        raise SignError(f"không đọc được khoá trên token '{label}' ({type(exc).__name__})") from None
    if key_label is not None:
        named = [k for k in keys if k[0] == key_label]
        if not named:
            have = ", ".join(sorted(f"'{k[0]}'" for k in keys)) or "không có khoá ký nào"
            raise SignError(f"token '{label}' không có khoá nhãn '{key_label}' (--key-label); "
                            f"khoá trên token: {have}")
        keys = named
    if not keys:
        raise SignError(f"token '{label}' không có khoá bí mật dùng để ký: token chưa được cấp "
                        "chứng thư số, hoặc đã cắm nhầm token")
    if len(keys) > 1:
        have = ", ".join(sorted(f"'{k[0]}'" for k in keys))
        raise SignError(f"token '{label}' có {len(keys)} khoá ký ({have}): chọn một bằng "
                        "--key-label NHÃN")
    key_name, key_id, key_type = keys[0]
    mine = [c for c in certs if key_id and c[1] == key_id] or \
        [c for c in certs if key_name and c[0] == key_name]
    if not mine or mine[0][2] is None:
        raise SignError(f"token '{label}' có khoá '{key_name}' nhưng không có chứng thư số đi kèm "
                        "(cùng ID hoặc cùng nhãn): nạp chứng thư của khoá này vào token bằng "
                        "phần mềm của nhà cung cấp")
    try:
        cert = asn1_x509.Certificate.load(bytes(mine[0][2]))
        cert.native  # parse now, not in the middle of signing
    except ValueError:
        raise SignError(f"token '{label}': chứng thư số của khoá '{key_name}' không đọc được") from None
    # many tokens (SoftHSM2 2.6 among them) sign ECDSA only over a digest computed outside
    raw = (key_type == KeyType.EC and Mechanism.ECDSA in mechanisms
           and Mechanism.ECDSA_SHA256 not in mechanisms)
    return PKCS11Signer(session, signing_cert=cert, key_label=key_name or None,
                        key_id=key_id or None, other_certs_to_pull=None,
                        use_raw_mechanism=raw)


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

    signer, session = (_pkcs12_signer(key) if key.pkcs12 else _pkcs11_signer(key))
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
