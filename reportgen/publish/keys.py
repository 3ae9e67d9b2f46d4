"""Where a signature's key comes from: a PKCS#12 file (.p12/.pfx) or a PKCS#11 token (the USB
tokens Vietnamese agencies hold their certificates on), and the password or PIN that opens it,
which never comes from the command line. Each failure is a Vietnamese message naming the file
or token; `sign.py` lays the signature out and writes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import ReportgenError, UsageError


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


def pkcs12_signer(src: KeySource):
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


def _pin_locked(label: str) -> SignError:
    return SignError(f"mã PIN của token '{label}' đã bị khoá (nhập sai quá số lần cho phép): "
                     "mở khoá bằng phần mềm của nhà cung cấp token")


def pkcs11_signer(src: KeySource):
    """A pyHanko signer on the token labelled `src.token_label`: the user logs in with the
    PIN, the signing key is the one private key on the token that may sign (or the one
    named by `key_label`), its certificate the one with the same CKA_ID (or label). Every
    failure is a message naming the token; the session is returned to be closed."""
    try:
        import pkcs11
        from pkcs11 import TokenFlag
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
        raise _pin_locked(label)
    try:
        session = token.open(user_pin=pin) if pin is not None else token.open()
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinInvalid):
        warn = ""
        if token.flags & (TokenFlag.USER_PIN_FINAL_TRY | TokenFlag.USER_PIN_COUNT_LOW):
            warn = " Token sắp khoá mã PIN: kiểm tra kỹ trước khi thử lại."
        raise SignError(f"sai mã PIN của token '{label}' ({PIN_HELP}); token thường khoá sau "
                        f"vài lần nhập sai.{warn}") from None
    except pkcs11.PinLocked:
        raise _pin_locked(label) from None
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
