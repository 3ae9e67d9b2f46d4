"""Interrupted builds (issue #9): a build killed at any point leaves every output either the
previous good file or the new complete one; the temporary files a SIGKILL leaves behind are
removed by the next build; Ctrl-C stops with exit 130 and a message; two builds into the same
folder at once do not corrupt each other.

The builds run as `python -m reportgen build --all --force` subprocesses in their own process
group (the workers of `-j` included), on a copy of three seeded provinces. The kill delays are
fixed fractions of a measured build, so the test is the same on a fast or a slow machine.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.build.batch import build
from reportgen.build.record import RECORD
from reportgen.fileio import remove_stale_temps
from reportgen.build.record import LOCK
from reportgen.data.dataset import find_entries
from reportgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "docx", "html")
PROVINCES = ("ben-tre", "cao-bang", "thai-nguyen")
KILLS = 6
# what a build may leave besides its outputs: .<name>.<pid>.<random>.tmp
TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[a-z0-9_]{8}\.tmp$")


# `reportgen ARGS` that sends SIGNAL to its process group in the n-th fsync of any of its
# processes, once (atomic_write calls fsync after writing a temporary file, before renaming it)
SIGNAL_AT_FSYNC = """\
import os, signal, sys
sig, n, once = getattr(signal, sys.argv.pop(1)), int(sys.argv.pop(1)), sys.argv.pop(1)
calls, real = [0], os.fsync
def fsync(fd):
    calls[0] += 1
    if calls[0] == n:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            pass
        else:
            os.killpg(os.getpgrp(), sig)
    return real(fd)
os.fsync = fsync
from reportgen.cli import main
main(prog_name="reportgen")
"""


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK}  # the empty lock file stays, by design


def split(folder: Path) -> tuple[dict[str, bytes], list[Path]]:
    """(outputs and record, temporary files) under folder."""
    outputs, temps = {}, []
    for rel, data in files(folder).items():
        if TEMP.match(Path(rel).name):
            temps.append(folder / rel)
        else:
            outputs[rel] = data
    return outputs, temps


class Tree:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.templates = root / "templates"
        self.project = Project(data=self.data, templates=self.templates, output=root / "out")

    def command(self, out: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "reportgen", "--data", str(self.data), "--templates",
                str(self.templates), "build", "--all", "--out", str(out), "--force", *extra]

    def start(self, out: Path, *extra: str, signal_at_fsync: tuple = ()) -> subprocess.Popen:
        """The build as a process group; with signal_at_fsync=(name, n), it sends itself
        that signal in the n-th fsync."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = self.command(out, *extra)
        if signal_at_fsync:
            once = self.root / f"once-{time.monotonic_ns()}"
            command[1:3] = ["-c", SIGNAL_AT_FSYNC, signal_at_fsync[0], str(signal_at_fsync[1]),
                            str(once)]
        return subprocess.Popen(command, cwd=self.root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)

    def reset(self, out: Path) -> None:
        """Put the previous good outputs back (temporary files left by a kill stay)."""
        for rel, data in self.old.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """Old outputs (built before the data changed) and new ones (a clean build after), and the
    time a build takes."""
    root = tmp_path_factory.mktemp("interrupt")
    shutil.copytree(ROOT / "templates", root / "templates")
    for slug in PROVINCES:
        shutil.copytree(ROOT / "data" / slug, root / "data" / slug)
    t = Tree(root)
    build(t.project, find_entries(t.data), FORMATS, root / "old", jobs=2)
    t.old = files(root / "old")
    for path in sorted(t.data.glob("*/2*.yaml")):  # a new document number: every file changes
        text = path.read_text(encoding="utf-8")
        changed = re.sub(r"(?m)^  number: \d+$", "  number: 77", text, count=1)
        assert changed != text
        path.write_text(changed, encoding="utf-8")
    started = time.monotonic()
    proc = t.start(root / "new")
    out, err = proc.communicate(timeout=120)
    t.seconds = time.monotonic() - started
    assert proc.returncode == 0, err
    t.new = files(root / "new")
    assert set(t.new) == set(t.old) and len(t.new) == 1 + len(PROVINCES) * len(FORMATS)
    assert all(t.new[k] != t.old[k] for k in t.new), "the change must show in every file"
    return t


