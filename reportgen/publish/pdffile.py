"""Reading a published report back (pikepdf): its content digest, its attached data files,
its PDF/A claims and the structural PDF/A rules we can check without veraPDF."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..document.types import ATTACHMENT_SEP
from ..errors import UsageError
from ..writers.archival import DIGEST_KEY, SIGNATURE_FIELD, content_digest


@dataclass(frozen=True)
class Check:
    """One verdict of `verify`: a key for JSON, whether it holds, a Vietnamese sentence."""

    key: str
    ok: bool
    message: str
    details: tuple = ()


def open_pdf(data: bytes, shown: str):
    import pikepdf
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise UsageError(f"{shown}: tệp PDF được mã hoá (có mật khẩu): báo cáo công bố không "
                         "được mã hoá, dùng tệp do reportgen build tạo ra") from None
    except pikepdf.PdfError as exc:
        raise UsageError(f"{shown}: không đọc được tệp PDF ({exc}): tệp hỏng hoặc không "
                         "phải PDF") from None


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{path}: là thư mục, cần một tệp PDF") from None
    except OSError as exc:
        raise UsageError(f"{path}: không đọc được tệp ({exc.strerror})") from None


def embedded_files(pdf) -> list[tuple[str, bytes, str]]:
    """(name, bytes, AFRelationship) of the embedded files, in name-tree order."""
    import pikepdf
    names = pdf.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return []
    out = []
    pairs = list(tree.get("/Names", pikepdf.Array()))
    for i in range(0, len(pairs) - 1, 2):
        spec = pairs[i + 1]
        name = str(spec.get("/UF", spec.get("/F", pairs[i])))
        data = spec.EF.F.read_bytes()
        out.append((name, data, str(spec.get("/AFRelationship", "/Unspecified"))[1:]))
    return out


def stored_digest(pdf) -> Optional[str]:
    value = pdf.Root.get("/" + DIGEST_KEY)
    return str(value) if value is not None else None


def computed_digest(pdf) -> str:
    """The digest of `writers.archival.content_digest` over this file's pages and files."""
    import pikepdf
    pages = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        if contents is None:
            pages.append(b"")
        elif isinstance(contents, pikepdf.Array):
            pages.append(b"\n".join(c.read_bytes() for c in contents))
        else:
            pages.append(contents.read_bytes())
    return content_digest(pages, [(n, d) for n, d, _ in embedded_files(pdf)])


def unchanged_since_build(pdf) -> Check:
    try:
        return _unchanged(pdf)
    except Exception as exc:  # a damaged stream: any reader error means "changed"
        return Check("unchanged", False, f"không đọc được nội dung trang hoặc tệp đính kèm "
                     f"(tệp hỏng hay đã bị sửa: {exc})")


def _unchanged(pdf) -> Check:
    stored = stored_digest(pdf)
    if stored is None:
        return Check("unchanged", False, "tệp không có dấu kiểm nội dung của reportgen: không "
                     "phải báo cáo do reportgen build tạo ra (hoặc đã bị lưu lại bằng phần mềm "
                     "khác)")
    if stored != computed_digest(pdf):
        return Check("unchanged", False, "nội dung trang hoặc tệp số liệu đính kèm đã bị sửa "
                     "sau khi reportgen build tạo ra tệp")
    return Check("unchanged", True, "nội dung trang và tệp số liệu đính kèm giữ nguyên như "
                 "khi build")


def report_files(pdf) -> tuple[str, dict[str, bytes]]:
    """(province slug, {file name: bytes}) of the attached data files."""
    slug, files = "", {}
    for name, data, _ in embedded_files(pdf):
        head, sep, tail = name.partition(ATTACHMENT_SEP)
        if not sep or not re.fullmatch(r"[a-z0-9-]+", head) or "/" in tail or tail.startswith("."):
            continue
        slug = slug or head
        if head == slug:
            files[tail] = data
    return slug, files


def source_file(pdf) -> Optional[str]:
    """Name of the attached period file (AFRelationship Source)."""
    for name, _, rel in embedded_files(pdf):
        if rel == "Source":
            return name.partition(ATTACHMENT_SEP)[2]
    return None


