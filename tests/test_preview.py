"""`reportgen preview`: the report's pages as the PDF prints them, on 127.0.0.1, redrawn
when a file changes; the HTML text view one click away; findings with file:line and the line.

The server is tested over HTTP, then in headless Chromium driven through the DevTools
protocol (a websocket): the page is opened, compared with the PDF's pages as poppler draws
them, a template is changed in a copy of the project, and the page follows (after a real
reload, at the same scroll position), including an error shown on the page.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from reportgen.data.dataset import find_entries
from reportgen.authoring.preview import PreviewServer, inject
from reportgen.project import Project
from seeded import ROOT

CHROMIUM = Path("/usr/bin/chromium")
NEW_TEXT = "Dòng thêm để thử xem trước tự tải lại."


@pytest.fixture
def tree(tmp_path):
    """A copy of the templates and the Bắc Kạn data to edit while the preview runs."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp_path / "data" / "bac-kan")
    return Project(data=tmp_path / "data", templates=tmp_path / "templates")


@pytest.fixture
def server(tree):
    entry = find_entries(tree.data)[0]
    logs: list[str] = []
    srv = PreviewServer(tree, entry, port=0, log=logs.append, poll_seconds=0.1).start()
    srv.logs = logs
    yield srv
    srv.close()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.headers["Cache-Control"] == "no-store"
        return resp.read().decode("utf-8")


def wait_for(predicate, timeout: float = 20.0, what: str = ""):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def touch_append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# ------------------------------------------------------------------ over HTTP
def built(tree, entry, fmt):
    from reportgen.build.pipeline import make_document, render_formats
    return render_formats(tree, make_document(tree, entry), (fmt,))[fmt]


def page_images(page: str) -> list[str]:
    return re.findall(r'<img class="page" src="/(trang/\d+\.png\?v=[^"]+)" width="(\d+)" '
                      r'height="(\d+)" alt="Trang (\d+)">', page)


def test_serves_the_pdf_pages_and_the_text_view(server, tree):
    assert server.httpd.server_address[0] == "127.0.0.1"
    page = get(server.url)
    version = get(server.url + "version")
    pdf = built(tree, server.entry, "pdf")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    imgs = page_images(page)
    assert [int(n) for *_, n in imgs] == list(range(1, pages + 1))  # every page, in order
    assert all(re.fullmatch(r"trang/\d+\.png\?v=[0-9a-f]{20}", v) and (w, h) == ("794", "1123")
               for v, w, h, _ in imgs)
    with urllib.request.urlopen(server.url + imgs[0][0], timeout=30) as resp:
        assert resp.headers["Content-Type"] == "image/png"
        # at the address naming its pixels a page picture never changes: the browser keeps it
        assert resp.headers["Cache-Control"] == "max-age=31536000, immutable"
        with PILImage.open(io.BytesIO(resp.read())) as im:
            assert im.size == (794, 1123)  # A4 at 96 px per inch
    with urllib.request.urlopen(server.url + "trang/1.png", timeout=30) as resp:
        assert resp.headers["Cache-Control"] == "no-store"  # no address: the current page 1
    # the PDF behind the pages is the one `reportgen build` writes, byte for byte
    with urllib.request.urlopen(server.url + "bao-cao.pdf", timeout=30) as resp:
        assert resp.read() == pdf
    assert 'href="/van-ban"' in page and "Xem dạng văn bản (HTML)" in page
    assert f'var version = "{version}";' in page and 'fetch("/version?cho="' in page
    assert page.count("<script>") == 1 and 'lang="vi"' in page
    assert "<strong>Báo cáo Bắc Kạn, năm 2022</strong>" in page
    # the text view: the HTML file of the build, plus the bar and the script of the preview
    text = get(server.url + "van-ban")
    assert "Giá trị sản xuất công nghiệp (giá so sánh 2010) ước đạt 1.586,397 tỷ đồng" in text
    html_file = built(tree, server.entry, "html").decode()
    assert "<script>" not in html_file and "reportgen-bar" not in html_file
    assert 'href="/">Xem trang in (như bản PDF)</a>' in text
    assert re.sub(r'\n<div id="reportgen-bar".*?</div>', "", text, count=1) == inject(html_file, version)
    assert get(server.url + "version") == version  # stable while nothing changes
    for bad in ("../etc/passwd", "trang/99.png", "trang/x.png", "trang/0.png"):
        with pytest.raises(urllib.error.HTTPError):
            get(server.url + bad)


