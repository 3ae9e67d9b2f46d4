"""Publishing: tagged PDF/A-3 with its data attached, the reserved signature field,
`reportgen sign` (PAdES, pyHanko) and `reportgen verify`.

One Bắc Kạn 2022 report is built per module (with signature and seal images made here), then
signed with keys made at test time (tests/pki.py). veraPDF is not available on these machines:
the PDF/A checks are structural (identification, XMP, output intent, fonts, encryption, tags).
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.publish import pdffile
from reportgen.publish.sign import AGENCY_FIELD, agency_rect
from reportgen.writers.archival import SIGNATURE_FIELD

import pki
from seeded import pdf_words

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1672876800"  # 2023-01-05


def run(project: Path, *args: str, env: dict[str, str] | None = None, input=None):
    return CliRunner().invoke(main, ["--data", str(project / "data"), "--templates",
                                     str(project / "templates"), *args],
                              env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}, input=input,
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("publish")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", root / "data" / "bac-kan")
    shutil.copytree(ROOT / "data" / "cao-bang", root / "data" / "cao-bang")  # has a chart
    folder = root / "data" / "bac-kan"
    pki.signature_png(folder / "chu-ky.png")
    pki.seal_png(folder / "dau.png")
    text = (folder / "province.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: Hoàng Hà Bắc\n", "  name: Hoàng Hà Bắc\n  signature_image: chu-ky.png\n")
    (folder / "province.yaml").write_text(text + "seal_image: dau.png\n", encoding="utf-8")
    keys = root / "keys"
    keys.mkdir()
    ca = pki.make_ca(keys)
    pki.make_signer(keys, ca, "Hoàng Hà Bắc", "giam-doc.p12")
    pki.make_signer(keys, ca, "Văn thư Sở Công Thương", "co-quan.p12")
    (keys / "pw").write_bytes(pki.PASSWORD + b"\n")
    other = keys / "other"
    other.mkdir()
    pki.make_ca(other, "CA khác")
    res = run(root, "build", "--all", "--format", "pdf,html", "--out", str(root / "output"))
    assert res.exit_code == 0, res.output
    return root


@pytest.fixture(scope="module")
def built(project) -> Path:
    return project / "output" / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.pdf"


@pytest.fixture(scope="module")
def signed(project, built) -> tuple[Path, Path]:
    """(signed by the director, then also by the agency)."""
    one = project / "mot-chu-ky.pdf"
    two = project / "hai-chu-ky.pdf"
    keys = project / "keys"
    res = run(project, "sign", str(built), "--pkcs12", str(keys / "giam-doc.p12"),
              "--password-file", str(keys / "pw"), "--out", str(one))
    assert res.exit_code == 0, res.output
    res = run(project, "sign", str(one), "--pkcs12", str(keys / "co-quan.p12"),
              "--password-file", str(keys / "pw"), "--agency", "--out", str(two))
    assert res.exit_code == 0, res.output
    return one, two


# ------------------------------------------------------------------ PDF/A-3, XMP, data
def test_pdfa3_identification_xmp_and_output_intent(built):
    pdf = pikepdf.open(built)
    xmp = pdf.Root.Metadata.read_bytes().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "<rdf:li>vi</rdf:li>" in xmp and "<dc:language>" in xmp
    assert "Kết quả thực hiện nhiệm vụ năm 2022" in xmp  # dc:title
    assert "<rdf:li>Sở Công Thương Bắc Kạn</rdf:li>" in xmp  # dc:creator: the agency
    assert "<xmp:CreateDate>2023-01-05T00:00:00Z</xmp:CreateDate>" in xmp  # SOURCE_DATE_EPOCH
    assert str(pdf.docinfo.CreationDate).startswith("D:20230105")
    assert str(pdf.Root.Lang) == "vi"
    intent = pdf.Root.OutputIntents[0]
    assert str(intent.S) == "/GTS_PDFA1" and "sRGB" in str(intent.OutputConditionIdentifier)
    assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile
    fonts = pdffile.font_list(pdf)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert not pdf.is_encrypted
    assert all(c.ok for c in pdffile.pdfa_checks(pdf, built.read_bytes()))


def test_attached_data_equal_the_files_byte_for_byte(project, built):
    pdf = pikepdf.open(built)
    files = {name: (data, rel) for name, data, rel in pdffile.embedded_files(pdf)}
    folder = project / "data" / "bac-kan"
    assert files["bac-kan_2022.yaml"] == ((folder / "2022.yaml").read_bytes(), "Source")
    assert files["bac-kan_province.yaml"] == ((folder / "province.yaml").read_bytes(), "Data")
    af = [str(spec.UF) for spec in pdf.Root.AF]  # PDF/A-3: associated files of the document
    assert sorted(af) == ["bac-kan_2022.yaml", "bac-kan_province.yaml"]
    stream = pdf.Root.Names.EmbeddedFiles.Names[1].EF.F
    assert str(stream.Subtype) == "/application/yaml"


def test_archival_pdf_is_byte_reproducible(project, built, tmp_path):
    res = run(project, "build", "--province", "bac-kan", "--year", "2022", "--format", "pdf",
              "--out", str(tmp_path), "--force")
    assert res.exit_code == 0, res.output
    again = tmp_path / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.pdf"
    assert again.read_bytes() == built.read_bytes()


# ------------------------------------------------------------------ tags, bookmarks, alt
def _tree(pdf) -> list[tuple[str, str]]:
    """(structure type, Alt) in document order (depth first, as a screen reader reads)."""
    out = []

    def walk(elem):
        s = elem.get("/S")
        if s is not None:
            out.append((str(s)[1:], str(elem.get("/Alt", ""))))
        kids = elem.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return out


def test_structure_tree_in_reading_order(project):
    tree = _tree(pikepdf.open(project / "output" / "cao-bang" / "2021" / "bao-cao-cao-bang-2021.pdf"))
    kinds = [k for k, _ in tree]
    assert kinds[0] == "Document"
    for needed in ("H1", "H2", "P", "L", "LI", "Table", "TR", "TH", "TD", "Figure", "Form"):
        assert needed in kinds, needed
    # reading order: frame (Div, not a layout table), then Phần I, its sections, …, appendix
    assert kinds.index("H1") < kinds.index("H2") < kinds.index("Table") < kinds.index("Figure")
    assert kinds.index("Div") < kinds.index("H1")
    assert kinds.index("Form") < kinds.index("Table")  # the signature closes the body
    # the only tables left are data tables with header cells
    # a header cell per shown column (an appendix leaves out the columns empty in every row)
    assert kinds[1] == "Div" and kinds.count("Table") >= 1 and kinds.count("TH") >= 7
    alt = dict((k, a) for k, a in tree if k == "Figure")["Figure"]
    assert alt.startswith("Biểu đồ") and "kế hoạch" in alt and re.search(r"\d+,\d+%", alt)


def test_bookmarks_for_parts_and_sections(built):
    with pikepdf.open(built).open_outline() as outline:
        top = [(item.title, [c.title for c in item.children]) for item in outline.root]
    assert top[0][0].startswith("Phần I") and "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2022" in top[0][0]
    assert "II. Sản xuất công nghiệp" in top[0][1]
    assert top[1][0].startswith("Phần II")


def test_html_chart_has_text_alternative(project):
    html = (project / "output" / "cao-bang" / "2021" / "bao-cao-cao-bang-2021.html").read_text()
    m = re.search(r'<svg[^>]*role="img" aria-label="([^"]+)"><title>([^<]+)</title>', html)
    assert m and m[1] == m[2] and m[1].startswith("Biểu đồ thanh ngang")


def test_empty_signature_field_between_title_and_name(built):
    pdf = pikepdf.open(built)
    field = pdf.Root.AcroForm.Fields[0]
    assert str(field.T) == SIGNATURE_FIELD and str(field.FT) == "/Sig" and "/V" not in field
    page_index, (x1, y1, x2, y2) = pdffile.signature_field_rect(pdf)
    words = _words(built, page_index + 1)
    height = float(pdf.pages[page_index].MediaBox[3])
    title = next(w for w in words if w[0] == "GIÁM")
    name = next(w for w in words if w[0] == "Hoàng" and w[1] > title[1])
    # PDF y grows upwards; pdftotext's from the top
    assert height - title[2] >= y2 - 1 and y1 >= height - name[1] - 1
    assert x1 < title[3] < x2  # under the title, centred with it
    widget = pdf.Root.AcroForm.Fields[0]
    assert "/AP" in widget and int(widget.F) == 4 and "/StructParent" in widget


def _words(path: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(word, yMin, yMax, x centre) of a page, from pdftotext -bbox."""
    return [(w, y0, y1, (x0 + x1) / 2) for p, x0, y0, x1, y1, w in pdf_words(path.read_bytes())
            if p == page]


