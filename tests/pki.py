"""Test keys and images made at test time: a root CA, signer certificates (PKCS#12) and the
signature and seal PNGs a province file names. Nothing here is a real key or a real seal."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = b"mat-khau-thu"


def _name(cn: str, org: str = "Sở Công Thương Tỉnh Mẫu") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(folder: Path, cn: str = "CA Thử Nghiệm reportgen"):
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    pem = folder / "ca.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "ca-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return key, cert, pem


def load_ca(folder: Path):
    """The CA make_ca wrote into `folder` (to issue more certificates later)."""
    pem = folder / "ca.pem"
    key = serialization.load_pem_private_key((folder / "ca-key.pem").read_bytes(), None)
    return key, x509.load_pem_x509_certificate(pem.read_bytes()), pem


def make_signer(folder: Path, ca, cn: str, file: str) -> Path:
    """A signer's key and certificate issued by `ca`, as a PKCS#12 file `folder/file`."""
    key, cert = make_key_and_cert(ca, cn)
    ca_cert = ca[1]
    p12 = folder / file
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        cn.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(PASSWORD)))
    return p12


def make_key_and_cert(ca, cn: str, rsa_bits: int = 0):
    """A key (EC P-256, or RSA of `rsa_bits` as most Vietnamese CAs issue) and its
    certificate issued by `ca`."""
    ca_key, ca_cert, _ = ca
    key = rsa.generate_private_key(65537, rsa_bits) if rsa_bits else \
        ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=10))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_cert_sign=False, crl_sign=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def signature_png(path: Path) -> Path:
    """A blue scribble on a transparent background (a stand-in for a handwritten signature)."""
    from PIL import Image, ImageDraw
    img = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.line([(20, 120), (80, 30), (120, 130), (170, 40), (220, 120), (300, 60), (380, 90)],
           fill=(20, 40, 160, 255), width=7)
    img.save(path)
    return path


def seal_png(path: Path) -> Path:
    """A red ring with a star, transparent outside (a stand-in for a seal, marked 'MẪU')."""
    from PIL import Image, ImageDraw
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((10, 10, 390, 390), outline=(210, 20, 20, 230), width=14)
    d.ellipse((70, 70, 330, 330), outline=(210, 20, 20, 230), width=6)
    d.regular_polygon((200, 200, 70), 5, fill=(210, 20, 20, 230))
    img.save(path)
    return path


# ------------------------------------------------------------------ SoftHSM2 tokens
SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/local/lib/softhsm/libsofthsm2.so")


def softhsm_lib() -> str | None:
    """SoftHSM2's PKCS#11 library and its softhsm2-util (Debian: softhsm2), or None."""
    if not shutil.which("softhsm2-util"):
        return None
    return next((p for p in SOFTHSM_LIBS if Path(p).is_file()), None)


def softhsm_conf(folder: Path) -> dict[str, str]:
    """A SoftHSM2 configuration with its own token folder (never the system's): the
    environment that points the library and softhsm2-util at it."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
    return {"SOFTHSM2_CONF": str(conf)}


# writes one certificate object onto a token (python-pkcs11, in a child process so that the
# test process loads the PKCS#11 library only once, after every token is made)
_WRITE_CERT = """
import sys, pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, CertificateType, ObjectClass
lib, label, pin, cert_label, cert_id, der = sys.argv[1:7]
der = open(der, "rb").read()
cert = x509.Certificate.load(der)
with pkcs11.lib(lib).get_token(token_label=label).open(user_pin=pin, rw=True) as s:
    s.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                     Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                     Attribute.TOKEN: True, Attribute.PRIVATE: False,
                     Attribute.LABEL: cert_label, Attribute.ID: bytes.fromhex(cert_id),
                     Attribute.SUBJECT: cert.subject.dump(),
                     Attribute.ISSUER: cert.issuer.dump(), Attribute.VALUE: der})
"""


def softhsm_token(folder: Path, env: dict[str, str], lib: str, label: str, pin: str,
                  key=None, cert=None, object_label: str = "chu-ky-so", object_id: str = "01",
                  init: bool = True):
    """Initialise a SoftHSM2 token `label` with user PIN `pin` and put on it the private key
    (PKCS#8, through softhsm2-util) and the certificate (same label and CKA_ID), either
    optional, as a CA or a token vendor's tool lays them out (`init=False`: add to a token
    made before)."""
    full = {**os.environ, **env}

    def run(*args: str):
        done = subprocess.run(args, env=full, capture_output=True, text=True)
        assert done.returncode == 0, f"{args[:2]}: {done.stderr[-2000:]}"

    if init:
        run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
            "--so-pin", "so-" + pin)
    if key is not None:
        pem = folder / f"{object_label}-{object_id}.p8"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        run("softhsm2-util", "--import", str(pem), "--token", label, "--label", object_label,
            "--id", object_id, "--pin", pin)
        pem.unlink()
    if cert is not None:
        der = folder / f"{object_label}-{object_id}.der"
        der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        run(sys.executable, "-c", _WRITE_CERT, lib, label, pin, object_label, object_id, str(der))