def test_version_waits_for_a_change(server, tree):
    import threading
    v1 = get(server.url + "version")
    assert get(server.url + "version?cho=stale") == v1  # an old token: answered at once
    path = tree.templates / "sections" / "default.html"
    timer = threading.Timer(0.5, touch_append, (path, f"\n<p>{NEW_TEXT}</p>\n"))
    timer.start()
    start = time.monotonic()
    v2 = get(server.url + f"version?cho={v1}")  # held until the file changes
    assert v2 != v1 and time.monotonic() - start >= 0.4
    timer.join()
    assert NEW_TEXT in get(server.url + "van-ban")


def raw_get(server, host, path="/"):
    """A GET with the Host header a browser would send for another site's name."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8")
    finally:
        conn.close()


def test_only_loopback_host_names_are_answered(server):
    """DNS rebinding: evil.example resolved to 127.0.0.1 must not read the report."""
    port = server.httpd.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = raw_get(server, host, "/van-ban")
        assert status == 200 and "1.586,397 tỷ đồng" in body, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
                 f"localhost.evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", "",
                 None):
        for path in ("/", "/version", "/van-ban", "/trang/1.png", "/bao-cao.pdf"):
            status, body = raw_get(server, host, path)
            assert status == 403, (host, path)
            assert "1.586,397" not in body and "chỉ trả lời địa chỉ http://127.0.0.1" in body


def test_version_changes_and_page_follows_files(server, tree):
    v1 = get(server.url + "version")
    touch_append(tree.templates / "sections" / "default.html", f"\n<p>{NEW_TEXT}</p>\n")
    v2 = wait_for(lambda: (v := get(server.url + "version")) != v1 and v, what="a new version")
    assert NEW_TEXT in get(server.url + "van-ban")
    # a stylesheet and a data file count too
    touch_append(tree.templates / "style" / "print.css", "\n/* x */\n")
    v3 = wait_for(lambda: (v := get(server.url + "version")) != v2 and v, what="css change")
    data = tree.data / "bac-kan" / "2022.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "Triển khai các dự án năng lượng tái tạo", "Triển khai mạnh các dự án năng lượng tái tạo"), encoding="utf-8")
    wait_for(lambda: get(server.url + "version") != v3, what="data change")
    assert "Triển khai mạnh các dự án năng lượng tái tạo" in get(server.url + "van-ban")


def test_a_save_redraws_only_the_pages_that_change(server, tree):
    """Every page keeps its address (and the browser its picture) when a save does not
    change its pixels; the page a visible change lands on gets a new one."""
    first = page_images(get(server.url))
    r1 = server.render()
    data = tree.data / "bac-kan" / "2022.yaml"
    v1 = get(server.url + "version")
    touch_append(data, "\n# một ghi chú không in ra\n")
    wait_for(lambda: get(server.url + "version") != v1, what="a new version")
    r2 = server.render()
    assert r2.version != r1.version
    assert page_images(get(server.url)) == first  # same addresses
    assert all(a is b for a, b in zip(r1.pages, r2.pages))  # the PNGs were not encoded again
    text = data.read_text(encoding="utf-8")
    assert "Triển khai các dự án năng lượng tái tạo" in text
    v2 = get(server.url + "version")
    data.write_text(text.replace("Triển khai các dự án năng lượng tái tạo",
                                 "Triển khai mạnh các dự án năng lượng tái tạo"), encoding="utf-8")
    wait_for(lambda: get(server.url + "version") != v2, what="a new version")
    changed = page_images(get(server.url))
    assert len(changed) == len(first)
    moved = [n for (a, *_ , n), (b, *_) in zip(first, changed) if a != b]
    assert moved  # the page with the sentence (and any page it pushed) has a new address
    assert len(moved) < len(first)  # the first page, far from the change, did not move
    assert changed[0] == first[0]


def finding_blocks(page: str) -> list[str]:
    return re.findall(r'<div class="finding [^"]+">.*?</div>', page, flags=re.S)


def test_errors_are_shown_on_the_page_with_the_line(server, tree):
    path = tree.templates / "sections" / "default.html"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n<p>{{ sec.khong_co }}</p>\n", encoding="utf-8")
    page = wait_for(lambda: "RG502" in (p := get(server.url)) and p, what="template error page")
    line = len(good.splitlines()) + 2
    [block] = finding_blocks(page)
    assert re.search(rf'sections/default\.html:{line}</span> <span class="kind">lỗi</span> RG502', block)
    assert "<pre>&lt;p&gt;{{ sec.khong_co }}&lt;/p&gt;</pre>" in block  # the line's text
    assert 'fetch("/version?cho="' in page and "reportgen-pages" not in page
    assert get(server.url + "van-ban") == page  # no text view either, the same messages
    data = tree.data / "bac-kan" / "2022.yaml"
    path.write_text(good, encoding="utf-8")
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("status: ước đạt", "status: uoc dat", 1), encoding="utf-8")
    page = wait_for(lambda: "RG123" in (p := get(server.url)) and p, what="data error page")
    line = text[:text.index("status: ước đạt")].count("\n") + 1
    [block] = finding_blocks(page)
    assert f"2022.yaml:{line}:" in block and "ý bạn là &#x27;ước đạt&#x27;?" in block
    assert "<pre>        status: uoc dat</pre>" in block
    assert "1 lỗi, 0 cảnh báo" in page
    data.write_text(text, encoding="utf-8")
    wait_for(lambda: "1.586,397 tỷ đồng" in get(server.url + "van-ban"), what="the report back")
    assert page_images(get(server.url)) and not finding_blocks(get(server.url))


def test_warnings_are_shown_above_the_pages(server, tree):
    data = tree.data / "bac-kan" / "2022.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("plan_completion: '137,64'", "plan_completion: '1376,4'"),
                    encoding="utf-8")
    line = text[:text.index("plan_completion: '137,64'")].count("\n") + 1
    page = wait_for(lambda: "RG301" in (p := get(server.url)) and p, what="the warning")
    [block] = finding_blocks(page)
    assert 'class="finding canh-bao"' in block and f"2022.yaml:{line}:" in block
    assert '<span class="kind">cảnh báo</span> RG301' in block
    assert "<pre>        plan_completion: &#x27;1376,4&#x27;</pre>" in block
    assert page_images(page) and "1 cảnh báo" in page  # the report is still shown


def test_cli_preview_binds_localhost_and_serves(tree):
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "reportgen"), "--data", str(tree.data), "--templates",
         str(tree.templates), "preview", "--province", "bac-kan", "--year", "2022", "--port", "0",
         "--no-open"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stderr.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split(" tại ")[1].split()[0]
        assert page_images(get(url))
        assert "1.586,397 tỷ đồng" in get(url + "van-ban")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ------------------------------------------------------------------ in a browser
class DevTools:
    """The few DevTools protocol calls the test needs, over one websocket."""

    def __init__(self, ws_url: str):
        import websocket
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def text(self) -> str:
        return self.eval("document.body ? document.body.innerText : ''") or ""


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium absent (/usr/bin/chromium): run `bash scripts/setup.sh` "
                    "(without REPORTGEN_NO_BROWSER) to install it")
    pytest.importorskip("websocket", reason="websocket-client missing: run `bash scripts/setup.sh`")
    profile = tmp_path / "chromium-profile"
    proc = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        wait_for(lambda: port_file.exists() and port_file.read_text().strip(), 30, "Chromium")
        port = port_file.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                                    timeout=10).read())
        page = next(t for t in targets if t["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        yield tools
        try:
            tools.call("Browser.close")
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the browser we started, and its children
            proc.wait(timeout=10)


def pages_loaded(browser) -> int:
    """How many page pictures the browser shows, once every one is loaded (else 0)."""
    return browser.eval("(function(){var i=[...document.querySelectorAll('img.page')];"
                        "return i.length && i.every(function(x){return x.complete && "
                        "x.naturalWidth > 0}) ? i.length : 0;})()") or 0


def screenshot_of_page(browser, n: int) -> "PILImage.Image":
    """Page n of the preview as the browser draws it (CSS pixels = device pixels)."""
    box = browser.eval(f"(function(){{var r=document.querySelectorAll('img.page')[{n - 1}]"
                       ".getBoundingClientRect();return [r.left+scrollX, r.top+scrollY, r.width, "
                       "r.height];})()")
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": box[0], "y": box[1], "width": box[2], "height": box[3],
                              "scale": 1})
    import base64
    return PILImage.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("L")


def poppler_page(pdf: bytes, n: int, tmp: Path) -> "PILImage.Image":
    """Page n of the PDF drawn by poppler (another renderer than the preview's) at 96 dpi."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) absent: run `bash scripts/setup.sh`")
    (tmp / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "96", "-f", str(n), "-l", str(n), "-png", "-singlefile",
                    str(tmp / "report.pdf"), str(tmp / f"poppler-{n}")], check=True)
    return PILImage.open(tmp / f"poppler-{n}.png").convert("L")


