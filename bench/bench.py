"""Benchmark reportgen on this machine: every speed target of issue 17 measured in one run,
printed with its target and "met" / "NOT MET". Asserts nothing (speed is not a test).

    .venv/bin/python bench/bench.py [--quick] [--runs N] [--only PART,PART]

Measured (medians; A and B of a pair are run alternately so that a busy machine slows both).
Each time is printed as wall seconds and, beside it, CPU seconds (user + system of the process
and of the children it waited for; for the preview, of this process, which runs the server):
the targets are wall-clock ratios on a quiet machine, but on a shared machine the CPU figure is
the one that says whether a change helped.

* one seeded report (Bắc Kạn 2022: PDF+DOCX+HTML) built as a whole process with every cache
  empty (a new output folder, a new process) against a bare WeasyPrint render of its HTML as a
  whole process (``python -c "weasyprint.HTML(f).write_pdf(o)"``): target ≤ 1,5 ×;
* the same in one warm process (document + three writers, the chart cache emptied before each
  run) against ``HTML(string).write_pdf()`` in a warm process that has loaded WeasyPrint and
  nothing else, the two asked in turn: target ≤ 1,3 ×;
* the DOCX writer alone, as the build runs it (in the process that made the document), against
  pandoc converting the same HTML to DOCX as a whole process, when pandoc is installed: target
  < 1; shown beside it, a process that only writes the DOCX from a pickle, its start-up
  (Python, imports, unpickling) and pandoc's start-up, for information;
* the preview: after a save, the time until the new pages are served (the page and every page
  picture), p50 over 10 edits: target ≤ 1,5 s; a save that breaks the data, the time until the
  finding is on the page: target ≤ 0,5 s;
* growth: one report with 1×, 4×, 16× the figures of Bắc Kạn, and 1, 8, 32, 128 reports with
  ``--jobs 2`` (whole processes): growth factors against linear; peak memory of the process
  building the 16× report: target ≤ 300 MB;
* ``--jobs 2`` against ``--jobs 1``: target ≥ 1,7 × on 2 cores; ``reportgen --help``: target
  ≤ 0,3 s; a no-op rebuild: target ≤ 5 % of the full build.

``--quick`` does fewer runs and smaller sets (1, 4, 16 reports; 5 edits) and says so;
``--only`` runs some parts (one, preview, help, jobs, growth).
"""
from __future__ import annotations

import argparse
import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin" / "reportgen"
PY = sys.executable
ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, value: str, target: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "NOT MET")
    ROWS.append((name, value, target, verdict))
    print(f"{name:<72} {value:>13}  {target:<16} {verdict}", flush=True)


class T(NamedTuple):
    """A time: wall seconds and CPU seconds."""

    wall: float
    cpu: float

    def __truediv__(self, other: "T") -> "T":
        return T(self.wall / other.wall, self.cpu / other.cpu)

    def s(self, digits: int = 2) -> str:
        return f"{self.wall:.{digits}f} / {self.cpu:.{digits}f}"


def med(times: list[T]) -> T:
    return T(statistics.median(t.wall for t in times), statistics.median(t.cpu for t in times))


def run_process(cmd: list[str], **kw) -> tuple[T, int]:
    """Wall and CPU time (s) and peak RSS (MB) of one whole process. The CPU time is the
    process's and that of every child it waited for (the build's workers, fc-match)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err[-2000:]}")
    return T(took, usage.ru_utime + usage.ru_stime), usage.ru_maxrss // 1024


def own_peak(cmd: list[str], out: Path, fallback: int) -> int:
    """Peak memory (MB) of `cmd` itself. A child's ru_maxrss counts the memory it shares with
    this process between fork and exec: with the benchmark holding WeasyPrint and the
    reports, any command measured ~200 MB. GNU time starts the command from a small process
    and reports its peak; without it, the inflated figure (`fallback`) is returned."""
    gnu_time = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if not gnu_time:
        return fallback
    proc = subprocess.run([gnu_time, "-f", "%M", "-o", str(out), *cmd],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return int(out.read_text().split()[-1]) // 1024 if proc.returncode == 0 else fallback
    except (OSError, ValueError, IndexError):
        return fallback


def pair(a, b, n: int) -> tuple[T, T]:
    """Medians of `a()` and `b()` (each returns a T), run alternately n times."""
    ta, tb = [], []
    for _ in range(n):
        ta.append(a())
        tb.append(b())
    return med(ta), med(tb)


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (the forked
    process each template render runs in, a forked PDF helper)."""
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn) -> T:
    """Wall and CPU time of fn() in this process, its waited-for children included."""
    t, c = time.perf_counter(), _cpu()
    fn()
    return T(time.perf_counter() - t, _cpu() - c)


