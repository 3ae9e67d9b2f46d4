"""Many reports at once: `build` (and `build --check`) of every report selected.

The batch holds a lock on its output folder (`record.folder_lock`; not for --check, which
writes nothing), reads the build record (``output/.reportgen-build.json``), and decides in
this process, before any rendering, which reports are current (`pipeline.plan`: their input
hash and output hashes match the record): a no-op rebuild starts no worker and renders
nothing. The others are built one after another, or in worker processes (``--jobs``) forked
from this one, one report per task, handed out as workers free up. One report failing (bad
data, a bad template, a link outside data/, even a bug) never stops the others: each failure
is reported and the record of the others is saved. Temporary files of killed builds are
removed when the next build starts (`fileio.remove_stale_temps`), never those of a build
still running. Ctrl-C stops the build after saying which files were already replaced.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from ..data.dataset import Entry
from ..errors import WriteError
from ..fileio import inside, remove_stale_temps
from ..project import Project
from . import pipeline
from .pipeline import BuildResult, output_path
from .record import folder_lock, load_record, save_record


_STOP = None  # in a worker: the parent's "stop" event


def _worker_start(stop) -> None:
    """Worker start. Ctrl-C reaches the whole process group, but a worker ignores it (a
    KeyboardInterrupt inside WeasyPrint or an idle pool queue prints tracebacks): the parent
    stops the build and ends its workers (`_stop_workers`)."""
    import signal
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _build_one_in_worker(project: Project, entry: Entry, *args, **kwargs) -> BuildResult:
    if _STOP is not None and _STOP.is_set():  # queued before Ctrl-C: not started
        return BuildResult(entry, "failed", error="đã dừng (Ctrl-C)")
    return pipeline.build_one(project, entry, *args, **kwargs)


def _stop_workers(pool, stop) -> None:
    """Ctrl-C (or an error) in a parallel build: no queued report starts, the running ones
    are ended (each of their files is the previous one or the new complete one, as after a
    kill; `_remove_temps` then removes the ended workers' temporary files)."""
    stop.set()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:
        proc.join(timeout=10)
    pool.shutdown(wait=True)
    # The pool is broken now and its wake-up pipe closed; Python 3.11's exit hook would still
    # write to it and print a traceback ("Bad file descriptor") after our Ctrl-C message
    # (3.12 checks for a closed pipe itself).
    from concurrent.futures import process as futures_process
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)


class _Workers:
    """Worker processes forked from this one (they start with everything this process has
    imported and loaded), one report per task, handed out in order as workers free up;
    `results()` gives the results in the order of the reports."""

    def __init__(self, project: Project, todo: list[tuple[Entry, str]], formats: tuple[str, ...],
                 out: Path, force: bool, check: bool, jobs: int):
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing as mp

        context = mp.get_context("fork")
        self.stop = context.Event()  # set on Ctrl-C: queued reports are not started
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                        initializer=_worker_start, initargs=(self.stop,))
        # the skip decision is made: a worker gets the input hash, not the record
        self.futures = [self.pool.submit(_build_one_in_worker, project, e, formats, out, force,
                                         check, None, digest=digest) for e, digest in todo]

    def results(self):
        for fut in self.futures:
            yield fut.result()

    def end(self) -> None:
        """Ctrl-C or an error: no queued report starts, the running ones are ended."""
        _stop_workers(self.pool, self.stop)

    def close(self) -> None:
        self.pool.shutdown(wait=True)


class _LostInterrupts:
    """A Ctrl-C that Python cannot raise where it lands (in a finalizer or a C callback it is
    printed as "Exception ignored … KeyboardInterrupt" and dropped) is kept instead, and the
    build stops after the report it landed in."""

    def __enter__(self) -> "_LostInterrupts":
        self.hook, self.lost = sys.unraisablehook, False
        sys.unraisablehook = self._keep
        return self

    def _keep(self, unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            self.lost = True
        else:
            self.hook(unraisable)

    def __exit__(self, *exc) -> None:
        sys.unraisablehook = self.hook

    def check(self) -> None:
        if self.lost:
            raise KeyboardInterrupt


def _remove_temps(out: Path, entries: list[Entry], started: float) -> None:
    """Temporary files of killed builds in the folders a build writes (never elsewhere)."""
    for folder in dict.fromkeys([out] + [output_path(out, e, "x").parent for e in entries]):
        if inside(out, folder):
            remove_stale_temps(folder, started)


def build(project: Project, entries: list[Entry], formats: tuple[str, ...], out: Path,
          force: bool = False, check: bool = False, jobs: int = 1, progress=None,
          warn=None) -> list[BuildResult]:
    """Build several reports, serially or in worker processes; one failure stops nothing.
    Holds the output folder's lock (not for --check, which writes nothing); `warn` gets the
    warnings (a damaged record)."""
    if check:
        return _build(project, entries, formats, out, force, check, jobs, progress, warn)
    try:
        lock = folder_lock(out)
        lock.__enter__()
    except OSError as exc:
        raise WriteError(f"không tạo được thư mục kết quả ({exc.strerror or exc})",
                         getattr(exc, "filename", None) or out) from None
    try:
        return _build(project, entries, formats, out, force, check, jobs, progress, warn)
    finally:
        lock.__exit__(None, None, None)


def _build(project: Project, entries: list[Entry], formats: tuple[str, ...], out: Path,
           force: bool, check: bool, jobs: int, progress, warn) -> list[BuildResult]:
    record = load_record(out, warn)
    results: list[BuildResult] = []
    started = time.time()
    if not check:  # temporary files of killed builds, in the folders this build writes
        _remove_temps(out, entries, started)
    # what each report needs, decided here before rendering anything: a no-op rebuild
    # starts no worker; the input hash is taken before rendering, so it is what is rendered
    planned = [pipeline.plan(project, e, formats, out, force, check, record) for e in entries]
    todo = [(e, p) for e, p in zip(entries, planned) if not isinstance(p, BuildResult)]
    workers = None
    with _LostInterrupts() as interrupts:
        if jobs > 1 and len(todo) > 1:
            pipeline.preload()
            workers = _Workers(project, todo, formats, out, force, check, min(jobs, len(todo)))
            built = workers.results()
        else:
            # one report and cores to spare: its PDF on a second core (overlap.py)
            two = jobs > 1 and len(todo) == 1
            built = (pipeline.build_one(project, e, formats, out, force, check, None, digest=d,
                                        two_cores=two) for e, d in todo)
        try:
            for planned_result in planned:
                res = planned_result if isinstance(planned_result, BuildResult) else next(built)
                results.append(res)
                if progress:
                    progress(res)
                interrupts.check()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):  # say which files were already replaced
                exc.replaced = ([f for r in results if r.status == "built"  # type: ignore
                                 for f in r.files] + getattr(exc, "replaced", []))
                if workers is not None:
                    exc.unfinished = True  # type: ignore[attr-defined]
            if workers is not None:
                workers.end()
                if not check:  # the ended workers' temporary files
                    _remove_temps(out, entries, started)
            raise
        if workers is not None:
            workers.close()
    for res in results:  # what was rendered, from the hash taken before rendering
        if res.status == "built" and res.digest is not None:
            record[f"{res.entry.slug}/{res.entry.period.slug}"] = {"input": res.digest,
                                                                   "outputs": res.hashes}
    if not check and any(r.status == "built" for r in results):
        save_record(out, record, warn)
    return results
