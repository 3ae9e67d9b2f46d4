"""What `reportgen preview` shows (`preview.py` serves it): the page around the report's
pages (a bar with the heading, links and status, the findings of the data with file:line and
the line's text, the reload script that keeps the scroll position), and the page pictures
drawn from the PDF (pypdfium2), a page whose pixels did not change keeping its PNG.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import Optional

from ..errors import Finding, ReportgenError

PAGE_DPI = 96        # one CSS pixel per pixel on a usual screen: A4 is 794 × 1123

_SCRIPT = """<script>
/* reportgen preview: reload when a data file, template or stylesheet changes, keeping the
   scroll position */
(function () {
  var version = "%s";
  var key = "reportgen-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    var xy = saved.split(",");
    window.scrollTo(+xy[0], +xy[1]);
  }
  function keep() { sessionStorage.setItem(key, window.scrollX + "," + window.scrollY); }
  window.addEventListener("scroll", keep, {passive: true});
  window.addEventListener("beforeunload", keep);
  function wait() {
    fetch("/version?cho=" + encodeURIComponent(version), {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (v !== version) { keep(); location.reload(); } else { wait(); }
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>
"""

_STYLE = """
body { margin: 0; background: #e8e8e8; font-family: sans-serif; color: #222; }
#reportgen-bar { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid #bbb;
  padding: 6px 16px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
#reportgen-bar strong { font-size: 15px; }
#reportgen-bar a { color: #1f4e79; }
#reportgen-findings { max-width: 794px; margin: 16px auto 0; }
.finding { background: #fff; border-left: 5px solid #c55a11; margin: 0 0 8px; padding: 6px 10px; }
.finding.loi { border-left-color: #b00020; }
.finding .where { font-family: monospace; font-weight: bold; }
.finding .kind { text-transform: uppercase; font-size: 12px; font-weight: bold; }
.finding.loi .kind { color: #b00020; } .finding.canh-bao .kind { color: #a04000; }
.finding pre { margin: 4px 0 0; padding: 4px 6px; background: #f4f4f4; white-space: pre-wrap; }
.pages { padding: 16px 0 32px; }
.page { display: block; margin: 0 auto 16px; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.35); }
.note { max-width: 794px; margin: 16px auto; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<div id="reportgen-bar"><strong>{heading}</strong>{links}<span id="reportgen-status">{status}</span></div>
{findings}
{body}
</body>
</html>
"""


def inject(page: str, version: str) -> str:
    """The page with the reload script before ``</body>``."""
    script = _SCRIPT % version
    at = page.rfind("</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def line_text(file: Optional[str], line: int) -> Optional[str]:
    """The text of line `line` of `file` (for a finding), or None."""
    if not file or line <= 0:
        return None
    try:
        with open(file, encoding="utf-8", errors="replace") as fh:
            for n, text in enumerate(fh, start=1):
                if n == line:
                    text = text.rstrip("\r\n")
                    return text if len(text) <= 300 else text[:300] + "…"
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class Shown:
    """One message on the page: where, how bad, what."""

    where: str
    error: bool
    code: str
    message: str
    text: Optional[str]  # the line it points at

    @classmethod
    def of_finding(cls, f: Finding) -> "Shown":
        where = f.file + (f":{f.line}" if f.line else "") + (f":{f.column}" if f.line and f.column else "")
        return cls(where, f.is_error, f.code, f.message, line_text(f.file, f.line))

    @classmethod
    def of_error(cls, exc: ReportgenError) -> "Shown":
        where = (exc.file or "") + (f":{exc.line}" if exc.file and exc.line else "")
        return cls(where, True, exc.code, exc.message, line_text(exc.file, exc.line))


def findings_html(shown: list["Shown"]) -> str:
    if not shown:
        return ""
    out = ['<div id="reportgen-findings">']
    for s in shown:
        kind = "lỗi" if s.error else "cảnh báo"
        cls = "loi" if s.error else "canh-bao"
        text = f"<pre>{html.escape(s.text)}</pre>" if s.text is not None else ""
        out.append(f'<div class="finding {cls}"><span class="where">{html.escape(s.where)}</span> '
                   f'<span class="kind">{kind}</span> {html.escape(s.code)} '
                   f'{html.escape(s.message)}{text}</div>')
    out.append("</div>")
    return "\n".join(out)


def page_html(version: str, heading: str, links: str, status: str, body: str,
              shown: list[Shown]) -> bytes:
    """A preview page: the bar (heading, links, status), the findings, `body`, the reload
    script."""
    text = _PAGE.format(title=html.escape(f"{heading} (xem trước)"), style=_STYLE,
                        heading=html.escape(heading), links=links, status=html.escape(status),
                        findings=findings_html(shown), body=body)
    return inject(text, version).encode("utf-8")


Picture = tuple[bytes, tuple[int, int]]  # PNG bytes and size in pixels


def rasterize(pdf: bytes, dpi: int = PAGE_DPI, known: Optional[dict[str, Picture]] = None
              ) -> tuple[list[bytes], list[tuple[int, int]], list[str]]:
    """Each page of the PDF as PNG bytes, its size in pixels, and a digest of its pixels.
    `known`: pictures of earlier renders by digest; a page drawn with the same pixels reuses
    its PNG (encoding is most of the cost of drawing a page)."""
    import io

    import pypdfium2 as pdfium

    known = known or {}
    doc = pdfium.PdfDocument(pdf)
    pages, sizes, keys = [], [], []
    try:
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72)
            digest = hashlib.sha1(f"{bitmap.width}x{bitmap.height}x{bitmap.stride}:".encode())
            digest.update(bitmap.buffer)
            key = digest.hexdigest()[:20]
            if key in known:
                png, size = known[key]
            else:
                image = bitmap.to_pil()
                buf = io.BytesIO()
                image.save(buf, format="PNG", compress_level=1)
                png, size = buf.getvalue(), image.size
            pages.append(png)
            sizes.append(size)
            keys.append(key)
            page.close()
    finally:
        doc.close()
    return pages, sizes, keys