# ------------------------------------------------------------------ sign / verify
def _valid_signatures(pdf: Path, ca: Path) -> list:
    """The two embedded signatures (director's, agency's) of `pdf`, each asserted intact,
    valid and trusted by pyHanko against the root `ca`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from reportgen.publish.verify import load_roots

    roots = load_roots([ca])
    sigs = PdfFileReader(io.BytesIO(pdf.read_bytes())).embedded_signatures
    assert [s.field_name for s in sigs] == [SIGNATURE_FIELD, AGENCY_FIELD]
    for sig in sigs:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.docmdp_ok
    return sigs


def test_signatures_validate_against_the_test_root(project, signed):
    one, two = signed
    _valid_signatures(two, project / "keys" / "ca.pem")
    # the director's signature covers the first revision only: the agency's is an update
    assert two.read_bytes().startswith(one.read_bytes())


def test_verify_all_hold(project, signed):
    res = run(project, "verify", str(signed[1]), "--trust", str(project / "keys" / "ca.pem"))
    assert res.exit_code == 0, res.output
    assert "nguyên vẹn, của Common Name: Hoàng Hà Bắc" in res.output
    assert "PDF/A-3a" in res.output and "dựng lại đúng văn bản" in res.output


def test_verify_json_and_untrusted_root(project, signed):
    import json
    res = run(project, "verify", str(signed[1]), "--trust",
              str(project / "keys" / "other" / "ca.pem"), "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["ok"] is False
    assert [s["intact"] for s in data["signatures"]] == [True, True]
    assert [s["trusted"] for s in data["signatures"]] == [False, False]
    ok = {c["key"]: c["ok"] for c in data["checks"]}
    assert ok["reproduces"] and ok["unchanged"] and ok["fonts_embedded"] and ok["pdfa_claim"]


def test_one_flipped_byte_in_the_signed_range_fails(project, signed, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader
    raw = bytearray(signed[0].read_bytes())
    sig = PdfFileReader(io.BytesIO(bytes(raw))).embedded_signatures[0]
    start, length = sig.byte_range[0], sig.byte_range[1]
    # a byte in the signed range, inside a compressed stream (not a structural keyword)
    pos = raw.index(b">>\nstream\n", start + 2000) + 200
    assert pos < start + length
    raw[pos] ^= 0x01
    bad = tmp_path / "sua.pdf"
    bad.write_bytes(bytes(raw))
    res = run(project, "verify", str(bad), "--trust", str(project / "keys" / "ca.pem"))
    assert res.exit_code == 1
    assert "KHÔNG nguyên vẹn (nội dung đã ký bị thay đổi), của Common Name: Hoàng Hà Bắc" \
        in res.output


def test_sign_never_rewrites_the_input_and_refuses_a_changed_file(project, built, tmp_path):
    before = built.read_bytes()
    keys = project / "keys"
    res = run(project, "sign", str(built), "--pkcs12", str(keys / "giam-doc.p12"),
              "--password-file", str(keys / "pw"), "--out", str(built))
    assert res.exit_code == 2 and "--in-place" in res.output
    assert built.read_bytes() == before
    # a page edited after build (one number in a content stream)
    pdf = pikepdf.open(io.BytesIO(before))
    page = pdf.pages[0]
    page.Contents.write(page.Contents.read_bytes().replace(b"BT", b"BT ", 1))
    changed = tmp_path / "da-sua.pdf"
    pdf.save(changed)
    res = run(project, "sign", str(changed), "--pkcs12", str(keys / "giam-doc.p12"),
              "--password-file", str(keys / "pw"), "--out", str(tmp_path / "x.pdf"))
    assert res.exit_code == 1 and "đã bị sửa sau khi reportgen build" in res.output
    assert not (tmp_path / "x.pdf").exists()
    # a wrong password
    (tmp_path / "sai").write_text("sai\n")
    res = run(project, "sign", str(built), "--pkcs12", str(keys / "giam-doc.p12"),
              "--password-file", str(tmp_path / "sai"), "--out", str(tmp_path / "y.pdf"))
    assert res.exit_code == 1 and "sai mật khẩu" in res.output and "Traceback" not in res.output


def test_seal_covers_the_left_third_of_the_signature(project, signed):
    pdf = pikepdf.open(signed[1])
    rects = {str(f.T): [float(v) for v in f.Rect] for f in pdf.Root.AcroForm.Fields}
    field = rects[SIGNATURE_FIELD]
    box, d = agency_rect(tuple(field), project / "data" / "bac-kan" / "chu-ky.png", 36)
    assert rects[AGENCY_FIELD] == pytest.approx(list(box), abs=0.01)
    # the signature image (400×160) fills the field's height (60 pt): 150 pt wide, centred
    img_left = field[0] + ((field[2] - field[0]) - 150) / 2
    seal_right = rects[AGENCY_FIELD][0] + d
    assert seal_right == pytest.approx(img_left + 150 / 3, abs=0.5)
    assert d == pytest.approx(36 * 72 / 25.4)  # the seal at its real size
    # the signing information, in the agency's appearance: name and time with +07:00
    res = run(project, "verify", str(signed[1]), "--format", "json")
    import json
    times = [s["time"] for s in json.loads(res.output)["signatures"]]
    assert all(t.endswith("+07:00") for t in times)


# ------------------------------------------------------------------ signature assets
PROVINCE = """\
name: Tỉnh Mẫu
parent_agency: UBND TỈNH MẪU
place: Tỉnh Mẫu
signer:
  authority: [KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC]
  name: Nguyễn Văn A
  signature_image: {signature}
