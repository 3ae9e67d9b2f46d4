"""One report on two cores: its PDF rendered in a forked helper process.

Building a single report in a new process is a chain: import WeasyPrint (≈0,4 s), load and
validate the data and make the document (≈0,35 s), lay out the PDF (≈0,8 s), write the DOCX
(≈0,25 s). When a second core is free (`--jobs` ≥ 2 and only one report to build), the helper
is forked before the document is made: it imports WeasyPrint while this process loads the
data, receives the finished document, and lays out the PDF while this process writes the DOCX
and the HTML. The bytes are the same (the helper renders the same document with the same
code); only the wall-clock time changes.

The helper never decides anything: if it fails for any reason (an error in the PDF, a crash,
a document that cannot be sent), `pdf()` returns None and the caller renders the PDF itself,
so every error message is the one the single-process build gives. Ctrl-C is handled by this
process, which ends the helper (it ignores SIGINT itself).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Optional

from ..document.types import Document
from ..project import Project

#: `pipeline.render_formats` (given by the caller: this module is used by the pipeline)
Render = Callable[..., dict]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worth_it(formats: tuple[str, ...], jobs: int) -> bool:
    """A helper pays off in a process that has not imported WeasyPrint yet (a command, not a
    warm process such as the preview), on Linux (fork), with a second core to use."""
    return ("pdf" in formats and jobs >= 2 and sys.platform.startswith("linux")
            and "weasyprint" not in sys.modules and cores() >= 2)


def _helper(conn, render: Render, project: Project, province_dir: Optional[Path]) -> None:
    """In the forked process: import WeasyPrint, wait for the document, send back the PDF."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the build and ends us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked across the fork
    try:
        from ..writers import prepare
        prepare("pdf")
    except Exception:  # the render below fails too; the parent then renders and reports it
        pass
    try:
        doc = conn.recv()
    except (EOFError, OSError):
        return
    if doc is None:
        return
    try:
        pdf = render(project, doc, ("pdf",), province_dir)["pdf"]
        conn.send(("ok", bytes(pdf), getattr(pdf, "pages", None)))
    except BaseException:
        try:
            conn.send(("failed",))
        except (OSError, ValueError):
            pass
    finally:
        conn.close()


class PdfHelper:
    """The forked helper of one report (see the module's text). Use as a context manager:
    leaving it ends the helper whatever happened."""

    def __init__(self, render: Render, project: Project, province_dir: Optional[Path]):
        import multiprocessing as mp

        context = mp.get_context("fork")
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_helper, args=(child, render, project, province_dir),
                                    name="reportgen-pdf", daemon=True)
        # a Ctrl-C arriving while the helper starts is kept for this process: the helper
        # ignores it once running, and must not print a traceback before it does
        import signal
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self.sent = self.answered = False
        self.answer = None

    def send(self, doc: Document) -> None:
        """Hand over the document (if it cannot be sent, the caller renders the PDF)."""
        try:
            self.conn.send(doc)
            self.sent = True
        except Exception:
            self.sent = False

    def pdf(self):
        """The PDF's bytes (`writers.pdf.PdfBytes`, knowing its page count), or None when the
        helper did not make them."""
        if not self.sent:
            return None
        if not self.answered:
            try:
                self.answer = self.conn.recv()
            except (EOFError, OSError):
                self.answer = None
            self.answered = True
        if not self.answer or self.answer[0] != "ok":
            return None
        from ..writers.pdf import PdfBytes
        out = PdfBytes(self.answer[1])
        out.pages = self.answer[2]
        return out

    def close(self) -> None:
        """End the helper: at once unless it has answered (then it is exiting anyway)."""
        self.conn.close()
        if not self.answered and self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout=5)

    def __enter__(self) -> "PdfHelper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def render_with_helper(helper: PdfHelper, render_formats: Render, project: Project, doc: Document,
                       formats: tuple[str, ...], province_dir: Optional[Path]) -> dict[str, bytes]:
    """Every format of `doc`, the PDF from the helper: the same dict `render_formats` gives.
    A failure raises the error the single-process build raises (the PDF's first)."""
    helper.send(doc)
    rest = tuple(f for f in formats if f != "pdf")
    try:
        others = render_formats(project, doc, rest, province_dir) if rest else {}
    except Exception:
        if helper.pdf() is None:  # the PDF fails too: its error comes first, as in order
            render_formats(project, doc, ("pdf",), province_dir)
        raise
    pdf = helper.pdf()
    if pdf is None:
        pdf = render_formats(project, doc, ("pdf",), province_dir)["pdf"]
    return {f: pdf if f == "pdf" else others[f] for f in formats}
