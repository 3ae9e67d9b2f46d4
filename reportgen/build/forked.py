"""Run one writer in a forked child while the parent runs another: a single report built on a
machine with two cores writes its DOCX while WeasyPrint lays out its PDF.

Only for a build of one report (several reports already keep every core busy with
``--jobs``). The child computes bytes and sends them back through a pipe; it writes no file,
so an interruption leaves nothing behind: Ctrl-C (SIGINT to the process group) ends the
child silently and the parent reports it as usual; a killed parent leaves a child that ends
when its pipe closes. Any failure in the child (an exception that cannot be sent back, a
child that dies) makes the parent run the writer itself: the result is the same bytes.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Callable, Optional


class Forked:
    """`fn()` running in a child process; `result()` gives its value or raises its error."""

    def __init__(self, fn: Callable[[], bytes]):
        self.fn = fn
        self.pid: Optional[int] = None
        self.fd: Optional[int] = None
        if not hasattr(os, "fork"):
            return
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without cleanup handlers
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.close(r)
                try:
                    value = fn()
                except BaseException as exc:  # noqa: BLE001 (sent to the parent)
                    try:
                        payload = pickle.dumps(("error", exc))
                    except Exception:
                        payload = pickle.dumps(("retry", None))
                else:
                    try:
                        payload = pickle.dumps(("ok", value), protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:
                        payload = pickle.dumps(("retry", None))
                with os.fdopen(w, "wb") as fh:
                    fh.write(payload)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r

    def result(self) -> bytes:
        if self.pid is None:
            return self.fn()
        chunks = []
        try:
            with os.fdopen(self.fd, "rb") as fh:
                self.fd = None
                while chunk := fh.read(1 << 20):
                    chunks.append(chunk)
        finally:
            self._reap()
        try:
            kind, value = pickle.loads(b"".join(chunks))
        except Exception:
            kind, value = "retry", None
        if kind == "ok":
            return value
        if kind == "error":
            raise value
        return self.fn()  # the child could not say: do it here

    def cancel(self) -> None:
        """Stop the child (the parent is failing or was interrupted)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _reap(self) -> None:
        if self.pid is not None:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = None