recipients:
  - 'Lưu: VT'
seal_image: {seal}
"""


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 100), "không phải ảnh PNG"),
    (lambda p: __import__("PIL.Image").Image.new("RGB", (400, 160), "white").save(p),
     "không có nền trong suốt"),
    (lambda p: __import__("PIL.Image").Image.new("RGBA", (20, 8)).save(p), "kích thước bất thường"),
    (lambda p: None, "không có tệp"),
])
def test_bad_signature_image_is_a_finding_at_its_line(tmp_path, make, words):
    from reportgen.data.dataset import load_province
    folder = tmp_path / "tinh-mau"
    folder.mkdir()
    make(folder / "chu-ky.png")
    pki.seal_png(folder / "dau.png")
    (folder / "province.yaml").write_text(PROVINCE.format(signature="chu-ky.png", seal="dau.png"),
                                          encoding="utf-8")
    province, findings, _ = load_province(tmp_path, "tinh-mau")
    assert province.signer.authority == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    [f] = findings
    assert (f.code, f.line, f.column) == ("RG150", 7, 20) and words in f.message, str(f)
    assert str(f).startswith(f"{f.file}:7:20: lỗi RG150 ảnh chữ ký")


def test_seal_outside_the_province_folder_and_good_images(tmp_path):
    from reportgen.data.dataset import load_province
    folder = tmp_path / "tinh-mau"
    folder.mkdir()
    pki.signature_png(folder / "chu-ky.png")
    pki.seal_png(folder / "dau.png")
    (folder / "province.yaml").write_text(PROVINCE.format(signature="chu-ky.png",
                                                          seal="../../dau.png"), encoding="utf-8")
    _, findings, _ = load_province(tmp_path, "tinh-mau")
    assert [(f.code, f.line) for f in findings] == [("RG150", 10)]
    assert "trong thư mục của tỉnh" in findings[0].message
    (folder / "province.yaml").write_text(PROVINCE.format(signature="chu-ky.png", seal="dau.png"),
                                          encoding="utf-8")
    assert load_province(tmp_path, "tinh-mau")[1] == []


# ------------------------------------------------------------------ PKCS#11 (SoftHSM2 tokens)
PIN = "246810"
DIRECTOR_TOKEN = "GIÁM ĐỐC SỞ"  # a Vietnamese label: PKCS#11 labels are UTF-8
AGENCY_TOKEN = "Văn thư"


@pytest.fixture(scope="module")
def tokens(project, tmp_path_factory):
    """SoftHSM2 tokens in a token folder of their own: the director's (EC key, signed through
    the raw ECDSA mechanism SoftHSM2 offers) and the agency's (RSA 2048, as Vietnamese CAs
    issue), key and certificate from the test CA, an empty one, one with a key but no certificate, one
    with two keys. Returns (library, environment, folder with the PIN file)."""
    lib = pki.softhsm_lib()
    if lib is None:
        pytest.skip("SoftHSM2 is not installed (Debian package softhsm2, which "
                    "scripts/setup.sh installs for the tests): the PKCS#11 path is not tested")
    folder = tmp_path_factory.mktemp("softhsm")
    env = pki.softhsm_conf(folder)
    ca = pki.load_ca(project / "keys")
    key, cert = pki.make_key_and_cert(ca, "Hoàng Hà Bắc")
    pki.softhsm_token(folder, env, lib, DIRECTOR_TOKEN, PIN, key, cert)
    key, cert = pki.make_key_and_cert(ca, "Văn thư Sở Công Thương", rsa_bits=2048)
    pki.softhsm_token(folder, env, lib, AGENCY_TOKEN, PIN, key, cert, object_label="van-thu")
    pki.softhsm_token(folder, env, lib, "Token trong", PIN)
    pki.softhsm_token(folder, env, lib, "Chi co khoa", PIN, key=key)
    pki.softhsm_token(folder, env, lib, "Hai khoa", PIN, key, cert, object_label="a")
    pki.softhsm_token(folder, env, lib, "Hai khoa", PIN, key, cert, object_label="b",
                      object_id="02", init=False)
    (folder / "pin").write_text(PIN + "\n")
    return lib, env, folder


def test_pkcs11_sign_then_verify_against_the_test_root(project, built, tokens, tmp_path):
    """Director's signature from one token (PIN from a file), the agency's from another (PIN
    from standard input), then verify and pyHanko's validation against the test root."""
    lib, env, folder = tokens
    one, two = tmp_path / "mot.pdf", tmp_path / "hai.pdf"
    res = run(project, "sign", str(built), "--pkcs11-lib", lib, "--token-label", DIRECTOR_TOKEN,
              "--password-file", str(folder / "pin"), "--out", str(one), env=env)
    assert res.exit_code == 0, res.output
    assert "đã ký (người có thẩm quyền: Common Name: Hoàng Hà Bắc" in res.output
    res = run(project, "sign", str(one), "--pkcs11-lib", lib, "--token-label", AGENCY_TOKEN,
              "--password-file", "-", "--agency", "--out", str(two), env=env, input=PIN + "\n")
    assert res.exit_code == 0, res.output
    assert PIN not in res.output
    res = run(project, "verify", str(two), "--trust", str(project / "keys" / "ca.pem"))
    assert res.exit_code == 0, res.output
    assert "nguyên vẹn, của Common Name: Hoàng Hà Bắc" in res.output
    assert "nguyên vẹn, của Common Name: Văn thư Sở Công Thương" in res.output
    sigs = _valid_signatures(two, project / "keys" / "ca.pem")
    # the certificate the signature carries is the one on the token
    assert sigs[0].signer_cert.subject.native["common_name"] == "Hoàng Hà Bắc"
    assert two.read_bytes().startswith(one.read_bytes()) and built.read_bytes() == \
        one.read_bytes()[:len(built.read_bytes())]