def assert_old_or_new(tree: Tree, out: Path, context: str) -> list[Path]:
    outputs, temps = split(out)
    assert set(outputs) == set(tree.old), (context, sorted(outputs))
    for rel, data in outputs.items():
        assert data in (tree.old[rel], tree.new[rel]), f"{context}: {rel} is neither old nor new"
    return temps


def test_sigkill_at_any_point_leaves_old_or_new_files(tree):
    out = tree.root / "kill"
    left: list[Path] = []
    for k in range(KILLS):
        tree.reset(out)
        delay = tree.seconds * (k + 0.5) / KILLS
        proc = tree.start(out, "-j", "2" if k % 2 else "1")
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        temps = assert_old_or_new(tree, out, f"killed after {delay:.2f} s")
        for t in temps:  # only temporary files of the killed build, never a visible name
            assert t.name.startswith(".") and TEMP.match(t.name)
        left.extend(temps)
    # Timed kills rarely land in the few milliseconds between writing a temporary file and
    # renaming it; these do: the build kills itself (and its group) in its n-th fsync.
    # (the build record's temporary file: test_next_build_removes_only_stale_temporary_files)
    for n, new_files, temp_name in [(2, {"ben-tre/2021/bao-cao-ben-tre-2021.pdf"},
                                     ".bao-cao-ben-tre-2021.docx.")]:
        tree.reset(out)
        before = set(split(out)[1])
        proc = tree.start(out, "-j", "1", signal_at_fsync=("SIGKILL", n))
        proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL
        temps = assert_old_or_new(tree, out, f"killed in fsync {n}")
        outputs = split(out)[0]
        assert {rel for rel in outputs if outputs[rel] == tree.new[rel]} == new_files
        [temp] = set(temps) - before
        assert temp.name.startswith(temp_name) and temp.read_bytes() in tree.new.values()
        left.append(temp)
    # the next complete build removes what the killed ones left and writes the new files
    assert left
    proc = tree.start(out)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    outputs, temps = split(out)
    assert temps == [], temps
    assert outputs == tree.new


def test_next_build_removes_only_stale_temporary_files(tree, tmp_path):
    out = tmp_path / "out"
    entries = [e for e in find_entries(tree.data) if e.slug == "thai-nguyen"]
    folder = out / "thai-nguyen" / "2021"
    other = out / "cao-bang" / "2021"  # a report this build does not write
    folder.mkdir(parents=True)
    other.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    name = "bao-cao-thai-nguyen-2021"
    hour_ago = time.time() - 2 * 3600
    plant = {
        # removed: its build is gone (SIGKILL), or it is from before this build and has no pid
        folder / f".{name}.pdf.{dead_pid}.k2j3h4g5.tmp": False,
        folder / f".{name}.docx.999999999.abcdefgh.tmp": False,
        out / f"..reportgen-build.json.{dead_pid}.q1w2e3r4.tmp": False,
        folder / f".{name}.html.zz99yy88.tmp": False,
        folder / f".{name}.html.{os.getpid()}.old_old_.tmp": False,  # alive but hours old
        # kept: a build still running (this process), or not a file a build writes
        folder / f".{name}.pdf.{os.getpid()}.running.tmp": True,
        folder / ".ghi-chu.abcdefgh.tmp": True,
        folder / "ghi-chu.tmp": True,
        folder / f".{name}.pdf.tmp": True,
        other / f".bao-cao-cao-bang-2021.pdf.{dead_pid}.abcdefgh.tmp": True,
        tmp_path / f".{name}.pdf.{dead_pid}.abcdefgh.tmp": True,  # outside --out
    }
    for path in plant:
        path.write_bytes(b"partial")
        if "old_old_" in path.name or ".zz99yy88." in path.name:
            os.utime(path, (hour_ago, hour_ago))
    build(tree.project, entries, ("html",), out)
    for path, kept in plant.items():
        assert path.exists() == kept, path
    assert (folder / f"{name}.html").is_file()
    # --check writes nothing, and removes nothing either
    (folder / f".{name}.pdf.{dead_pid}.k2j3h4g5.tmp").write_bytes(b"partial")
    build(tree.project, entries, ("html",), out, check=True)
    assert (folder / f".{name}.pdf.{dead_pid}.k2j3h4g5.tmp").exists()
    assert remove_stale_temps(folder, time.time()) == [folder / f".{name}.pdf.{dead_pid}.k2j3h4g5.tmp"]