def difference(a: "PILImage.Image", b: "PILImage.Image") -> float:
    """Mean absolute difference (0…255) of two grey images of the same size, each reduced 4×
    first: two renderers anti-alias glyph edges differently (≈ 2,7 for the same page), while
    another page, or the same text broken elsewhere, differs by ≈ 20."""
    from PIL import ImageChops, ImageStat
    assert a.size == b.size, (a.size, b.size)
    return ImageStat.Stat(ImageChops.difference(a.reduce(4), b.reduce(4))).mean[0]


def test_pages_in_chromium_are_the_pdf_pages(server, tree, browser, tmp_path):
    """The preview in a browser: as many pages as the PDF, and each looks like the PDF's
    page drawn by poppler (margins, page number, where the page breaks)."""
    browser.call("Emulation.setDeviceMetricsOverride", width=1000, height=1200,
                 deviceScaleFactor=1, mobile=False)
    browser.call("Emulation.setScrollbarsHidden", hidden=True)  # no shift when captured
    browser.call("Page.enable")
    browser.call("Page.navigate", url=server.url)
    n = wait_for(lambda: pages_loaded(browser), 60, "the pages in the browser")
    pdf = built(tree, server.entry, "pdf")
    assert n == len(PdfReader(io.BytesIO(pdf)).pages)
    shots = {}
    for k in (1, n):
        shot = screenshot_of_page(browser, k)
        shots[k] = shot
        shot.save(tmp_path / f"preview-page-{k}.png")
        ref = poppler_page(pdf, k, tmp_path)
        assert difference(shot, ref) < 6.0, f"page {k} differs from the PDF"
        # the same ink in the same place: the text block starts and ends where the PDF's does
        bbox = lambda im: PILImage.eval(im, lambda v: 255 if v < 128 else 0).getbbox()  # noqa: E731
        assert all(abs(x - y) <= 2 for x, y in zip(bbox(shot), bbox(ref))), (k, bbox(shot), bbox(ref))
    # not a blank page and not each other: page 1 has the header, the last page the appendix
    assert difference(shots[1], shots[n]) > 10.0
    text = browser.text()
    assert "Xem dạng văn bản (HTML)" in text and f"{n} trang A4" in text


