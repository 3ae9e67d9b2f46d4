"""The signature assets a province file names: the signer's signature image and the agency's
seal image (Nghị định 30/2020, Phụ lục I: PNG with a transparent background). A bad image is
a finding at the line of province.yaml that names it (RG150), never a crash at signing time.
"""
from __future__ import annotations

import contextvars
import stat
from pathlib import Path
from typing import Optional

from ..errors import ERROR, Finding, display_path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 2_000_000
MIN_PX, MAX_PX = 60, 5000
CODE = "RG150"
# `verify` rebuilds a report from the YAML attached to a PDF, without the images (they change
# no text): it turns the image checks off while it does
CHECK_IMAGES: contextvars.ContextVar[bool] = contextvars.ContextVar("check_images", default=True)

# what each image is: (key path in province.yaml, name in messages, aspect ratio range w/h)
ASSETS = {
    "signature": (("signer", "signature_image"), "ảnh chữ ký", (0.8, 8.0)),
    "seal": (("seal_image",), "ảnh dấu", (0.8, 1.25)),
}


def image_problem(path: Path, aspect: tuple[float, float]) -> Optional[str]:
    """What is wrong with the image at `path` (None when it is usable)."""
    from PIL import Image

    try:
        st = path.stat()
    except OSError:
        return f"không có tệp {path.name} trong thư mục của tỉnh"
    if not stat.S_ISREG(st.st_mode):
        return f"{path.name} không phải tệp thường"
    if st.st_size > MAX_BYTES:
        return (f"{path.name} quá lớn ({st.st_size:,} byte, tối đa {MAX_BYTES:,}): lưu lại ảnh "
                "nhỏ hơn (vài trăm điểm ảnh mỗi chiều là đủ)").replace(",", ".")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head != PNG_MAGIC:
        return (f"{path.name} không phải ảnh PNG: Nghị định 30/2020 yêu cầu định dạng .png "
                "nền trong suốt; xuất lại ảnh dưới dạng PNG")
    try:
        with Image.open(path) as img:
            img.load()
            w, h = img.size
            if not (MIN_PX <= w <= MAX_PX and MIN_PX <= h <= MAX_PX):
                return (f"{path.name} có kích thước bất thường ({w}×{h} điểm ảnh): mỗi chiều "
                        f"từ {MIN_PX} đến {MAX_PX} điểm ảnh")
            if not aspect[0] <= w / h <= aspect[1]:
                return (f"{path.name} có tỷ lệ {w}×{h} bất thường cho ảnh này: cắt sát ảnh, "
                        "bỏ phần thừa")
            alpha = None
            if img.mode in ("RGBA", "LA", "PA"):
                alpha = img.getchannel("A")
            elif img.mode == "P" and "transparency" in img.info:
                alpha = img.convert("RGBA").getchannel("A")
            if alpha is None or alpha.getextrema()[0] == 255:
                return (f"{path.name} không có nền trong suốt: xoá nền trắng và lưu PNG có kênh "
                        "alpha (nền trong suốt)")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"không đọc được ảnh {path.name} ({exc}): lưu lại ảnh PNG"
    return None


def asset_path(folder: Path, name: str) -> Optional[Path]:
    """The image inside the province folder; None for a path that leaves it."""
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or not name.strip():
        return None
    return folder / p


def check_assets(province, loaded, folder: Path) -> list[Finding]:
    """Findings for the images `province` names (positions from `loaded`)."""
    findings: list[Finding] = []
    if not CHECK_IMAGES.get():
        return findings
    values = {"signature": getattr(province.signer, "signature_image", None),
              "seal": getattr(province, "seal_image", None)}
    for kind, (keys, label, aspect) in ASSETS.items():
        name = values[kind]
        if not name:
            continue
        line, col = loaded.where(keys)
        path = asset_path(folder, name)
        problem = (f"{label} '{name}' phải là tên tệp trong thư mục của tỉnh (không dùng đường "
                   "dẫn tuyệt đối hay '..')") if path is None else image_problem(path, aspect)
        if problem:
            findings.append(Finding(display_path(loaded.path), line, col, CODE, ERROR,
                                    f"{label}: {problem}" if path is not None else problem))
    return findings
