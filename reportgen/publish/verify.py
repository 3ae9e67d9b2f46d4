"""`reportgen verify`: what a reader of a published report can check without trusting the
sender, each as a `Check` with a Vietnamese sentence:

1. every signature (pyHanko): intact (the signed bytes unchanged), whose (certificate
   subject), trusted (a chain to a root given with --trust), and what was changed after it
   (only later signatures are allowed);
2. PDF/A: what the file claims and the structural rules (`pdffile.pdfa_checks`);
3. the pages and attached data unchanged since build (content digest);
4. the attached data reproduce the document: the attached YAML files are loaded into an
   empty data folder, the report is built again with this project's templates, and its text
   is compared with the text of the file, page by page.

`ok` only when every check holds (exit 0).
"""
from __future__ import annotations

import io
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import ReportgenError, UsageError
from . import pdffile
from .pdffile import Check
from .sign import vn_time


@dataclass
class Verdict:
    file: str
    checks: list[Check] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def as_json(self) -> dict:
        return {"file": self.file, "ok": self.ok, "signatures": self.signatures,
                "checks": [asdict(c) | {"details": list(c.details)} for c in self.checks]}


def load_roots(paths: Iterable[Path]) -> list:
    from asn1crypto import pem, x509
    roots = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{path}: không đọc được chứng thư gốc ({exc.strerror})") from None
        try:
            if pem.detect(data):
                roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
            else:
                roots.append(x509.Certificate.load(data))
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{path}: không phải chứng thư X.509 (PEM hoặc DER): {exc}") from None
    return roots


def signature_checks(raw: bytes, roots: list) -> tuple[list[Check], list[dict]]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(raw), strict=False)
    sigs = reader.embedded_signatures
    if not sigs:
        return [Check("signatures", False, "tệp chưa có chữ ký số")], []
    checks, info = [], []
    for sig in sigs:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:  # a malformed signature is a failed check, not a crash
            checks.append(Check(f"signature:{sig.field_name}", False,
                                f"chữ ký '{sig.field_name}' không kiểm tra được ({exc})"))
            continue
        who = status.signing_cert.subject.human_friendly if status.signing_cert else "?"
        when = vn_time(status.signer_reported_dt) if status.signer_reported_dt else ""
        modification = str(getattr(status.modification_level, "name", status.modification_level))
        docmdp_ok = bool(getattr(status, "docmdp_ok", True))
        entry = {"field": sig.field_name, "signer": who, "time": when, "intact": status.intact,
                 "valid": status.valid, "trusted": status.trusted,
                 "coverage": str(getattr(status.coverage, "name", status.coverage)),
                 "modification": modification, "docmdp_ok": docmdp_ok}
        info.append(entry)
        parts = []
        parts.append("nguyên vẹn" if status.intact and status.valid else
                     "KHÔNG nguyên vẹn (nội dung đã ký bị thay đổi)")
        parts.append("của " + who)
        if status.trusted:
            parts.append("tin cậy (chuỗi chứng thư tới gốc đã cho)")
        elif not roots:
            parts.append("chưa xác định tin cậy (không có --trust)")
        else:
            parts.append("KHÔNG tin cậy với các gốc --trust đã cho")
        if not docmdp_ok:
            parts.append("có thay đổi không được phép sau khi ký")
        ok = status.intact and status.valid and status.trusted and docmdp_ok
        checks.append(Check(f"signature:{sig.field_name}", ok,
                            f"chữ ký '{sig.field_name}' ({when}): " + ", ".join(parts)))
    return checks, info


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader
    return [re.sub(r"\s+", " ", p.extract_text() or "").strip()
            for p in PdfReader(io.BytesIO(data)).pages]


def reproduce_check(pdf, raw: bytes, templates: Path) -> Check:
    """Rebuild from the attached YAML with `templates` and compare the text."""
    from ..build.pipeline import make_document
    from ..data.dataset import find_entries
    from ..errors import DataError
    from ..project import Project
    from ..writers import pdf as pdf_writer

    slug, files = pdffile.report_files(pdf)
    source = pdffile.source_file(pdf)
    if not slug or not source or "province.yaml" not in files:
        return Check("reproduces", False, "tệp không đính kèm đủ số liệu (tệp kỳ báo cáo và "
                     "province.yaml) để dựng lại")
    with tempfile.TemporaryDirectory(prefix="reportgen-verify-") as tmp:
        folder = Path(tmp) / "data" / slug
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        project = Project(data=Path(tmp) / "data", templates=templates)
        entry = next((e for e in find_entries(project.data) if e.path.name == source), None)
        if entry is None:
            return Check("reproduces", False, f"tệp số liệu đính kèm '{source}' không có tên kỳ "
                         "hợp lệ")
        from ..data.assets import CHECK_IMAGES
        token = CHECK_IMAGES.set(False)
        try:
            doc = make_document(project, entry)
            css = (templates / "style" / "print.css").read_text(encoding="utf-8")
            rebuilt = pdf_writer.render(doc, css=css, assets=[templates], archival=False)
        except DataError as exc:
            return Check("reproduces", False, "số liệu đính kèm không dựng lại được báo cáo: "
                         + str(exc).splitlines()[0])
        except ReportgenError as exc:
            return Check("reproduces", False, f"không dựng lại được báo cáo: {exc}")
        finally:
            CHECK_IMAGES.reset(token)
    mine, theirs = _page_texts(raw), _page_texts(rebuilt)
    if mine == theirs:
        return Check("reproduces", True, f"số liệu đính kèm dựng lại đúng văn bản ({len(mine)} "
                     f"trang, mẫu trong {templates})")
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if a != b:
            k = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            return Check("reproduces", False,
                         f"văn bản khác với bản dựng lại từ số liệu đính kèm ở trang {i + 1}: "
                         f"«…{a[max(0, k - 30):k + 40]}…» / dựng lại: «…{b[max(0, k - 30):k + 40]}…»")
    return Check("reproduces", False, f"số trang khác: tệp {len(mine)}, dựng lại {len(theirs)}")


def verify_file(path: Path, roots: list, templates: Path) -> Verdict:
    raw = pdffile.read_input(path)
    pdf = pdffile.open_pdf(raw, str(path))
    verdict = Verdict(str(path))
    sig_checks, verdict.signatures = signature_checks(raw, roots)
    verdict.checks.extend(sig_checks)
    verdict.checks.extend(_guarded("pdfa", lambda: pdffile.pdfa_checks(pdf, raw)))
    verdict.checks.append(pdffile.unchanged_since_build(pdf))
    verdict.checks.extend(_guarded("reproduces", lambda: [reproduce_check(pdf, raw, templates)]))
    return verdict


def _guarded(key: str, fn) -> list[Check]:
    """A damaged file makes a check fail with the reader's words, never a crash."""
    try:
        return fn()
    except ReportgenError:
        raise
    except Exception as exc:  # any reader error on a damaged file (pikepdf, pypdf, zlib…)
        return [Check(key, False, f"không đọc được tệp để kiểm tra ({type(exc).__name__}: "
                      f"{exc}): tệp hỏng hoặc đã bị sửa")]