def test_page_reloads_in_chromium_when_a_template_changes(server, tree, browser):
    browser.call("Emulation.setDeviceMetricsOverride", width=1000, height=900,
                 deviceScaleFactor=1, mobile=False)
    browser.call("Page.enable")
    browser.call("Page.navigate", url=server.url)
    n = wait_for(lambda: pages_loaded(browser), 60, "the pages in the browser")
    browser.eval("window.scrollTo(0, 2 * 1139 + 200)")  # into page 3
    wait_for(lambda: browser.eval("window.scrollY") == 2 * 1139 + 200, 10, "the scroll")
    browser.eval("window.__notReloaded = true")

    template = tree.templates / "sections" / "default.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + f"\n<p>{NEW_TEXT}</p>\n", encoding="utf-8")
    wait_for(lambda: browser.eval("window.__notReloaded === undefined"), 30, "a reload")
    wait_for(lambda: pages_loaded(browser), 60, "the new pages")
    assert browser.eval("window.scrollY") == 2 * 1139 + 200, "the scroll position was lost"
    # the text view, one click away, shows the edit
    browser.eval("document.getElementById('reportgen-text-link').click()")
    wait_for(lambda: NEW_TEXT in browser.text(), 30, "the text view with the edited template")
    assert "Kết quả thực hiện nhiệm vụ năm 2022" in browser.text()
    browser.eval("window.__notReloaded = true")

    # a broken template: the message (file, line, code, the line) replaces the report
    template.write_text(good + "\n<p>{{ sec.khong_co }}</p>\n", encoding="utf-8")
    wait_for(lambda: "RG502" in browser.text(), 30, "the error on the page")
    assert "default.html" in browser.text() and "1.586,397" not in browser.text()
    assert "{{ sec.khong_co }}" in browser.text()

    # fixed: the report comes back without touching the browser
    template.write_text(good, encoding="utf-8")
    wait_for(lambda: "1.586,397 tỷ đồng" in browser.text(), 30, "the report after the fix")
    assert NEW_TEXT not in browser.text()
    browser.eval("document.getElementById('reportgen-pages-link').click()")
    assert wait_for(lambda: pages_loaded(browser), 60, "the pages again") == n