@pytest.mark.parametrize("label, pin, extra, code, words", [
    (DIRECTOR_TOKEN, "135790", [], 1, ["sai mã PIN của token 'GIÁM ĐỐC SỞ'", "--password-file"]),
    ("Token khong co", PIN, [], 1, ["không có token nhãn 'Token khong co'",
                                    "'GIÁM ĐỐC SỞ'", "'Văn thư'"]),
    ("Token trong", PIN, [], 1, ["token 'Token trong' không có khoá bí mật dùng để ký"]),
    ("Chi co khoa", PIN, [], 1, ["token 'Chi co khoa' có khoá 'chu-ky-so' nhưng không có "
                                 "chứng thư số đi kèm"]),
    ("Hai khoa", PIN, [], 1, ["có 2 khoá ký ('a', 'b'): chọn một bằng --key-label"]),
    ("Hai khoa", PIN, ["--key-label", "c"], 1, ["không có khoá nhãn 'c'", "'a', 'b'"]),
    (DIRECTOR_TOKEN, None, [], 1, ["token 'GIÁM ĐỐC SỞ' cần mã PIN", "--password-file -"]),
])
def test_pkcs11_errors_are_messages(project, built, tokens, tmp_path, label, pin, extra, code,
                                    words):
    lib, env, _ = tokens
    args = ["sign", str(built), "--pkcs11-lib", lib, "--token-label", label, *extra,
            "--out", str(tmp_path / "x.pdf")]
    if pin is not None:
        (tmp_path / "pin").write_text(pin + "\n")
        args += ["--password-file", str(tmp_path / "pin")]
    res = run(project, *args, env=env)
    assert res.exit_code == code, res.output
    for w in words:
        assert w in res.output, res.output
    assert "Traceback" not in res.output and "lỗi nội bộ" not in res.output
    assert pin is None or pin not in res.output  # the PIN is never echoed
    assert not (tmp_path / "x.pdf").exists()