class WarmBare:
    """A Python process that has imported WeasyPrint and rendered `page` once; each
    `render()` asks it for one more render of the same page and returns its time."""

    CODE = ("import sys, time, weasyprint\n"
            "page = open(sys.argv[1], encoding='utf-8').read()\n"
            "weasyprint.HTML(string=page).write_pdf()\n"
            "print('ready', flush=True)\n"
            "for _ in sys.stdin:\n"
            "    w, c = time.perf_counter(), time.process_time()\n"
            "    weasyprint.HTML(string=page).write_pdf()\n"
            "    print(time.perf_counter() - w, time.process_time() - c, flush=True)\n")

    def __init__(self, page: Path):
        self.proc = subprocess.Popen([PY, "-c", self.CODE, str(page)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit("the bare WeasyPrint process did not start")

    def render(self) -> T:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        wall, cpu = map(float, self.proc.stdout.readline().split())
        return T(wall, cpu)

    def __enter__(self) -> "WarmBare":
        return self

    def __exit__(self, *exc) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def ratio_row(name: str, r: T, target: str, limit: float, below: bool = True) -> None:
    """A ratio judged on wall time (the target's definition), the CPU ratio beside it."""
    met = r.wall <= limit if below else r.wall >= limit
    row(name + " (wall; CPU)", f"{r.wall:.2f}; {r.cpu:.2f}", target, met)


def synthetic(out: Path, provinces: int, years: int = 1, scale: int = 1) -> Path:
    subprocess.run([PY, str(ROOT / "bench" / "make_synthetic.py"), str(out), "--provinces",
                    str(provinces), "--years", str(years), "--scale", str(scale)],
                   check=True, capture_output=True)
    return out


def build_cmd(data: Path, out: Path, *extra: str) -> list[str]:
    return [str(BIN), "--data", str(data), "--templates", str(ROOT / "templates"), "build",
            *extra, "--out", str(out)]


# ------------------------------------------------------------------ one report
def one_report(tmp: Path, runs: int) -> None:
    from reportgen.build.pipeline import make_document, render_formats
    from reportgen.data.dataset import STYLESHEET, find_entries
    from reportgen.project import Project
    from reportgen.render import charts
    from reportgen.writers import html as html_writer, writer

    project = Project(data=ROOT / "data", templates=ROOT / "templates")
    entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan")
    out = tmp / "one"
    cmd = build_cmd(ROOT / "data", out, "--province", "bac-kan", "--year", "2022", "--force")
    run_process(cmd)  # the HTML that WeasyPrint renders bare
    html_file = out / "bac-kan" / "2022" / "bao-cao-bac-kan-2022.html"

    def whole_build() -> float:
        shutil.rmtree(out / "bac-kan", ignore_errors=True)
        (out / ".reportgen-build.json").unlink(missing_ok=True)
        return run_process(cmd)[0]

    bare_code = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
    bare_cmd = [PY, "-c", bare_code, str(html_file), str(tmp / "bare.pdf")]
    build_s, bare_s = pair(whole_build, lambda: run_process(bare_cmd)[0], runs)
    row("whole process: reportgen build, 1 report pdf+docx+html (s wall / CPU)", build_s.s())
    row("whole process: bare WeasyPrint of its HTML (s wall / CPU)", bare_s.s())
    ratio_row("  ratio build / bare WeasyPrint, whole process", build_s / bare_s, "≤ 1,50", 1.5)

    # in one process, warm (imports, fonts, template checks), chart cache emptied each time;
    # the bare render in a warm process of its own that has loaded WeasyPrint and nothing
    # else (in this process it would also pay for collecting garbage among reportgen's
    # libraries), asked for one render at a time so that the two alternate
    doc = make_document(project, entry)
    outputs = render_formats(project, doc, ("pdf", "docx", "html"))
    css = (project.templates / STYLESHEET).read_text(encoding="utf-8")
    page = html_writer.render_text(doc, css)
    (tmp / "bare.html").write_text(page, encoding="utf-8")

    def full() -> T:
        clear = getattr(charts, "clear_cache", None)
        if clear:
            clear()
        return timed(lambda: render_formats(project, make_document(project, entry),
                                            ("pdf", "docx", "html")))

    with WarmBare(tmp / "bare.html") as bare:
        full_s, bare_in = pair(full, bare.render, max(runs, 11))  # noisy: more samples
    row("in-process: document + pdf+docx+html (s wall / CPU)", full_s.s(3))
    row("in-process: bare WeasyPrint HTML(string).write_pdf(), own warm process (s wall / CPU)",
        bare_in.s(3))
    ratio_row("  ratio, in-process", full_s / bare_in, "≤ 1,30", 1.3)
    # where the in-process time goes: the document, then each writer on it (medians); the
    # PDF writer makes a tagged PDF/A-3a with the data attached, the bare render a plain PDF
    n = max(runs, 5)

    def fresh_document():
        clear = getattr(charts, "clear_cache", None)
        if clear:
            clear()
        return make_document(project, entry)
    parts = {"document": med([timed(fresh_document) for _ in range(n)])}
    for fmt in ("pdf", "docx", "html"):
        parts[fmt] = med([timed(lambda: render_formats(project, doc, (fmt,))) for _ in range(n)])
    row("  of which document / pdf / docx / html (s CPU)",
        " / ".join(f"{t.cpu:.2f}" for t in parts.values()))
    alone = parts["pdf"] / bare_in
    row("  the PDF writer alone (PDF/A-3a, tagged) / bare WeasyPrint (wall; CPU)",
        f"{alone.wall:.2f}; {alone.cpu:.2f}")

    # the DOCX writer against pandoc on the same HTML. The target is the writer's own work
    # (as `reportgen build` runs it: in the process that made the document) against pandoc's
    # whole conversion; a process that only writes a DOCX is shown too, with what Python's
    # start-up and imports cost in it, against pandoc's start-up (a compiled program)
    docx_render = writer("docx")
    docx_in = med([timed(lambda: docx_render(doc, css=css, assets=[project.templates]))
                   for _ in range(max(runs, 5))])
    (tmp / "doc.pickle").write_bytes(pickle.dumps((doc, css)))
    load_code = ("import pickle, sys\nfrom reportgen.writers import writer\n"
                 "render = writer('docx')\n"
                 "doc, css = pickle.loads(open(sys.argv[1], 'rb').read())\n")
    docx_code = load_code + "open(sys.argv[2], 'wb').write(render(doc, css=css))\n"
    docx_cmd = [PY, "-c", docx_code, str(tmp / "doc.pickle"), str(tmp / "w.docx")]
    start_cmd = [PY, "-c", load_code, str(tmp / "doc.pickle")]
    (tmp / "page.html").write_bytes(outputs["html"])
    pandoc = shutil.which("pandoc")
    row("DOCX writer alone, in-process (s wall / CPU)", docx_in.s(3))
    if not pandoc:
        row("pandoc", "absent", "(apt-get install pandoc)")
        return
    pandoc_cmd = [pandoc, "--quiet", "-f", "html", "-t", "docx", str(tmp / "page.html"),
                  "-o", str(tmp / "pandoc.docx")]
    docx_whole, pandoc_s = pair(lambda: run_process(docx_cmd, cwd=ROOT)[0],
                                lambda: run_process(pandoc_cmd)[0], runs)
    start_s, pandoc_start = pair(lambda: run_process(start_cmd, cwd=ROOT)[0],
                                 lambda: run_process([pandoc, "--version"])[0], runs)
    row("pandoc HTML -> DOCX, whole process (s wall / CPU)", pandoc_s.s(3))
    ratio_row("  ratio DOCX writer (in-process) / pandoc", docx_in / pandoc_s, "< 1", 0.9999)
    row("DOCX writer alone, whole process from a pickle (s wall / CPU)", docx_whole.s(3))
    row("  of which Python start-up, imports, unpickling (s wall / CPU)", start_s.s(3))
    row("pandoc start-up alone, pandoc --version (s wall / CPU)", pandoc_start.s(3))
    r = docx_whole / pandoc_s
    row("  whole process / pandoc, start-up included (wall; CPU)", f"{r.wall:.2f}; {r.cpu:.2f}",
        "(information)")
    writing = T(docx_whole.wall - start_s.wall, docx_whole.cpu - start_s.cpu)
    converting = T(pandoc_s.wall - pandoc_start.wall, pandoc_s.cpu - pandoc_start.cpu)
    r = writing / converting
    row("  whole process / pandoc, each less its start-up (wall; CPU)",
        f"{r.wall:.2f}; {r.cpu:.2f}", "(information)")


# ------------------------------------------------------------------ preview
def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


def preview(tmp: Path, edits: int) -> None:
    from reportgen.authoring.preview import PreviewServer
    from reportgen.data.dataset import find_entries
    from reportgen.project import Project
    from reportgen.render import charts

    shutil.copytree(ROOT / "templates", tmp / "pv" / "templates")
    shutil.copytree(ROOT / "data" / "bac-kan", tmp / "pv" / "data" / "bac-kan")
    project = Project(data=tmp / "pv" / "data", templates=tmp / "pv" / "templates")
    entry = find_entries(project.data)[0]
    data = project.data / "bac-kan" / "2022.yaml"
    good = data.read_text(encoding="utf-8")
    server = PreviewServer(project, entry, port=0, log=lambda _: None).start()

    def show_pages(version: str) -> str:
        """What the browser does after a save: wait for the change, load the page, then
        every page picture. Returns the new version."""
        new = _get(server.url + f"version?cho={version}").decode()
        page = _get(server.url).decode()
        for src in re.findall(r'<img class="page" src="/([^"]+)"', page):
            _get(server.url + src)
        return new if "reportgen-pages" in page or "RG" in page else new

    try:
        version = _get(server.url + "version").decode()
        _get(server.url)
        times, reused = [], []
        for i in range(2 * edits):
            # even edits: every cache empty (the target); odd edits: the pictures of pages
            # whose pixels did not change are kept (this save changes none: the best case)
            empty = i % 2 == 0
            clear = getattr(charts, "clear_cache", None)
            if clear:
                clear()
            if empty and hasattr(server, "forget_pictures"):
                server.forget_pictures()
            text = good + f"\n# lần sửa {i + 1}\n"  # a save: the whole report is laid out

            def save() -> None:
                nonlocal version
                data.write_text(text, encoding="utf-8")
                version = show_pages(version)
                assert "reportgen-pages" in _get(server.url).decode(), "the preview shows no pages"
            (times if empty else reused).append(timed(save))
        p50 = med(times)
        row(f"preview: save -> new pages served, p50 of {edits} edits (s wall / CPU)", p50.s(),
            "≤ 1,5 s", p50.wall <= 1.5)
        row("  the same, unchanged pages' pictures kept (s wall / CPU)", med(reused).s())
        broken = []
        for i in range(max(3, edits // 2)):
            def save_broken() -> None:
                nonlocal version
                data.write_text(good.replace("status: ước đạt", "status: uoc dat", 1)
                                + f"\n# {i}\n", encoding="utf-8")
                version = _get(server.url + f"version?cho={version}").decode()
                assert "RG123" in _get(server.url).decode(), "the finding is not on the page"
            broken.append(timed(save_broken))
            data.write_text(good + f"\n# ok {i}\n", encoding="utf-8")
            version = _get(server.url + f"version?cho={version}").decode()
            _get(server.url)
        p50 = med(broken)
        row(f"preview: breaking save -> finding shown, p50 of {len(broken)} (s wall / CPU)",
            p50.s(), "≤ 0,5 s", p50.wall <= 0.5)
    finally:
        server.close()


# ------------------------------------------------------------------ growth
def growth(tmp: Path, counts: list[int]) -> None:
    base = None
    peak16 = None
    for k in (1, 4, 16):
        data = synthetic(tmp / f"scale{k}", 1, 1, k)
        cmd = build_cmd(data, tmp / f"o-scale{k}", "--all", "--force", "--jobs", "1")
        took, peak = run_process(cmd)
        if k == 16:
            peak = own_peak(cmd, tmp / "peak.txt", peak)
        base = base or took
        g = took / base
        row(f"1 report, {k:>2}× the figures of Bắc Kạn (s wall / CPU; growth)", took.s(),
            f"{g.wall:.2f}× vs {k}×", g.wall <= k * 1.05)
        if k == 16:
            peak16 = peak
    row("  peak memory of the process building the 16× report (MB)", f"{peak16}", "≤ 300 MB",
        peak16 <= 300)
    base = None
    for n in counts:
        data = synthetic(tmp / f"n{n}", n, 1, 1)
        took, _ = run_process(build_cmd(data, tmp / f"o-n{n}", "--all", "--force", "--jobs", "2"))
        base = base or took
        g = took / base
        row(f"{n:>3} reports, --jobs 2 (s wall / CPU; wall per report; growth)",
            f"{took.s(1)} ({took.wall / n:.2f})", f"{g.wall:.1f}× vs {n}×", g.wall <= n * 1.05)


def parallel(tmp: Path, n: int) -> None:
    data = synthetic(tmp / "par", n, 1, 1)
    one, two = pair(lambda: run_process(build_cmd(data, tmp / "o-j1", "--all", "--force", "--jobs", "1"))[0],
                    lambda: run_process(build_cmd(data, tmp / "o-j2", "--all", "--force", "--jobs", "2"))[0],
                    1)
    row(f"{n} reports --jobs 1 (s wall / CPU)", one.s(1))
    row(f"{n} reports --jobs 2 (s wall / CPU)", two.s(1))
    row("  speed-up --jobs 2 over --jobs 1 (wall)", f"{one.wall / two.wall:.2f}×", "≥ 1,70×",
        one.wall / two.wall >= 1.7)
    row("  CPU of --jobs 2 / CPU of --jobs 1 (1,00: no parallel overhead)",
        f"{two.cpu / one.cpu:.2f}")
    noop, _ = run_process(build_cmd(data, tmp / "o-j2", "--all", "--jobs", "2"))
    row("  no-op rebuild / full build, --jobs 2 (wall; CPU)",
        f"{noop.wall / two.wall * 100:.1f}%; {noop.cpu / two.cpu * 100:.1f}%", "≤ 5%",
        noop.wall / two.wall <= 0.05)


def startup(runs: int) -> None:
    h = med([run_process([str(BIN), "--help"])[0] for _ in range(max(runs, 5))])
    row("reportgen --help, whole process (s wall / CPU)", h.s(), "≤ 0,30 s", h.wall <= 0.3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="fewer runs, 1/4/16 reports instead of 1/8/32/128, 5 edits")
    ap.add_argument("--runs", type=int, default=None, help="runs per timed pair (median)")
    ap.add_argument("--only", default="one,preview,help,jobs,growth", metavar="PARTS",
                    help="comma-separated parts to run: one (one report, DOCX vs pandoc), "
                         "preview, help, jobs (--jobs 2 / --jobs 1, no-op), growth")
    ap.add_argument("--archival", action="store_true",
                    help="only the cost of PDF/A-3a + tags over a plain PDF")
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    os.chdir(ROOT)
    if args.archival:
        archival_cost()
        return
    load = os.getloadavg()[0]
    print(f"reportgen benchmark: {os.cpu_count()} cores, load {load:.1f}, Python "
          f"{sys.version.split()[0]}{', --quick' if args.quick else ''}; medians of {runs}")
    start = time.perf_counter()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - {"one", "preview", "help", "jobs", "growth"}
    if unknown:
        raise SystemExit(f"unknown part(s) for --only: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        tmp = Path(tmp)
        if "one" in parts:
            one_report(tmp, runs)
        if "preview" in parts:
            preview(tmp, 5 if args.quick else 10)
        if "help" in parts:
            startup(runs)
        if "jobs" in parts:
            parallel(tmp, 8 if args.quick else 16)
        if "growth" in parts:
            growth(tmp, [1, 4, 16] if args.quick else [1, 8, 32, 128])
    missed = [r for r in ROWS if r[3] == "NOT MET"]
    print(f"{len([r for r in ROWS if r[3]])} targets, {len(missed)} not met "
          f"({time.perf_counter() - start:.0f} s; load now {os.getloadavg()[0]:.1f})")


def archival_cost(n: int = 7) -> None:
    """What the published PDF costs over a plain one, in the same process and run: tagged
    PDF/A-3a, data attached, XMP, signature field and content digest (writers/archival.py)
    against WeasyPrint's plain PDF of the same Document, alternating the two."""
    from reportgen.build.pipeline import make_document
    from reportgen.data.dataset import find_entries
    from reportgen.project import Project
    from reportgen.writers import pdf as pdf_writer

    project = Project()
    entry = next(e for e in find_entries(project.data) if e.slug == "bac-kan")
    doc = make_document(project, entry)
    css = (project.templates / "style" / "print.css").read_text(encoding="utf-8")
    kw = {"css": css, "assets": [project.templates]}
    pdf_writer.render(doc, archival=True, **kw)  # warm up fonts and imports
    # CPU time of this process as well as wall time: on a shared machine the wall clock
    # measures the neighbours too
    plain, archival, plain_cpu, archival_cpu = [], [], [], []
    for _ in range(n):
        for flag, times, cpu in ((False, plain, plain_cpu), (True, archival, archival_cpu)):
            t, c = time.perf_counter(), time.process_time()
            pdf_writer.render(doc, archival=flag, **kw)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    p, a = statistics.median(plain), statistics.median(archival)
    pc, ac = statistics.median(plain_cpu), statistics.median(archival_cpu)
    row(f"plain PDF of one report (s wall / s CPU, median of {n})", f"{p:.3f} / {pc:.3f}")
    row("PDF/A-3a + tags + data + field (s wall / CPU)", f"{a:.3f} / {ac:.3f}")
    row("ratio archival / plain (wall; CPU)", f"{a / p:.2f}; {ac / pc:.2f}",
        f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
