"""Writing files safely, in one place: atomic replace, create-only, temporary-file clean-up
and path containment. Used by the build, `reportgen new`, `schema`, `export` and `import`.

Every write goes to a temporary file ``.<name>.<pid>.<random>.tmp`` in the target's folder,
is flushed to disk and then renamed, so an error or an interruption never leaves a truncated
file and never removes a good one. A base module: imports nothing of reportgen.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _temp_file(path: Path, data: bytes) -> str:
    """`data` in a new temporary file beside `path`, on disk; returns its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                               dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        _unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            exc.filename = str(path)  # "No space left on device" named no file
        raise
    return tmp


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    tmp = _temp_file(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data` atomically; never replace an existing file (FileExistsError,
    even when another process creates it at the same moment)."""
    tmp = _temp_file(path, data)
    try:
        try:
            os.link(tmp, path)  # fails when the name exists: no overwrite, even in a race
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if path.exists() or path.is_symlink():
                raise FileExistsError(str(path)) from None
            os.replace(tmp, path)
    finally:
        _unlink(tmp)


# .<name>.<pid>.<8 random characters of mkstemp>.tmp (_temp_file), or without the pid
# (written before the pid was added), for the names a build writes: reports and the record
_TEMP = re.compile(r"^\.(?P<name>\.reportgen-build\.json|bao-cao-[a-z0-9-]+\.[a-z]+)"
                   r"(?:\.(?P<pid>\d+))?\.[a-z0-9_]{8}\.tmp$")
STALE_AFTER = 3600  # seconds: no build keeps a temporary file open that long


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def remove_stale_temps(folder: Path, started: float) -> list[Path]:
    """Remove temporary files that a killed build left in `folder` (never a file of a build
    still running: two builds may write into the same folder at once). Returns them."""
    removed = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return removed
    for name in names:
        m = _TEMP.match(name)
        if not m:
            continue
        path = folder / name
        try:
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            pid = m["pid"]
            if pid is not None:
                stale = not _running(int(pid)) or st.st_mtime < started - STALE_AFTER
            else:
                stale = st.st_mtime < started
            if stale:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone already (another build cleaned it), or not ours to remove
    return removed


def inside(root: Path, path: Path) -> bool:
    """Whether `path` (existing or not) stays inside `root` once links are followed."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