def test_pkcs11_library_that_is_not_one(project, built, tokens, tmp_path):
    _, env, folder = tokens
    for lib, code, words in [(str(tmp_path / "khong-co.so"), 2, "không có thư viện PKCS#11"),
                             (str(folder / "pin"), 1, "không nạp được thư viện PKCS#11")]:
        res = run(project, "sign", str(built), "--pkcs11-lib", lib, "--token-label", "x",
                  "--password-file", str(folder / "pin"), "--out", str(tmp_path / "x.pdf"),
                  env=env)
        assert res.exit_code == code and words in res.output, res.output
        assert "Traceback" not in res.output


def test_no_pin_on_the_command_line(project):
    """The PIN has no option of its own: a file, standard input, or a hidden prompt."""
    res = run(project, "sign", "--help")
    assert "--password-file" in res.output and "--pin" not in res.output
    assert "Không có cách ghi mã PIN trên dòng lệnh" in " ".join(res.output.split())


def test_pkcs11_pin_typed_at_a_hidden_prompt(project, built, tokens, tmp_path):
    """No --password-file on a terminal: the PIN is asked for and not echoed."""
    import os
    import pty
    import subprocess
    import sys
    import time

    lib, env, _ = tokens
    out = tmp_path / "ky.pdf"
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", "from reportgen.cli import main; main()", "--data",
         str(project / "data"), "--templates", str(project / "templates"), "sign", str(built),
         "--pkcs11-lib", lib, "--token-label", DIRECTOR_TOKEN, "--out", str(out)],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,  # no other terminal
        env={**os.environ, **env, "SOURCE_DATE_EPOCH": EPOCH})
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 120
    while b"PIN" not in seen and time.monotonic() < deadline:
        seen += os.read(master, 1024)
    os.write(master, PIN.encode() + b"\n")
    while True:
        try:
            chunk = os.read(master, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert child.wait(timeout=120) == 0, seen.decode(errors="replace")
    text = seen.decode()
    assert text.startswith("Mã PIN token:") and "đã ký (người có thẩm quyền" in text
    assert PIN not in text  # not echoed
    os.close(master)
    assert out.is_file()


def test_agency_widget_is_tagged_after_the_directors(signed):
    """Both signature widgets are in the structure tree (tagged PDF/A-3a): a Form element each,
    the agency's right after the director's, found again through the widgets' StructParent."""
    pdf = pikepdf.open(signed[1])
    widgets = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
    forms = []

    def walk(elem):
        kids = elem.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") == "/OBJR":
                continue
            if kid.get("/S") == "/Form":
                forms.append((elem, kid))
            walk(kid)

    walk(pdf.Root.StructTreeRoot)
    assert len(forms) == 2
    (parent1, first), (parent2, second) = forms
    assert parent1.objgen == parent2.objgen  # siblings, the agency's next in reading order
    kids = list(parent1.K)
    assert [k.objgen for k in kids].index(second.objgen) == \
        [k.objgen for k in kids].index(first.objgen) + 1
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for name, form in [(SIGNATURE_FIELD, first), (AGENCY_FIELD, second)]:
        widget = widgets[name]
        objr = form.K if isinstance(form.K, pikepdf.Dictionary) else list(form.K)[0]
        assert objr.Type == "/OBJR" and objr.Obj.objgen == widget.objgen
        assert parent_tree[int(widget.StructParent)].objgen == form.objgen
        assert str(form.Alt).startswith("Chữ ký số")
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > int(widgets[AGENCY_FIELD].StructParent)
