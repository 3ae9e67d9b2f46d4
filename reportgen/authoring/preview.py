"""`reportgen preview`: the report as it will print, on http://127.0.0.1:PORT/, redrawn on every
save.

A small stdlib server (http.server in threads, bound to 127.0.0.1 only, answering only
requests whose Host header names this machine's loopback: DNS rebinding) serves:

* ``/``              the pages: the PDF that `reportgen build` writes, each page drawn as a
                     picture (pypdfium2) on a grey desk, so margins, page numbers and page
                     breaks are exactly the PDF's; above them the findings of the data
                     (errors and warnings), each with file:line and the text of that line;
* ``/van-ban``       the HTML text view (the HTML writer's output), one click away;
* ``/trang/N.png?v=K`` page N of the current version, K naming its pixels: a page that a save
                     did not change keeps its K, so the browser shows it from its cache and
                     fetches only the pages that changed;
* ``/bao-cao.pdf``   the PDF itself, byte for byte the one `reportgen build` writes;
* ``/version``       a token that changes whenever a file the report depends on changes;
                     ``/version?cho=TOKEN`` waits (up to 25 s) until it differs from TOKEN.

Both pages carry a small script, injected here only (a built file never has it): it waits on
``/version?cho=…`` and reloads the page as soon as the token changes, keeping the scroll
position (sessionStorage). A watcher thread polls the modification time and size of every
input of the report (the list the build record uses) ten times a second and starts the new
render at once, before the browser asks. When the data has errors or a template is broken,
the page shows the messages (file, line, the line's text, code, what to do) instead of the
pages, and comes back by itself once the files are fixed. Nothing is written to disk. The
page markup, the findings and the page pictures are made in `preview_page.py`.

What one save costs (the process stays warm: imports, fonts, checked templates): load and
validate, make the document, lay out a plain PDF (the same pages as the built PDF, without
the tags, attachments and PDF/A metadata that do not change a pixel; the built PDF itself is
made only when /bao-cao.pdf is asked for), draw each page, and encode as PNG only the pages
whose pixels changed (the others keep their PNG and their address).
"""
from __future__ import annotations

import html
import secrets
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import parse_qs, urlsplit

from ..data.dataset import Entry
from ..errors import ReportgenError
from ..project import Project
from .preview_page import Picture, Shown, inject, page_html, rasterize

HOST = "127.0.0.1"
POLL_SECONDS = 0.1   # file watcher
WAIT_SECONDS = 25.0  # the longest a /version?cho=… request is held
PAGE_CACHE = "max-age=31536000, immutable"  # a page picture at its address never changes
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
REFUSED_HOST = ("Từ chối: bản xem trước chỉ trả lời địa chỉ http://127.0.0.1 hoặc "
                "http://localhost trên máy này.\n")

def host_allowed(host: Optional[str], port: int) -> bool:
    """Whether a request's Host header names this machine's loopback at our port."""
    if not host:
        return False
    host = host.strip().lower()
    if host.endswith("]"):
        name, given = host, ""
    else:
        name, sep, given = host.rpartition(":")
        if not sep:
            name, given = host, ""
    if name.endswith("."):
        name = name[:-1]
    if name not in LOOPBACK_NAMES:
        return False
    return (given == "" and port == 80) or given == str(port)


@dataclass
class Render:
    """What one version of the files gives: pages and text view, or the messages."""

    version: str
    ok: bool
    shown: list[Shown] = field(default_factory=list)
    pdf: bytes = b""  # the built PDF, made when first asked for (`PreviewServer.built_pdf`)
    pages: list[bytes] = field(default_factory=list)  # PNG per page
    sizes: list[tuple[int, int]] = field(default_factory=list)
    text_view: str = ""
    seconds: float = 0.0
    crash: str = ""
    name: str = ""  # "Bắc Kạn, năm 2022" once the data loads
    keys: list[str] = field(default_factory=list)  # per page, a digest of its pixels
    doc: object = None  # the Document the pages were drawn from