def signature_field_rect(pdf) -> Optional[tuple[int, tuple[float, float, float, float]]]:
    """(page index, rectangle) of the signature field reserved by build."""
    form = pdf.Root.get("/AcroForm")
    if form is None:
        return None
    for field in form.get("/Fields", []):
        if str(field.get("/T", "")) == SIGNATURE_FIELD:
            page = field.get("/P")
            index = next((i for i, p in enumerate(pdf.pages) if p.obj.objgen == page.objgen), 0) \
                if page is not None else 0
            return index, tuple(float(v) for v in field.Rect)
    return None


# ------------------------------------------------------------------ PDF/A (structural)
_PART = re.compile(r'pdfaid:part(?:="|>)(\d)')
_CONF = re.compile(r'pdfaid:conformance(?:="|>)([ABUabu])')


def _fonts(resources, seen: set, out: list) -> None:
    """(name, embedded?) of every font reachable from a resource dictionary, forms and
    Type 3 glyph resources included."""
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for _, font in (resources.get("/Font") or {}).items():
        subtype = str(font.get("/Subtype"))
        if subtype == "/Type3":
            _fonts(font.get("/Resources"), seen, out)
            continue
        desc = font.get("/FontDescriptor")
        if subtype == "/Type0":
            desc = font.DescendantFonts[0].get("/FontDescriptor")
        embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        out.append((str(font.get("/BaseFont", "?")), embedded))
    for _, xobj in (resources.get("/XObject") or {}).items():
        if str(xobj.get("/Subtype")) == "/Form":
            _fonts(xobj.get("/Resources"), seen, out)


def font_list(pdf) -> list[tuple[str, bool]]:
    out: list = []
    seen: set = set()
    for page in pdf.pages:
        _fonts(page.obj.get("/Resources"), seen, out)
        for annot in page.obj.get("/Annots", []):
            ap = annot.get("/AP")
            normal = ap.get("/N") if ap is not None else None
            if normal is not None and hasattr(normal, "get"):
                _fonts(normal.get("/Resources"), seen, out)
    return out


def pdfa_checks(pdf, raw: bytes) -> list[Check]:
    """Whether the file claims PDF/A (XMP identification) and keeps the basic rules that do
    not need a full validator: XMP present, an output intent with an ICC profile, every font
    embedded, no encryption, tagged (level a). veraPDF is not run (not available here)."""
    checks = []
    meta = pdf.Root.get("/Metadata")
    xmp = meta.read_bytes().decode("utf-8", "replace") if meta is not None else ""
    part, conf = _PART.search(xmp), _CONF.search(xmp)
    claim = f"PDF/A-{part[1]}{conf[1].lower()}" if part and conf else None
    checks.append(Check("pdfa_claim", claim is not None,
                        f"tệp ghi nhận chuẩn {claim} trong siêu dữ liệu XMP" if claim else
                        "tệp không ghi nhận chuẩn PDF/A nào (thiếu pdfaid trong XMP)"))
    checks.append(Check("xmp", bool(xmp), "có siêu dữ liệu XMP" if xmp else
                        "thiếu siêu dữ liệu XMP (/Metadata của tài liệu)"))
    intents = pdf.Root.get("/OutputIntents") or []
    good = [i for i in intents if str(i.get("/S")) == "/GTS_PDFA1" and "/DestOutputProfile" in i]
    checks.append(Check("output_intent", bool(good),
                        "có output intent GTS_PDFA1 với hồ sơ màu ICC" if good else
                        "thiếu output intent GTS_PDFA1 có hồ sơ màu ICC"))
    fonts = font_list(pdf)
    missing = sorted({n for n, e in fonts if not e})
    checks.append(Check("fonts_embedded", not missing,
                        f"mọi phông chữ đều được nhúng ({len(fonts)} phông)" if not missing else
                        "phông chữ chưa nhúng: " + ", ".join(missing), tuple(missing)))
    encrypted = pdf.is_encrypted or b"/Encrypt" in raw[-4096:] and "/Encrypt" in pdf.trailer
    checks.append(Check("not_encrypted", not encrypted,
                        "không mã hoá" if not encrypted else "tệp bị mã hoá (PDF/A cấm)"))
    mark = pdf.Root.get("/MarkInfo")
    tagged = mark is not None and bool(mark.get("/Marked", False)) and "/StructTreeRoot" in pdf.Root
    checks.append(Check("tagged", tagged, "có cấu trúc thẻ (tagged PDF) cho trình đọc màn hình"
                        if tagged else "không có cấu trúc thẻ (tagged PDF)"))
    return checks