def _check_ctrl_c(proc: subprocess.Popen) -> str:
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "đã dừng (Ctrl-C)" in stderr
    assert "Traceback" not in stdout + stderr and "lỗi nội bộ" not in stdout + stderr, stderr
    return stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_with_a_message(tree, jobs):
    out = tree.root / f"sigint-{jobs}"
    tree.reset(out)
    proc = tree.start(out, "-j", jobs)
    first = proc.stderr.readline()  # "ben-tre 2021: đã dựng": the build is under way
    assert first.endswith(": đã dựng\n"), first
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the workers get it too
    _check_ctrl_c(proc)
    temps = assert_old_or_new(tree, out, "after Ctrl-C")
    assert temps == []  # an interrupted write removes its own temporary file
    assert split(out)[0]["ben-tre/2021/bao-cao-ben-tre-2021.pdf"] == \
        tree.new["ben-tre/2021/bao-cao-ben-tre-2021.pdf"]


@pytest.mark.parametrize("jobs,fsync,must,may", [
    # serial: in the first write of the second report; the first one is complete
    ("1", 4, {"ben-tre"}, {"ben-tre"}),
    # parallel: in the first write of a worker; the running reports are ended where they are,
    # the queued one does not start
    ("2", 1, set(), {"ben-tre", "cao-bang"}),
])
def test_ctrl_c_in_a_write_stops_the_build_there(tree, jobs, fsync, must, may):
    out = tree.root / f"sigint-fsync-{jobs}"
    tree.reset(out)
    started = time.monotonic()
    _check_ctrl_c(tree.start(out, "-j", jobs, signal_at_fsync=("SIGINT", fsync)))
    assert time.monotonic() - started < tree.seconds * 2  # queued reports did not run
    temps = assert_old_or_new(tree, out, "after Ctrl-C")
    assert temps == []  # removed by the interrupted write, or after ending the workers
    outputs = split(out)[0]
    new = {rel.split("/")[0] for rel in outputs if outputs[rel] == tree.new[rel]}
    assert must <= new <= may, new


def test_two_builds_at_once_into_the_same_folder(tree):
    out = tree.root / "concurrent"
    tree.reset(out)
    procs = [tree.start(out, "-j", "1"), tree.start(out, "-j", "1")]
    codes = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        codes.append(proc.returncode)
        # the lock: a build that finds the folder held says so and writes nothing
        assert proc.returncode == 0 or (proc.returncode == 1 and "RG403" in err
                                        and "đang được một lần dựng khác dùng" in err), err
    assert 0 in codes
    outputs, temps = split(out)
    assert temps == []
    assert outputs == tree.new
    assert set(json.loads(outputs[RECORD])) == {f"{s}/2021" for s in PROVINCES}


def test_a_ctrl_c_python_cannot_raise_stops_the_build_after_the_report(tree, tmp_path,
                                                                       monkeypatch, capfd):
    """Ctrl-C landing in a finalizer (WeasyPrint makes many) cannot be raised there: Python
    would print "Exception ignored … KeyboardInterrupt" and go on. The build keeps it and
    stops after that report instead."""
    from reportgen.build import pipeline as build_mod
    from reportgen.build.pipeline import BuildResult

    class Finalizer:
        def __del__(self):
            raise KeyboardInterrupt

    done = []

    def fake_build_one(project, entry, *args, **kwargs):
        done.append(entry.slug)
        if len(done) == 1:
            Finalizer()  # collected at once: the interrupt goes to sys.unraisablehook
        return BuildResult(entry, "built")

    monkeypatch.setattr(build_mod, "build_one", fake_build_one)
    hook = sys.unraisablehook
    with pytest.raises(KeyboardInterrupt):
        build(tree.project, find_entries(tree.data), ("html",), tmp_path / "out")
    assert done == ["ben-tre"]
    assert "Exception ignored" not in capfd.readouterr().err
    assert sys.unraisablehook is hook
