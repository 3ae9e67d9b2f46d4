"""`reportgen preview`: the HTML report on 127.0.0.1 that reloads itself when a file changes.

The server is tested over HTTP, then in headless Chromium driven through the DevTools
protocol (a websocket): the page is opened, a template is changed in a copy of the project,
and the page text follows (after a real reload), including an error shown on the page.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
def test_serves_report_with_reload_script_only_in_preview(server, tree):
    assert server.httpd.server_address[0] == "127.0.0.1"
    page = get(server.url)
    assert "Giá trị sản xuất công nghiệp (giá so sánh 2010) ước đạt 1.586,397 tỷ đồng" in page
    version = get(server.url + "version")
    assert f'var version = "{version}";' in page and 'fetch("/version"' in page
    assert page.rstrip().endswith("</html>") and page.count("<script>") == 1
    # the built HTML file has no script: the preview injects it
    from reportgen.build.pipeline import make_document, render_formats
    built = render_formats(tree, make_document(tree, server.entry), ("html",))["html"].decode()
    assert "<script>" not in built
    assert page == inject(built, version)
    assert get(server.url + "version") == version  # stable while nothing changes
    with pytest.raises(urllib.error.HTTPError):
        get(server.url + "../etc/passwd")


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
        status, body = raw_get(server, host)
        assert status == 200 and "1.586,397 tỷ đồng" in body, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
                 f"localhost.evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", "",
                 None):
        for path in ("/", "/version"):
            status, body = raw_get(server, host, path)
            assert status == 403, (host, path)
            assert "1.586,397" not in body and "chỉ trả lời địa chỉ http://127.0.0.1" in body


def test_version_changes_and_page_follows_files(server, tree):
    v1 = get(server.url + "version")
    touch_append(tree.templates / "sections" / "default.html", f"\n<p>{NEW_TEXT}</p>\n")
    v2 = wait_for(lambda: (v := get(server.url + "version")) != v1 and v, what="a new version")
    assert NEW_TEXT in get(server.url)
    # a stylesheet and a data file count too
    touch_append(tree.templates / "style" / "print.css", "\n/* x */\n")
    v3 = wait_for(lambda: (v := get(server.url + "version")) != v2 and v, what="css change")
    data = tree.data / "bac-kan" / "2022.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "Triển khai các dự án năng lượng tái tạo", "Triển khai mạnh các dự án năng lượng tái tạo"), encoding="utf-8")
    wait_for(lambda: get(server.url + "version") != v3, what="data change")
    assert "Triển khai mạnh các dự án năng lượng tái tạo" in get(server.url)


def test_errors_are_shown_on_the_page(server, tree):
    path = tree.templates / "sections" / "default.html"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n<p>{{ sec.khong_co }}</p>\n", encoding="utf-8")
    page = wait_for(lambda: "RG502" in (p := get(server.url)) and p, what="template error page")
    assert "sections/default.html:" in page and "khong_co" in page
    assert 'fetch("/version"' in page  # the error page reloads itself too
    data = tree.data / "bac-kan" / "2022.yaml"
    path.write_text(good, encoding="utf-8")
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("status: ước đạt", "status: uoc dat", 1), encoding="utf-8")
    page = wait_for(lambda: "RG123" in (p := get(server.url)) and p, what="data error page")
    assert "2022.yaml:" in page and "ý bạn là &#x27;ước đạt&#x27;?" in page
    data.write_text(text, encoding="utf-8")
    wait_for(lambda: "1.586,397 tỷ đồng" in get(server.url), what="the report back")


def test_cli_preview_binds_localhost_and_serves(tree):
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "reportgen"), "--data", str(tree.data), "--templates",
         str(tree.templates), "preview", "--province", "bac-kan", "--year", "2022", "--port", "0"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stderr.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split(" tại ")[1].split()[0]
        assert "1.586,397 tỷ đồng" in get(url)
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


def test_page_reloads_in_chromium_when_a_template_changes(server, tree, browser):
    browser.call("Page.enable")
    browser.call("Page.navigate", url=server.url)
    wait_for(lambda: "1.586,397 tỷ đồng" in browser.text(), 30, "the report in the browser")
    assert "Kết quả thực hiện nhiệm vụ năm 2022" in browser.text()
    browser.eval("window.__notReloaded = true")

    template = tree.templates / "sections" / "default.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + f"\n<p>{NEW_TEXT}</p>\n", encoding="utf-8")
    wait_for(lambda: NEW_TEXT in browser.text(), 30, "the page to show the edited template")
    assert browser.eval("window.__notReloaded === undefined"), "the page was not reloaded"

    # a broken template: the message (file, line, code) replaces the report on the page
    template.write_text(good + "\n<p>{{ sec.khong_co }}</p>\n", encoding="utf-8")
    wait_for(lambda: "RG502" in browser.text(), 30, "the error on the page")
    assert "default.html" in browser.text() and "1.586,397" not in browser.text()

    # fixed: the report comes back without touching the browser
    template.write_text(good, encoding="utf-8")
    wait_for(lambda: "1.586,397 tỷ đồng" in browser.text(), 30, "the report after the fix")
    assert NEW_TEXT not in browser.text()
