"""`reportgen preview`: the HTML report on http://127.0.0.1:PORT/, reloaded on every change.

A small stdlib server (http.server in a thread, bound to 127.0.0.1 only) serves:

* ``/``         the HTML writer's output for one report, plus a tiny script injected here
                (and only here: the built HTML file never has it) that polls ``/version``
                every 500 ms and reloads the page when the answer changes;
* ``/version``  a token that changes whenever a file the report depends on changes.

A watcher thread polls the modification time and size of every input of the report (data
files, province file, layout, templates and stylesheet, province templates; the same list
the build record uses) a few times a second. When the data has findings or a template is
broken, the page shows the messages (file, line, code, what to do) instead of the report,
and comes back by itself once the files are fixed. Nothing here is ever written to disk.
"""
from __future__ import annotations

import html
import secrets
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional

from ..data.dataset import Entry
from ..errors import ReportgenError
from ..project import Project

HOST = "127.0.0.1"
POLL_SECONDS = 0.25  # file watcher
PAGE_POLL_MS = 500   # the page asking /version

_SCRIPT = """<script>
/* reportgen preview: reload when a data file, template or stylesheet changes */
(function () {
  var version = "%s";
  function poll() {
    fetch("/version", {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (v !== version) { location.reload(); } else { setTimeout(poll, %d); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, %d);
})();
</script>
"""

_ERROR_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Chưa dựng được báo cáo: reportgen preview</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
h1 {{ color: #a00; font-size: 1.4em; }}
pre {{ white-space: pre-wrap; background: #fff4f4; border: 1px solid #e0b4b4; padding: 1em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{lead}</p>
<pre id="reportgen-errors">{body}</pre>
</body>
</html>
"""


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
REFUSED_HOST = ("Từ chối: bản xem trước chỉ trả lời địa chỉ http://127.0.0.1 hoặc "
                "http://localhost trên máy này.\n")


def host_allowed(host: Optional[str], port: int) -> bool:
    """Whether a request's Host header names this machine's loopback at our port."""
    if not host:
        return False
    host = host.strip().lower()
    name, sep, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not sep:
        name, given = host, ""
    if name.endswith("."):
        name = name[:-1]
    if name not in LOOPBACK_NAMES:
        return False
    return given == "" and port == 80 or given == str(port)


def inject(page: str, version: str) -> str:
    """The page with the reload script before ``</body>``."""
    script = _SCRIPT % (version, PAGE_POLL_MS, PAGE_POLL_MS)
    at = page.rfind("</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def error_page(title: str, lead: str, body: str) -> str:
    return _ERROR_PAGE.format(title=html.escape(title), lead=html.escape(lead),
                              body=html.escape(body))


class PreviewServer:
    """Serve one report's HTML with live reload. `start()` runs it in background threads;
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
        self._state = threading.Lock()    # version and stamp
        self._render_lock = threading.Lock()  # one render at a time
        self._page: Optional[tuple[str, bytes]] = None  # (version, bytes)
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
        with self._state:
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
        with self._state:
            if stamp == self._stamp:
                return False
            first = self._stamp is None
            self._stamp = stamp
            self._count += 1
        if not first:
            self.log("tệp thay đổi: trang sẽ tải lại")
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.check()
            except Exception as exc:  # never let the watcher die silently
                self.log(f"lỗi khi theo dõi tệp: {exc}")

    # -------------------------------------------------------------- rendering
    def page(self) -> bytes:
        """The page for the current files (rendered once per version)."""
        self.check()
        with self._render_lock:
            version = self.version
            if self._page is not None and self._page[0] == version:
                return self._page[1]
            start = time.perf_counter()
            text, ok = self._render()
            data = inject(text, version).encode("utf-8")
            self._page = (version, data)
            took = time.perf_counter() - start
            self.log(f"{'đã dựng' if ok else 'có lỗi, đang hiện lỗi trên trang'} "
                     f"({took:.2f} giây)")
            return data

    def _render(self) -> tuple[str, bool]:
        from ..build.pipeline import make_document, render_formats
        what = f"{self.entry.slug} {self.entry.period.slug}"
        lead = "Sửa các chỗ dưới đây; trang tự tải lại khi tệp thay đổi."
        try:
            doc = make_document(self.project, self.entry)
            return render_formats(self.project, doc, ("html",), self.project.data / self.entry.slug)["html"].decode("utf-8"), True
        except ReportgenError as exc:
            return error_page(f"Chưa dựng được báo cáo {what}", lead, str(exc)), False
        except Exception:  # a bug: show it rather than stop the preview
            return error_page(f"Lỗi nội bộ của reportgen khi dựng {what}",
                              "Vui lòng báo lỗi kèm nội dung dưới đây.",
                              traceback.format_exc()), False

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
                path = self.path.split("?", 1)[0]
                if path == "/version":
                    self._send(200, "text/plain; charset=utf-8", server.version.encode())
                elif path in ("/", "/index.html"):
                    self._send(200, "text/html; charset=utf-8", server.page())
                else:
                    self._send(404, "text/plain; charset=utf-8", b"not found")

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format, *args):  # quiet: the page polls twice a second
                pass

        return Handler

    def start(self) -> "PreviewServer":
        """Serve and watch in background threads."""
        for target in (self.httpd.serve_forever, self._watch):
            t = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            t.start()
            self._threads.append(t)
        return self

    def serve_forever(self) -> None:
        watcher = threading.Thread(target=self._watch, daemon=True, name="preview-watch")
        watcher.start()
        self._threads.append(watcher)
        try:
            self.httpd.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()
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