class PreviewServer:
    """Serve one report's pages with live reload. `start()` runs it in background threads;
    `serve_forever()` blocks (the CLI); `close()` stops both."""

    def __init__(self, project: Project, entry: Entry, port: int = 8000,
                 log: Optional[Callable[[str], None]] = None, poll_seconds: float = POLL_SECONDS):
        self.project = project
        self.entry = entry
        self.poll_seconds = poll_seconds
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self._token = secrets.token_hex(4)  # a restarted server reloads open pages
        self._count = 0
        self._stamp: Optional[tuple] = None
        self._changed = threading.Condition()  # version and stamp; notified on a change
        self._render_lock = threading.Lock()   # one render at a time
        self._last: Optional[Render] = None
        self._pictures: dict[str, Picture] = {}  # the last pages drawn, by digest
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.httpd = ThreadingHTTPServer((HOST, port), self._handler())
        self.httpd.daemon_threads = True
        self.check()

    # -------------------------------------------------------------- watching
    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    @property
    def version(self) -> str:
        with self._changed:
            return f"{self._token}-{self._count}"

    def watched_files(self) -> list[Path]:
        """Every file the report depends on (missing ones too: creating one is a change)."""
        from ..build.pipeline import input_files
        files = list(input_files(self.project, self.entry))
        pdir = self.project.data / self.entry.slug
        if pdir.is_dir():  # a new file in the province folder (layout.yaml, templates/…)
            files.extend(sorted(p for p in pdir.iterdir() if p.is_file()))
        return list(dict.fromkeys(files))

    def _current_stamp(self) -> tuple:
        out = []
        for p in self.watched_files():
            try:
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(p), None, None))
        return tuple(out)

    def check(self) -> bool:
        """Poll the files once; True (and a new version) when something changed."""
        stamp = self._current_stamp()
        with self._changed:
            if stamp == self._stamp:
                return False
            first = self._stamp is None
            self._stamp = stamp
            self._count += 1
            self._changed.notify_all()
        if not first:
            self.log("tệp thay đổi: đang dựng lại")
        return True

    def wait_for_change(self, seen: str, timeout: float = WAIT_SECONDS) -> str:
        """The version, once it differs from `seen` (or after `timeout`)."""
        end = time.monotonic() + timeout
        with self._changed:
            while f"{self._token}-{self._count}" == seen and not self._stop.is_set():
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, 1.0))
            return f"{self._token}-{self._count}"

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                if self.check():
                    self.render()  # at once: the browser finds it ready
            except Exception as exc:  # never let the watcher die silently
                self.log(f"lỗi khi theo dõi tệp: {exc}")

    # -------------------------------------------------------------- rendering
    def render(self) -> Render:
        """The render of the current files (done once per version)."""
        self.check()
        with self._render_lock:
            version = self.version
            if self._last is not None and self._last.version == version:
                return self._last
            start = time.perf_counter()
            result = self._render(version)
            result.seconds = time.perf_counter() - start
            self._last = result
            if result.ok:
                self.log(f"đã dựng {len(result.pages)} trang ({result.seconds:.2f} giây)")
            else:
                self.log(f"có lỗi, đang hiện lỗi trên trang ({result.seconds:.2f} giây)")
            return result

    def _render(self, version: str) -> Render:
        from ..build.pipeline import make_document, render_formats
        from ..data.dataset import load_inputs
        from ..data.validate import check
        from ..errors import DataError

        try:
            checked = check(load_inputs(self.project.data, self.project.template_dirs,
                                        self.entry.slug, self.entry.period))
            shown = [Shown.of_finding(f) for f in sorted(checked.findings,
                                                           key=lambda f: (not f.is_error, f))]
            if not checked.ok:
                return Render(version, False, shown)
            name = f"{checked.report.province.name}, {self.entry.period.label}"
            doc = make_document(self.project, self.entry, checked=checked)
            # the pages from a plain PDF: the same pixels as the built one, made faster
            out = render_formats(self.project, doc, ("pdf", "html"),
                                 self.project.data / self.entry.slug,
                                 options={"pdf": {"archival": False}})
            pages, sizes, keys = rasterize(out["pdf"], known=self._pictures)
            self._pictures = {k: (p, s) for k, p, s in zip(keys, pages, sizes)}
            return Render(version, True, shown, b"", pages, sizes, out["html"].decode("utf-8"),
                          name=name, keys=keys, doc=doc)
        except DataError as exc:
            return Render(version, False, [Shown.of_finding(f) for f in exc.findings])
        except ReportgenError as exc:
            return Render(version, False, [Shown.of_error(exc)])
        except Exception:  # a bug: show it rather than stop the preview
            return Render(version, False, crash=traceback.format_exc())

    # -------------------------------------------------------------- pages
    @property
    def what(self) -> str:
        return f"{self.entry.slug} {self.entry.period.slug}"

    def _page(self, r: Render, heading: str, links: str, status: str, body: str) -> bytes:
        return page_html(r.version, heading, links, status, body, r.shown)

    def pages_view(self) -> bytes:
        r = self.render()
        pdf_link = ' <a href="/bao-cao.pdf">Mở tệp PDF</a>' if r.ok else ""
        links = f'<a id="reportgen-text-link" href="/van-ban">Xem dạng văn bản (HTML)</a>{pdf_link}'
        warnings = sum(1 for s in r.shown if not s.error)
        if r.crash:
            return self._page(r, f"Lỗi nội bộ của reportgen khi dựng {self.what}", links,
                              "Vui lòng báo lỗi kèm nội dung dưới đây.",
                              f'<pre class="note" id="reportgen-errors">{html.escape(r.crash)}</pre>')
        if not r.ok:
            errors = sum(1 for s in r.shown if s.error)
            return self._page(r, f"Chưa dựng được báo cáo {self.what}", links,
                              f"{errors} lỗi, {warnings} cảnh báo. Sửa các chỗ dưới đây; trang "
                              "tự tải lại khi tệp thay đổi.", "")
        imgs = "\n".join(
            f'<img class="page" src="/trang/{n}.png?v={key}" width="{w}" height="{h}" '
            f'alt="Trang {n}">' for n, ((w, h), key) in enumerate(zip(r.sizes, r.keys), start=1))
        status = f"{len(r.pages)} trang A4, như bản PDF" + (f"; {warnings} cảnh báo" if warnings else "")
        return self._page(r, f"Báo cáo {r.name or self.what}", links, status,
                          f'<div class="pages" id="reportgen-pages">\n{imgs}\n</div>')

    page = pages_view  # the page at "/" (older name, used by tests)

    def text_view(self) -> bytes:
        r = self.render()
        if not r.ok:
            return self.pages_view()
        bar = ('<div id="reportgen-bar" style="font-family:sans-serif;padding:6px 0;'
               'border-bottom:1px solid #bbb;margin-bottom:12px">'
               '<a id="reportgen-pages-link" href="/">Xem trang in (như bản PDF)</a></div>')
        page = r.text_view
        at = page.find("<body>")
        if at >= 0:
            page = page[:at + 6] + "\n" + bar + page[at + 6:]
        return inject(page, r.version).encode("utf-8")

    def forget_pictures(self) -> None:
        """Draw and encode every page again at the next render (the benchmark measures a
        save with every cache empty)."""
        with self._render_lock:
            self._pictures = {}

    def page_image(self, n: int) -> Optional[tuple[bytes, str]]:
        """Page n's PNG and the digest of its pixels, or None."""
        r = self.render()
        return (r.pages[n - 1], r.keys[n - 1]) if r.ok and 1 <= n <= len(r.pages) else None

    def built_pdf(self) -> Optional[bytes]:
        """The PDF `reportgen build` writes for the current files (made once per version, when
        first asked for), or None when the report cannot be built."""
        from ..build.pipeline import render_formats

        r = self.render()
        if not r.ok:
            return None
        with self._render_lock:
            if not r.pdf:
                try:
                    r.pdf = render_formats(self.project, r.doc, ("pdf",),
                                           self.project.data / self.entry.slug)["pdf"]
                except Exception as exc:  # the pages were made: say it, do not stop
                    self.log(f"không dựng được tệp PDF: {exc}")
                    return None
            return r.pdf

    # -------------------------------------------------------------- HTTP
    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                if not host_allowed(self.headers.get("Host"), server.httpd.server_address[1]):
                    # DNS rebinding: a page of another site, its name pointed at 127.0.0.1,
                    # would otherwise read the report
                    self._send(403, "text/plain; charset=utf-8", REFUSED_HOST.encode())
                    return
                parts = urlsplit(self.path)
                path = parts.path
                if path == "/version":
                    seen = parse_qs(parts.query).get("cho", [None])[0]
                    v = server.wait_for_change(seen) if seen else server.version
                    self._send(200, "text/plain; charset=utf-8", v.encode())
                elif path in ("/", "/index.html"):
                    self._send(200, "text/html; charset=utf-8", server.pages_view())
                elif path == "/van-ban":
                    self._send(200, "text/html; charset=utf-8", server.text_view())
                elif path == "/bao-cao.pdf" and (pdf := server.built_pdf()) is not None:
                    self._send(200, "application/pdf", pdf)
                elif path.startswith("/trang/") and path.endswith(".png") \
                        and path[7:-4].isdigit() and (img := server.page_image(int(path[7:-4]))):
                    png, key = img
                    asked = parse_qs(parts.query).get("v", [None])[0]
                    # at the address of its pixels, the picture never changes: cached
                    self._send(200, "image/png", png, PAGE_CACHE if asked == key else "no-store")
                else:
                    self._send(404, "text/plain; charset=utf-8", "không có trang này\n".encode())

            def _send(self, status: int, ctype: str, body: bytes, cache: str = "no-store") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", cache)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format, *args):  # quiet: the page asks all the time
                pass

        return Handler

    def start(self) -> "PreviewServer":
        """Serve and watch in background threads."""
        for target in (self.httpd.serve_forever, self._watch):
            t = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            t.start()
            self._threads.append(t)
        return self

    def serve_forever(self, on_ready: Optional[Callable[[], None]] = None) -> None:
        watcher = threading.Thread(target=self._watch, daemon=True, name="preview-watch")
        watcher.start()
        self._threads.append(watcher)
        if on_ready is not None:
            on_ready()
        try:
            self.httpd.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if any(t.name == "preview-serve_forever" for t in self._threads):
            self.httpd.shutdown()
        self.httpd.server_close()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=5)

    def __enter__(self) -> "PreviewServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
